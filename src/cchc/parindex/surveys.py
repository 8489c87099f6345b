"""Survey points (điều tra xã hội học) from a table: one row per agency and survey criterion.

    agency (mã hoặc tên cơ quan), criterion (mã tiêu chí), points (điểm), note (ghi chú, tùy chọn)

All or nothing, with line and column for every error: the agency must be one the framework
assesses, the criterion a survey criterion of the framework, the points between 0 and its
maximum, with no more decimals than the framework's precision and a multiple of the
criterion's step (when it has one), and each (agency, criterion) pair appears once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cchc.core.tabular.cells import CellError, decimal, is_blank, text
from cchc.core.tabular.columns import Column, ImportRejected, RowError, check_header, column_names
from cchc.core.tabular.reading import FileError, quoted, read_table
from cchc.organizations.models import Agency
from cchc.parindex import scoring
from cchc.parindex.models import Criterion, Framework, ScoringType
from cchc.parindex.selectors import scorable_criteria

COLUMNS = [
    Column("agency", "agency", text, aliases=("cơ quan", "mã cơ quan", "tên cơ quan", "đơn vị")),
    Column("criterion", "criterion", text, aliases=("tiêu chí", "mã tiêu chí", "code")),
    Column("points", "points", decimal, aliases=("điểm", "điểm điều tra")),
    Column("note", "note", text, required=False, aliases=("ghi chú",)),
]


@dataclass(frozen=True)
class SurveyRow:
    line: int
    agency: Agency
    criterion: Criterion
    points: Decimal
    note: str


def parse_survey(content: bytes, file_name: str, *, framework: Framework) -> list[SurveyRow]:
    try:
        titles = [title for names in column_names(COLUMNS).values() for title in names]
        table = read_table(content, file_name, header_names=titles)
    except FileError as exc:
        raise ImportRejected([RowError(1, "", str(exc))]) from exc
    positions, errors = check_header(table, COLUMNS)
    if errors:
        raise ImportRejected(errors)
    if not table.rows:
        raise ImportRejected([RowError(table.first_data_line, "",
                                       "tệp chỉ có dòng tiêu đề, không có dữ liệu")])  # fmt: skip
    agencies = list(Agency.objects.filter(level__in=framework.levels))
    by_code = {a.code.lower(): a for a in agencies}
    by_name = {a.name.casefold(): a for a in agencies}
    criteria = {
        c.code: c for c in scorable_criteria(framework).filter(scoring_type=ScoringType.SURVEY)
    }
    rows: list[SurveyRow] = []
    seen: dict[tuple[int, int], int] = {}
    for index, raw in enumerate(table.rows):
        number = table.line(index)
        cells: dict[str, Any] = {}
        for column in COLUMNS:
            index = positions.get(column.key)
            value = raw[index] if index is not None and index < len(raw) else None
            if is_blank(value):
                if column.required:
                    errors.append(RowError(number, column.title, "không được để trống"))
                cells[column.key] = None
                continue
            try:
                cells[column.key] = column.parse(value)
            except CellError as exc:
                errors.append(RowError(number, column.title, str(exc)))
                cells[column.key] = None
        agency = criterion = None
        if cells["agency"] is not None:
            key = cells["agency"]
            agency = by_code.get(key.lower()) or by_name.get(key.casefold())
            if agency is None:
                errors.append(
                    RowError(
                        number, "agency", f"không có cơ quan {quoted(key)} thuộc đối tượng đánh giá"
                    )
                )
        if cells["criterion"] is not None:
            criterion = criteria.get(cells["criterion"])
            if criterion is None:
                errors.append(
                    RowError(
                        number,
                        "criterion",
                        f"{quoted(cells['criterion'])} không phải tiêu chí điều tra xã hội học của bộ tiêu chí",
                    )
                )
        points = cells["points"]
        if points is not None and criterion is not None:
            try:
                points = scoring.validate_score(
                    points, max_points=criterion.max_points, step=criterion.step,
                    places=framework.precision,
                )  # fmt: skip
            except ValueError as exc:
                errors.append(RowError(number, "points", str(exc)))
                points = None
        if agency is not None and criterion is not None:
            key2 = (agency.pk, criterion.pk)
            if key2 in seen:
                errors.append(RowError(number, "criterion", f"trùng với dòng {seen[key2]}"))
            seen.setdefault(key2, number)
        if agency is not None and criterion is not None and points is not None:
            rows.append(SurveyRow(number, agency, criterion, points, cells["note"] or ""))
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRejected(errors)
    return rows
