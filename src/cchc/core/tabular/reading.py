"""Reading an uploaded table (CSV or XLSX) into a header and rows of text, Unicode NFC.
Shared by every import (operational data, task lists of plans, frameworks).

CSV: UTF-8 (with or without BOM), separator `,` `;` or tab, detected from the header line.
XLSX: the first sheet, read with python-calamine; dates come back as date/datetime objects.

A Vietnamese export rarely starts with its header: a title ("BÁO CÁO TÌNH HÌNH …"), the
agency and the period come first, and a header may take two rows under merged cells
("Thời gian" over "Tiếp nhận | Hẹn trả"). Given the column names it understands, the
reader finds the header row itself (`locate_header`). Every row keeps its line in the file,
so that an error names the line the user sees, blank lines and title rows included."""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cchc.core.formatting import format_number
from cchc.core.text import without_accents

# How far down a header is looked for: title, agency, period, blank lines, a two-row header.
HEADER_SEARCH_ROWS = 30
NOT_UTF8 = "Tệp CSV không ở mã UTF-8. Hãy lưu lại với mã UTF-8 (Excel: Lưu thành → CSV UTF-8)."
XLSX_BROKEN = (
    "Không đọc được tệp Excel: tệp hỏng hoặc không phải tệp .xlsx. Hãy mở tệp bằng Excel "
    "hoặc LibreOffice, lưu lại dạng .xlsx rồi nạp lại."
)
# A value quoted in a message is cut to this many characters.
QUOTE_LIMIT = 60


class FileError(Exception):
    """The file as a whole cannot be read; the message is Vietnamese and shown as is."""


def refuse_nul(text: str | bytes) -> None:
    """FileError naming the line of a CSV's first NUL character: a text file holds none (a
    binary file renamed .csv, or a damaged one does), and a database's text column cannot
    hold one (PostgreSQL refuses it). Python's csv module reads it since 3.11, Polars always
    did: the file is refused here, before either."""
    if isinstance(text, str):
        at = text.find("\x00")
        line = text.count("\n", 0, at) + 1 if at >= 0 else 0
    else:
        at = text.find(b"\x00")
        line = text.count(b"\n", 0, at) + 1 if at >= 0 else 0
    if line:
        raise FileError(
            f"Dòng {format_number(line, 0)} của tệp CSV chứa ký tự NUL (U+0000): tệp không phải "
            "văn bản CSV hoặc đã hỏng; hãy lưu lại tệp từ Excel dạng CSV UTF-8 rồi nạp lại."
        )


@dataclass
class Table:
    header: list[str]
    rows: list[list[Any]]  # values: str (CSV) or str/int/float/date/datetime/bool (XLSX)
    # The file's line (1 = the first) of each row and of the header; empty: header on line 1
    # and the rows right under it (a table built in code).
    lines: list[int] = field(default_factory=list)
    header_line: int = 1

    def line(self, index: int) -> int:
        """The file line of `rows[index]`, as the user's spreadsheet numbers it."""
        return self.lines[index] if self.lines else self.header_line + 1 + index

    @property
    def first_data_line(self) -> int:
        return self.header_line + 1


def header_key(title: Any) -> str:
    """Compare headers loosely: case, spaces, underscores and accents do not matter."""
    return _header_key(str(title))


@functools.lru_cache(maxsize=4096)
def _header_key(title: str) -> str:
    # Cached: finding a header compares the same few dozen titles with every column's
    # names, once per separator tried and per candidate row (0,02 s a file uncached).
    return re.sub(r"[\s_\-./()]+", "", without_accents(title).lower())


