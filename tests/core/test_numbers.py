"""Reading a number from a cell: vi-VN ("1.234.567", "1.234,5") and plain ("1234567",
"1234.5") forms, and the written rule for the one truly ambiguous shape (a lone separator
followed by exactly three digits), which depends on the column's kind."""

import re
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cchc.core.formatting import format_number
from cchc.core.numbers import NumberError, parse_integer, parse_number

# (text, kind, the number it is) — hand-written from docs/imports.md, not from the code.
READ = [
    # vi-VN: "." groups thousands, "," marks decimals
    ("1.000.000", "money", D(1000000)),
    ("1.000.000", "integer", D(1000000)),
    ("1.000.000", "decimal", D(1000000)),
    ("1.234,5", "decimal", D("1234.5")),
    ("1.234,567", "decimal", D("1234.567")),
    ("0,5", "decimal", D("0.5")),
    ("-1.234,56", "decimal", D("-1234.56")),
    ("12.345.678,9", "decimal", D("12345678.9")),
    ("1.000.000,00", "money", D(1000000)),
    # plain
    ("1000000", "money", D(1000000)),
    ("1234.5", "decimal", D("1234.5")),
    ("1234,5", "decimal", D("1234.5")),
    ("0", "integer", D(0)),
    ("007", "integer", D(7)),
    ("-12", "integer", D(-12)),
    ("12,0", "integer", D(12)),  # a whole number, written with a zero decimal
    ("0.125", "decimal", D("0.125")),
    # spaces (and the non-breaking spaces spreadsheets write) group thousands
    ("1 000 000", "money", D(1000000)),
    ("1\u00a0000\u00a0000", "money", D(1000000)),
    ("1\u202f234,5", "decimal", D("1234.5")),
    ("1 234.5", "decimal", D("1234.5")),
    # English grouping where it cannot be read otherwise
    ("1,234,567", "integer", D(1234567)),
    ("1,234.5", "decimal", D("1234.5")),
    ("1,234,567.25", "decimal", D("1234567.25")),
    # the unit of a money column
    ("50.000đ", "money", D(50000)),
    ("50.000 đ", "money", D(50000)),
    ("50.000 VNĐ", "money", D(50000)),
    ("50.000 vnd", "money", D(50000)),
    ("1.500.000 đồng", "money", D(1500000)),
    ("50.000 ₫", "money", D(50000)),
    ("−5", "decimal", D(-5)),  # the minus sign of Unicode, as Word and some exports write it
    ("  42 ", "integer", D(42)),
]


@pytest.mark.parametrize(("text", "kind", "number"), READ)
def test_numbers_written_the_ways_exports_write_them(text, kind, number):
    assert parse_number(text, kind=kind) == number


# The ambiguous shape: one separator, then exactly three digits, after 1–3 digits not
# starting with 0. The answer depends on the column (docs/imports.md, "Numbers").
AMBIGUOUS = [
    # a count or an amount of money: "." groups thousands, as in vi-VN
    ("50.000", "money", D(50000)),
    ("1.000", "integer", D(1000)),
    ("999.999", "integer", D(999999)),
    ("-1.500", "integer", D(-1500)),
    # a decimal column (scores, thresholds): a lone separator is the decimal mark, whichever
    # it is, because exports in an English locale write 1.978 for the score 1,978
    ("1.978", "decimal", D("1.978")),
    ("1,978", "decimal", D("1.978")),
    ("1.000", "decimal", D(1)),
    ("100.000", "decimal", D(100)),
]


@pytest.mark.parametrize(("text", "kind", "number"), AMBIGUOUS)
def test_the_ambiguous_shape_reads_as_its_column_says(text, kind, number):
    assert parse_number(text, kind=kind) == number


# A "," followed by three digits in a count or money column is refused: as vi-VN it is a
# decimal (50,000 = 50), as English a thousands group (50000); the province must say which.
@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("50,000", "money", "“50,000” không rõ nghĩa"),
        ("50,000", "money", "ghi 50.000 hoặc 50000 nếu là số 50000"),
        ("1,500", "integer", "không rõ nghĩa"),
        ("1,5", "integer", "“1,5” phải là số nguyên"),
        ("1.5", "integer", "“1.5” phải là số nguyên"),
        ("1.234,5", "integer", "phải là số nguyên"),
        ("1.234,5", "money", "phải là số tiền tròn đồng"),
        # "0" cannot lead a thousands group, nor can four digits: these "." are decimal marks
        ("0.125", "money", "phải là số tiền tròn đồng"),
        ("1234.567", "integer", "phải là số nguyên"),
        ("1,2.3", "decimal", "không đọc được “1,2.3” là số (ví dụ: 1.234,5 hoặc 1234.5)"),
        ("1.2.3", "integer", "không đọc được “1.2.3” là số"),
        ("1.23.456", "money", "không đọc được"),
        ("12.34,5", "decimal", "không đọc được"),
        ("1,234,56", "decimal", "không đọc được"),
        ("1.000.000.5", "decimal", "không đọc được"),
        ("1 00", "integer", "không đọc được"),
        ("1.", "decimal", "không đọc được"),
        (",5", "decimal", "không đọc được"),
        ("abc", "integer", "không đọc được “abc” là số (ví dụ: 1.234 hoặc 1234)"),
        ("1e5", "decimal", "không đọc được"),
        ("NaN", "decimal", "không đọc được"),
        ("Infinity", "decimal", "không đọc được"),
        ("1_000", "integer", "không đọc được"),
        ("+5", "integer", "không đọc được"),
        ("(1.000)", "money", "không đọc được"),
        ("٣", "integer", "không đọc được"),  # a digit of another script
        ("95%", "decimal", "không ghi dấu “%”"),
        ("50.000 đ", "decimal", "không ghi đơn vị “đ”"),
        ("50.000 đ", "integer", "không ghi đơn vị “đ”"),
        ("10 ngày", "integer", "không đọc được"),
        ("", "decimal", "không đọc được"),
    ],
)
def test_what_cannot_be_read_is_refused_in_vietnamese(text, kind, message):
    with pytest.raises(NumberError) as refused:
        parse_number(text, kind=kind)
    assert message in str(refused.value)


