"""Build a plan .docx laid out as provinces write them: the header block and the signature
block in two-column tables, and the tasks in a real Word table ("Phụ lục")."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.text import WD_BREAK

TASK_HEADER = (
    "STT",
    "Nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian hoàn thành",
    "Sản phẩm",
)


def _cell_lines(cell, lines: Sequence[str]) -> None:
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def plan_docx(
    *,
    header_left: Sequence[str],
    header_right: Sequence[str],
    body: Sequence[str],
    recipients: Sequence[str] = ("Nơi nhận:", "- Bộ Nội vụ;", "- Lưu: VT."),
    signature: Sequence[str] = (),
    appendix_heading: Sequence[str] = ("PHỤ LỤC",),
    task_rows: Sequence[Sequence[str]] = (),
    header: Sequence[str] = TASK_HEADER,
) -> bytes:
    """A .docx: header table, body paragraphs, signature table, then the task table after a
    page break. A task row with one cell is a group row, merged across the whole table."""
    document = Document()
    top = document.add_table(rows=1, cols=2)
    _cell_lines(top.rows[0].cells[0], header_left)
    _cell_lines(top.rows[0].cells[1], header_right)
    for line in body:
        document.add_paragraph(line)
    if signature:
        bottom = document.add_table(rows=1, cols=2)
        _cell_lines(bottom.rows[0].cells[0], recipients)
        _cell_lines(bottom.rows[0].cells[1], signature)
    if task_rows:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for line in appendix_heading:
            document.add_paragraph(line)
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, header, strict=True):
            cell.text = title
        for values in task_rows:
            cells = table.add_row().cells
            if len(values) == 1:
                cells[0].merge(cells[-1]).text = values[0]
                continue
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
