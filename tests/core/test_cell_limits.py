"""What a cell may not hold, whichever import reads it (the engine, `core/tabular/`): a
character no Word or Excel file can hold, a number longer than any column or than its own
database column, a CSV with a NUL, an XLSX formula no program computed. Each is refused
with its row and column (a file error for the NUL), in Vietnamese, never a system error."""

from __future__ import annotations

import io
import re
from decimal import Decimal as D

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.core.numbers import NumberError, parse_number
from cchc.core.tabular import cells as f
from cchc.core.tabular.cells import CellError
from cchc.core.tabular.columns import Column
from cchc.core.tabular.parse import BLANK_REQUIRED, UNCOMPUTED_FORMULA, parse_sheet
from cchc.core.tabular.reading import FileError, Table, read_table
from cchc.core.tabular.sheet import Sheet, read_sheet
from cchc.parindex.models import Criterion, SurveyScore
from tests.tabular_reference import by_cell

COLUMNS = [
    Column("code", "Mã", f.text_up_to(12)),
    Column("note", "Ghi chú", f.text, required=False),
    Column("count", "Số lần", f.non_negative_small_integer, required=False),
    Column("total", "Tổng", f.integer, required=False),
    Column("fee", "Phí", f.money, required=False),
    Column("score", "Điểm", f.decimal, required=False),
    Column("points", "Điểm tối đa", f.decimal_up_to(8, 3), required=False),
]


def errors_of(rows: list[list], columns: list[Column] = COLUMNS) -> list[tuple[int, str, str]]:
    table = Table(header=[c.title for c in columns], rows=rows)
    return [
        (e.row, e.column, e.message) for e in parse_sheet(Sheet.of_table(table), columns).errors
    ]


# --- characters no export can write -------------------------------------------------------


@pytest.mark.parametrize(
    ("character", "words"),
    [
        ("\x00", "ký tự điều khiển U+0000"),
        ("\x01", "ký tự điều khiển U+0001"),
        ("\x08", "ký tự điều khiển U+0008"),
        ("\x0b", "ký tự điều khiển U+000B"),
        ("\x0c", "ký tự điều khiển U+000C"),
        ("\x1f", "ký tự điều khiển U+001F"),
        ("\ufffe", "ký tự không hợp lệ U+FFFE"),
        ("\uffff", "ký tự không hợp lệ U+FFFF"),
    ],
)
def test_a_control_character_in_a_text_cell_is_refused_with_row_and_column(character, words):
    """They were stored, and the Excel download of the data then failed (HTTP 500), a Word
    report came out corrupt. Both paths refuse them: the engine's by column (a text column
    typed at once) and the parser's (a value it cannot take at once, an XLSX's cell)."""
    rows = [["A1", "ghi chú"], [f"B{character}2", f"ghi{character}chú"]]
    assert errors_of(rows, COLUMNS[:2]) == [
        (3, "Mã", f"chứa {words} (ký tự thứ 2), không ghi ra được Excel, Word; hãy xóa ký tự "
                  "này rồi nạp lại"),
        (3, "Ghi chú", f"chứa {words} (ký tự thứ 4), không ghi ra được Excel, Word; hãy xóa ký "
                       "tự này rồi nạp lại"),
    ]  # fmt: skip
    with pytest.raises(CellError, match=re.escape(words)):
        f.text(f"x{character}y")


def test_tab_line_breaks_and_other_characters_stay_text():
    rows = [["A1", "dòng một\ndòng hai\r\nba\tbốn — “năm” \u200b\u00ad€"]]
    assert errors_of(rows, COLUMNS[:2]) == []


controlled = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(
        ["\x00", "\x01", "\x0b", "\x1f", "\ufffe", "\uffff", "\t", "\n", "\r", "\x7f"]
    ),
    max_size=14,
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(controlled, controlled), min_size=1, max_size=8))
def test_text_with_any_characters_reads_the_same_by_column_and_by_cell(rows):
    """The vector form of a text column (Polars' pattern) refuses what the parser refuses
    (Python's): the same values and errors, cell for cell."""
    table = Table(header=["Mã", "Ghi chú"], rows=[[a.strip(), b.strip()] for a, b in rows])
    parsed = parse_sheet(Sheet.of_table(table), COLUMNS[:2])
    old_rows, old_errors = by_cell(table, COLUMNS[:2])
    assert sorted((e.row, e.column, e.message) for e in parsed.errors) == sorted(
        (e.row, e.column, e.message) for e in old_errors
    )
    assert parsed.rows() == old_rows


