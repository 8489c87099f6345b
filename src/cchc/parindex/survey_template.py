"""The survey sheet the reform office fills in (mẫu điểm điều tra xã hội học), as CSV or Excel:
one row per assessed agency and survey criterion, the codes filled in and reference columns the
importer ignores (`parindex.surveys` reads it back)."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.text import slugify

from cchc.core.formatting import format_number
from cchc.core.xlsx import XLSX_TYPE, as_text, csv_response
from cchc.parindex import selectors
from cchc.parindex.models import Framework, ScoringType


def survey_template(framework: Framework, fmt: str) -> HttpResponse:
    """The survey sheet to fill: one row per assessed agency and survey criterion."""
    criteria = list(selectors.scorable_criteria(framework).filter(scoring_type=ScoringType.SURVEY))
    agencies = [
        a.agency
        for a in framework.assessments.select_related("agency").order_by(
            "agency__level", "agency__code"
        )
    ]
    header = ["Mã cơ quan", "Mã tiêu chí", "Điểm", "Ghi chú", "Tên (tham khảo)",
              "Điểm tối đa (tham khảo)"]  # fmt: skip
    rows = [
        [a.code, c.code, "", "", f"{a.name} — {c.title[:80]}", format_number(c.max_points, 2)]
        for a in agencies
        for c in criteria
    ]
    name = f"mau-dieu-tra-{slugify(framework.code)}-{framework.year}"
    if fmt == "csv":
        return csv_response([header, *rows], f"{name}.csv")
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Điểm điều tra"
    sheet.append(header)
    for cell in sheet[1][:3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            as_text(cell)
    for letter, width in zip("ABCDEF", (14, 12, 10, 24, 70, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_col=2):
        for cell in row:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
