"""Parsers for one cell: each returns the Python value or raises CellError with a
Vietnamese reason. Accepts what Vietnamese exports contain: dd/mm/yyyy (with or without
time), ISO dates, the national synchronisation's yyyyMMddHHmmss; numbers in vi-VN and plain
forms, read by cchc.core.numbers with the column's kind (docs/imports.md). A column that
goes to a model's field takes its limits from the field (`text_for`, `decimal_for`): the
width of a text, the digits and decimals of a number."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any

from django.db import models

from cchc.core.calendar import LOCAL_TZ
from cchc.core.formatting import format_number
from cchc.core.numbers import QUOTED_BITS, Kind, NumberError, NumberTooLarge, parse_number
from cchc.core.tabular.reading import quoted
from cchc.core.text import NOT_IN_XML

# The province's clock: calendar's, which holds even on a machine without a time-zone database.
VN: tzinfo = LOCAL_TZ


class CellError(ValueError):
    pass


class TooLarge(CellError):
    """A number beyond what the column holds: a column with its own limit words it."""


def vector(kind: str, arg: Any = None) -> Callable[[Callable], Callable]:
    """Declare what a parser accepts in a form the engine checks for a whole column at once
    (`columns.parse_sheet`): "text" (arg: the longest), "integer" (arg: the largest, not
    negative; None: any whole number), "money", "boolean", "datetime" (aware, local time),
    "date", "choice" (arg: lower-cased text → value). The engine accepts by column only the
    commonest shapes, each giving what the parser gives; every other cell goes to the parser
    itself, which accepts a rarer shape or words the error."""

    def mark(parse: Callable) -> Callable:
        parse.vector = (kind, arg)  # type: ignore[attr-defined]
        return parse

    return mark


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# The longest text a cell may hold where its column names no width (a finding, a title):
# about three printed pages. Longer is a damaged or wrong file, not a note.
TEXT_LIMIT = 10_000


# What a text cell may not hold (ADR 0034): `core.text.NOT_IN_XML` for a cell the parser
# reads, and the same set for Polars (the engine's vector form of a text column; lone
# surrogates aside, which only a Python value can hold).
CONTROL_PATTERN = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]"


def _text_within(value: Any, limit: int) -> str:
    """The cell's text, stripped; refused when longer than `limit` characters or holding a
    character no export can write (`NOT_IN_XML`)."""
    content = str(value).strip()
    if len(content) > limit:
        raise CellError(
            f"dài {format_number(len(content), 0)} ký tự, tối đa {format_number(limit, 0)} ký tự"
        )
    if found := NOT_IN_XML.search(content):
        code = ord(found.group())
        kind = "ký tự điều khiển" if code < 0x20 else "ký tự không hợp lệ"
        raise CellError(
            f"chứa {kind} U+{code:04X} (ký tự thứ {format_number(found.start() + 1, 0)}), "
            "không ghi ra được Excel, Word; hãy xóa ký tự này rồi nạp lại"
        )
    return content


@vector("text", TEXT_LIMIT)
def text(value: Any) -> str:
    return _text_within(value, TEXT_LIMIT)


def _number(value: Any, kind: Kind) -> Decimal:
    try:
        return parse_number(value, kind=kind)
    except NumberTooLarge as exc:
        raise TooLarge(str(exc)) from None
    except NumberError as exc:
        raise CellError(str(exc)) from None


def _shown(value: Any) -> str:
    """A cell as a message quotes it: its text, or an Excel number as a Vietnamese Excel
    shows it (1,5); "Số" for an int too long to write out."""
    if isinstance(value, int) and value.bit_length() > QUOTED_BITS:
        return "Số"
    return quoted(value if isinstance(value, str) else str(value).replace(".", ","))


def _negative(value: Any) -> bool:
    if isinstance(value, str):
        return value.lstrip().startswith(("-", "\u2212"))
    return isinstance(value, int | float | Decimal) and value < 0


@vector("integer")
def integer(value: Any) -> int:
    """A whole number: "1.234", "1234", "1 234" (cchc.core.numbers, docs/imports.md), within
    what a 64-bit column holds."""
    if value.__class__ is int and -WHOLE_LIMIT <= value < WHOLE_LIMIT:
        return value
    number = int(_number(value, "integer"))  # at most 20 digits: `format_number` shows it
    if not -WHOLE_LIMIT <= number < WHOLE_LIMIT:
        raise TooLarge(f"{format_number(number, 0)} quá lớn")
    return number


WHOLE_LIMIT = 2**63  # Int64, as the engine's typed column holds a count


# The largest value of the database columns the counts go to (PostgreSQL refuses more).
INTEGER_MAX = 2_147_483_647  # PositiveIntegerField
SMALL_INTEGER_MAX = 32_767  # PositiveSmallIntegerField


def non_negative_integer_up_to(limit: int) -> Callable[[Any], int]:
    """A count of at most `limit`."""

    @vector("integer", limit)
    def parse(value: Any) -> int:
        try:
            number = integer(value)
        except TooLarge:
            raise TooLarge(f"{_shown(value)} quá lớn (tối đa {format_number(limit, 0)})") from None
        if number < 0:
            raise CellError("không được âm")
        if number > limit:
            raise CellError(
                f"{format_number(number, 0)} quá lớn (tối đa {format_number(limit, 0)})"
            )
        return number

    return parse


non_negative_integer = non_negative_integer_up_to(INTEGER_MAX)
non_negative_small_integer = non_negative_integer_up_to(SMALL_INTEGER_MAX)


def decimal(value: Any) -> Decimal:
    """A number with decimals (points, thresholds): "1.234,5", "1234.5", "1234,5"; a lone
    separator before three digits is the decimal mark ("1.978" is 1,978)."""
    if value.__class__ is int and -WHOLE_LIMIT <= value < WHOLE_LIMIT:
        return Decimal(value)
    return _number(value, "decimal")


def decimal_up_to(
    max_digits: int, places: int, *, check: Callable[[Decimal], None] | None = None
) -> Callable[[Any], Decimal]:
    """A number that a column of `max_digits` digits, `places` of them decimals, holds (a
    DecimalField's): refused beyond the column's largest value ("quá lớn (tối đa
    99.999,999)") or with more decimals; trailing zeros past `places` dropped ("5,0000" is
    5,000), as the column would store it. `check`, the caller's own rules (not negative,
    the decimals a framework scores), runs on a number within the column's size before its
    decimals are counted, so that its words come first (CellError)."""
    top = Decimal(10) ** (max_digits - places) - Decimal(1).scaleb(-places)
    unit = Decimal(1).scaleb(-places)
    most = format_number(top, places)

    def parse(value: Any) -> Decimal:
        try:
            number = decimal(value)
        except TooLarge:
            number = None
        if number is None or abs(number) > top:
            bound = (
                f"quá nhỏ (tối thiểu -{most})" if _negative(value) else f"quá lớn (tối đa {most})"
            )
            raise TooLarge(f"{_shown(value)} {bound}")
        if check is not None:
            check(number)
        written, needed = number.as_tuple().exponent, number.normalize().as_tuple().exponent
        assert isinstance(written, int) and isinstance(needed, int)  # a finite number's
        if -needed > places:
            raise CellError(
                f"{_shown(value)} có {-needed} chữ số thập phân, cột này ghi tối đa {places}"
            )
        return number.quantize(unit) if written < -places else number

    return parse


def decimal_for(
    model: type[models.Model], name: str, *, check: Callable[[Decimal], None] | None = None
) -> Callable[[Any], Decimal]:
    """`decimal_up_to` the digits and decimals of `model`'s DecimalField `name`."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.DecimalField) or field.max_digits is None:
        raise TypeError(f"{model.__name__}.{name} is not a DecimalField with max_digits")
    return decimal_up_to(field.max_digits, field.decimal_places or 0, check=check)


