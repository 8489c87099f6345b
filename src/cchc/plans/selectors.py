"""Reads of plans, targets and tasks. A province's plan is a published document: every
user with a role in the province reads it whole; per-agency data (progress, evidence)
hangs off tasks in later apps and is filtered by scope there."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from cchc.core.seams import Seam
from cchc.organizations.models import Agency
from cchc.plans.models import Plan, ReformArea, Target, TargetThreshold, Task


def _no_values(plan: Plan, user: Any) -> dict[int, str]:
    return {}


# Seam of ADR 0004: each target's current value for the user, as an HTML fragment keyed by
# target id, shown on the plan's target cards. The indicators app fills it from its
# AppConfig.ready() (`indicators.summary.target_values`); without it the cards say
# "chưa có dữ liệu".
target_values = Seam("plans.target_values", default=_no_values)
# … and whether those values are being recomputed after an import (the operations app knows;
# the indicators app joins them): the cards then say so, as the indicators' pages do.
figures_pending = Seam("plans.figures_pending", default=lambda: False)


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.select_related("province").order_by("-year")


def _current_year(years: Iterable[int], today: date) -> int | None:
    """This year if a plan has it, else the most recent earlier plan year, else the next one."""
    years = set(years)
    past = [year for year in years if year <= today.year]
    return max(past) if past else min(years, default=None)


def _default_years() -> dict[int, int]:
    """The plans a page may open by default, {year: pk}: the province's own; an illustrative
    plan (the demo's, `Plan.illustrative`) only when there is no other, so the demo opens on
    the bundled plan and shows an illustrative one when asked for its year. One query."""
    plans = list(Plan.objects.values_list("year", "pk", "illustrative"))
    real = {year: pk for year, pk, illustrative in plans if not illustrative}
    return real or {year: pk for year, pk, _ in plans}


def current_plan_id(*, today: date) -> int | None:
    """The plan of this year, else the most recent earlier one, else the next one (a real plan
    before an illustrative one)."""
    years = _default_years()
    year = _current_year(years, today)
    return years[year] if year is not None else None


def year_asked(value: str | None, *, today: date) -> int:
    """The year a page shows: `?nam=` when it is a year, else the current plan's (the plan the
    home page shows), else this calendar year."""
    if value and value.isdigit() and 1900 <= int(value) <= 2999:
        return int(value)
    year = _current_year(_default_years(), today)
    return today.year if year is None else year


def years_offered(year: int) -> list[int]:
    """A year selector's choices: the years of the plans and `year` itself, newest first."""
    return sorted(set(Plan.objects.values_list("year", flat=True)) | {year}, reverse=True)


def _targets() -> QuerySet[Target]:
    return Target.objects.prefetch_related(
        Prefetch("thresholds", queryset=TargetThreshold.objects.order_by("tier"))
    )


def _tasks() -> QuerySet[Task]:
    return Task.objects.select_related("area", "lead_agency").prefetch_related(
        Prefetch("coordinating_agencies", queryset=Agency.objects.order_by("code"))
    )


def plan_detail(*, pk: int) -> Plan:
    return (
        Plan.objects.select_related("province")
        .prefetch_related("legal_bases", Prefetch("targets", queryset=_targets()))
        .get(pk=pk)
    )


@dataclass
class TargetGroup:
    """A numbered item of the plan and the measured parts it splits into."""

    number: int
    targets: list[Target]

    @property
    def source_text(self) -> str:
        return self.targets[0].source_text


def target_groups(plan: Plan) -> list[TargetGroup]:
    targets = sorted(plan.targets.all(), key=lambda t: (t.number, t.part))
    return [
        TargetGroup(number=number, targets=list(items))
        for number, items in groupby(targets, key=lambda t: t.number)
    ]


@dataclass
class AreaTasks:
    area: ReformArea
    tasks: list[Task]


def tasks_by_area(plan: Plan) -> list[AreaTasks]:
    """The province plan's tasks (agencies' own tasks belong to their implementing plans)."""
    tasks = _tasks().filter(plan=plan, owner__isnull=True).order_by("area__order", "order", "pk")
    return [
        AreaTasks(area=area, tasks=list(items))
        for area, items in groupby(tasks, key=lambda t: t.area)
    ]


def target_detail(*, pk: int) -> Target:
    return _targets().select_related("plan").get(pk=pk)


def task_detail(*, pk: int) -> Task:
    return _tasks().select_related("plan").get(pk=pk)


def task_reports_and_files(task: Task) -> tuple[int, int]:
    """How many progress reports the agencies made on a task, and evidence files with them
    (what deleting the task removes; shown to the reform office, who alone may delete)."""
    counts = task.reports.aggregate(reports=Count("pk", distinct=True), files=Count("evidence"))
    return counts["reports"], counts["files"]


def tasks_in_scope(scope) -> Q:
    """The tasks a scope may open: the province plan's (shared, ADR 0001) and an agency's own
    tasks within that agency's scope — on tasks and on their history rows alike. For a scope
    that sees all, no filter is needed."""
    return Q(owner_id__isnull=True) | Q(owner_id__in=scope.agency_ids)


def task_for(*, pk: int, scope) -> Task:
    """A task as a user may open it (`tasks_in_scope`). Raises Task.DoesNotExist otherwise."""
    tasks = _tasks().select_related("plan")
    if not scope.sees_all:
        tasks = tasks.filter(tasks_in_scope(scope))
    return tasks.get(pk=pk)


