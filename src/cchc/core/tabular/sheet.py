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
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from cchc.core.tabular.reading import (
    HEADER_SEARCH_ROWS,
    FileError,
    Table,
    _read_csv,
    _titles,
    csv_separator,
    csv_text,
    file_kind,
    file_rows,
    is_blank_row,
    locate_header,
    table_of_rows,
)

# What Python's str.strip() strips (the csv path strips cells with it): Polars' own
# whitespace set lacks the four information separators \x1c–\x1f.
WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


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
    cells: dict[int, list[Any]] = field(default_factory=dict)

    @property
    def height(self) -> int:
        return self.lines.len()

    @property
    def first_data_line(self) -> int:
        return self.header_line + 1

    def column(self, position: int) -> pl.Series | list[Any] | None:
        """The cells at `position`: a String Series, a list of Python values, or None when no
        row reaches that far."""
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
        cells: dict[int, list[Any]] = {}
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
        return Sheet.of_table(table_of_rows(file_rows(content, file_name), header_names))
    text = csv_text(content)
    separator = csv_separator(text)
    try:
        return _polars_csv(text, separator, header_names)
    except pl.exceptions.PolarsError:
        # A record Polars reads otherwise than the csv module (a quote left open, text after
        # a closing quote): the csv module's reading, and its message for a broken file.
        rows = list(_read_csv(text, separator))
        return Sheet.of_table(table_of_rows(rows, header_names))


def _head(text: str, separator: str) -> list[tuple[int, list[str]]]:
    """The first non-blank records with their lines, enough to find the header in."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    kept: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text), delimiter=separator)
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


def _polars_csv(text: str, separator: str, header_names: Collection[str]) -> Sheet:
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
        io.BytesIO(text.encode()),
        has_header=False,
        separator=separator,
        schema=dict.fromkeys(names, pl.String),
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )
    # Row i is record i + 1 of the file: keep those after the header, cells stripped as the
    # csv path strips them, then drop the blank ones (their lines stay counted).
    frame = frame.with_row_index("line", offset=1).slice(header_line)
    frame = frame.with_columns(pl.col(names).fill_null("").str.strip_chars(WHITESPACE))
    frame = frame.filter(pl.any_horizontal(pl.col(names) != ""))
    lines = frame.get_column("line").cast(pl.Int64)
    return Sheet(header, header_line, lines, frame.drop("line"))
