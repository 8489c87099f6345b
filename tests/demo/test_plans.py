"""The demo's plan in motion (demo.plans): illustrative assignments and progress reports on
the bundled plan's tasks, reproducible for a seed, marked where a user sees them, and leaving
the plan's document content as the document says."""

import json
from datetime import date

import pytest
from django.urls import reverse

from cchc.core.reference import DATA_DIR
from cchc.demo.plans import named_lead, plan_in_motion
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.plans import services
from cchc.plans.models import Plan, ProgressReport, Task
from cchc.plans.selectors import task_board

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 6)  # a day after the plan's year, as the demo is seen now


def plan():
    return Plan.objects.get(year=2022)


def state():
    """Every task's assignment and reports, as plain values."""
    tasks = Task.objects.filter(plan=plan()).order_by("pk")
    return [
        (
            t.pk, t.lead_agency.code if t.lead_agency else None, t.deadline, t.illustrative,
            sorted(t.coordinating_agencies.values_list("code", flat=True)),
            list(t.reports.order_by("created_at").values_list(
                "status", "percent", "completed_on", "created_at", "synthetic")),
        )
        for t in tasks
    ]  # fmt: skip


def test_the_generator_is_deterministic_for_a_seed():
    plan_in_motion(plan=plan(), seed=7, today=TODAY)
    first = state()
    plan_in_motion(plan=plan(), seed=7, today=TODAY)
    assert state() == first  # replaced, not added to
    plan_in_motion(plan=plan(), seed=8, today=TODAY)
    assert state() != first


def test_the_tracker_shows_a_mix_of_statuses_after_it():
    plan_in_motion(plan=plan(), seed=2022, today=TODAY)
    rows = task_board(plan=plan(), scope=AgencyScope.everything(), today=TODAY)
    statuses = {row.status for row in rows}
    assert len(statuses) >= 3
    assert statuses & {"done", "done_late"} and statuses & {"overdue", "in_progress"}
    assert all(row.task.lead_agency_id for row in rows)  # every task has a lead now


def test_in_a_running_year_some_deadlines_are_still_ahead():
    today = date(2022, 8, 15)
    plan_in_motion(plan=plan(), seed=2022, today=today)
    rows = task_board(plan=plan(), scope=AgencyScope.everything(), today=today)
    ahead = [r for r in rows if r.task.deadline and r.task.deadline > today]
    assert ahead and all(r.status != "overdue" for r in ahead)
    # Nothing is dated after the tracker's day.
    reports = ProgressReport.objects.filter(task__plan=plan())
    assert all(r.created_at.date() <= today for r in reports)
    assert all(r.completed_on is None or r.completed_on <= today for r in reports)


def test_the_plans_document_content_is_unchanged():
    bundled = json.loads((DATA_DIR / "plan_laichau_2022.json").read_text(encoding="utf-8"))
    before_targets = list(plan().targets.order_by("number", "part").values())
    plan_in_motion(plan=plan(), seed=2022, today=TODAY)
    tasks = Task.objects.filter(plan=plan()).order_by("area__order", "order")
    assert [(t.area.code, t.text) for t in tasks] == [
        (t["area"], t["text"]) for t in bundled["tasks"]
    ]
    assert list(plan().targets.order_by("number", "part").values()) == before_targets
    # What the document does not say is marked: every assignment and report made.
    assert all(t.illustrative for t in tasks)
    assert not ProgressReport.objects.filter(task__plan=plan(), synthetic=False).exists()


def test_the_marking_is_on_the_tracker_and_the_task_page(client, reform_office):
    plan_in_motion(plan=plan(), seed=2022, today=TODAY)
    client.force_login(reform_office)
    board = client.get(reverse("plans:task_board")).content.decode()
    assert "minh họa" in board and "dữ liệu mô phỏng" in board
    reported = ProgressReport.objects.filter(task__plan=plan()).first().task
    page = client.get(reverse("plans:task_progress", args=[reported.pk])).content.decode()
    assert "do bản dùng thử đặt để minh họa" in page
    assert "dữ liệu mô phỏng" in page
    assert "du-lieu-minh-hoa" not in page  # the generator's account is not shown as a person


def test_the_reform_offices_own_assignment_clears_the_mark(reform_office):
    plan_in_motion(plan=plan(), seed=2022, today=TODAY)
    task = Task.objects.filter(plan=plan()).first()
    services.task_save(
        actor=reform_office, plan=plan(), task=task, area=task.area, text=task.text,
        deadline=date(2022, 6, 30), lead_agency=Agency.objects.get(code="12-STP"),
        reason="Giao theo phụ lục kế hoạch",
    )  # fmt: skip
    task.refresh_from_db()
    assert task.illustrative is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giao Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật.", "12-STP"),
        ("Sở Nội vụ chủ trì, phối hợp Sở Tài chính tổ chức đánh giá.", "12-SNV"),
        ("Sở Tài chính tham mưu bố trí kinh phí cải cách hành chính.", "12-STC"),
        ("Đánh giá các sở, trong đó có Sở Y tế, Sở Xây dựng.", None),
        ("Tuyên truyền cải cách hành chính trên phương tiện thông tin đại chúng.", None),
    ],
)
def test_the_lead_named_in_a_tasks_text(text, expected):
    departments = list(Agency.objects.filter(level="department").order_by("code"))
    lead = named_lead(text, departments)
    assert (lead.code if lead else None) == expected