def agency_plan(*, plan: Plan, agency: Agency) -> dict[str, list[Task]]:
    """An agency's implementing plan: the province tasks it leads, those it coordinates, and
    its own tasks."""
    tasks = _tasks().filter(plan=plan).order_by("area__order", "order", "pk")
    return {
        "lead": list(tasks.filter(lead_agency=agency, owner__isnull=True)),
        "coordinating": list(tasks.filter(coordinating_agencies=agency, owner__isnull=True)),
        "own": list(tasks.filter(owner=agency)),
    }


def agency_tasks(*, plan: Plan, agency: Agency) -> tuple[list[Task], list[Task]]:
    """Tasks of `plan` that `agency` leads, and those it coordinates."""
    tasks = _tasks().filter(plan=plan)
    return (
        list(tasks.filter(lead_agency=agency)),
        list(tasks.filter(coordinating_agencies=agency)),
    )


@dataclass
class TaskRow:
    task: Task
    status: str
    percent: int | None
    last_report_at: object | None
    role: str  # "lead", "coordinating" or "" (province-wide reader)
    at_risk: bool = False
    synthetic: bool = False  # the status rests on a report the demo generated (demo.plans)


def _latest_lead(field: str):
    from django.db.models import OuterRef, Subquery

    from cchc.plans.models import ProgressReport

    return Subquery(
        ProgressReport.objects.filter(task=OuterRef("pk"), is_lead=True)
        .order_by("-created_at")
        .values(field)[:1]
    )


def task_board(*, plan: Plan, scope, today: date) -> list[TaskRow]:
    """The plan's tasks the scope leads or coordinates (all for province-wide roles), each
    with the status its lead agency's latest report gives it on `today`."""
    from django.db.models import Q

    from cchc.core.selectors import working_calendar
    from cchc.plans.task_status import IN_PROGRESS, NOT_STARTED, at_risk, task_status

    tasks = _tasks().filter(plan=plan)
    if not scope.sees_all:
        ids = scope.agency_ids
        tasks = tasks.filter(
            Q(lead_agency_id__in=ids) | Q(coordinating_agencies__in=ids)
        ).distinct()
    tasks = tasks.annotate(
        r_status=_latest_lead("status"),
        r_percent=_latest_lead("percent"),
        r_completed=_latest_lead("completed_on"),
        r_at=_latest_lead("created_at"),
        r_synthetic=_latest_lead("synthetic"),
    ).order_by("area__order", "order", "pk")
    calendar = working_calendar()
    rows = []
    for task in tasks:
        if scope.sees_all:
            role = ""
        elif task.lead_agency_id in scope.agency_ids:
            role = "lead"
        else:
            role = "coordinating"
        status = task_status(
            deadline=task.deadline, reported=task.r_status, percent=task.r_percent,
            completed_on=task.r_completed, today=today, calendar=calendar,
        )  # fmt: skip
        # The clock of a task starts with its plan (the plan's date, else 1 January).
        start = (
            plan.issued_on
            if plan.issued_on and plan.issued_on.year == plan.year
            else date(plan.year, 1, 1)
        )
        risky = (
            status in (NOT_STARTED, IN_PROGRESS)
            and task.deadline is not None
            and start <= task.deadline
            and start <= today
            and at_risk(deadline=task.deadline, percent=task.r_percent, start=start, today=today,
                        calendar=calendar)
        )  # fmt: skip
        rows.append(
            TaskRow(task=task, status=status, percent=task.r_percent, last_report_at=task.r_at,
                    role=role, at_risk=risky, synthetic=bool(task.r_synthetic))
        )  # fmt: skip
    return rows


def not_reported_since(*, plan: Plan, since) -> list[tuple[Agency, list[Task]]]:
    """Lead agencies that have tasks in `plan` without any lead report since `since`
    (the reform office's "who has not reported this period"); finished tasks are left out."""
    from datetime import datetime, time

    from django.db.models import Exists, OuterRef

    from cchc.core.calendar import LOCAL_TZ
    from cchc.plans.models import ProgressReport, ProgressStatus

    # From the start of that day in Vietnam (a bare date would be compared in UTC: 07:00).
    start = datetime.combine(since, time(), tzinfo=LOCAL_TZ)
    recent = ProgressReport.objects.filter(task=OuterRef("pk"), is_lead=True, created_at__gte=start)
    done = ProgressReport.objects.filter(
        task=OuterRef("pk"), is_lead=True, status=ProgressStatus.DONE
    )
    tasks = (
        Task.objects.filter(plan=plan, lead_agency__isnull=False, owner__isnull=True)
        .annotate(recent=Exists(recent), done=Exists(done))
        .filter(recent=False, done=False)
        .select_related("lead_agency")
        .order_by("lead_agency__code", "order")
    )
    return [(agency, list(items)) for agency, items in groupby(tasks, key=lambda t: t.lead_agency)]


def task_reports(*, task: Task, scope):
    from cchc.plans.models import ProgressReport

    return (
        ProgressReport.objects.visible_to(scope)
        .filter(task=task)
        .select_related("agency", "reported_by")
        .prefetch_related("evidence")
        .order_by("-created_at")
    )
