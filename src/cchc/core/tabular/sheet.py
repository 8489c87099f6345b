"""A file's table as columns (Polars), for the import engine (ADR 0018, ADR 0019).

`read_sheet` reads what `reading.read_table` reads — the same header (found under title
rows, two-row headers merged), the same rows, the same line numbers, the same text (NFC,
stripped) — but a CSV's cells arrive as Polars text columns instead of a Python list per
row: reading a million-row file takes a fraction of a second instead of seconds. An XLSX
keeps python-calamine's cells (numbers, dates), and a CSV that Polars cannot read as the
csv module does (a quote left open) goes the csv module's way, with its message: the two
paths give one `Sheet`.

Line numbers: Polars gives one row per CSV record, blank lines included, exactly as the csv
module counts them, so a row's line is its record's number."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from cchc.core.tabular.reading import (
    HEADER_SEARCH_ROWS,
    NOT_UTF8,
    FileError,
    Table,
    _nfc,
    _read_csv,
    _titles,
    allow_cells_of,
    csv_separator,
    csv_text_and_bytes,
    file_kind,
    is_blank_row,
    locate_header,
    refuse_nul,
    table_of_rows,
)

# What Python's str.strip() strips (the csv path strips cells with it): Polars' own
# whitespace set lacks the four information separators \x1c–\x1f.
WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
SEPARATORS = "\x1c\x1d\x1e\x1f"


@dataclass
class Sheet:
    """The rows under the header, by column. `text` holds one String column per header
    position whose cells are all text (named by position, "0", "1", …; "" for an empty
    cell); `cells` the positions whose cells are not all text (an XLSX's numbers and dates),
    as Python lists, or a column of Excel's date-times as a naive Datetime Series
    (`excel.py`, whose `excel_cells` gives its cells as python-calamine would). `lines`:
    each row's line in the file. `workbook`: an XLSX's bytes, where the engine looks for
    formulas without a computed value behind cells that read as empty
    (`excel.uncomputed_formulas`)."""

    header: list[str]
    header_line: int
    lines: pl.Series
    text: pl.DataFrame
    cells: dict[int, list[Any] | pl.Series] = field(default_factory=dict)
    workbook: bytes | None = None

    @property
    def height(self) -> int:
        return self.lines.len()

    @property
    def first_data_line(self) -> int:
        return self.header_line + 1

    def column(self, position: int) -> pl.Series | list[Any] | None:
        """The cells at `position`: a String Series, a list of Python values, a Datetime
        Series, or None when no row reaches that far."""
        if position in self.cells:
            return self.cells[position]
        name = str(position)
        return self.text.get_column(name) if name in self.text.columns else None

    @classmethod
    def of_table(cls, table: Table) -> Sheet:
        """A Table (read by `read_table`, or built in code) as columns."""
        height = len(table.rows)
        width = max([len(table.header), *map(len, table.rows)], default=0)
        text: dict[str, pl.Series] = {}
        cells: dict[int, list[Any] | pl.Series] = {}
        for position in range(width):
            values = [row[position] if position < len(row) else None for row in table.rows]
            if all(v is None or v.__class__ is str for v in values):
                column = pl.Series(str(position), values, dtype=pl.String).fill_null("")
                text[str(position)] = column
            else:
                cells[position] = values
        lines = pl.Series("line", [table.line(i) for i in range(height)], dtype=pl.Int64)
        frame = pl.DataFrame(text) if text else pl.DataFrame(height=height)
        return cls(table.header, table.header_line, lines, frame, cells)


def read_sheet(content: bytes, file_name: str, *, header_names: Collection[str] = ()) -> Sheet:
    """The file's first sheet as columns; header and lines as `read_table` finds them."""
    if file_kind(content, file_name) == "xlsx":
        from cchc.core.tabular.excel import read_excel_sheet

        return read_excel_sheet(content, file_name, header_names)
    if content[:2] in UTF16_BOMS:  # Excel's "Unicode Text": decoded whole, as before
        text, data = csv_text_and_bytes(content)
        head = _Head(text, text)
    else:
        data = content.removeprefix(UTF8_BOM)
        head = _Head.of(data)
    refuse_nul(data)  # (the bytes of a UTF-16 file decoded: UTF-8, as every other's)
    separator = csv_separator(head.text, header_names)
    if well_quoted(data, separator):
        try:
            return _polars_csv(head, data, separator, header_names)
        except pl.exceptions.PolarsError:
            pass
    # A record Polars reads otherwise than the csv module (a quote left open, text after a
    # closing quote), or bytes that are not UTF-8: the csv module's reading of the whole text,
    # and its message for a broken file.
    rows = list(_read_csv(head.full(), separator))
    return Sheet.of_table(table_of_rows(rows, header_names))


UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# The bytes of a CSV decoded to find its separator and header in; the rest is only read by
# Polars, as bytes, and each column composed (NFC) by itself (`composed`).
HEAD_BYTES = 1 << 20


@dataclass
class _Head:
    """The start of a CSV's text (NFC; `cut`: not the whole file, cut after a line break),
    and the whole text when it is needed (blank rows under the header, a header's search
    that goes past the start)."""

    text: str
    whole: str | None
    data: bytes = b""
    cut: bool = False

    @classmethod
    def of(cls, data: bytes) -> _Head:
        end = data.rfind(b"\n", 0, HEAD_BYTES) + 1 if len(data) > HEAD_BYTES else 0
        # The separator is judged on the first HEADER_SEARCH_ROWS lines: all of them, at least.
        if not end or data.count(b"\n", 0, end) <= HEADER_SEARCH_ROWS:
            text = _decoded(data)
            return cls(text, text, data)
        return cls(_decoded(data[:end]), None, data, cut=True)

    def full(self) -> str:
        if self.whole is None:
            self.whole = _decoded(self.data)
        return self.whole


def _decoded(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileError(NOT_UTF8) from exc
    return text if text.isascii() else _nfc(text)


def normal_text(values: pl.Series, *, separators: bool) -> pl.Series:
    """A text column as `reading.normalize_text` leaves each cell: an empty cell "", NFC
    with non-breaking spaces as spaces, stripped of Python's whitespace — whose four
    information separators (\x1c–\x1f) Rust's lacks: the longer set, which costs more, only
    where the caller found one (`separators`)."""
    frame = values.to_frame("cells")
    return normal_columns(frame, ["cells"], separators=separators).to_series().alias(values.name)


def normal_columns(frame: pl.DataFrame, names: list[str], *, separators: bool) -> pl.DataFrame:
    """`normal_text` for the columns `names` of `frame`, side by side: whether each is ASCII
    is asked of all at once, the few that are not are composed, then every column is
    stripped by one expression, which Polars spreads over the cores (13 columns of 300.000
    cells: 0,20 s one after another, 0,07 s so)."""
    wide = frame.select((pl.col(names).str.len_bytes() != pl.col(names).str.len_chars()).any())
    frame = frame.with_columns(
        composed(frame.get_column(name).fill_null(""))
        for name in names
        if wide.get_column(name).item()
    )
    return frame.with_columns(
        pl.col(names).fill_null("").str.strip_chars(WHITESPACE if separators else None)
    )


def composed(values: pl.Series) -> pl.Series:
    """A text column as `reading._nfc` leaves each cell: NFC, non-breaking spaces as spaces;
    a column of a few words (a status) composed once per distinct word."""
    if (values.str.len_bytes() == values.str.len_chars()).all():
        return values  # ASCII
    distinct = values.unique()
    if distinct.len() * 4 < values.len():
        normal = _composed(distinct)
        if normal.equals(distinct):  # already composed, as a file nearly always is
            return values
        return values.replace_strict(distinct, normal, return_dtype=pl.String)
    return _composed(values)


def _composed(values: pl.Series) -> pl.Series:
    return values.str.normalize("NFC").str.replace_all("\u00a0", " ", literal=True)


def well_quoted(data: bytes, separator: str) -> bool:
    """Whether every quote of the file is part of a quoted cell that fills its cell ("…",
    doubled quotes inside). Polars reads other quotes otherwise than the csv module, and
    silently: "x,"q", y" is one cell for Polars, two for the csv module (`x,q"` and ` y"`),
    and a quote left open at the end of the file is dropped. Such a file goes the csv
    module's way; a file without quotes, or quoted as Excel quotes, is read by Polars. Read
    on the bytes: quotes, separators and line breaks are ASCII, the same in UTF-8."""
    ends = (ord(separator), ord("\n"), ord("\r"))
    # Each quoted cell ("…", doubled quotes inside) must open at the start of the text, a
    # line or a cell, and close at the end of one; every quote must be in one of them. The
    # next quote is looked for by `find` (memchr): a file quoted only in its header costs a
    # scan of its bytes, not a regular expression's walk over them (0,04 s for 35 MB).
    start = data.find(b'"')
    while start >= 0:
        match = QUOTED.match(data, start)
        if match is None:  # a quote never closed
            return False
        end = match.end()
        if (start and data[start - 1] not in ends) or (end < len(data) and data[end] not in ends):
            return False
        start = data.find(b'"', end)
    return True


QUOTED = re.compile(rb'"[^"]*(?:""[^"]*)*"')


def _head(text: str, separator: str) -> tuple[list[tuple[int, list[str]]], int]:
    """The first non-blank records with their lines, enough to find the header in, and the
    lines of text read for them."""
    allow_cells_of(text)
    kept: list[tuple[int, list[str]]] = []
    reader = csv.reader(_lines(text), delimiter=separator)
    try:
        for line, record in enumerate(reader, start=1):
            row = [cell.strip() for cell in record]
            if not is_blank_row(row):
                kept.append((line, row))
                if len(kept) > HEADER_SEARCH_ROWS:
                    break
    except csv.Error as exc:
        raise pl.exceptions.ComputeError("csv") from exc  # the csv module's path says why
    return kept, reader.line_num


def _lines(text: str) -> Iterator[str]:
    """The text's lines, line breaks kept, one at a time (no copy of a large file)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _polars_csv(head: _Head, data: bytes, separator: str, header_names: Collection[str]) -> Sheet:
    kept, lines_read = _head(head.text, separator)
    if head.cut and lines_read >= head.text.count("\n"):  # the search needs more than the start
        kept, _ = _head(head.full(), separator)
    if not kept:
        raise FileError("Tệp rỗng: không có dòng tiêu đề và dữ liệu.")
    rows = [row for _, row in kept]
    start, header = (0, _titles(rows[0]))
    if header_names:
        start, header = locate_header(rows, header_names)
    header_line = kept[start][0]
    width = max(len(header), 1)
    names = [str(i) for i in range(width)]
    frame = pl.read_csv(
        io.BytesIO(data),
        has_header=False,
        separator=separator,
        schema=dict.fromkeys(names, pl.String),
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )
    # Row i is record i + 1 of the file: keep those after the header, cells composed and
    # stripped as the csv path has them, then drop the blank ones (their lines stay counted).
    records = frame.height
    frame = frame.with_row_index("line", offset=1).slice(header_line)
    separators = any(c.encode() in data for c in SEPARATORS)  # once for the whole file
    frame = normal_columns(frame, names, separators=separators)
    filled = pl.any_horizontal(pl.col(names) != "")
    blank = frame.filter(~filled).get_column("line").to_list()
    if blank:  # (without, no copy of the whole frame)
        further = _filled_further(head.full(), separator, blank, records)
        frame = frame.filter(filled | pl.col("line").is_in(further))
    lines = frame.get_column("line").cast(pl.Int64)
    return Sheet(header, header_line, lines, frame.drop("line"))


def _filled_further(text: str, separator: str, numbers: list[int], records: int) -> list[int]:
    """Which of the records `numbers`, blank under the header, hold a cell further right (a
    note beside the table): the csv path keeps such a row, so that its empty required cells
    are reported, and so does this one. Polars reads only the header's width, so those
    records are read again from their lines; a file whose quoted cells span lines (a record
    is then not a line) goes the csv module's way."""
    physical = text.split("\n")
    if physical[-1] == "":
        physical.pop()
    if len(physical) != records:
        raise pl.exceptions.ComputeError("a record spans lines")
    return [
        number
        for number in numbers
        if any(cell.strip() for row in csv.reader([physical[number - 1]], delimiter=separator)
               for cell in row)
    ]  # fmt: skip
