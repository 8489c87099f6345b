"""Text and task tables from an uploaded .docx, for ``document_parser.parse_plan_text``.

Paragraphs come out one per line in document order. Most tables are layout: a plan's header
block (issuer, "Số: …", place and date) and its signature block ("Nơi nhận:" beside "TM. ỦY
BAN NHÂN DÂN …") are two-column tables, so their cells' paragraphs are read as lines, row by
row. A table whose header names the tasks and their lead agency, deadline or output ("STT |
Nhiệm vụ | Cơ quan chủ trì | …", see ``task_table``) is a **task table**: ``read_docx`` keeps
it as rows of cells instead, because flattened into lines its cells would read as separate
paragraphs. Word's automatic numbering is not part of a paragraph's text, so it is not
reproduced (see docs/plan-import.md).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from cchc.plans.document_parser import PlanParseError
from cchc.plans.task_table import TaskTable, locate_header

__all__ = ["DocumentError", "DocxContent", "extract_docx_text", "read_docx"]

# Old binary Word files (.doc) start with the OLE2 signature.
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class DocumentError(PlanParseError):
    """The upload is not a readable .docx file. The message is Vietnamese, for the user."""


@dataclass
class DocxContent:
    text: str  # every paragraph, layout tables included, task tables left out
    tables: list[TaskTable] = field(default_factory=list)


def read_docx(data: bytes) -> DocxContent:
    """The text of a .docx file as lines, with its task tables apart."""
    document = _open(data)
    try:
        tables: list[TaskTable] = []
        lines = list(_lines(document, tables))
    except Exception as exc:
        raise _unreadable() from exc
    return DocxContent("\n".join(lines), tables)


def extract_docx_text(data: bytes) -> str:
    """The text of a .docx file as lines (paragraphs and every table cell's paragraphs)."""
    document = _open(data)
    try:
        return "\n".join(_lines(document, None))
    except Exception as exc:
        raise _unreadable() from exc


def _unreadable() -> DocumentError:
    # python-docx raises many kinds of errors (BadZipFile, KeyError, ValueError, lxml errors,
    # PackageNotFoundError) for damaged or non-Word files. The user only needs to know that
    # the file cannot be read.
    return DocumentError("Không đọc được tệp Word: tệp bị hỏng hoặc không phải định dạng .docx.")


def _open(data: bytes):  # python-docx's Document type is private
    if not data:
        raise DocumentError("Tệp rỗng: không có nội dung để đọc.")
    if data.startswith(_OLE2_SIGNATURE):
        raise DocumentError(
            "Tệp Word cũ (.doc) chưa được hỗ trợ: hãy mở tệp trong Word và lưu lại "
            "dưới dạng .docx rồi tải lên lại."
        )
    try:
        return Document(io.BytesIO(data))
    except Exception as exc:
        raise _unreadable() from exc


def _lines(container: object, tables: list[TaskTable] | None) -> Iterator[str]:
    """Paragraph texts of a document or table cell, in order, descending into layout tables.
    With ``tables`` given, task tables go there instead of into the lines."""
    heading = ""
    for block in container.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            yield block.text
            heading = block.text.strip() or heading
        elif isinstance(block, Table):
            rows = _cell_rows(block) if tables is not None else []
            if rows and locate_header(rows) is not None:
                tables.append(TaskTable(rows, heading))  # type: ignore[union-attr]
            else:
                yield from _table_lines(block, tables)


def _row_cells(row) -> Iterator:
    """A row's cells, each once: a merged cell is returned once per grid column it spans."""
    seen = set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            yield cell


def _cell_rows(table: Table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            merged = id(cell._tc) in seen
            seen.add(id(cell._tc))
            cells.append("" if merged else "\n".join(p.text for p in cell.paragraphs).strip())
        rows.append(cells)
    return rows


def _table_lines(table: Table, tables: list[TaskTable] | None) -> Iterator[str]:
    for row in table.rows:
        for cell in _row_cells(row):
            yield from _lines(cell, tables)
