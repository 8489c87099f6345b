"""Parsers for one cell: each returns the Python value or raises CellError with a
Vietnamese reason. Accepts what Vietnamese exports contain: dd/mm/yyyy (with or without
time), ISO dates, the national synchronisation's yyyyMMddHHmmss, decimal commas."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class CellError(ValueError):
    pass


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def text(value: Any) -> str:
    return str(value).strip()


def integer(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("không phải số nguyên")
    if isinstance(value, int):
        return value
    cleaned = str(value).strip().replace(".", "").replace(" ", "")
    if not re.fullmatch(r"-?\d+", cleaned):
        raise CellError(f"“{value}” không phải số nguyên")
    return int(cleaned)


def non_negative_integer(value: Any) -> int:
    number = integer(value)
    if number < 0:
        raise CellError("không được âm")
    return number


def decimal(value: Any) -> Decimal:
    """1.234,5 and 1234.5 and 1234,5 are all 1234.5."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    raw = str(value).strip().replace(" ", "")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise CellError(f"“{value}” không phải số") from exc


TRUE_WORDS = {"1", "x", "có", "co", "true", "yes", "đúng", "c"}
FALSE_WORDS = {"0", "", "không", "khong", "false", "no", "sai", "k"}


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
    raise CellError(f"“{value}” không phải Có/Không (1/0)")


DATETIME_FORMATS = (
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%H:%M %d/%m/%Y", "%H:%M:%S %d/%m/%Y", "%Y%m%d%H%M%S", "%Y%m%d",
)  # fmt: skip


# The shape of nearly every cell of a Vietnamese export (dd/mm/yyyy [hh:mm[:ss]]), parsed
# without strptime, which is about ten times slower; anything else goes through the formats.
_DMY = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?: (\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")


def _parse_datetime(value: Any, zone: ZoneInfo | None = None) -> datetime:
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
    raise CellError(f"“{value}” không phải ngày hợp lệ (dd/mm/yyyy hoặc dd/mm/yyyy hh:mm)")


def aware_datetime(value: Any) -> datetime:
    """A local (Asia/Ho_Chi_Minh) time as an aware datetime."""
    return _parse_datetime(value, VN)


def day(value: Any) -> date:
    return _parse_datetime(value).date()


def choice(mapping: Mapping[str, Any], label: str) -> Callable[[Any], Any]:
    """A cell whose text (case-insensitive) must be one of `mapping`'s keys."""
    lowered = {str(k).lower(): v for k, v in mapping.items()}

    def parse(value: Any) -> Any:
        key = str(value).strip().lower()
        if isinstance(value, float) and value.is_integer():
            key = str(int(value))
        if key not in lowered:
            raise CellError(f"“{value}” không phải {label} hợp lệ")
        return lowered[key]

    return parse


def text_up_to(limit: int) -> Callable[[Any], str]:
    """A text cell of at most `limit` characters (the database column's width)."""

    def parse(value: Any) -> str:
        content = text(value)
        if len(content) > limit:
            raise CellError(f"dài {len(content)} ký tự, tối đa {limit} ký tự")
        return content

    parse.text_cell = True  # type: ignore[attr-defined]  # the XLSX template formats it as text
    return parse


def year(value: Any) -> int:
    number = integer(value)
    if not 2000 <= number <= 2100:
        raise CellError(f"“{value}” không phải năm hợp lệ (ví dụ 2022)")
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
            raise CellError(f"“{value}” không phải tháng hợp lệ (mm/yyyy, ví dụ 01/2022)") from None
    if not 1 <= month <= 12 or not 2000 <= number <= 2100:
        raise CellError(f"“{value}” không phải tháng hợp lệ (mm/yyyy, ví dụ 01/2022)")
    return date(number, month, 1)
