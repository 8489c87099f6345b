"""An XLSX sheet read into columns (ADR 0030): fastexcel hands the cells over as typed
Arrow columns — the same calamine library as python-calamine, without a Python object per
cell — so 100.000 rows are read in less time than python-calamine takes to hand its cells
over one by one.

The header is found as for every table (`reading.locate_header`, under title rows), in the
sheet's first rows only: python-calamine reads a copy of the workbook cut after them
(`_head`), which costs milliseconds, and fastexcel then reads the rows under the header
with each column's type. Each column arrives as `Sheet.of_table` would have it from
python-calamine: text as text (NFC, stripped), Excel's numbers, dates, times and TRUE/FALSE
as the Python values python-calamine gives (a whole number as an int, a midnight as a date,
a time of day alone as a time). Whatever this path does not cover — a column mixing numbers
and text, a workbook that is not OOXML (.xls, .ods), a header further down than the rows
cut — is read the former way, cell by cell: the result is the same, only slower."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Collection
from datetime import date, datetime, time
from typing import Any

import polars as pl

from cchc.core.tabular.reading import (
    HEADER_SEARCH_ROWS,
    _cell,
    _titles,
    file_rows,
    is_blank_row,
    locate_header,
    table_of_rows,
)
from cchc.core.tabular.sheet import SEPARATORS, Sheet, normal_text

# The rows of the sheet's start read to find the header in: enough for HEADER_SEARCH_ROWS
# filled rows under blank and title rows.
HEAD_ROWS = 4 * HEADER_SEARCH_ROWS
HEAD_BYTES = HEAD_ROWS * 4096
ROW_END = re.compile(rb"<(?:[\w.-]+:)?row\b[^>]*/>|</(?:[\w.-]+:)?row>")
OPENING = re.compile(rb"<([\w.-]+:)?(sheetData|worksheet)\b")
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def read_excel_sheet(content: bytes, file_name: str, header_names: Collection[str]) -> Sheet:
    """The workbook's first sheet as columns, header and lines as `read_table` finds them."""
    head = _head(content)
    if head is None:
        return _by_cell(content, file_name, header_names)
    kept = [(line, row) for line, row in enumerate(head, start=1) if not is_blank_row(row)]
    if not kept or (len(head) >= HEAD_ROWS and len(kept) <= HEADER_SEARCH_ROWS):
        return _by_cell(content, file_name, header_names)  # the header may lie further down
    rows = [row for _, row in kept]
    start, header = (0, _titles(rows[0]))
    if header_names:
        start, header = locate_header(rows, header_names)
    header_line = kept[start][0]
    import fastexcel

    try:
        sheet = fastexcel.read_excel(content).load_sheet(
            0, header_row=header_line - 1, dtype_coercion="strict", schema_sample_rows=None
        )
        frame = sheet.to_polars()
    except fastexcel.FastExcelError:  # a column of several kinds of cell: one by one
        return _by_cell(content, file_name, header_names)
    columns = dict(zip((info.absolute_index for info in sheet.available_columns()),
                       frame.iter_columns(), strict=True))  # fmt: skip
    blank = pl.repeat(True, frame.height, dtype=pl.Boolean, eager=True)
    for position, values in columns.items():
        if values.dtype in (pl.String, pl.Null):
            values = values.cast(pl.String)
            separators = bool(values.str.contains(f"[{SEPARATORS}]").any())
            columns[position] = values = normal_text(values, separators=separators)
            blank &= values == ""
        else:
            blank &= values.is_null()
    # Row i is the sheet's line header_line + 1 + i; a blank one is dropped, its line counted.
    lines = pl.int_range(header_line + 1, header_line + 1 + frame.height, eager=True)
    kept_rows = ~blank
    width = max([len(header), *(position + 1 for position in columns)])
    height = int(kept_rows.sum())
    text: dict[str, pl.Series] = {}
    cells: dict[int, list[Any] | pl.Series] = {}
    for position in range(width):
        if position not in columns:  # a column empty under the header: blank cells
            text[str(position)] = pl.repeat("", height, dtype=pl.String, eager=True).alias(
                str(position)
            )
            continue
        values = columns[position].filter(kept_rows)
        if values.dtype == pl.String:
            text[str(position)] = values.alias(str(position))
        else:
            # Date-times stay a column (the engine types them at once); the rest as
            # python-calamine's cells.
            cells[position] = values if values.dtype == pl.Datetime else excel_cells(values)
    return Sheet(
        header + [""] * (width - len(header)),
        header_line,
        lines.filter(kept_rows).cast(pl.Int64).alias("line"),
        pl.DataFrame(list(text.values())) if text else pl.DataFrame(height=height),
        cells,
        workbook=content,
    )


def _by_cell(content: bytes, file_name: str, header_names: Collection[str]) -> Sheet:
    """The former reading: every cell from python-calamine, one Python value each."""
    sheet = Sheet.of_table(table_of_rows(file_rows(content, file_name, header_names), header_names))
    sheet.workbook = content
    return sheet


# --- formulas without a computed value ---------------------------------------------------
# A workbook written by a program (openpyxl, a report generator) may hold a formula and no
# value computed for it, which only Excel or LibreOffice computes when it opens the file:
# calamine reads such a cell as empty. Found in the first worksheet's XML, looked for only
# when a required cell reads as empty (the engine's error path).
_XML_NAME = rb"(?:[\w.-]+:)?"
CELL = re.compile(rb"<" + _XML_NAME + rb"c\b([^>]*)>(.*?)</" + _XML_NAME + rb"c>", re.S)
CELL_REFERENCE = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
CACHED_VALUE = re.compile(rb"<" + _XML_NAME + rb"(?:v>\s*[^<\s]|is>)")
FIRST_SHEET = re.compile(rb"<" + _XML_NAME + rb"sheet\b[^>]*?\s[\w.-]+:id=\"([^\"]+)\"")
RELATIONSHIP = re.compile(rb"<" + _XML_NAME + rb"Relationship\b[^>]*>")