def quoted(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """A cell's value as a message quotes it: “…”, cut after `limit` characters."""
    text = str(value)
    if len(text) > limit:
        text = f"{text[:limit]}… ({format_number(len(text), 0)} ký tự)"
    return f"“{text}”"


def _nfc(text: str) -> str:
    """NFC, with non-breaking spaces as plain spaces; text may be one cell or a whole file."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.replace("\u00a0", " ")


def normalize_text(value: str) -> str:
    # Most cells are ASCII codes and dates: skip the Unicode work for them (measured: the
    # per-cell cost dominates reading a large sheet).
    return (value if value.isascii() else _nfc(value)).strip()


def _cell(value: Any) -> Any:
    if value.__class__ is str:
        return normalize_text(value)
    if value.__class__ is float and value.is_integer():
        return int(value)
    return value


def read_table(content: bytes, file_name: str, *, header_names: Collection[str] = ()) -> Table:
    """The file's first sheet as a Table. With `header_names` (every title, key and alias the
    caller understands), the header is the row among the first ones that names most of them
    (`locate_header`); without, the first non-blank row."""
    return table_of_rows(file_rows(content, file_name, header_names), header_names)


def file_kind(content: bytes, file_name: str) -> str:
    """ "xlsx" or "csv", or a FileError for an empty file or another kind."""
    if not content or content.isspace():  # isspace() stops at the first other byte: no copy
        raise FileError("Tệp rỗng: không có dòng tiêu đề và dữ liệu.")
    lower = file_name.lower()
    if lower.endswith((".xlsx", ".xlsm", ".xls", ".ods")) or content[:2] == b"PK":
        return "xlsx"
    if lower.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    raise FileError("Chỉ nhận tệp CSV (.csv) hoặc Excel (.xlsx).")


def file_rows(
    content: bytes, file_name: str, header_names: Collection[str] = ()
) -> list[list[Any]]:
    """Every row of the file's first sheet, blank ones included (they count as lines)."""
    if file_kind(content, file_name) == "xlsx":
        return list(_read_xlsx(content))
    text = csv_text(content)
    refuse_nul(text)
    return list(_read_csv(text, csv_separator(text, header_names)))


def is_blank_row(row: list[Any]) -> bool:
    # any(row) settles nearly every row at once; the rest are looked at cell by cell (a 0 is
    # a value, not an empty cell).
    return not any(row) and all(v in (None, "") for v in row)


def table_of_rows(rows: list[list[Any]], header_names: Collection[str] = ()) -> Table:
    """The rows after the header, with their lines (counted before blank rows are dropped)."""
    kept = [(line, row) for line, row in enumerate(rows, start=1) if not is_blank_row(row)]
    if not kept:
        raise FileError("Tệp rỗng: không có dòng tiêu đề và dữ liệu.")
    lines = [line for line, _ in kept]
    rows = [row for _, row in kept]
    start, header = (0, _titles(rows[0]))
    if header_names:
        start, header = locate_header(rows, header_names)
    return Table(header=header, rows=rows[start + 1 :], lines=lines[start + 1 :],
                 header_line=lines[start])  # fmt: skip


def _titles(row: Sequence[Any]) -> list[str]:
    return [normalize_text(str(h)) if h is not None else "" for h in row]


def _score(titles: list[str], wanted: set[str], key: Callable[[Any], str]) -> int:
    return len({name for name in map(key, titles) if name in wanted})


def locate_header(
    rows: Sequence[Sequence[Any]],
    header_names: Collection[str],
    *,
    within: int = HEADER_SEARCH_ROWS,
    key: Callable[[Any], str] = header_key,
) -> tuple[int, list[str]]:
    """(index of the header's last row, its titles): the row among the first `within`
    naming most of `header_names` (compared by `key`: the caller's own comparison of
    titles, where it maps its columns with one), the earliest on a tie. A header of two
    rows under merged cells is read as one: a blank cell of the lower row takes the title
    above it ("STT" merged down), so "Thời gian" over "Tiếp nhận | Hẹn trả" gives "Tiếp
    nhận | Hẹn trả" and keeps "STT". None named: the first row, as before (the caller then
    reports the missing columns, or, reading a Word table, takes it for a layout table).
    Every table the product reads finds its header here: uploads (CSV, XLSX) and the task
    tables of a Word plan (`plans.task_table`)."""
    wanted = {key(name) for name in header_names}
    best, best_score = (0, _titles(rows[0])), 0
    for index, row in enumerate(rows[:within]):
        titles = _titles(row)
        candidates = [(index, titles)]
        if index + 1 < len(rows):
            lower = _titles(rows[index + 1])
            width = max(len(titles), len(lower))
            titles += [""] * (width - len(titles))
            lower += [""] * (width - len(lower))
            candidates.append(
                (index + 1, [low or up for up, low in zip(titles, lower, strict=True)])
            )
        for candidate in candidates:
            score = _score(candidate[1], wanted, key)
            if score > best_score:
                best, best_score = candidate, score
    return best