# --- values a spreadsheet already typed (XLSX cells read by python-calamine) -------------
@pytest.mark.parametrize(
    ("value", "kind", "number"),
    [
        (1000000, "money", D(1000000)),
        (50000.0, "money", D(50000)),
        (1.978, "decimal", D("1.978")),
        (2.75, "decimal", D("2.75")),
        (0.1 + 0.2, "decimal", D("0.3")),  # what Excel shows: 15 significant digits
        (12.0, "integer", D(12)),
        (D("1.50"), "decimal", D("1.5")),
    ],
)
def test_typed_cells_keep_their_value(value, kind, number):
    assert parse_number(value, kind=kind) == number


@pytest.mark.parametrize(
    ("value", "kind", "message"),
    [
        (1.5, "integer", "“1,5” phải là số nguyên"),  # never 15, never 1
        (0.5, "money", "phải là số tiền tròn đồng"),
        (float("nan"), "decimal", "không đọc được"),
        (float("inf"), "decimal", "không đọc được"),
        (D("NaN"), "decimal", "không đọc được"),
        (True, "integer", "không phải số"),
        (date(2022, 1, 5), "decimal", "không phải số"),
    ],
)
def test_typed_cells_that_are_not_the_columns_number_are_refused(value, kind, message):
    with pytest.raises(NumberError) as refused:
        parse_number(value, kind=kind)
    assert message in str(refused.value)


def test_an_integer_column_gives_an_int():
    assert parse_integer("1.000.000") == 1000000
    assert type(parse_integer("1.000.000")) is int
    assert type(parse_integer(12.0)) is int


# --- properties ---------------------------------------------------------------------------
def vi_grouped(n: int) -> str:
    """n with "." every three digits, written here without the product's code."""
    digits = str(abs(n))
    groups = []
    while digits:
        digits, groups = digits[:-3], [digits[-3:], *groups]
    return ("-" if n < 0 else "") + ".".join(groups)


def vi_decimal(d: D) -> str:
    """d (at most 3 decimals) as vi-VN writes it with its decimals: 1.234,567."""
    sign, whole, fraction = "-" if d < 0 else "", int(abs(d)), abs(d) - int(abs(d))
    fraction_digits = f"{fraction:.3f}"[2:]
    return f"{sign}{vi_grouped(whole)},{fraction_digits}"


@given(st.integers(min_value=0, max_value=10**15))
@example(1000)
@example(50000)
@example(999999)
def test_any_count_reads_back_in_vi_vn_and_plain(n):
    for kind in ("integer", "money"):
        assert parse_number(vi_grouped(n), kind=kind) == n
        assert parse_number(str(n), kind=kind) == n
        assert parse_number(f"{n:,}".replace(",", " "), kind=kind) == n


three_places = st.decimals(
    min_value=D("-1e9"), max_value=D("1e9"), places=3, allow_nan=False, allow_infinity=False
)


@given(three_places)
@example(D("1.978"))
@example(D("1000"))
@example(D("-0.5"))
def test_any_decimal_reads_back_in_a_decimal_column(d):
    assert parse_number(vi_decimal(d), kind="decimal") == d
    assert parse_number(str(d), kind="decimal") == d  # the plain dot form
    assert parse_number(str(d).replace(".", ","), kind="decimal") == d  # plain with a comma


def lone_group(text: str) -> bool:
    """The documented ambiguous shape, checked independently of the parser."""
    return re.fullmatch(r"-?[1-9]\d{0,2}\.\d{3}", text) is not None


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_the_products_own_figures_read_back_in_a_count_column(n):
    assert parse_number(format_number(n, 0), kind="integer") == n


@given(three_places, st.integers(min_value=0, max_value=3))
@example(D("1000"), 1)
@example(D("1978"), 3)
def test_the_products_own_figures_read_back_in_a_decimal_column(d, places):
    shown = format_number(d, places)
    expected = d.quantize(D(1).scaleb(-places), rounding="ROUND_HALF_UP")
    if lone_group(shown):
        # A whole number between 1.000 and 999.999 shown without decimals is the ambiguous
        # shape: a decimal column reads its "." as the decimal mark (documented).
        expected = expected / 1000
    assert parse_number(shown, kind="decimal") == expected
    # With its decimals kept (score tables), there is no ambiguity at all.
    if places:
        fixed = format_number(d, places, fixed=True)
        assert parse_number(fixed, kind="decimal") == d.quantize(
            D(1).scaleb(-places), rounding="ROUND_HALF_UP"
        )
