"""Reading an uploaded table (CSV or XLSX) into a header and rows of text, Unicode NFC.
Shared by every import (operational data, task lists of plans, frameworks).

CSV: UTF-8 (with or without BOM), separator `,` `;` or tab, detected from the header line.
XLSX: the first sheet, read with python-calamine; dates come back as date/datetime objects."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


class FileError(Exception):
    """The file as a whole cannot be read; the message is Vietnamese and shown as is."""


@dataclass
class Table:
    header: list[str]
    rows: list[list[Any]]  # values: str (CSV) or str/int/float/date/datetime/bool (XLSX)


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


def read_table(content: bytes, file_name: str) -> Table:
    if not content.strip():
        raise FileError("Tệp rỗng: không có dòng tiêu đề và dữ liệu.")
    lower = file_name.lower()
    if lower.endswith((".xlsx", ".xlsm", ".xls", ".ods")) or content[:2] == b"PK":
        rows = list(_read_xlsx(content))
    elif lower.endswith((".csv", ".txt", ".tsv")):
        rows = list(_read_csv(content))
    else:
        raise FileError("Chỉ nhận tệp CSV (.csv) hoặc Excel (.xlsx).")
    # any(row) settles nearly every row at once; the rest are looked at cell by cell (a 0 is
    # a value, not an empty cell).
    rows = [row for row in rows if any(row) or any(v not in (None, "") for v in row)]
    if not rows:
        raise FileError("Tệp rỗng: không có dòng tiêu đề và dữ liệu.")
    header = [str(h) if h is not None else "" for h in rows[0]]
    return Table(header=header, rows=rows[1:])


def _read_csv(content: bytes) -> Iterator[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(
            "Tệp CSV không ở mã UTF-8. Hãy lưu lại với mã UTF-8 (Excel: Lưu thành → CSV UTF-8)."
        ) from exc
    if not text.isascii():
        # The whole text at once, as normalize_text does cell by cell: no delimiter, quote or
        # line break composes with what follows it, so the cells come out the same.
        text = _nfc(text)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        yield list(map(str.strip, row))


def _read_xlsx(content: bytes) -> Iterator[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        data = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise FileError(f"Không đọc được tệp Excel (tệp hỏng hoặc sai định dạng): {exc}") from exc
    for row in data:
        yield [_cell(v) for v in row]
