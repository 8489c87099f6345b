"""Reads of the history of a plan, its targets and its tasks (README: "ai sửa gì, lúc nào,
vì sao"): each edit with who, when, the reason given and the fields changed (before →
after). A target's thresholds are part of the target; a task's coordinating agencies part
of the task."""

from __future__ import annotations

from collections import defaultdict

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cchc.core.history import Edit, Event, edits, shown
from cchc.organizations.models import AgencyLevel, Tier
from cchc.plans.models import Plan, Target, TargetThreshold, Task
from cchc.plans.selectors import tasks_in_scope
from cchc.plans.services import PLAN_FIELDS

TARGET_FIELDS = ("number", "part", "source_text", "quantity", "comparator", "unit", "kind",
                 "baseline_year", "growth_measure", "target_year", "scope_levels", "scope_note",
                 "indicator_code")  # fmt: skip
TASK_FIELDS = ("area", "text", "output", "deadline", "lead_agency")


def _label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _value(record, name: str) -> str:
    display = getattr(record, f"get_{name}_display", None)
    if display is not None:
        return shown(display())
    if name == "scope_levels":
        return shown([str(AgencyLevel(level).label) for level in record.scope_levels or []])
    if name == "tiers":
        return shown([str(Tier(tier).label) for tier in record.tiers or []])
    return shown(getattr(record, name))


def _event(record, values: dict[str, str], *, main: bool = True) -> Event:
    return Event(
        at=record.history_date,
        user=record.history_user,
        reason=record.history_change_reason or "",
        kind=record.history_type,
        values=values,
        main=main,
    )


def _row_events(model, history, fields) -> list[Event]:
    records = history.select_related("history_user").order_by("history_date", "history_id")
    return [_event(r, {_label(model, n): _value(r, n) for n in fields}) for r in records]


def plan_history(plan: Plan) -> list[Edit]:
    return edits(_row_events(Plan, plan.history, PLAN_FIELDS))


def _threshold_label(tier: str) -> str:
    return _("Ngưỡng (%(tier)s)") % {"tier": Tier(tier).label} if tier else _("Ngưỡng chung")


def _threshold_events(target_id: int) -> list[Event]:
    records = (
        TargetThreshold.history.filter(target_id=target_id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    events = []
    for r in records:
        value = "—" if r.history_type == "-" else shown(r.value)
        if r.history_type != "-" and r.upper is not None:
            value = f"{value} – {shown(r.upper)}"
        events.append(_event(r, {_threshold_label(r.tier): value}, main=False))
    return events


def target_history(target_id: int) -> list[Edit]:
    history = Target.history.filter(id=target_id)
    return edits(_row_events(Target, history, TARGET_FIELDS) + _threshold_events(target_id))


def task_history(task_id: int) -> list[Edit]:
    records = list(
        Task.history.filter(id=task_id)
        .select_related("history_user", "area", "lead_agency")
        .order_by("history_date", "history_id")
    )
    links = Task.history.model._meta.get_field("historicaltask_coordinating_agencies")
    coordinating: dict[int, list[str]] = defaultdict(list)
    for row in links.related_model.objects.filter(history__in=records).select_related("agency"):
        coordinating[row.history_id].append(row.agency.name)
    label = _label(Task, "coordinating_agencies")
    events = []
    for r in records:
        values = {_label(Task, n): _value(r, n) for n in TASK_FIELDS}
        values[label] = shown(sorted(coordinating[r.history_id]))
        events.append(_event(r, values))
    return edits(events)


def deleted_rows(plan: Plan, scope) -> list[tuple[str, Edit]]:
    """The targets and tasks deleted from the plan, newest first, each with its last words
    (the task's text, the target's label and quantity) and who deleted it, when and why.
    An agency's own task shows only within that agency's scope (like the task itself)."""
    rows: list[tuple[str, Edit]] = []
    for r in Target.history.filter(plan_id=plan.pk, history_type="-").select_related(
        "history_user"
    ):
        rows.append((f"{_('Chỉ tiêu')} {r.number}{r.part}. {r.quantity}", _deleted(r)))
    tasks = Task.history.filter(plan_id=plan.pk, history_type="-")
    if not scope.sees_all:
        tasks = tasks.filter(tasks_in_scope(scope))
    for r in tasks.select_related("history_user"):
        rows.append((f"{_('Nhiệm vụ')}: {r.text[:200]}", _deleted(r)))
    return sorted(rows, key=lambda row: row[1].at, reverse=True)


def _deleted(record) -> Edit:
    return Edit(record.history_date, record.history_user, record.history_change_reason or "", "-")