@pytest.mark.parametrize("reader", [read_table, read_sheet])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_a_csv_with_a_nul_is_refused_as_a_file_naming_its_line(reader, encoding):
    """docs/imports.md said so; Python's csv module reads a NUL since 3.11 and Polars always
    did, and PostgreSQL then refused the text (HTTP 500)."""
    content = "Mã,Ghi chú\nA,một\nB,h\x00ai\n".encode(encoding)
    with pytest.raises(FileError, match=r"^Dòng 3 của tệp CSV chứa ký tự NUL \(U\+0000\)"):
        reader(content, "t.csv", header_names=["Mã", "Ghi chú"])


# --- numbers longer than anything holds ---------------------------------------------------

HUGE = [
    pytest.param("9" * 29, id="29-digits"),
    pytest.param("9" * 1_000_000, id="a-million-digits"),
    pytest.param("-" + "9" * 40, id="minus-40-digits"),
    pytest.param("1.000.000.000.000.000.000.000.000.000", id="vi-VN-thousands"),
    pytest.param(10**30, id="int-31-digits"),
    pytest.param(10**5000, id="int-5001-digits"),
    pytest.param(1e300, id="excel-1e300"),
    pytest.param(-1e300, id="excel-minus-1e300"),
    pytest.param(D("1e40"), id="decimal-1e40"),
]


@pytest.mark.parametrize("cell", HUGE)
@pytest.mark.parametrize("column", COLUMNS[2:], ids=lambda c: c.key)
def test_a_number_longer_than_any_column_is_refused_not_a_system_error(cell, column):
    """29 digits and more used to end in decimal.Overflow or InvalidOperation (an HTTP 500),
    in the parser or in the message showing the number; each column says its own limit."""
    [(row, title, message)] = errors_of([["A", cell]], [COLUMNS[0], column])
    assert (row, title) == (2, column.title)
    assert "quá lớn" in message or "quá nhỏ" in message or "không được âm" in message
    assert len(message) < 200


@pytest.mark.parametrize(
    ("column", "largest"),
    [(COLUMNS[2], "(tối đa 32.767)"), (COLUMNS[4], "(tối đa 14 chữ số)"),
     (COLUMNS[6], "(tối đa 99.999,999)"), (COLUMNS[5], "(hơn 20 chữ số phần nguyên)")],
)  # fmt: skip
def test_a_huge_number_is_told_the_columns_own_limit(column, largest):
    [(_row, _title, message)] = errors_of([["A", "9" * 29]], [COLUMNS[0], column])
    assert message == f"“{'9' * 29}” quá lớn {largest}"


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        pytest.param(
            "a" * 1_000_000,
            "không đọc được “" + "a" * 60 + "… (1.000.000 ký tự)” là số",
            id="a-million-letters",
        ),
        ("1" * 30 + ",5", "“" + "1" * 30 + ",5” quá lớn"),
        ("0," + "1" * 40, "“0," + "1" * 40 + "” có quá nhiều chữ số (tối đa 28 chữ số)"),
        ("5" * 70 + "%", "“" + "5" * 60 + "… (71 ký tự)”: không ghi dấu “%”"),
        ("1" * 70 + " đ", "“" + "1" * 60 + "… (72 ký tự)”: không ghi đơn vị “đ”"),
    ],
)
def test_a_long_number_cell_is_cut_in_its_message(cell, words):
    """The whole cell used to be quoted: a million characters made a megabyte of refusal."""
    [(_row, _title, message)] = errors_of([["A", cell]], [COLUMNS[0], COLUMNS[5]])
    assert words in message
    assert len(message) < 200


def test_twenty_digits_and_twenty_eight_in_all_are_read():
    table = [["A", "9" * 20, "1" * 20 + ",12345678"]]
    columns = [COLUMNS[0], COLUMNS[5], Column("other", "Khác", f.decimal)]
    parsed = parse_sheet(Sheet.of_table(Table([c.title for c in columns], table)), columns)
    assert parsed.errors == []
    assert parsed.rows()[0]["score"] == D("9" * 20)
    assert parsed.rows()[0]["other"] == D("1" * 20 + ".12345678")


# --- a number as its database column holds it ---------------------------------------------


