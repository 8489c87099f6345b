"""Plain text from an uploaded .docx, for ``document_parser.parse_plan_text``.

Paragraphs come out one per line in document order. Table cells are read row by row,
and their paragraphs are included, because a plan's header block (issuer, "Số: …",
place and date) is usually laid out in a two-column table. Word's automatic numbering
is not part of a paragraph's text, so it is not reproduced (see docs/plan-import.md).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from cchc.plans.document_parser import PlanParseError

__all__ = ["DocumentError", "extract_docx_text"]

# Old binary Word files (.doc) start with the OLE2 signature.
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class DocumentError(PlanParseError):
    """The upload is not a readable .docx file. The message is Vietnamese, for the user."""


def extract_docx_text(data: bytes) -> str:
    """Return the text of a .docx file as lines (paragraphs and table-cell paragraphs)."""
    if not data:
        raise DocumentError("Tệp rỗng: không có nội dung để đọc.")
    if data.startswith(_OLE2_SIGNATURE):
        raise DocumentError(
            "Tệp Word cũ (.doc) chưa được hỗ trợ: hãy mở tệp trong Word và lưu lại "
            "dưới dạng .docx rồi tải lên lại."
        )
    try:
        document = Document(io.BytesIO(data))
        lines = list(_lines(document))
    except Exception as exc:
        # python-docx raises many kinds of errors (BadZipFile, KeyError, ValueError, lxml
        # errors, PackageNotFoundError) for damaged or non-Word files. The user only needs
        # to know that the file cannot be read.
        raise DocumentError(
            "Không đọc được tệp Word: tệp bị hỏng hoặc không phải định dạng .docx."
        ) from exc
    return "\n".join(lines)


def _lines(container: object) -> Iterator[str]:
    """Paragraph texts of a document or table cell, in order, descending into tables."""
    for block in container.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _table_lines(block)


def _table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        seen = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans: read it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            yield from _lines(cell)
