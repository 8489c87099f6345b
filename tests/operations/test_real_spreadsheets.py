"""Issue 20, "bad files": spreadsheets as Vietnamese systems export them (a title, the agency
and the period above the header, a two-row header under merged cells, blank lines), cells
far longer than any column holds, damaged files — and text that comes back out of an export
as a live formula. Every refusal names the line the user sees and writes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cchc.core.tabular.reading import locate_header, quoted, read_table
from cchc.core.xlsx import build_xlsx, csv_response
from cchc.operations.models import Dossier
from tests.operations.importing import csv_bytes, errors_at, fingerprint, load

pytestmark = pytest.mark.django_db

HEADER = ["Mã hồ sơ", "Mã thủ tục", "Mã cơ quan", "Kênh thực hiện", "Ngày tiếp nhận",
          "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái"]  # fmt: skip
ROWS = [
    ["12-STP-220105-0001", "1.001", "12-STP", "2", "05/01/2022 08:30", "12/01/2022 17:00",
     "10/01/2022 10:00", "Đã giải quyết"],
    ["12-STP-220106-0001", "1.001", "12-STP", "1", "06/01/2022 16:00", "", "", "Đang xử lý"],
]  # fmt: skip


def exported_sheet() -> bytes:
    """The usual shape of a one-stop system's export: a merged title, the agency and the
    period, a blank line, then a header of two rows — "Mã hồ sơ" merged down over both,
    "Thời gian" merged across over its two sub-columns — then the data."""
    book = Workbook()
    sheet = book.active
    sheet.append(["BÁO CÁO DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH"])
    sheet.merge_cells("A1:H1")
    sheet.append(["Đơn vị: Sở Tư pháp tỉnh Lai Châu"])
    sheet.append(["Từ ngày 01/01/2022 đến ngày 31/01/2022"])
    sheet.append([])
    sheet.append(["Mã hồ sơ", "Mã thủ tục", "Mã cơ quan", "Kênh thực hiện", "Thời gian", None,
                  None, "Trạng thái"])  # fmt: skip
    sheet.append([None, None, None, None, "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý",
                  None])  # fmt: skip
    for column in "ABCDH":
        sheet.merge_cells(f"{column}5:{column}6")
    sheet.merge_cells("E5:G5")
    for row in ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_header_is_found_under_title_rows_and_merged_cells(reform_office, catalogue):
    run = load(reform_office, "dossiers", exported_sheet(), "bao-cao.xlsx")
    assert run.status == "done", run.errors
    assert set(Dossier.objects.values_list("code", flat=True)) == {r[0] for r in ROWS}
    received = Dossier.objects.get(code=ROWS[0][0]).received_at
    assert (received.day, received.month, received.hour) == (5, 1, 1)  # 08:30 in Hà Nội = 01:30 UTC


def test_an_error_under_title_rows_names_the_spreadsheet_line(reform_office, catalogue):
    book = load_workbook(io.BytesIO(exported_sheet()))
    book.active["E8"] = "31/02/2022"  # the second data row: line 8 of the sheet
    buffer = io.BytesIO()
    book.save(buffer)
    before = fingerprint()
    run = load(reform_office, "dossiers", buffer.getvalue(), "bao-cao.xlsx")
    assert run.status == "rejected"
    assert errors_at(run, 8, "Ngày tiếp nhận"), run.errors
    assert fingerprint() == before


def test_blank_lines_count_in_the_line_an_error_names(reform_office, catalogue):
    """Line numbers are the file's: two blank lines before the bad row move it to line 5."""
    bad = [*ROWS[1][:4], "99/99/2022", *ROWS[1][5:]]
    content = "\n".join([",".join(HEADER), ",".join(ROWS[0]), "", "", ",".join(bad)])
    run = load(reform_office, "dossiers", content)
    assert run.status == "rejected"
    assert errors_at(run, 5, "Ngày tiếp nhận"), run.errors


def test_a_file_without_any_known_header_says_so(reform_office, catalogue):
    run = load(reform_office, "dossiers", "Báo cáo\nSở Tư pháp\nx,y\n1,2\n")
    assert run.status == "rejected"
    assert all("không tìm thấy dòng tiêu đề" in e["message"] for e in run.errors), run.errors