@pytest.mark.parametrize(
    ("model", "name", "cell", "words"),
    [
        (Criterion, "max_points", "123456", "“123456” quá lớn (tối đa 99.999,999)"),
        (Criterion, "max_points", "100000", "“100000” quá lớn (tối đa 99.999,999)"),
        (Criterion, "max_points", "-100000", "“-100000” quá nhỏ (tối thiểu -99.999,999)"),
        (Criterion, "step", "1000", "“1000” quá lớn (tối đa 999,999)"),
        (Criterion, "full_at", "10000000", "“10000000” quá lớn (tối đa 9.999.999,99)"),
        (Criterion, "full_at", "95,12345", "“95,12345” có 5 chữ số thập phân, cột này ghi tối đa 2"),
        (Criterion, "full_at", "95,123", "“95,123” có 3 chữ số thập phân, cột này ghi tối đa 2"),
        (SurveyScore, "points", "1,2345", "“1,2345” có 4 chữ số thập phân, cột này ghi tối đa 3"),
        (SurveyScore, "points", 123456.5, "“123456,5” quá lớn (tối đa 99.999,999)"),
    ],
)  # fmt: skip
def test_a_number_its_database_column_cannot_hold_is_refused_in_its_words(model, name, cell, words):
    """The limits are the model field's (max_digits, decimal_places): the model's own
    validation used to raise past the importer (HTTP 500)."""
    with pytest.raises(CellError) as refused:
        f.decimal_for(model, name)(cell)
    assert str(refused.value) == words


@pytest.mark.parametrize(
    ("model", "name", "cell", "number"),
    [
        (Criterion, "max_points", "99.999,999", D("99999.999")),
        (Criterion, "max_points", "5,0000", D("5.000")),  # zeros past the column's decimals
        (Criterion, "full_at", "95,50", D("95.50")),
        (Criterion, "full_at", "95,5000", D("95.50")),
        (Criterion, "full_at", 9999999.99, D("9999999.99")),
        (SurveyScore, "points", "0", D(0)),
    ],
)
def test_a_number_its_database_column_holds_is_read(model, name, cell, number):
    read = f.decimal_for(model, name)(cell)
    assert read == number and str(read) == str(number)


def test_a_text_column_is_as_wide_as_its_field():
    note = f.text_for(SurveyScore, "note")
    assert note("n" * 500) == "n" * 500
    with pytest.raises(CellError, match="dài 501 ký tự, tối đa 500 ký tự"):
        note("n" * 501)
    assert f.text_for(Criterion, "title") is f.text  # a TextField: the engine's own limit


# --- an XLSX formula that no program computed ---------------------------------------------


def workbook(cells: dict[str, object]) -> bytes:
    book = openpyxl.Workbook()
    for address, value in cells.items():
        book.active[address] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("mixed", [False, True], ids=["by-column", "cell-by-cell"])
def test_a_formula_without_a_computed_value_is_named_not_called_empty(mixed):
    """openpyxl and report generators write a formula and no value; python-calamine reads the
    cell as empty, which said "không được để trống" of a cell the user sees filled."""
    content = workbook({
        "A1": "BÁO CÁO", "C3": "Mã", "D3": "Ghi chú",
        "C4": "A", "D4": '=CONCAT("x","y")',
        "C5": "B", "D5": None,
        "C6": "C", "D6": 5 if mixed else "z",
    })  # fmt: skip
    sheet = read_sheet(content, "t.xlsx", header_names=["Mã", "Ghi chú"])
    columns = [COLUMNS[0], Column("note", "Ghi chú", f.text)]
    errors = [(e.row, e.column, e.message) for e in parse_sheet(sheet, columns).errors]
    assert errors == [(4, "Ghi chú", UNCOMPUTED_FORMULA), (5, "Ghi chú", BLANK_REQUIRED)]
    assert UNCOMPUTED_FORMULA.startswith("ô chứa công thức chưa có giá trị tính sẵn")


@pytest.mark.parametrize("kind", ["integer", "money", "decimal"])
@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("9" * 29, f"“{'9' * 29}” quá lớn (hơn 20 chữ số phần nguyên)", id="29-digits"),
        pytest.param("1" * 21, f"“{'1' * 21}” quá lớn", id="21-digits"),
        pytest.param("0" * 30 + "1", None, id="leading-zeros"),
        pytest.param(10**5000, "Số quá lớn (hơn 20 chữ số phần nguyên)", id="int-5001-digits"),
        pytest.param(1e300, "“1e+300” quá lớn", id="excel-1e300"),
        pytest.param("x" * 100_000, f"không đọc được “{'x' * 60}… (100.000 ký tự)” là số",
                     id="100000-letters"),
    ],
)  # fmt: skip
def test_the_one_number_reader_refuses_what_is_too_long_and_cuts_what_it_quotes(value, words, kind):
    """`core.numbers` reads every number cell and the API's: it refuses, never raises
    decimal.Overflow or InvalidOperation, and quotes a cell as every message does."""
    if words is None:
        assert parse_number(value, kind=kind) == 1
        return
    with pytest.raises(NumberError) as refused:
        parse_number(value, kind=kind)
    assert words in str(refused.value)
    assert len(str(refused.value)) < 200
