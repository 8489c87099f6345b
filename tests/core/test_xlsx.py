"""The one Excel writer (`core.xlsx`): text that looks like a formula stays text, in openpyxl
and in LibreOffice; the header is styled, frozen and can carry a comment; numbers and dates
are shown the Vietnamese way; widths are fixed or fitted."""

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from cchc.core.xlsx import (
    DAY,
    GENERAL,
    INTEGER,
    MOMENT,
    TEXT,
    Book,
    Column,
    Styled,
    build_xlsx,
    csv_response,
    csv_safe,
    csv_safe_frame,
    number_format,
)
from cchc.operations.models import Channel
from tests.reports.libreoffice import sheet_through_libreoffice

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", '=HYPERLINK("http://x.vn","y")', "\t=1+1"]


def read(content: bytes):
    return load_workbook(io.BytesIO(content))


def one_sheet(columns, rows=(), **options):
    book = Book()
    book.sheet("Bảng", columns, rows, **options)
    return read(book.save())["Bảng"]


def test_lazy_labels_are_written_as_their_text():
    content = build_xlsx(
        title=gettext_lazy("Hồ sơ"),
        subtitle="2 hồ sơ",
        headers=["Mã hồ sơ", gettext_lazy("Kênh")],
        rows=[["A", Channel.POSTAL.label], ["B", Channel(2).label]],
        note=gettext_lazy("ghi chú"),
    )
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Hồ sơ" and rows[2][0] == "ghi chú"
    assert rows[-3:] == [("Mã hồ sơ", "Kênh"), ("A", "Bưu chính công ích"), ("B", "Trực tuyến")]


# --- text stays text ----------------------------------------------------------------------


def formula_book() -> bytes:
    """Formula-looking texts everywhere a sheet has cells: above, header, rows, below."""
    book = Book()
    book.sheet(
        "Bảng",
        ["=Tiêu đề", Column("Mã", number_format=TEXT), "Số"],
        [[text, text, 1] for text in FORMULAS],
        above=[[Styled("=1+1", "title")], []],
        below=[["-ghi chú"]],
    )
    return book.save()


