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


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    raw = str(value).strip()
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    raise CellError(f"“{value}” không phải ngày hợp lệ (dd/mm/yyyy hoặc dd/mm/yyyy hh:mm)")


def aware_datetime(value: Any) -> datetime:
    """A local (Asia/Ho_Chi_Minh) time as an aware datetime."""
    parsed = _parse_datetime(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN)


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