def map_header(
    header: list[str], names: Mapping[str, Collection[str]]
) -> tuple[dict[str, int], list[str]]:
    """Where each column is: `names` maps a column's key to the titles it is known by.
    Returns (key → position, the titles of the columns given twice); unknown titles are
    ignored."""
    known = {header_key(title): key for key, titles in names.items() for title in titles}
    positions: dict[str, int] = {}
    repeated: list[str] = []
    for index, title in enumerate(header):
        key = known.get(header_key(title))
        if key is None:
            continue
        if key in positions:
            repeated.append(title)
        positions[key] = index
    return positions, repeated


def csv_text(content: bytes) -> str:
    """The CSV file's text: UTF-8 with or without BOM (UTF-16 with its BOM, as Excel's
    "Unicode Text" saves it, too), NFC, non-breaking spaces as spaces."""
    return csv_text_and_bytes(content)[0]


def csv_text_and_bytes(content: bytes) -> tuple[str, bytes]:
    """`csv_text`, and the same text as UTF-8 without BOM: the file's own bytes when the
    text is theirs unchanged (no copy of a large file), else the text encoded."""
    try:
        if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
            text = content.decode("utf-16")
            return _nfc(text), _nfc(text).encode()
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(NOT_UTF8) from exc
    # The whole text at once, as normalize_text does cell by cell: no delimiter, quote or
    # line break composes with what follows it, so the cells come out the same.
    text = decoded if decoded.isascii() else _nfc(decoded)
    if text is decoded:  # _nfc gives the same object back when there is nothing to change
        return text, content[3:] if content.startswith(b"\xef\xbb\xbf") else content
    return text, text.encode()


def csv_separator(text: str, header_names: Collection[str] = ()) -> str:
    """`,` `;` or tab, judged on the file's head (HEADER_SEARCH_ROWS lines, where the header is
    looked for), not on its first line alone — a title above the header ("BÁO CÁO …") may
    hold none, or a comma of its own: the one under which a line names most of
    `header_names` (the caller's columns), then the one dividing some line into most cells."""
    lines: list[str] = []
    start = 0
    while len(lines) < HEADER_SEARCH_ROWS and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        lines.append(text[start:end])
        start = end + 1
    wanted = {header_key(name) for name in header_names}

    def fit(separator: str) -> tuple[int, int]:
        named = 0
        if wanted:
            allow_cells_of(text)
            rows = csv.reader(lines, delimiter=separator)
            named = max((_score(_titles(row), wanted, header_key) for row in rows), default=0)
        return named, max((line.count(separator) for line in lines), default=0)

    return max([",", ";", "\t"], key=fit)


def allow_cells_of(text: str) -> None:
    """Let the csv module read a cell as long as `text`: the importer's column then refuses it
    with its row and column (the module's default limit, 128 KiB, would end in a system
    error). The limit is the process's; it only grows."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))


def _read_csv(text: str, delimiter: str) -> Iterator[list[Any]]:
    allow_cells_of(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            yield list(map(str.strip, row))
    except csv.Error as exc:
        raise FileError(
            f"Dòng {reader.line_num} của tệp CSV sai định dạng (dấu ngoặc kép không đóng, "
            "hoặc ký tự lạ); hãy lưu lại tệp từ Excel dạng CSV UTF-8 rồi nạp lại."
        ) from exc


def _read_xlsx(content: bytes) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        data = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own (English) error types for damaged files
        raise FileError(XLSX_BROKEN) from exc
    for row in data:
        yield [_cell(v) for v in row]