def test_a_text_that_looks_like_a_formula_is_a_text_cell_not_a_formula():
    sheet = read(formula_book())["Bảng"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    looking = [c for c in cells if c.value[:1] in "=+-@\t"]
    assert len(looking) == 2 + 2 * len(FORMULAS) + 1
    for cell in looking:
        assert cell.data_type == "s", cell.coordinate
        assert cell.quotePrefix, cell.coordinate  # editing it in Excel keeps it text
    assert [sheet.cell(row=4 + i, column=1).value for i in range(len(FORMULAS))] == FORMULAS
    assert not sheet["C4"].quotePrefix and not sheet["B3"].quotePrefix  # a number, a plain text


def test_libreoffice_shows_the_formula_looking_texts_as_written(tmp_path):
    rows = sheet_through_libreoffice(formula_book(), tmp_path)
    assert rows[0][0] == "=1+1" and rows[2][0] == "=Tiêu đề"
    assert [row[0] for row in rows[3 : 3 + len(FORMULAS)]] == FORMULAS  # not 2, not #NAME?
    assert [row[1] for row in rows[3 : 3 + len(FORMULAS)]] == FORMULAS
    assert rows[-1][0] == "-ghi chú"


@pytest.mark.parametrize("text", [*FORMULAS, "\r=1", "-"])
def test_csv_cells_and_frames_get_the_same_apostrophe(text):
    assert csv_safe(text) == "'" + text
    frame = csv_safe_frame(pl.DataFrame({"a": [text, "1-1", "a=b"], "n": [1, -1, 2]}))
    assert frame["a"].to_list() == ["'" + text, "1-1", "a=b"]
    assert frame["n"].to_list() == [1, -1, 2]  # numbers are not text
    assert csv_safe(-1) == -1 and csv_safe("1-1") == "1-1"


def test_a_csv_download_has_a_bom_and_safe_cells():
    response = csv_response([["Mã", "Ghi chú"], ["=1+1", "+84"]], "a.csv")
    assert response.content.decode("utf-8-sig").splitlines() == ["Mã,Ghi chú", "'=1+1,'+84"]
    assert response["Content-Disposition"] == 'attachment; filename="a.csv"'


# --- header -------------------------------------------------------------------------------


def test_the_header_is_frozen_under_the_lines_above_it():
    assert one_sheet(["A"], [[1]]).freeze_panes == "A2"
    assert one_sheet(["A"], above=[["Tiêu đề"], []]).freeze_panes == "A4"
    assert one_sheet(["A"], freeze=False).freeze_panes is None
    export = {"title": "T", "subtitle": "S", "headers": ["A"], "rows": [[1]]}
    assert read(build_xlsx(**export)).active.freeze_panes == "A5"
    assert read(build_xlsx(**export, note="Lưu ý")).active.freeze_panes == "A6"


def test_the_header_is_styled_and_carries_its_comment():
    sheet = one_sheet(
        [Column("Mã", comment="Bắt buộc. Ví dụ: 12-STP"), Column("Ghi chú", strong=False)]
    )
    required, optional = sheet[1]
    assert required.font.b and required.fill.fgColor.rgb.endswith("DDEBF7")
    assert required.alignment.wrap_text and required.alignment.vertical == "top"
    assert required.comment.text == "Bắt buộc. Ví dụ: 12-STP"
    assert required.comment.author == "cchc"
    assert not optional.font.b and optional.fill.fill_type is None and optional.comment is None
    assert optional.alignment.wrap_text


def test_widths_are_fixed_or_fitted_to_the_values():
    sheet = one_sheet(
        [Column("Mã", width=14), "Tên", "Mô tả", "Ngắn"],
        [["12-STP", "Sở Tư pháp tỉnh", "x" * 300, "a"]],
    )
    widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
    assert widths == [14, len("Sở Tư pháp tỉnh") + 2, 60, 10]


# --- numbers and dates --------------------------------------------------------------------


def test_numbers_and_dates_are_shown_the_vietnamese_way_with_their_exact_values():
    moment = datetime(2022, 3, 5, 7, 30, tzinfo=UTC)  # 14:30 in Hà Nội
    sheet = one_sheet(
        ["Số", "Tỷ lệ", "Điểm", "Ngày", "Lúc", "Có", "Mã"],
        [[1234567, 1234.5, Decimal("17.966"), date(2022, 3, 5), moment, True, "12-STP"]],
    )
    cells = sheet[2]
    assert [c.value for c in cells] == [1234567, 1234.5, 17.966, datetime(2022, 3, 5),
                                        datetime(2022, 3, 5, 14, 30), True, "12-STP"]  # fmt: skip
    assert [c.number_format for c in cells] == [
        INTEGER, number_format(2), number_format(3), DAY, MOMENT, "General", "General"
    ]  # fmt: skip
    assert number_format(2) == "[$-42A]#,##0.00" and number_format(0) == INTEGER


def test_a_columns_own_format_is_kept_and_general_leaves_numbers_as_stored():
    sheet = one_sheet(
        [Column("Chỉ số", number_format="0.000"), Column("Năm", number_format=GENERAL), "Ghi"],
        [[17.96612, 2022, None]],
        above=[["Năm", 2022]],
    )
    assert sheet["A3"].number_format == "0.000" and sheet["A3"].value == 17.96612
    assert sheet["B3"].number_format == "General"
    assert sheet["B1"].value == 2022 and sheet["B1"].number_format == "General"  # above: as given


def test_libreoffice_shows_the_numbers_with_vietnamese_separators(tmp_path):
    book = Book()
    book.sheet(
        "Bảng",
        ["Số", "Tỷ lệ", "Điểm", "Ngày"],
        [[1234567, 1234.5, Decimal("17.966"), date(2022, 3, 5)]],
    )
    rows = sheet_through_libreoffice(book.save(), tmp_path)
    assert rows[1] == ["1.234.567", "1.234,50", "17,966", "05/03/2022"]


def test_a_template_pre_formats_its_blank_rows_as_text_in_code_columns():
    sheet = one_sheet([Column("Mã", number_format=TEXT), "Số"], blank_rows=3)
    assert sheet.max_row == 4
    assert [sheet.cell(row=r, column=1).number_format for r in (2, 3, 4)] == ["@"] * 3
    assert sheet.cell(row=2, column=2).number_format == "General"
    assert all(c.value is None for row in sheet.iter_rows(min_row=2) for c in row)


def test_lines_below_continue_the_columns_and_styled_cells_keep_their_font():
    sheet = one_sheet(
        [Column("Cột", wrap=True), "Ví dụ"],
        [["a", "b"]],
        below=[[], [Styled("Lưu ý chung")], ["Một ghi chú dài"]],
        above=[[Styled("Tiêu đề", "title")], [Styled("Cảnh báo", "note")]],
    )
    assert sheet["A1"].font.sz == 13 and sheet["A1"].font.b
    assert sheet["A2"].font.i and sheet["A2"].font.color.rgb.endswith("9C5700")
    assert sheet["A6"].value == "Lưu ý chung" and sheet["A6"].font.b
    assert sheet["A7"].alignment.wrap_text and not sheet["B4"].alignment.wrap_text


def test_a_long_export_is_streamed_from_any_iterable():
    rows = ([i, f"HS-{i}"] for i in range(1000))  # a generator: read once
    sheet = one_sheet(["Số", "Mã"], rows)
    assert sheet.max_row == 1001 and sheet["B1001"].value == "HS-999"
    assert sheet.column_dimensions["B"].width == 10  # fitted on the first 200 rows


def test_every_excel_file_is_written_by_the_one_writer():
    """Nothing but `core/xlsx.py` imports openpyxl to write (the importers read with
    python-calamine, not openpyxl)."""
    src = Path(__file__).resolve().parents[2] / "src" / "cchc"
    writers = {
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if re.search(r"^\s*(from|import) openpyxl", path.read_text(encoding="utf-8"), re.M)
    }
    assert writers == {"core/xlsx.py"}


def test_a_character_an_xlsx_cannot_hold_is_dropped_and_the_file_written():
    """A control character pasted with a text (U+0001, a vertical tab from Word) made openpyxl
    refuse the whole workbook: every download holding it was an error page."""
    book = Book()
    book.sheet(
        "Số liệu",
        ["Mã\x01", Column("Nhiệm vụ", wrap=True), Column("Số", number_format=TEXT)],
        [["HS-1\x00", "Dòng một\x0bdòng hai\ufffe", "=1+1\x1f"], [Styled("Nhóm\x02"), None, 5]],
        above=[["Tiêu đề\x03"]],
    )
    sheet = load_workbook(io.BytesIO(book.save())).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Tiêu đề", None, None],
        ["Mã", "Nhiệm vụ", "Số"],
        ["HS-1", "Dòng một\ndòng hai", "=1+1"],
        ["Nhóm", None, 5],
    ]
    assert sheet["C3"].data_type == "s"  # still text, not a formula
