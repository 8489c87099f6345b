"""Excel (and CSV) exports of tables: a title, a subtitle, a header row, data, an optional
note. Text is written as text: a cell that starts like a formula ("=HYPERLINK(…)" imported as
a dossier code, "=1+1" as a task) is never a live formula in the file a user opens."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet reads as the start of a formula in a CSV cell (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: Any) -> Any:
    """`cell` (openpyxl) with a text that starts like a formula stored as text, not formula."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def csv_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet will not evaluate: a text starting like a formula gets a
    leading apostrophe, which Excel and LibreOffice show as a text marker."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(rows: Sequence[Sequence[Any]], filename: str) -> HttpResponse:
    """A UTF-8 CSV download with a BOM (so that Excel reads the Vietnamese), formula-safe."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([csv_safe(v) for v in row] for row in rows)
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value: Any) -> Any:
    """A value openpyxl can write: a translatable label (a choice's `.label`, lazy until
    rendered) becomes its text; openpyxl refuses the lazy object."""
    return str(value) if isinstance(value, Promise) else value


def build_xlsx(
    *,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    note: str = "",
    number_formats: Mapping[int, str] | None = None,
) -> bytes:
    """Written row by row (openpyxl's write-only mode): a large export costs a quarter less
    time and does not hold every cell as an object. `number_formats` gives the Excel number
    format of a column's numbers by column index (e.g. {5: "0.000"}): the cell keeps the
    exact value and Excel shows it rounded; other floats are shown with 2 decimals."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Số liệu")

    def styled(value: Any, **style) -> WriteOnlyCell:
        cell = as_text(WriteOnlyCell(sheet, value=_cell(value)))
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, width + 2), 60)
    header_row = 5 if note else 4
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.append([styled(str(title), font=Font(bold=True, size=13))])
    sheet.append([str(subtitle)])
    if note:
        sheet.append([styled(str(note), font=Font(italic=True, color="9C5700"))])
    sheet.append([])
    header_style = {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DDEBF7"),
        "alignment": Alignment(wrap_text=True, vertical="top"),
    }
    sheet.append([styled(str(header), **header_style) for header in headers])
    formats = number_formats or {}

    def number_cell(index: int, value: Any) -> Any:
        if index in formats and value.__class__ in (Decimal, float, int):
            return styled(value, number_format=formats[index])
        if value.__class__ is float:
            return styled(value, number_format="0.00")
        if isinstance(value, str) and value.startswith("="):
            return styled(value)
        return _cell(value)

    for row in rows:
        sheet.append([number_cell(index, value) for index, value in enumerate(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, **table) -> HttpResponse:
    response = HttpResponse(build_xlsx(**table), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
