"""Downloadable templates for each kind of import, built from the importer's own columns,
so a template can never drift from what the importer accepts.

- `template_xlsx(kind)`: sheet "Dữ liệu" with the header row only (required columns bold on a
  blue fill; each title carries its help as a cell comment; code and text columns are formatted
  as text so Excel does not turn "106-02" into a date or drop leading zeros), and a second sheet
  "Hướng dẫn" listing every column: required or not, accepted aliases, help, example.
- `template_csv(kind)`: UTF-8 with a byte-order mark (so Excel opens the accents correctly),
  the header and one example row."""

from __future__ import annotations

import csv
import io

from cchc.core import xlsx
from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column
from cchc.operations.imports import IMPORTERS

DATA_SHEET = "Dữ liệu"
GUIDE_SHEET = "Hướng dẫn"
TEMPLATE_ROWS = 2000  # rows pre-formatted as text in the code columns
GENERAL_NOTES = (
    "Dòng 1 của trang “Dữ liệu” là tiêu đề cột; mỗi dòng tiếp theo là một bản ghi. Thứ tự cột "
    "không quan trọng; cột không có trong danh sách trên được bỏ qua.",
    "Ngày: dd/mm/yyyy, có thể kèm giờ (dd/mm/yyyy hh:mm). Tháng: mm/yyyy. Có/Không: Có hoặc "
    "Không (1 hoặc 0).",
    "Số: dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập phân (1.234.567; 1.234,5); "
    "viết liền cũng được (1234567; 1234.5). Số tiền tính bằng đồng, có thể kèm “đ”: 50.000 "
    "hoặc 50000 là năm mươi nghìn đồng. Cột số lượng không nhận phần thập phân; “50,000” "
    "trong cột số lượng hay số tiền bị từ chối vì không rõ là 50 hay 50.000.",
    "Tệp có bất kỳ dòng sai nào bị từ chối toàn bộ, kèm danh sách lỗi theo dòng và cột; khi đó "
    "không có gì được ghi. Nạp lại cùng một tệp không tạo bản ghi trùng.",
    "Có thể nạp tệp CSV (mã UTF-8) với cùng các tiêu đề cột.",
)


def _is_text(column: Column) -> bool:
    return column.parse is f.text or getattr(column.parse, "text_cell", False)


def _help(column: Column) -> str:
    """The comment on a column's title in the template."""
    note = "Bắt buộc." if column.required else "Không bắt buộc."
    if column.help:
        note += f" {column.help}."
    if column.example:
        note += f" Ví dụ: {column.example}"
    return note


def template_xlsx(kind: str) -> bytes:
    """The Excel template of `kind` (a key of IMPORTERS)."""
    importer = IMPORTERS[kind]
    book = xlsx.Book()
    book.sheet(
        DATA_SHEET,
        [
            xlsx.Column(
                column.title,
                width=min(max(14, len(column.title) + 4), 40),
                number_format=xlsx.TEXT if _is_text(column) else None,
                comment=_help(column),
                strong=column.required,
            )
            for column in importer.columns
        ],
        blank_rows=TEMPLATE_ROWS,
    )
    book.sheet(
        GUIDE_SHEET,
        [
            xlsx.Column("Cột", width=36, wrap=True),
            xlsx.Column("Bắt buộc", width=10, wrap=True),
            xlsx.Column("Tên khác được chấp nhận", width=44, wrap=True),
            xlsx.Column("Hướng dẫn", width=60, wrap=True),
            # examples such as "01/2022" stay as written
            xlsx.Column("Ví dụ", width=28, wrap=True, number_format=xlsx.TEXT),
        ],
        [
            [
                column.title,
                "Có" if column.required else "Không",
                "; ".join(column.aliases),
                column.help,
                column.example,
            ]
            for column in importer.columns
        ],
        below=[
            [],
            [xlsx.Styled(f"{importer.title}: lưu ý chung")],
            *([note] for note in GENERAL_NOTES),
        ],
    )
    return book.save()


def template_csv(kind: str) -> bytes:
    """The CSV template of `kind`: UTF-8 with BOM, the header and one example row."""
    importer = IMPORTERS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.title for column in importer.columns])
    writer.writerow([column.example for column in importer.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
