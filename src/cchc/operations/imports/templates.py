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

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column
from cchc.operations.imports import IMPORTERS

DATA_SHEET = "Dữ liệu"
GUIDE_SHEET = "Hướng dẫn"
TEMPLATE_ROWS = 2000  # rows pre-formatted as text in the code columns
REQUIRED_FILL = PatternFill("solid", fgColor="DDEBF7")
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


def template_xlsx(kind: str) -> bytes:
    """The Excel template of `kind` (a key of IMPORTERS)."""
    importer = IMPORTERS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    for index, column in enumerate(importer.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.title)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if column.required:
            cell.font = Font(bold=True)
            cell.fill = REQUIRED_FILL
        note = "Bắt buộc." if column.required else "Không bắt buộc."
        if column.help:
            note += f" {column.help}."
        if column.example:
            note += f" Ví dụ: {column.example}"
        cell.comment = Comment(note, "cchc")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = min(max(14, len(column.title) + 4), 40)
        if _is_text(column):
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append(["Cột", "Bắt buộc", "Tên khác được chấp nhận", "Hướng dẫn", "Ví dụ"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL
    for column in importer.columns:
        guide.append(
            [
                column.title,
                "Có" if column.required else "Không",
                "; ".join(column.aliases),
                column.help,
                column.example,
            ]
        )
    guide.append([])
    guide.append([f"{importer.title}: lưu ý chung"])
    guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
    for note in GENERAL_NOTES:
        guide.append([note])
    for letter, width in zip("ABCDE", (36, 10, 44, 60, 28), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.column_letter == "E":  # examples such as "01/2022" stay as written
                cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(kind: str) -> bytes:
    """The CSV template of `kind`: UTF-8 with BOM, the header and one example row."""
    importer = IMPORTERS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.title for column in importer.columns])
    writer.writerow([column.example for column in importer.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
