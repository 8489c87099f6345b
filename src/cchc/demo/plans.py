"""Seeded generator of a plan in motion for the demo: tasks assigned and reported on.

Nothing here is in the plan's document, and everything it writes is marked. The bundled plan
keeps only what its document says (plans.reference); on top of it, in the demo database only:

- a task the document leaves unassigned and undated gets an **illustrative** lead agency
  (the agency its text names as lead — "Giao Sở Tư pháp chủ trì …" — else a plausible lead
  for its reform area), one or two coordinating agencies and a deadline in the plan's year;
  such a task is `Task.illustrative` ("minh họa" on the tracker and the task page), and the
  reform office's own assignment clears the mark (`plans.services.task_save`);
- the lead agency reports progress: some tasks done on time, some done late, some in
  progress past their deadline (late), some in progress with a deadline still ahead when the
  plan's year is running, some not reported yet. Reports are `ProgressReport.synthetic`
  ("dữ liệu mô phỏng" wherever shown), written by an inactive account that cannot log in.

Tasks the document assigns or dates are left as they are; only their reports are generated.
The result depends only on the seed, the plan's tasks and agencies (in order) and `today`
(nothing is dated after it). Running it again with the same seed gives the same tasks and
reports: the previous illustrative reports are replaced, not added to."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from cchc.core.calendar import LOCAL_TZ
from cchc.organizations.models import Agency, AgencyLevel
from cchc.plans.models import Plan, ProgressReport, ProgressStatus, Task

DEMO_REPORTER = "du-lieu-minh-hoa"
# A plausible lead for each reform area (Resolution 76/NQ-CP), by agency code.
AREA_LEADS = {
    "direction": "12-SNV",
    "institutions": "12-STP",
    "procedures": "12-VPUB",
    "organization": "12-SNV",
    "civil_service": "12-SNV",
    "public_finance": "12-STC",
    "digital_government": "12-STTTT",
}
FALLBACK_LEAD = "12-SNV"
# What the lead reports; spread over the tasks so every kind appears once there are enough.
KINDS = ("done", "in_progress", "late", "done_late", "ahead", "not_reported")
TEXTS = {
    "done": "Đã hoàn thành nhiệm vụ; đã có văn bản báo cáo kết quả gửi Sở Nội vụ.",
    "done_late": "Đã hoàn thành, chậm so với thời hạn do phải xin ý kiến các cơ quan liên quan.",
    "in_progress": "Đang triển khai; đã ban hành văn bản hướng dẫn và tổ chức thực hiện.",
    "late": "Đang thực hiện, chậm tiến độ do vướng mắc trong phối hợp giữa các cơ quan.",
    "ahead": "Đang triển khai theo kế hoạch.",
}
_LEAD_WORDS = re.compile(r"\b(chủ trì|tham mưu)\b", re.IGNORECASE)


@dataclass
class Summary:
    seed: int
    assigned: int = 0
    reports: int = 0
    kinds: Counter = field(default_factory=Counter)


def named_lead(text: str, agencies: list[Agency]) -> Agency | None:
    """The agency the task's text names as its lead: "Giao <agency> …" or "<agency> chủ trì
    / tham mưu …" (within the same clause); None when the text names none."""
    for agency in agencies:
        for match in re.finditer(re.escape(agency.name), text, re.IGNORECASE):
            before = text[max(0, match.start() - 12) : match.start()].lower()
            after = re.split(r"[;.]", text[match.end() : match.end() + 60])[0]
            if "giao" in before or _LEAD_WORDS.search(after):
                return agency
    return None


def _reporter():
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_REPORTER, defaults={"is_active": False, "first_name": "Dữ liệu minh họa"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(9, 30), tzinfo=LOCAL_TZ)


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


