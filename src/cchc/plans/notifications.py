"""E-mail reminders about task deadlines and the reform office's weekly digest. Run daily
(`manage.py send_task_reminders`, e.g. from cron at 07:00); idempotent for a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from cchc.core.formatting import format_date
from cchc.core.selectors import working_calendar
from cchc.organizations.models import Membership, Role
from cchc.plans import task_status as rules
from cchc.plans.models import ProgressReport, ProgressStatus, ReminderLog, Task

SUBJECTS = {
    rules.REMINDER_BEFORE: "[CCHC] Sắp đến hạn nhiệm vụ: {task}",
    rules.REMINDER_DUE: "[CCHC] Hôm nay là hạn hoàn thành nhiệm vụ: {task}",
    rules.REMINDER_OVERDUE: "[CCHC] Nhiệm vụ đã quá hạn: {task}",
}


@dataclass
class SendResult:
    reminders: int = 0
    digests: int = 0
    messages: int = 0


def _emails(agency_ids: set[int], roles: set[str]) -> list[str]:
    return sorted(
        {
            m.user.email
            for m in Membership.objects.filter(
                agency_id__in=agency_ids, role__in=roles
            ).select_related("user")
            if m.user.email and m.user.is_active
        }
    )


def _log_once(*, task: Task | None, kind: str, day: date, recipients: int) -> bool:
    """Record the reminder; False when it was already sent today."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(task=task, kind=kind, day=day, recipients=recipients)
    except IntegrityError:
        return False
    return True


def open_tasks(today: date):
    done = ProgressReport.objects.filter(is_lead=True, status=ProgressStatus.DONE).values("task_id")
    return (
        Task.objects.filter(
            plan__year=today.year, deadline__isnull=False, lead_agency__isnull=False
        )
        .exclude(pk__in=done)
        .select_related("lead_agency", "plan")
        .prefetch_related("coordinating_agencies")
    )


def reminders_send(*, today: date) -> SendResult:
    calendar = working_calendar()
    result = SendResult()
    outbox = []
    for task in open_tasks(today):
        kind = rules.reminder_due(
            deadline=task.deadline, today=today, days_before=settings.REMINDER_DAYS_BEFORE,
            calendar=calendar,
        )  # fmt: skip
        if kind is None:
            continue
        agencies = {task.lead_agency_id, *(a.pk for a in task.coordinating_agencies.all())}
        to = _emails(agencies, {Role.AGENCY_OFFICER})
        if not to or not _log_once(task=task, kind=kind, day=today, recipients=len(to)):
            continue
        short = task.text if len(task.text) <= 80 else task.text[:77] + "…"
        link = settings.SITE_URL + reverse("plans:task_progress", args=[task.pk])
        body = (
            f"Nhiệm vụ: {task.text}\n"
            f"Cơ quan chủ trì: {task.lead_agency.name}\n"
            f"Thời gian hoàn thành: {format_date(task.deadline)}\n\n"
            f"Cập nhật tiến độ tại: {link}\n\n"
            "Thư này do hệ thống quản lý CCHC gửi tự động."
        )
        outbox.append((SUBJECTS[kind].format(task=short), body, settings.DEFAULT_FROM_EMAIL, to))
        result.reminders += 1
    if today.weekday() == settings.DIGEST_WEEKDAY:
        digest = _digest(today, calendar)
        to = _emails(_reform_office_agencies(), {Role.REFORM_OFFICE})
        if digest and to and _log_once(task=None, kind="digest", day=today, recipients=len(to)):
            outbox.append(
                (f"[CCHC] Tình hình thực hiện nhiệm vụ tuần {format_date(today)}", digest,
                 settings.DEFAULT_FROM_EMAIL, to)
            )  # fmt: skip
            result.digests += 1
    result.messages = send_mass_mail(outbox, fail_silently=False) if outbox else 0
    return result


def _reform_office_agencies() -> set[int]:
    return set(
        Membership.objects.filter(role=Role.REFORM_OFFICE).values_list("agency_id", flat=True)
    )


def _digest(today: date, calendar) -> str:
    """Overdue and at-risk tasks of this year's plans, as the task board computes them."""
    from cchc.organizations.scope import AgencyScope
    from cchc.plans.models import Plan
    from cchc.plans.selectors import task_board

    overdue, risky = [], []
    for plan in Plan.objects.filter(year=today.year):
        for row in task_board(plan=plan, scope=AgencyScope.everything(), today=today):
            lead = row.task.lead_agency.name if row.task.lead_agency else "chưa giao"
            if row.status == rules.OVERDUE:
                late = rules.days_overdue(
                    deadline=row.task.deadline, today=today, calendar=calendar
                )
                overdue.append(f"- Quá hạn {late} ngày làm việc: {row.task.text[:120]} ({lead})")
            elif row.at_risk:
                risky.append(
                    f"- Có nguy cơ chậm ({row.percent or 0}%): {row.task.text[:120]} ({lead})"
                )
    if not overdue and not risky:
        return ""
    parts = [f"Tình hình thực hiện nhiệm vụ CCHC đến ngày {format_date(today)}."]
    if overdue:
        parts.append("Nhiệm vụ quá hạn:\n" + "\n".join(overdue))
    if risky:
        parts.append("Nhiệm vụ có nguy cơ chậm:\n" + "\n".join(risky))
    parts.append(f"Xem chi tiết: {settings.SITE_URL}{reverse('plans:task_board')}")
    return "\n\n".join(parts)