def uncomputed_formulas(content: bytes) -> set[tuple[int, int]]:
    """The cells of the workbook's first sheet that hold a formula without a computed value,
    as (row, column) — the row as the spreadsheet numbers it, the column from 0 for A —
    where `read_excel_sheet` puts their lines and positions. Empty for a workbook this
    cannot read (then nothing is said of its empty cells)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        path = _first_sheet(archive)
        xml = archive.read(path) if path else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return set()
    root = OPENING.search(xml)
    # The formula's element, "<f>" or "<f …" (with the sheet's namespace prefix, if any),
    # found by `bytes.find`: a regular expression's walk over every tag of a 100.000-row
    # sheet takes seconds.
    tag = b"<" + ((root[1] or b"") if root else b"") + b"f"
    found: set[tuple[int, int]] = set()
    at = xml.find(tag)
    while at >= 0:
        if xml[at + len(tag) : at + len(tag) + 1] in (b">", b" ", b"/", b"\t", b"\n", b"\r"):
            # A formula is the first element of its cell: the cell's tag is the one before it.
            cell = CELL.match(xml, xml.rfind(b"<", 0, at))
            if cell is not None and cell.start(2) <= at < cell.end(2):
                reference = CELL_REFERENCE.search(cell.group(1))
                if reference is not None and not CACHED_VALUE.search(cell.group(2)):
                    found.add((int(reference[2]), _column_index(reference[1])))
        at = xml.find(tag, at + 1)
    return found


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The path in the archive of the workbook's first worksheet (the one calamine reads)."""
    sheet = FIRST_SHEET.search(archive.read("xl/workbook.xml"))
    if sheet is None:
        return None
    for relationship in RELATIONSHIP.finditer(archive.read("xl/_rels/workbook.xml.rels")):
        tag = relationship.group()
        if re.search(rb'\sId="' + re.escape(sheet[1]) + rb'"', tag):
            target = re.search(rb'\sTarget="([^"]+)"', tag)
            if target is None:
                return None
            name = target[1].decode()
            return name.lstrip("/") if name.startswith("/") else f"xl/{name}"
    return None


def _column_index(letters: bytes) -> int:
    """A column's letters as its position from 0: A → 0, Z → 25, AA → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - ord("A") + 1
    return index - 1


# Excel's day zero: a time of day alone is a date-time on it.
EXCEL_DAY_ZERO = date(1899, 12, 31)


def excel_cells(values: pl.Series) -> list[Any]:
    """A typed column read by fastexcel as python-calamine gives its cells: a whole number
    as an int, a date-time at midnight as a date, a time of day alone as a time."""
    if values.dtype == pl.Float64:
        whole = values.is_null() | (values.round(0) == values)
        if whole.all() and (values.abs().max() or 0) < 2**63:  # type: ignore[operator]
            return values.cast(pl.Int64).to_list()
        return [v if v is None or not v.is_integer() else int(v) for v in values.to_list()]
    if values.dtype == pl.Datetime:
        return [_moment(v) for v in values.to_list()]
    return values.to_list()


def _moment(value: datetime | None) -> Any:
    if value is None:
        return None
    if value.date() == EXCEL_DAY_ZERO:
        return value.time()
    if value.time() == time():
        return value.date()
    return value


def _head(content: bytes) -> list[list[Any]] | None:
    """The first sheet's first HEAD_ROWS rows (all of a shorter sheet) as python-calamine
    reads them; None for a file this cannot cut (not an OOXML workbook, rows of more than
    HEAD_BYTES / HEAD_ROWS bytes each).

    Every worksheet of the copy is cut after its first HEAD_ROWS rows, so the first is
    among them without reading which it is (no XML parsed here: only the end of a row found
    and the sheet's two open elements closed)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        cut: dict[str, bytes] = {}
        for info in archive.infolist():
            if WORKSHEET.fullmatch(info.filename):
                with archive.open(info) as stream:
                    start = stream.read(HEAD_BYTES)
                    if stream.read(1):
                        cut[info.filename] = _first_rows(start)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    workbook = io.BytesIO(content)
    if cut:
        workbook = io.BytesIO()
        with zipfile.ZipFile(workbook, "w", zipfile.ZIP_STORED) as out:
            for info in archive.infolist():
                out.writestr(info.filename, cut.get(info.filename) or archive.read(info))
        workbook.seek(0)
    from python_calamine import CalamineWorkbook

    try:
        rows = (
            CalamineWorkbook.from_filelike(workbook)
            .get_sheet_by_index(0)
            .to_python(skip_empty_area=False, nrows=HEAD_ROWS)
        )
    except Exception:  # calamine's own error types: the whole file's reading says what is wrong
        return None
    return [[_cell(v) for v in row] for row in rows]


def _first_rows(xml: bytes) -> bytes:
    """A worksheet's XML from its start to the end of its HEAD_ROWS-th row, closed."""
    ends = list(ROW_END.finditer(xml))
    if len(ends) < HEAD_ROWS:
        raise ValueError("rows too long to cut")
    rows = xml[: ends[HEAD_ROWS - 1].end()]
    prefixes = {m[2]: (m[1] or b"") for m in OPENING.finditer(rows)}
    if set(prefixes) != {b"sheetData", b"worksheet"}:
        raise ValueError("not a worksheet's XML")
    return rows + b"</%bsheetData></%bworksheet>" % (
        prefixes[b"sheetData"],
        prefixes[b"worksheet"],
    )