def text_for(model: type[models.Model], name: str) -> Callable[[Any], str]:
    """A text cell as wide as `model`'s field `name` holds (its max_length); `text` for a
    field without one (a TextField)."""
    field = model._meta.get_field(name)
    width = getattr(field, "max_length", None)
    return text if width is None else text_up_to(width)


MONEY_DIGITS = 14  # the width of the fee column
MONEY_LIMIT = 10**MONEY_DIGITS


@vector("money", MONEY_LIMIT)
def money(value: Any) -> Decimal:
    """An amount of whole đồng, not negative: "50.000", "50000", "1.500.000 đ"; "50.000" is
    fifty thousand."""
    if value.__class__ is int and 0 <= value < MONEY_LIMIT:  # an Excel number: not memoised
        return Decimal(value)
    try:
        amount = _number(value, "money")
    except TooLarge:
        raise TooLarge(f"{_shown(value)} quá lớn (tối đa {MONEY_DIGITS} chữ số)") from None
    if amount < 0:
        raise CellError("không được âm")
    if amount >= MONEY_LIMIT:
        raise TooLarge(f"{format_number(amount, 0)} quá lớn (tối đa {MONEY_DIGITS} chữ số)")
    return amount.quantize(Decimal(1))


TRUE_WORDS = {"1", "x", "có", "co", "true", "yes", "đúng", "c"}
FALSE_WORDS = {"0", "", "không", "khong", "false", "no", "sai", "k"}


