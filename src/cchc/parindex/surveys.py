"""Survey points (điều tra xã hội học) from a table: one row per agency and survey criterion.

    agency (mã hoặc tên cơ quan), criterion (mã tiêu chí), points (điểm), note (ghi chú, tùy chọn)

All or nothing, with line and column for every error: the agency must be one the framework
assesses (of its levels, with an assessment under it), the criterion a survey criterion of
the framework, the points between 0 and its maximum, with no more decimals than the
framework's precision and a multiple of the criterion's step (when it has one), and each
(agency, criterion) pair appears once. The points and the note fit their database columns
(limits read from SurveyScore's fields)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from cchc.core.tabular.cells import CellError, decimal_for, text, text_for
from cchc.core.tabular.columns import Column, ImportRejected, RowError, column_names, reject_any
from cchc.core.tabular.parse import parse_sheet
from cchc.core.tabular.reading import FileError, quoted
from cchc.core.tabular.sheet import read_sheet
from cchc.organizations.models import Agency
from cchc.parindex import scoring
from cchc.parindex.models import Criterion, Framework, ScoringType, SurveyScore
from cchc.parindex.selectors import scorable_criteria

COLUMNS = [
    Column("agency", "agency", text, aliases=("cơ quan", "mã cơ quan", "tên cơ quan", "đơn vị")),
    Column("criterion", "criterion", text, aliases=("tiêu chí", "mã tiêu chí", "code")),
    Column(
        "points", "points", decimal_for(SurveyScore, "points"), aliases=("điểm", "điểm điều tra")
    ),
    Column("note", "note", text_for(SurveyScore, "note"), required=False, aliases=("ghi chú",)),
]


def columns_for(framework: Framework) -> list[Column]:
    """COLUMNS, the points read with the framework's precision: a point with more decimals
    is refused in the framework's words before the column's."""

    def precise(number: Decimal) -> None:
        try:
            scoring.check_places(number, framework.precision)
        except ValueError as exc:
            raise CellError(str(exc)) from None

    points = decimal_for(SurveyScore, "points", check=precise)
    return [replace(c, parse=points) if c.key == "points" else c for c in COLUMNS]


@dataclass(frozen=True)
class SurveyRow:
    line: int
    agency: Agency
    criterion: Criterion
    points: Decimal
    note: str


def parse_survey(content: bytes, file_name: str, *, framework: Framework) -> list[SurveyRow]:
    """The sheet's rows, checked; ImportRejected with every error, by line and column. Cells
    are read by the import engine (`core.tabular.parse`); the framework's rules run on each
    row beside them, so one report holds both kinds of error."""
    try:
        titles = [title for names in column_names(COLUMNS).values() for title in names]
        sheet = read_sheet(content, file_name, header_names=titles)
    except FileError as exc:
        raise ImportRejected([RowError(1, "", str(exc))]) from exc
    parsed = parse_sheet(sheet, columns_for(framework))
    errors = parsed.errors
    agencies = list(Agency.objects.filter(level__in=framework.levels))
    assessed = set(framework.assessments.values_list("agency_id", flat=True))
    by_code = {a.code.lower(): a for a in agencies}
    by_name = {a.name.casefold(): a for a in agencies}
    criteria = {
        c.code: c for c in scorable_criteria(framework).filter(scoring_type=ScoringType.SURVEY)
    }
    rows: list[SurveyRow] = []
    seen: dict[tuple[int, int], int] = {}
    for cells in parsed.rows():
        # A refused cell is left out of its row (its error is already counted): no value.
        number = cells["_row"]
        agency = criterion = None
        if (name := cells.get("agency")) is not None:
            agency = by_code.get(name.lower()) or by_name.get(name.casefold())
            if agency is None:
                errors.append(
                    RowError(
                        number,
                        "agency",
                        f"không có cơ quan {quoted(name)} thuộc đối tượng đánh giá",
                    )
                )
            elif agency.pk not in assessed:
                errors.append(
                    RowError(
                        number,
                        "agency",
                        f"{agency.name} ({agency.code}) không có phiếu đánh giá theo bộ tiêu "
                        "chí này: chỉ nạp điểm cho cơ quan đã được mở đánh giá",
                    )
                )
                agency = None
        if (code := cells.get("criterion")) is not None:
            criterion = criteria.get(code)
            if criterion is None:
                errors.append(
                    RowError(
                        number,
                        "criterion",
                        f"{quoted(code)} không phải tiêu chí điều tra xã hội học của bộ tiêu chí",
                    )
                )
        points = cells.get("points")
        if points is not None and criterion is not None:
            assert criterion.max_points is not None  # a scorable criterion has a maximum
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
            rows.append(SurveyRow(number, agency, criterion, points, cells.get("note") or ""))
    reject_any(errors)
    return rows