def test_locate_header_prefers_the_first_row_when_it_is_the_header():
    rows = [["Mã hồ sơ", "Trạng thái"], ["Trạng thái", "Mã hồ sơ"]]
    assert locate_header(rows, ["Mã hồ sơ", "Trạng thái"]) == (0, ["Mã hồ sơ", "Trạng thái"])


def test_a_cell_of_a_million_characters_is_refused_with_its_line(reform_office, catalogue):
    before = fingerprint()
    huge = "x" * 1_000_000
    rows = [ROWS[0], [*ROWS[1][:7], huge]]
    run = load(reform_office, "dossiers", csv_bytes(HEADER, rows))
    assert run.status == "rejected"
    [message] = errors_at(run, 3, "Trạng thái")
    assert len(message) < 200 and "1.000.000 ký tự" in message, message
    assert fingerprint() == before


def test_a_dossier_code_longer_than_its_column_is_refused(reform_office, catalogue):
    before = fingerprint()
    rows = [["D" * 100_000, *ROWS[0][1:]]]
    run = load(reform_office, "dossiers", csv_bytes(HEADER, rows))
    assert run.status == "rejected"
    assert errors_at(run, 2, "Mã hồ sơ") == ["dài 100.000 ký tự, tối đa 64 ký tự"]
    assert fingerprint() == before


def test_a_quoted_value_is_cut():
    assert quoted("abc") == "“abc”"
    assert quoted("y" * 500) == "“" + "y" * 60 + "… (500 ký tự)”"


def test_a_damaged_xlsx_gets_a_message_in_vietnamese_only(reform_office, catalogue):
    run = load(reform_office, "dossiers", b"PK\x03\x04 not really a workbook", "hong.xlsx")
    assert run.status == "rejected"
    [error] = run.errors
    assert "Không đọc được tệp Excel" in error["message"]
    assert "format" not in error["message"].lower() and "zip" not in error["message"].lower()


def test_an_unclosed_quote_in_a_csv_is_a_file_error_not_a_system_error(reform_office, catalogue):
    text = csv_bytes(HEADER, ROWS).decode() + '"12-STP-x,1.001\x00'
    run = load(reform_office, "dossiers", text)
    assert run.status == "rejected", run.errors
    assert "Lỗi hệ thống" not in str(run.errors)


def test_an_empty_file_on_the_command_line_is_an_error_message(reform_office, tmp_path):
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="Tệp rỗng"):
        call_command("import_data", "dossiers", str(path), user=reform_office.username)


def test_a_file_error_on_the_command_line_names_the_file_not_a_line_0(
    reform_office, tmp_path, capsys
):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError, match="Tệp bị từ chối"):
        call_command("import_data", "dossiers", str(path), user=reform_office.username)
    [line] = [line for line in capsys.readouterr().err.splitlines() if "Excel" in line]
    assert line.startswith("  tệp: Không đọc được tệp Excel")


def test_read_table_keeps_the_file_lines():
    table = read_table(b"Title\n\nA,B\n1,2\n\n3,4\n", "t.csv", header_names=["A", "B"])
    assert table.header == ["A", "B"] and table.header_line == 3
    assert [table.line(i) for i in range(len(table.rows))] == [4, 6]


# --- exports: text stays text ------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x","bấm")', "=1+1", "+1+1", "-1+1", "@SUM(A1)"]


def test_build_xlsx_writes_formula_like_text_as_text():
    content = build_xlsx(title="T", subtitle="S", headers=["Mã"], rows=[[v] for v in DANGEROUS])
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=5) if row[0].value is not None]
    assert [c.value for c in cells] == DANGEROUS
    assert {c.data_type for c in cells} == {"s"}


def test_csv_downloads_neutralise_formula_like_text():
    response = csv_response([["Mã"], *[[v] for v in DANGEROUS], ["12-STP", 3]], "x.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:-1]] == ["'" + v for v in DANGEROUS]
    assert rows[-1] == ["12-STP", "3"]


def test_an_imported_formula_comes_back_as_text_in_the_dossier_export(
    client, reform_office, catalogue
):
    code = '=HYPERLINK("http://x","a")'
    run = load(reform_office, "dossiers", csv_bytes(HEADER, [[code, *ROWS[0][1:]]]))
    assert run.status == "done", run.errors
    client.force_login(reform_office)
    response = client.get(reverse("operations:dossier_list"), {"xuat": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value == code]
    assert cell.data_type == "s"
