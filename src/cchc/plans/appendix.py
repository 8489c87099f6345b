"""Importing a plan's appendix of tasks from XLSX/CSV (STT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan
phối hợp, Sản phẩm, Thời gian hoàn thành). Agency names are matched tolerantly (accents, case,
"UBND", abbreviations aside); a group row ("I. Cải cách thể chế") sets the reform area of the
rows below it. Any unknown name or bad cell rejects the whole file, with row and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.tabular import cells
from cchc.core.tabular.reading import FileError, quoted, read_table
from cchc.core.users import User
from cchc.organizations.models import Agency
from cchc.plans.agency_names import AgencyNames
from cchc.plans.models import Plan, ReformArea
from cchc.plans.services import task_save
from cchc.plans.task_table import (
    COLUMNS,
    HEADER_TITLES,
    AreaRow,
    TaskRow,
    area_key,
    fold,
    match_columns,
    parse_deadline,
    read_rows,
)

__all__ = ["AgencyNames", "AppendixError", "AppendixRow", "appendix_save", "parse_appendix"]


def match_reform_area(title: str, areas: list[ReformArea]) -> ReformArea | None:
    """The area a group row or section heading names ("Công tác chỉ đạo, điều hành")."""
    wanted = area_key(title)
    if not wanted:
        return None
    keys = [(area, area_key(area.name)) for area in areas]
    return next((a for a, k in keys if k == wanted), None) or next(
        (a for a, k in keys if k in wanted or wanted in k), None
    )


@dataclass
class AppendixRow:
    line: int
    area: ReformArea
    text: str
    lead: Agency | None
    coordinating: list[Agency] = field(default_factory=list)
    output: str = ""
    deadline: date | None = None


@dataclass
class AppendixError:
    row: int
    column: str
    message: str


def parse_appendix(
    content: bytes, file_name: str, *, default_area: ReformArea, year: int | None = None
) -> tuple[list[AppendixRow], list[AppendixError]]:
    """Rows of an appendix file, or the errors that reject it. ``year`` is the plan's year:
    "Thường xuyên" and a month or quarter without a year fall in it."""
    try:
        table = read_table(content, file_name, header_names=HEADER_TITLES)
    except FileError as exc:
        return [], [AppendixError(0, "", str(exc))]
    positions = match_columns(table.header)
    errors = [
        AppendixError(table.header_line, COLUMNS[k], _("thiếu cột"))
        for k in ("text", "lead")
        if positions[k] is None
    ]
    if errors:
        return [], errors
    names = AgencyNames()
    areas = list(ReformArea.objects.all())
    area = default_area
    rows: list[AppendixRow] = []
    seen: dict[tuple[int, str], int] = {}
    for item in read_rows(
        positions, table.rows, lines=[table.line(i) for i in range(len(table.rows))]
    ):
        if isinstance(item, AreaRow) and item.filled:
            errors.append(AppendixError(item.line, item.filled[0], _(
                "dòng đánh số La Mã là dòng nhóm (lĩnh vực) nên không có %(c)s; nếu đây là "
                "một nhiệm vụ, hãy đánh số thứ tự bằng số (1, 2, 3…)"
            ) % {"c": ", ".join(c.lower() for c in item.filled)}))  # fmt: skip
            continue
        if isinstance(item, AreaRow):
            matched = match_reform_area(item.title, areas)
            if matched is None:
                errors.append(
                    AppendixError(
                        item.line,
                        COLUMNS["text"],
                        _("không nhận ra lĩnh vực %(t)s") % {"t": quoted(item.title)},
                    )
                )
            else:
                area = matched
            continue
        if not item.text:
            errors.append(AppendixError(item.line, COLUMNS["text"], _("không được để trống")))
            continue
        unwritable = _unwritable(item)
        if unwritable:
            errors.extend(
                AppendixError(item.line, column, message) for column, message in unwritable
            )
            continue
        key = (area.pk, fold(item.text))
        if key in seen:
            errors.append(AppendixError(item.line, COLUMNS["text"],
                                        _("trùng với dòng %(n)s") % {"n": seen[key]}))  # fmt: skip
            continue
        seen[key] = item.line
        lead = None
        if item.lead:
            match = names.one(item.lead)
            if not match or len(match) != 1:
                errors.append(
                    AppendixError(
                        item.line,
                        COLUMNS["lead"],
                        _("không có cơ quan %(n)s") % {"n": quoted(item.lead)},
                    )
                )
            else:
                lead = match[0]
        coordinating, unknown = names.many(item.coordinating)
        for name in unknown:
            errors.append(
                AppendixError(
                    item.line,
                    COLUMNS["coordinating"],
                    _("không có cơ quan %(n)s") % {"n": quoted(name)},
                )
            )
        if lead is not None:
            coordinating = [a for a in coordinating if a != lead]
        try:
            deadline = parse_deadline(item.deadline, year=year)
        except ValueError as exc:
            errors.append(
                AppendixError(
                    item.line,
                    COLUMNS["deadline"],
                    _(
                        "%(v)s không phải thời hạn hợp lệ (dd/mm/yyyy, trước dd/mm/yyyy, "
                        "tháng mm/yyyy, quý I/yyyy, thường xuyên)"
                    )
                    % {"v": quoted(exc)},
                )
            )
            deadline = None
        rows.append(
            AppendixRow(item.line, area, item.text, lead, coordinating, item.output, deadline)
        )
    if not rows and not errors:
        errors.append(AppendixError(table.first_data_line, "", _("tệp không có nhiệm vụ nào")))
    return rows, errors


def _unwritable(item: TaskRow) -> list[tuple[str, str]]:
    """(column, message) of each of the row's cells a text cell of every import refuses
    (`cells.text`): longer than `cells.TEXT_LIMIT`, or holding a character no Word or Excel
    file can hold (ADR 0034)."""
    found = []
    for key in ("text", "lead", "coordinating", "output", "deadline"):
        try:
            cells.text(getattr(item, key))
        except cells.CellError as exc:
            found.append((COLUMNS[key], str(exc)))
    return found


@dataclass
class AppendixSaved:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def appendix_save(*, actor: User, plan: Plan, rows: list[AppendixRow]) -> AppendixSaved:
    """Add the appendix's tasks to the plan. A task already in the plan (same area, same
    text, accents and case aside) is the same task: updated where the file changes it, left
    alone otherwise, so that loading the same appendix twice adds nothing."""
    existing = {
        (task.area_id, fold(task.text)): task
        for task in plan.tasks.prefetch_related("coordinating_agencies")
    }
    saved = AppendixSaved()
    for row in rows:
        task = existing.get((row.area.pk, fold(row.text)))
        wanted = (row.output, row.deadline, row.lead.pk if row.lead else None,
                  {a.pk for a in row.coordinating})  # fmt: skip
        if task is not None:
            current = (task.output, task.deadline, task.lead_agency_id,
                       {a.pk for a in task.coordinating_agencies.all()})  # fmt: skip
            if current == wanted:
                saved.unchanged += 1
                continue
        task_save(
            actor=actor, plan=plan, task=task, area=row.area, text=row.text, output=row.output,
            deadline=row.deadline, lead_agency=row.lead, coordinating_agencies=row.coordinating,
            reason=_("Nạp lại phụ lục") if task is not None else "",
        )  # fmt: skip
        if task is None:
            saved.created += 1
        else:
            saved.updated += 1
    return saved
