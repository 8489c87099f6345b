from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cchc.organizations.models import Agency
from cchc.organizations.selectors import scope_for
from cchc.plans import services
from cchc.plans.models import Plan, ProgressReport
from cchc.plans.selectors import not_reported_since, task_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(reform_office):
    task = Plan.objects.get(year=2022).tasks.first()
    return services.task_save(
        actor=reform_office, plan=task.plan, task=task, area=task.area, text=task.text,
        deadline=date(2022, 6, 30), lead_agency=Agency.objects.get(code="12-STP"),
        coordinating_agencies=[Agency.objects.get(code="106")], reason="Giao cơ quan",
    )  # fmt: skip


def test_lead_reports_and_coordinator_contributes(task, dept_officer, district_officer):
    lead = services.task_report_progress(
        actor=dept_officer, task=task, status="in_progress", percent=40, text="Đã xây dựng dự thảo"
    )
    part = services.task_report_progress(
        actor=district_officer, task=task, status="in_progress", percent=10, text="Đã góp ý"
    )
    assert lead.is_lead and not part.is_lead
    assert lead.history.first().history_user == dept_officer


@pytest.mark.parametrize("fixture", ["commune_officer", "reform_office", "leader", "appraiser"])
def test_others_cannot_report(request, task, fixture):
    with pytest.raises(PermissionDenied):
        services.task_report_progress(
            actor=request.getfixturevalue(fixture), task=task, status="in_progress", percent=5,
            text="x",
        )  # fmt: skip
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("status", "percent", "completed_on", "message"),
    [
        ("done", 100, None, "ngày hoàn thành"),
        ("in_progress", 100, None, "Hoàn thành"),
        ("in_progress", 101, None, "0 đến 100"),
    ],
)
def test_inconsistent_reports_are_refused(
    task, dept_officer, status, percent, completed_on, message
):
    with pytest.raises(ValidationError, match=message):
        services.task_report_progress(
            actor=dept_officer, task=task, status=status, percent=percent, text="x",
            completed_on=completed_on,
        )  # fmt: skip


def test_board_status_follows_the_lead_report_and_the_deadline(
    task, dept_officer, district_officer
):
    scope = scope_for(dept_officer)
    plan = task.plan
    row = next(
        r for r in task_board(plan=plan, scope=scope, today=date(2022, 5, 1)) if r.task == task
    )
    assert (row.status, row.role) == ("not_started", "lead")
    services.task_report_progress(
        actor=dept_officer, task=task, status="in_progress", percent=60, text="Đang làm"
    )
    services.task_report_progress(
        actor=district_officer, task=task, status="in_progress", percent=5, text="Phối hợp"
    )
    row = next(
        r for r in task_board(plan=plan, scope=scope, today=date(2022, 5, 1)) if r.task == task
    )
    assert (row.status, row.percent) == ("in_progress", 60)  # the coordinator's 5% does not count
    late = next(
        r for r in task_board(plan=plan, scope=scope, today=date(2022, 7, 1)) if r.task == task
    )
    assert late.status == "overdue"
    services.task_report_progress(
        actor=dept_officer, task=task, status="done", percent=100, text="Xong",
        completed_on=date(2022, 7, 5),
    )  # fmt: skip
    done = next(
        r for r in task_board(plan=plan, scope=scope, today=date(2022, 7, 6)) if r.task == task
    )
    assert done.status == "done_late"
    # The coordinating district sees the task too, as a coordinator.
    coordinating = task_board(plan=plan, scope=scope_for(district_officer), today=date(2022, 7, 6))
    assert [r.role for r in coordinating if r.task == task] == ["coordinating"]


def test_who_has_not_reported(task, dept_officer):
    since = date(2022, 6, 1)
    silent = not_reported_since(plan=task.plan, since=since)
    assert [(a.code, len(t)) for a, t in silent] == [("12-STP", 1)]
    report = services.task_report_progress(
        actor=dept_officer, task=task, status="in_progress", percent=1, text="x"
    )
    # Sent at 00:30 on 01/06 in Vietnam (17:30 UTC the day before): it counts for June.
    vn_half_past_midnight = datetime(2022, 6, 1, 0, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    ProgressReport.objects.filter(pk=report.pk).update(created_at=vn_half_past_midnight)
    assert not_reported_since(plan=task.plan, since=since) == []
    ProgressReport.objects.filter(pk=report.pk).update(
        created_at=vn_half_past_midnight - timedelta(hours=1)
    )
    assert [a.code for a, _t in not_reported_since(plan=task.plan, since=since)] == ["12-STP"]


def test_progress_page_round_trip(client, task, dept_officer):
    client.force_login(dept_officer)
    url = reverse("plans:task_progress", args=[task.pk])
    response = client.post(
        url,
        {"status": "done", "percent": "100", "text": "Đã ban hành", "completed_on": "15/06/2022"},
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Đã ban hành" in body and "15/06/2022" in body
    board = client.get(reverse("plans:task_board")).content.decode()
    assert "Hoàn thành" in board


def test_board_flags_tasks_at_risk(task, dept_officer):
    services.task_report_progress(
        actor=dept_officer, task=task, status="in_progress", percent=10, text="Mới bắt đầu"
    )
    scope = scope_for(dept_officer)
    early = next(
        r
        for r in task_board(plan=task.plan, scope=scope, today=date(2022, 1, 20))
        if r.task == task
    )
    late = next(
        r for r in task_board(plan=task.plan, scope=scope, today=date(2022, 6, 1)) if r.task == task
    )
    assert (early.at_risk, late.at_risk) == (False, True)
