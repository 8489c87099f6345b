"""Reading a number from a cell of an imported file: the one reader every import uses.

A cell holds a number the way a Vietnamese export writes it or the way a plain export does:

- vi-VN: "." groups thousands in groups of exactly three digits, "," is the decimal mark:
  "1.000.000", "1.234,5", "0,5", "-1.234,56";
- plain: "1000000", "1234.5", "1234,5" (one separator followed by digits is a decimal mark);
- spaces (also non-breaking ones) group thousands: "1 000 000", "1 234,5";
- English grouping, where nothing else can be meant: "1,234,567" (two or more ",") and
  "1,234.5" ("," groups, then a "."), read as 1234567 and 1234.5;
- a money column may end with its unit: "50.000 đ", "50.000đ", "₫", "VNĐ", "VND", "đồng".

The one truly ambiguous shape is a lone separator followed by exactly three digits, after
one to three digits not starting with 0: "1.000", "50.000", "1.978", "1,978". Its meaning
is the column's (the `kind`):

- "integer" and "money" (counts, days, fees): "." groups thousands — "50.000" is 50000, as
  vi-VN writes it; "," with three digits is refused ("50,000": vi-VN reads 50, an English
  export means 50000 — the file must say which);
- "decimal" (points, scores, thresholds): the lone separator is the decimal mark, "." or
  "," alike — "1.978" and "1,978" are 1,978, because such values are small and an export in
  an English locale writes a score so. A whole number from 1.000 to 999.999 written with
  dot thousands and no decimals ("1.000") therefore reads as 1 in a decimal column: write
  "1000" or "1.000,0" there.

An "integer" column refuses a fraction ("1,5" is not 1 nor 15); a "money" column counts
whole đồng. Refused too, with a Vietnamese message naming what was expected: exponents,
NaN/Infinity, "%", a unit outside a money column, signs other than a leading "-".
Numbers a spreadsheet already typed (int, float, Decimal) keep their value; a float is read
to the 15 significant digits Excel shows (0.1 + 0.2 is 0,3).

A number has at most WHOLE_DIGITS digits before its decimal mark ("quá lớn", NumberTooLarge:
a column with a smaller limit words its own) and ALL_DIGITS in all: far beyond what any
column holds, and within the 28 digits Decimal computes exactly, so that comparing,
rounding and showing a number read here never raises. A value quoted in a message is cut
as every cell is (`quoted`)."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, Literal

from cchc.core.tabular.reading import quoted

Kind = Literal["integer", "money", "decimal"]


class NumberError(ValueError):
    """The message is Vietnamese and names what was expected."""


class NumberTooLarge(NumberError):
    """More digits before the decimal mark than any column holds (WHOLE_DIGITS)."""


# Digits before the decimal mark (a count of 19 digits, money of 14 fit), and in all (the
# precision of Decimal's context: beyond it, rounding and formatting raise).
WHOLE_DIGITS = 20
ALL_DIGITS = 28


EXAMPLES = {
    "integer": "ví dụ: 1.234 hoặc 1234",
    "money": "ví dụ: 50.000 hoặc 50000",
    "decimal": "ví dụ: 1.234,5 hoặc 1234.5",
}
# The spaces spreadsheets group thousands with, and the minus sign of Unicode.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-"})
_UNIT = re.compile(r"\s*(đồng|vnđ|vnd|đ|₫|%)$", re.IGNORECASE)
_LONE_GROUP = re.compile(r"([1-9]\d{0,2})([.,])(\d{3})")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)?")
_VI = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")
_EN = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_SPACED = re.compile(r"[1-9]\d{0,2}(?: \d{3})+(?:[.,]\d+)?")


def parse_number(value: Any, *, kind: Kind = "decimal") -> Decimal:
    """The number in a cell, read by the rules above for a column of `kind`; NumberError
    with a Vietnamese message otherwise."""
    number = _typed(value, kind) if value.__class__ is not str else _written(value, kind)
    if kind != "decimal" and number != number.to_integral_value():
        # An Excel number is named as the person saw it in a Vietnamese Excel: 1,5.
        shown = quoted(value if value.__class__ is str else str(number).replace(".", ","))
        if kind == "money":
            raise NumberError(f"{shown} phải là số tiền tròn đồng (không có phần lẻ)")
        raise NumberError(f"{shown} phải là số nguyên")
    return number


def parse_integer(value: Any) -> int:
    """A whole number (a count, a number of days), as an int."""
    if value.__class__ is int:
        return value
    return int(parse_number(value, kind="integer"))


def _unreadable(value: Any, kind: Kind) -> NumberError:
    return NumberError(f"không đọc được {quoted(value)} là số ({EXAMPLES[kind]})")


def _too_large(value: Any) -> NumberTooLarge:
    # An int of thousands of digits is not written out (Python refuses 4.300 and more).
    huge = isinstance(value, int) and value.bit_length() > QUOTED_BITS
    shown = "Số" if huge else quoted(value)
    return NumberTooLarge(f"{shown} quá lớn (hơn {WHOLE_DIGITS} chữ số phần nguyên)")


QUOTED_BITS = 3000


def _sized(whole: int, fraction: int, value: Any) -> None:
    """Refuses a number of `whole` significant digits before its decimal mark and `fraction`
    after it (trailing zeros aside) that is longer than this module reads."""
    if whole > WHOLE_DIGITS:
        raise _too_large(value)
    if whole + fraction > ALL_DIGITS:
        raise NumberError(f"{quoted(value)} có quá nhiều chữ số (tối đa {ALL_DIGITS} chữ số)")


def _typed(value: Any, kind: Kind) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise NumberError(f"{quoted(value)} không phải số")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _unreadable(value, kind)
        # Excel keeps 15 significant digits; the rest of a double is noise of its binary form.
        number = Decimal(format(value, ".15g"))
    elif isinstance(value, int) and value.bit_length() > WHOLE_BITS:
        raise _too_large(value)
    else:
        number = Decimal(value)
    if not number.is_finite():
        raise _unreadable(value, kind)
    if number:
        _sign, digits, exponent = number.as_tuple()
        assert isinstance(exponent, int)  # a finite number's
        coefficient = "".join(map(str, digits))
        last = exponent + len(coefficient) - len(coefficient.rstrip("0"))  # of its last digit
        _sized(max(0, number.adjusted() + 1), max(0, -last), value)
    return number


WHOLE_BITS = WHOLE_DIGITS * 4  # 10**20 < 2**67: an int longer than this is surely too large


def _written(value: str, kind: Kind) -> Decimal:
    text = value.translate(_SPACES).strip()
    if text.isascii() and text.isdigit():  # most cells: "0", "50000"
        if len(text) > WHOLE_DIGITS:
            _sized(len(text.lstrip("0")), 0, value)
        return Decimal(text)
    unit = _UNIT.search(text)
    if unit:
        symbol = unit.group(1)
        if symbol == "%":
            raise NumberError(f"{quoted(value)}: không ghi dấu “%”, chỉ ghi số (ví dụ 95 cho 95%)")
        if kind != "money":
            raise NumberError(
                f"{quoted(value)}: không ghi đơn vị “{symbol}” trong cột này, chỉ ghi số"
            )
        text = text[: unit.start()]
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
    plain = _digits(body, value, kind)
    whole, _mark, fraction = plain.partition(".")
    _sized(len(whole.lstrip("0")), len(fraction.rstrip("0")), value)
    return Decimal(sign + plain)


def _digits(body: str, value: str, kind: Kind) -> str:
    """`body` (no sign, no unit) as plain digits with "." for decimals."""
    if not body.isascii():
        raise _unreadable(value, kind)
    if lone := _LONE_GROUP.fullmatch(body):
        head, separator, tail = lone.groups()
        if kind == "decimal":
            return f"{head}.{tail}"
        if separator == ".":
            return head + tail
        raise NumberError(
            f"{quoted(value)} không rõ nghĩa (dấu phẩy là dấu thập phân): "
            f"ghi {head}.{tail} hoặc {head}{tail} nếu là số {head}{tail}"
        )
    if _PLAIN.fullmatch(body):
        return body.replace(",", ".")
    if _VI.fullmatch(body):
        return body.replace(".", "").replace(",", ".")
    if _EN.fullmatch(body):
        return body.replace(",", "")
    if _SPACED.fullmatch(body):
        return body.replace(" ", "").replace(",", ".")
    raise _unreadable(value, kind)
