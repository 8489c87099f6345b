"""The survey sheet the reform office fills in (mẫu điểm điều tra xã hội học), as CSV or Excel:
one row per assessed agency and survey criterion, the codes filled in and reference columns the
importer ignores (`parindex.surveys` reads it back)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.text import slugify

from cchc.core.formatting import format_number
from cchc.core.xlsx import TEXT, Book, Column, csv_response
from cchc.parindex import selectors
from cchc.parindex.models import Framework, ScoringType

# The codes are text (a code such as "01" keeps its zero); the three columns to fill are
# marked, the reference ones plain.
SURVEY_COLUMNS = (
    Column("Mã cơ quan", width=14, number_format=TEXT),
    Column("Mã tiêu chí", width=12, number_format=TEXT),
    Column("Điểm", width=10),
    Column("Ghi chú", width=24, strong=False),
    Column("Tên (tham khảo)", width=70, strong=False),
    Column("Điểm tối đa (tham khảo)", width=14, strong=False),
)


def survey_template(framework: Framework, fmt: str) -> HttpResponse:
    """The survey sheet to fill: one row per assessed agency and survey criterion."""
    criteria = list(selectors.scorable_criteria(framework).filter(scoring_type=ScoringType.SURVEY))
    agencies = [
        a.agency
        for a in framework.assessments.select_related("agency").order_by(
            "agency__level", "agency__code"
        )
    ]
    rows = [
        [a.code, c.code, "", "", f"{a.name} — {c.title[:80]}", format_number(c.max_points, 2)]
        for a in agencies
        for c in criteria
    ]
    name = f"mau-dieu-tra-{slugify(framework.code)}-{framework.year}"
    if fmt == "csv":
        return csv_response([[column.title for column in SURVEY_COLUMNS], *rows], f"{name}.csv")
    book = Book()
    book.sheet("Điểm điều tra", SURVEY_COLUMNS, rows)
    return book.response(f"{name}.xlsx")
