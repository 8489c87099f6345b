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
from datetime import date, datetime, time
from typing import Any

import polars as pl

from cchc.core.tabular.reading import (
    HEADER_SEARCH_ROWS,
    FileError,
    Table,
    _read_csv,
    _titles,
    allow_cells_of,
    csv_separator,
    csv_text_and_bytes,
    file_kind,
    is_blank_row,
    locate_header,
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
    as Python lists. `lines`: each row's line in the file."""

    header: list[str]
    header_line: int
    lines: pl.Series
    text: pl.DataFrame
    cells: dict[int, list[Any] | pl.Series] = field(default_factory=dict)

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


def read_sheet(content: bytes, file_name: str, *, header_names: Collection[str] = ()) -> Sheet:
    """The file's first sheet as columns; header and lines as `read_table` finds them."""
    if file_kind(content, file_name) == "xlsx":
        from cchc.core.tabular.excel import read_excel_sheet

        return read_excel_sheet(content, file_name, header_names)
    text, data = csv_text_and_bytes(content)
    separator = csv_separator(text, header_names)
    if well_quoted(text, separator):
        try:
            return _polars_csv(text, data, separator, header_names)
        except pl.exceptions.PolarsError:
            pass
    # A record Polars reads otherwise than the csv module (a quote left open, text after a
    # closing quote): the csv module's reading, and its message for a broken file.
    rows = list(_read_csv(text, separator))
    return Sheet.of_table(table_of_rows(rows, header_names))


def well_quoted(text: str, separator: str) -> bool:
    """Whether every quote of `text` is part of a quoted cell that fills its cell ("…",
    doubled quotes inside). Polars reads other quotes otherwise than the csv module, and
    silently: "x,"q", y" is one cell for Polars, two for the csv module (`x,q"` and ` y"`),
    and a quote left open at the end of the file is dropped. Such a file goes the csv
    module's way; a file without quotes, or quoted as Excel quotes, is read by Polars."""
    total = text.count('"')
    if not total:
        return True
    ends = (separator, "\n", "\r")
    seen = 0
    # Each quoted cell ("…", doubled quotes inside) must open at the start of the text, a
    # line or a cell, and close at the end of one; every quote must be in one of them.
    for match in QUOTED.finditer(text):
        start, end = match.span()
        if (start and text[start - 1] not in ends) or (end < len(text) and text[end] not in ends):
            return False
        seen += match.group().count('"')
    return seen == total


QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')


def _head(text: str, separator: str) -> list[tuple[int, list[str]]]:
    """The first non-blank records with their lines, enough to find the header in."""
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
    return kept


def _lines(text: str) -> Iterator[str]:
    """The text's lines, line breaks kept, one at a time (no copy of a large file)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _polars_csv(text: str, data: bytes, separator: str, header_names: Collection[str]) -> Sheet:
    kept = _head(text, separator)
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
    # Row i is record i + 1 of the file: keep those after the header, cells stripped as the
    # csv path strips them, then drop the blank ones (their lines stay counted).
    records = frame.height
    frame = frame.with_row_index("line", offset=1).slice(header_line)
    # Python's whitespace has four characters Rust's lacks (\x1c–\x1f): the longer set, which
    # costs more, only for a file that holds one.
    strip = WHITESPACE if any(c in text for c in SEPARATORS) else None
    frame = frame.with_columns(pl.col(names).fill_null("").str.strip_chars(strip))
    filled = pl.any_horizontal(pl.col(names) != "")
    blank = frame.filter(~filled).get_column("line").to_list()
    if blank:
        further = _filled_further(text, separator, blank, records)
        filled = filled | pl.col("line").is_in(further)
    frame = frame.filter(filled)
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
