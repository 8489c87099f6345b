"""A record's history as people read it: who, when, why, and field by field what changed
(before → after), built from django-simple-history rows.

A save may leave several history rows — the row itself, its children (a target's
thresholds), its many-to-many links — written by one service with one reason: `edits`
groups them into one line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from cchc.core.formatting import format_date, format_datetime, format_number

ONE_SAVE = timedelta(seconds=5)  # a service's rows are milliseconds apart; people, not


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Event:
    """One history row, reduced to what a reader sees: the shown value of each field
    after it (a deleted child shows "—")."""

    at: datetime
    user: object | None
    reason: str
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    values: dict[str, str]
    main: bool = True  # a row of the record itself, not of a child


@dataclass
class Edit:
    at: datetime
    user: object | None
    reason: str
    kind: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action(self) -> str:
        return {"+": _("Tạo"), "-": _("Xóa")}.get(self.kind, _("Sửa"))


def shown(value: object) -> str:
    """A stored value as the pages write it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if isinstance(value, Decimal):
        return format_number(value, 2)
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _same_save(group: list[Event], event: Event) -> bool:
    first = group[0]
    return (
        getattr(event.user, "pk", None) == getattr(first.user, "pk", None)
        and event.reason == first.reason
        and event.at - first.at <= ONE_SAVE
    )


def _edit(group: list[Event], state: dict[str, str]) -> Edit:
    before = dict(state)
    for event in group:
        state.update(event.values)
    main = [e.kind for e in group if e.main]
    kind = "+" if main[:1] == ["+"] else "-" if "-" in main else "~"
    changes = [
        Change(label, before.get(label, "—"), after)
        for label, after in state.items()
        if before.get(label, "—") != after
    ]
    return Edit(group[0].at, group[0].user, group[0].reason, kind, changes)


def edits(events: list[Event]) -> list[Edit]:
    """The events, oldest first, grouped save by save, newest edit first."""
    result: list[Edit] = []
    state: dict[str, str] = {}
    group: list[Event] = []
    for event in sorted(events, key=lambda e: e.at):
        if group and not _same_save(group, event):
            result.append(_edit(group, state))
            group = []
        group.append(event)
    if group:
        result.append(_edit(group, state))
    return result[::-1]