@vector("boolean")
def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"{quoted(value)} không phải Có/Không (1/0)")


DATETIME_FORMATS = (
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%H:%M %d/%m/%Y", "%H:%M:%S %d/%m/%Y", "%Y%m%d%H%M%S", "%Y%m%d",
)  # fmt: skip


# The shape of nearly every cell of a Vietnamese export (dd/mm/yyyy [hh:mm[:ss]]), parsed
# without strptime, which is about ten times slower; anything else goes through the formats.
_DMY = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?: (\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")


def _parse_datetime(value: Any, zone: tzinfo | None = None) -> datetime:
    """The cell's date and time; text is read as a time in `zone` (naive when None)."""
    if isinstance(value, datetime):
        return value if zone is None or value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone)
    raw = str(value).strip()
    match = _DMY.fullmatch(raw)
    if match:
        d, _sep, m, y, hh, mm, ss = match.groups()
        try:
            return datetime(
                int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=zone
            )
        except ValueError:
            pass  # 31/02/2022, 25:00: refused below with the usual message
    for fmt in DATETIME_FORMATS:
        try:
            parsed = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=zone)
    raise CellError(f"{quoted(value)} không phải ngày hợp lệ (dd/mm/yyyy hoặc dd/mm/yyyy hh:mm)")


@vector("datetime")
def aware_datetime(value: Any) -> datetime:
    """A local (Asia/Ho_Chi_Minh) time as an aware datetime."""
    return _parse_datetime(value, VN)


@vector("date")
def day(value: Any) -> date:
    return _parse_datetime(value).date()


def choice(mapping: Mapping[str, Any], label: str) -> Callable[[Any], Any]:
    """A cell whose text (case-insensitive) must be one of `mapping`'s keys."""
    lowered = {str(k).lower(): v for k, v in mapping.items()}

    @vector("choice", lowered)
    def parse(value: Any) -> Any:
        key = str(value).strip().lower()
        if isinstance(value, float) and value.is_integer():
            key = str(int(value))
        if key not in lowered:
            raise CellError(f"{quoted(value)} không phải {label} hợp lệ")
        return lowered[key]

    return parse


def text_up_to(limit: int) -> Callable[[Any], str]:
    """A text cell of at most `limit` characters (the database column's width)."""

    @vector("text", limit)
    def parse(value: Any) -> str:
        return _text_within(value, limit)

    parse.text_cell = True  # type: ignore[attr-defined]  # the XLSX template formats it as text
    return parse


def year(value: Any) -> int:
    try:
        number = integer(value)
    except CellError:
        raise CellError(f"{quoted(value)} không phải năm hợp lệ (ví dụ 2022)") from None
    if not 2000 <= number <= 2100:
        raise CellError(f"{quoted(value)} không phải năm hợp lệ (ví dụ 2022)")
    return number


_MONTH_YEAR = re.compile(r"(?:tháng\s*)?(\d{1,2})\s*(?:[/.\-]|năm)\s*(\d{4})")
_YEAR_MONTH = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})")


def month_start(value: Any) -> date:
    """A month as its first day: mm/yyyy, "tháng 1/2022", "tháng 01 năm 2022", yyyy-mm, or
    any date of the month (dd/mm/yyyy, an Excel date)."""
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    raw = str(value).strip().lower()
    match = _MONTH_YEAR.fullmatch(raw)
    if match:
        month, number = int(match[1]), int(match[2])
    elif match := _YEAR_MONTH.fullmatch(raw):
        number, month = int(match[1]), int(match[2])
    else:
        try:
            return day(value).replace(day=1)
        except CellError:
            raise CellError(
                f"{quoted(value)} không phải tháng hợp lệ (mm/yyyy, ví dụ 01/2022)"
            ) from None
    if not 1 <= month <= 12 or not 2000 <= number <= 2100:
        raise CellError(f"{quoted(value)} không phải tháng hợp lệ (mm/yyyy, ví dụ 01/2022)")
    return date(number, month, 1)
