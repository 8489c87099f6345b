"""Importing a plan's appendix of tasks from XLSX/CSV (STT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan
phối hợp, Sản phẩm, Thời gian hoàn thành). Agency names are matched tolerantly (accents, case,
"UBND", abbreviations aside); a group row ("I. Cải cách thể chế") sets the reform area of the
rows below it. Any unknown name or bad cell rejects the whole file, with row and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.tables import FileError, read_table
from cchc.organizations.models import Agency
from cchc.plans.agency_names import AgencyNames
from cchc.plans.models import Plan, ReformArea
from cchc.plans.services import task_save
from cchc.plans.task_table import (
    COLUMNS,
    AreaRow,
    area_key,
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
        table = read_table(content, file_name)
    except FileError as exc:
        return [], [AppendixError(0, "", str(exc))]
    positions = match_columns(table.header)
    errors = [
        AppendixError(1, COLUMNS[k], _("thiếu cột"))
        for k in ("text", "lead")
        if positions[k] is None
    ]
    if errors:
        return [], errors
    names = AgencyNames()
    areas = list(ReformArea.objects.all())
    area = default_area
    rows: list[AppendixRow] = []
    for item in read_rows(positions, table.rows):
        if isinstance(item, AreaRow):
            matched = match_reform_area(item.title, areas)
            if matched is None:
                errors.append(
                    AppendixError(
                        item.line,
                        COLUMNS["text"],
                        _("không nhận ra lĩnh vực “%(t)s”") % {"t": item.title},
                    )
                )
            else:
                area = matched
            continue
        if not item.text:
            errors.append(AppendixError(item.line, COLUMNS["text"], _("không được để trống")))
            continue
        lead = None
        if item.lead:
            match = names.one(item.lead)
            if not match or len(match) != 1:
                errors.append(
                    AppendixError(
                        item.line, COLUMNS["lead"], _("không có cơ quan “%(n)s”") % {"n": item.lead}
                    )
                )
            else:
                lead = match[0]
        coordinating, unknown = names.many(item.coordinating)
        for name in unknown:
            errors.append(
                AppendixError(
                    item.line, COLUMNS["coordinating"], _("không có cơ quan “%(n)s”") % {"n": name}
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
                        "“%(v)s” không phải thời hạn hợp lệ (dd/mm/yyyy, trước dd/mm/yyyy, "
                        "tháng mm/yyyy, quý I/yyyy, thường xuyên)"
                    )
                    % {"v": exc},
                )
            )
            deadline = None
        rows.append(
            AppendixRow(item.line, area, item.text, lead, coordinating, item.output, deadline)
        )
    if not rows and not errors:
        errors.append(AppendixError(2, "", _("tệp không có nhiệm vụ nào")))
    return rows, errors


@transaction.atomic
def appendix_save(*, actor: AbstractBaseUser, plan: Plan, rows: list[AppendixRow]) -> int:
    for row in rows:
        task_save(
            actor=actor, plan=plan, area=row.area, text=row.text, output=row.output,
            deadline=row.deadline, lead_agency=row.lead, coordinating_agencies=row.coordinating,
        )  # fmt: skip
    return len(rows)
