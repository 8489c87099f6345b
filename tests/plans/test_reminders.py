from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from cchc.organizations.models import Agency
from cchc.plans import services
from cchc.plans.models import Plan
from cchc.plans.notifications import reminders_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(reform_office, dept_officer, district_officer):
    for user in (reform_office, dept_officer, district_officer):
        user.email = f"{user.username}@example.vn"
        user.save()
    plan = Plan.objects.get(year=2022)
    first = plan.tasks.first()
    return services.task_save(
        actor=reform_office, plan=plan, task=first, area=first.area, text=first.text,
        deadline=date(2022, 6, 30), lead_agency=Agency.objects.get(code="12-STP"),
        coordinating_agencies=[Agency.objects.get(code="106")], reason="Giao cơ quan",
    )  # fmt: skip


def test_reminder_on_the_deadline_goes_to_lead_and_coordinators_once(task, settings):
    settings.DIGEST_WEEKDAY = 6  # not this Thursday
    result = reminders_send(today=date(2022, 6, 30))
    assert result.reminders == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Hôm nay là hạn" in message.subject
    assert sorted(message.to) == ["stp@example.vn", "td@example.vn"]
    assert "30/06/2022" in message.body
    reminders_send(today=date(2022, 6, 30))
    assert len(mail.outbox) == 1  # not twice the same day


def test_no_reminder_on_an_ordinary_day_nor_for_a_done_task(task, dept_officer, settings):
    settings.DIGEST_WEEKDAY = 6
    assert reminders_send(today=date(2022, 5, 2)).reminders == 0
    services.task_report_progress(
        actor=dept_officer, task=task, status="done", percent=100, text="Xong",
        completed_on=date(2022, 6, 1),
    )  # fmt: skip
    assert reminders_send(today=date(2022, 6, 30)).reminders == 0


def test_weekly_digest_lists_overdue_tasks_for_the_reform_office(task, settings):
    settings.DIGEST_WEEKDAY = 0
    call_command("send_task_reminders", ngay="04/07/2022")  # a Monday after the deadline
    digests = [m for m in mail.outbox if "Tình hình thực hiện" in m.subject]
    assert len(digests) == 1 and digests[0].to == ["vp@example.vn"]
    assert "Quá hạn" in digests[0].body and "Sở Tư pháp" in digests[0].body


def test_weekly_digest_lists_tasks_at_risk(task, dept_officer, settings):
    settings.DIGEST_WEEKDAY = 0
    services.task_report_progress(
        actor=dept_officer, task=task, status="in_progress", percent=5, text="x"
    )
    reminders_send(today=date(2022, 6, 6))  # a Monday, three weeks before the deadline
    digest = next(m for m in mail.outbox if "Tình hình thực hiện" in m.subject)
    assert "nguy cơ chậm (5%)" in digest.body
