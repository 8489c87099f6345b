"""Every Excel file the product writes goes through this writer; CSV downloads too.

The writer (openpyxl's write-only mode: rows are streamed, a 50.000-row export never holds
every cell as an object):

- `Book()`: one workbook. `book.sheet(name, columns, rows=(), *, above=(), below=(),
  freeze=True, blank_rows=0)` adds a sheet: the lines `above` (a title block), the header row
  of `columns`, the `rows`, `blank_rows` empty rows pre-formatted for a template to fill, the
  lines `below`. `book.save() -> bytes`; `book.response(filename) -> HttpResponse`.
- `Column(title, width=None, number_format=None, comment="", strong=True, wrap=False)`: a
  column's header cell and how its cells look. `width` None: fitted to the title and the first
  200 values (10 to 60 characters). `number_format` None: each value's vi-VN default (below);
  `TEXT`: every cell, the blank rows' too, formatted as text (a code typed as "106-02" is not
  turned into a date, "01" keeps its zero); `GENERAL`: numbers as Excel shows them by default (a machine-read file).
  `comment`: a note on the header cell (a template's help). `strong`: the header bold on a
  blue fill (False: a plain header, e.g. an optional column of a template). `wrap`: the
  column's cells wrap their text.
- `Styled(value, emphasis="bold")`: a cell in a font, in any line or row: "title" (bold, 13),
  "heading" (bold, 12), "bold", "note" (italic, brown: a warning above a table).
- `build_xlsx(title=, subtitle=, headers=, rows=, note="", number_formats=None) -> bytes` and
  `xlsx_response(filename=, **same)`: the usual export, sheet "Số liệu": title, subtitle,
  note, a blank line, the header, the rows. `number_formats` maps a column's index to its
  format (a caller's own, e.g. the PAR INDEX display decimals, is kept as given).
- `csv_response(rows, filename)`: a UTF-8 CSV with a BOM (Excel reads the Vietnamese).

Every sheet has the same header (bold, blue fill, wrapped, top-aligned) and is frozen under its
header (`freeze=False` for a sheet that is not a table).

Numbers and dates in a row, unless their column says otherwise, are shown the Vietnamese way:
an int `#,##0`, a float with 2 decimals, a Decimal with its own decimals, each behind the
Vietnamese locale tag `[$-42A]` (`INTEGER`, `number_format(places)`): LibreOffice then shows
1.234.567 and 1.234,5 whatever its own language; Excel shows its system's separators (those of
a vi-VN Windows in the province). A date `dd/mm/yyyy` (`DAY`), a datetime `dd/mm/yyyy hh:mm`
(`MOMENT`, an aware one in local time). The lines `above` are written as given (a year stays
2022, not 2.022); the lines `below` continue the table's columns.

Text stays text: a cell that starts like a formula ("=HYPERLINK(…)" imported as a dossier
code, "=1+1" as a task, "+", "-", "@") is a text cell, never a live formula, marked with
Excel's quote prefix so that editing it keeps it text (`looks_like_formula`, `as_text`). In a
CSV it gets a leading apostrophe instead (`csv_safe`; `csv_safe_frame` for a Polars frame):
the OWASP "CSV injection" rule. A translatable label (lazy) is written as its text. A
character an .xlsx cannot hold (a control character pasted with a text) is dropped, a vertical
tab becomes a line break (`core.text.xml_safe`): the file is always written."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any, Literal

import polars as pl
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cchc.core.text import NOT_IN_XML, xml_safe

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet reads as the start of a formula in a CSV cell (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Number formats. A format's "," and "." are Excel's grouping and decimal marks, shown with
# the separators of the format's locale (LibreOffice) or of the system (Excel).
VIETNAMESE = "[$-42A]"  # the locale tag of vi-VN (LCID 0x042A)
INTEGER = VIETNAMESE + "#,##0"
GENERAL = "General"
TEXT = "@"
DAY = "dd/mm/yyyy"
MOMENT = "dd/mm/yyyy hh:mm"
ISO_DAY = "yyyy-mm-dd"

Emphasis = Literal["title", "heading", "bold", "note"]
FONTS: dict[str, Font] = {
    "title": Font(bold=True, size=13),
    "heading": Font(bold=True, size=12),
    "bold": Font(bold=True),
    "note": Font(italic=True, color="9C5700"),
}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAPPED = Alignment(wrap_text=True, vertical="top")
FIT_ROWS = 200  # the rows a fitted column's width is measured on
MIN_WIDTH, MAX_WIDTH = 10, 60


def number_format(places: int) -> str:
    """The vi-VN format of a number with `places` decimals: 1.234,50 for 2."""
    return INTEGER + ("." + "0" * places if places > 0 else "")


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header cell and how its cells look (module docstring)."""

    title: str
    width: float | None = None
    number_format: str | None = None
    comment: str = ""
    strong: bool = True
    wrap: bool = False


@dataclass(frozen=True)
class Styled:
    """A cell written in one of the `FONTS`."""

    value: object
    emphasis: Emphasis = "bold"


# --- text stays text ------------------------------------------------------------------------


def looks_like_formula(value: object) -> bool:
    """A text a spreadsheet would run as a formula if it were typed or read from a CSV."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_text(cell: Any) -> Any:
    """`cell` (openpyxl) with a text that starts like a formula stored as text, not formula,
    with the quote prefix Excel gives a text typed after an apostrophe."""
    if cell.data_type == "f":
        cell.data_type = "s"
    if looks_like_formula(cell.value):
        cell.quotePrefix = True
    return cell


def csv_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet will not evaluate: a text starting like a formula gets a
    leading apostrophe, which Excel and LibreOffice show as a text marker."""
    return "'" + value if looks_like_formula(value) else value