@transaction.atomic
def plan_in_motion(*, plan: Plan, seed: int, today: date) -> Summary:
    """Assign and report on the tasks of `plan` as described above; `today` is the tracker's
    day (nothing is dated after it)."""
    rng = random.Random(f"{seed}:{plan.year}")  # noqa: S311 — reproducible demo data
    summary = Summary(seed=seed)
    year_start, year_end = date(plan.year, 1, 1), date(plan.year, 12, 31)
    horizon = min(today, year_end)
    if horizon < year_start:
        return summary  # a plan of a year not begun: nothing to have happened yet
    active = Agency.objects.active_on(year_start).order_by("code")
    departments = list(active.filter(level=AgencyLevel.DEPARTMENT))
    by_code = {a.code: a for a in active}
    # A two-tier plan (2026 on, plans.tiers) has no district UBND to coordinate a task.
    districts = list(active.filter(level=AgencyLevel.DISTRICT)) if plan.has_district_tier else []
    reporter = _reporter()
    tasks = list(
        Task.objects.filter(plan=plan, owner__isnull=True)
        .select_related("area")
        .order_by("area__order", "order", "pk")
    )
    ProgressReport.objects.filter(task__in=tasks, synthetic=True).delete()
    kinds = [KINDS[i % len(KINDS)] for i in range(len(tasks))]
    rng.shuffle(kinds)
    for task, kind in zip(tasks, kinds, strict=True):
        if task.illustrative or (task.lead_agency_id is None and task.deadline is None):
            _assign(task, rng, departments, districts, by_code, kind, horizon, year_end)
            summary.assigned += 1
        if task.lead_agency_id is None:
            continue  # the document assigns nobody and the task could not be assigned
        summary.kinds[kind] += 1
        summary.reports += _report(task, rng, kind, reporter, year_start, horizon)
    return summary


def _assign(task, rng, departments, districts, by_code, kind, horizon, year_end) -> None:
    lead = (
        named_lead(task.text, departments)
        or by_code.get(AREA_LEADS.get(task.area.code, ""))
        or by_code.get(FALLBACK_LEAD)
    )
    others = [a for a in departments if a != lead]
    coordinators = rng.sample(others, k=min(len(others), rng.randint(1, 2)))
    if districts and rng.random() < 0.5:
        coordinators.append(rng.choice(districts))
    task.lead_agency = lead
    task.deadline = _deadline(rng, kind, horizon, year_end)
    task.illustrative = True
    task._change_reason = "Phân công minh họa cho bản dùng thử"
    task.save(update_fields=["lead_agency", "deadline", "illustrative", "updated_at"])
    task.coordinating_agencies.set(coordinators)


def _deadline(rng: random.Random, kind: str, horizon: date, year_end: date) -> date | None:
    """A deadline the kind of report can honestly carry on `horizon`: passed for what is done
    or late, still ahead for "ahead" (none when the plan's year is over: the task is left
    undated, in progress)."""
    quarter_ends = [date(horizon.year, m, d) for m, d in ((3, 31), (6, 30), (9, 30), (12, 15))]
    if kind == "ahead":
        ahead = [d for d in quarter_ends if d > horizon + timedelta(days=14)]
        return rng.choice(ahead) if ahead else None
    if kind == "not_reported":
        return rng.choice(quarter_ends)
    if kind == "in_progress":
        return None  # an ongoing task ("thường xuyên"), as plans have many
    passed = [d for d in quarter_ends if d < horizon - timedelta(days=20)]
    return rng.choice(passed) if passed else None


def _report(task, rng, kind, reporter, year_start, horizon) -> int:
    """The lead's reports for `kind`: an earlier progress report, then the latest one."""
    if kind == "not_reported":
        return 0
    due = task.deadline
    first_day = year_start + timedelta(days=20)
    written = []
    if kind in ("done", "done_late"):
        if due is None or due <= first_day:
            completed = _day_between(rng, first_day, horizon)
        elif kind == "done":
            completed = _day_between(rng, max(first_day, due - timedelta(days=30)), due)
        else:
            completed = _day_between(rng, due + timedelta(days=3), due + timedelta(days=45))
        completed = min(completed, horizon)
        middle = _day_between(rng, year_start + timedelta(days=10), completed - timedelta(days=1))
        written.append((middle, ProgressStatus.IN_PROGRESS, rng.choice((30, 40, 50, 60)), None))
        written.append((completed, ProgressStatus.DONE, 100, completed))
    else:
        percent = rng.choice((20, 30, 40, 50, 60, 70)) if kind != "late" else rng.choice((30, 40))
        day = _day_between(rng, max(first_day, horizon - timedelta(days=60)), horizon)
        written.append((day, ProgressStatus.IN_PROGRESS, percent, None))
    for index, (day, status, percent, completed_on) in enumerate(written):
        text = TEXTS[kind] if index == len(written) - 1 else TEXTS["in_progress"]
        report = ProgressReport.objects.create(
            task=task, agency=task.lead_agency, is_lead=True, status=status, percent=percent,
            text=text, completed_on=completed_on, reported_by=reporter, synthetic=True,
        )  # fmt: skip
        # Dated when the lead would have reported, not when the generator ran.
        ProgressReport.objects.filter(pk=report.pk).update(created_at=_moment(day))
    return len(written)
