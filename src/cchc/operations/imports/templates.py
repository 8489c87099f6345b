"""Downloadable templates for each import: the header an importer accepts, an example row,
and (in Excel) a sheet explaining every column."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from cchc.operations.imports import IMPORTERS


def template_xlsx(kind: str) -> bytes:
    importer = IMPORTERS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dữ liệu"
    sheet.append([c.title for c in importer.columns])
    sheet.append([c.example for c in importer.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(
            14, len(str(column[0].value)) + 2
        )
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Tên khác được chấp nhận", "Ghi chú", "Ví dụ"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for c in importer.columns:
        guide.append(
            [c.title, "có" if c.required else "không", ", ".join(c.aliases), c.help, c.example]
        )
    guide.append([])
    guide.append(
        ["Ngày: dd/mm/yyyy hoặc dd/mm/yyyy hh:mm. Số thập phân dùng dấu phẩy. Có/không: 1/0."]
    )
    guide.append(
        ["Tệp có bất kỳ dòng sai nào sẽ bị từ chối toàn bộ; nạp lại cùng tệp không tạo bản trùng."]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(kind: str) -> bytes:
    importer = IMPORTERS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.title for c in importer.columns])
    writer.writerow([c.example for c in importer.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