def csv_safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`csv_safe` on every text column of a Polars frame."""
    starts = "^[" + "".join("\\" + c if c in "-+=@" else c for c in FORMULA_STARTS) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(starts))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )


def csv_response(rows: Sequence[Sequence[Any]], filename: str) -> HttpResponse:
    """A UTF-8 CSV download with a BOM (so that Excel reads the Vietnamese), formula-safe."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([csv_safe(v) for v in row] for row in rows)
    return _download(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), filename, "text/csv; charset=utf-8"
    )


# --- the writer -----------------------------------------------------------------------------


def _plain(value: object) -> object:
    """A value openpyxl can write: a translatable label (a choice's `.label`, lazy until
    rendered) becomes its text; an aware datetime its local time (Excel has no time zones)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _default_format(value: object) -> str | None:
    kind = value.__class__
    if kind is int:
        return INTEGER
    if kind is float:
        return number_format(2)
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return number_format(-exponent if isinstance(exponent, int) and exponent < 0 else 0)
    if kind is datetime:
        return MOMENT
    if kind is date:
        return DAY
    return None


def _shown_length(value: object) -> int:
    if isinstance(value, Styled):
        value = value.value
    return 0 if value is None else len(str(value))


class Book:
    """One workbook, written sheet by sheet and row by row."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)

    def sheet(
        self,
        name: str,
        columns: Sequence[Column | str],
        rows: Iterable[Sequence[object]] = (),
        *,
        above: Sequence[Sequence[object]] = (),
        below: Sequence[Sequence[object]] = (),
        freeze: bool = True,
        blank_rows: int = 0,
    ) -> None:
        sheet = self.workbook.create_sheet(name)
        specs = [c if isinstance(c, Column) else Column(c) for c in columns]
        rows = iter(rows)
        sample = list(islice(rows, FIT_ROWS))
        for index, column in enumerate(specs):
            width = column.width
            if width is None:
                longest = max(
                    [len(str(column.title))]
                    + [_shown_length(row[index]) for row in sample if index < len(row)]
                )
                width = min(max(MIN_WIDTH, longest + 2), MAX_WIDTH)
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        if freeze:
            sheet.freeze_panes = f"A{len(above) + 2}"
        for line in above:
            sheet.append([self._cell(sheet, value, None) for value in line])
        sheet.append([self._header(sheet, column) for column in specs])
        for row in chain(sample, rows):
            sheet.append(self._row(sheet, row, specs))
        for _ in range(blank_rows):
            sheet.append(
                [None if c.number_format is None else self._blank(sheet, c) for c in specs]
            )
        for line in below:
            sheet.append(self._row(sheet, line, specs))

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    def response(self, filename: str) -> HttpResponse:
        return _download(self.save(), filename, XLSX_TYPE)

    @staticmethod
    def _header(sheet: Any, column: Column) -> WriteOnlyCell:
        cell = as_text(WriteOnlyCell(sheet, value=xml_safe(str(column.title))))
        cell.alignment = WRAPPED
        if column.strong:
            cell.font = FONTS["bold"]
            cell.fill = HEADER_FILL
        if column.comment:
            cell.comment = Comment(column.comment, "cchc")
        return cell

    @staticmethod
    def _blank(sheet: Any, column: Column) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet)
        cell.number_format = column.number_format
        return cell

    def _row(self, sheet: Any, row: Sequence[object], specs: list[Column]) -> list[object]:
        return [
            self._cell(sheet, value, specs[index] if index < len(specs) else None)
            for index, value in enumerate(row)
        ]

    @staticmethod
    def _cell(sheet: Any, value: object, column: Column | None) -> object:
        """What `sheet.append` takes for `value`: the value itself when it needs no style
        (most cells of a large export), else a styled cell. `column` None: a line above the
        table, written as given."""
        if (  # the common cell of a large export, first: a plain text (0,3 µs instead of 0,6)
            isinstance(value, str)
            and not value.startswith(FORMULA_STARTS)
            and (column is None or (column.number_format in (None, GENERAL) and not column.wrap))
            and NOT_IN_XML.search(value) is None
        ):
            return value
        font = None
        if isinstance(value, Styled):
            font, value = FONTS[value.emphasis], value.value
        value = _plain(value)
        if value is None:
            return None
        if isinstance(value, str):
            value = xml_safe(value)
        shown = None
        if column is not None:
            shown = column.number_format or _default_format(value)
        if shown == GENERAL:
            shown = None
        wrap = column is not None and column.wrap
        formula = looks_like_formula(value)
        if font is None and shown is None and not wrap and not formula:
            return value
        cell = as_text(WriteOnlyCell(sheet, value=value))
        if font is not None:
            cell.font = font
        if shown is not None:
            cell.number_format = shown
        if wrap:
            cell.alignment = WRAPPED
        return cell


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the usual export -----------------------------------------------------------------------


def build_xlsx(
    *,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    note: str = "",
    number_formats: Mapping[int, str] | None = None,
) -> bytes:
    """Sheet "Số liệu": the title, the subtitle, the note (if any), a blank line, the header,
    the rows. `number_formats` gives a column's format by its index (e.g. {5: "0.000"}): the
    cell keeps the exact value and Excel shows it rounded."""
    formats = number_formats or {}
    book = Book()
    book.sheet(
        "Số liệu",
        [Column(str(h), number_format=formats.get(i)) for i, h in enumerate(headers)],
        rows,
        above=[
            [Styled(str(title), "title")],
            [str(subtitle)],
            *([[Styled(str(note), "note")]] if note else []),
            [],
        ],
    )
    return book.save()


def xlsx_response(*, filename: str, **table: Any) -> HttpResponse:
    return _download(build_xlsx(**table), filename, XLSX_TYPE)
