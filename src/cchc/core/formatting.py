"""Vietnamese number and date formatting for places where template localisation does not
reach (Word/Excel builders, messages): one definition of how a figure looks, 1.234,5, and of
how a date looks, 23/12/2021 — the latter from the locale's formats (`config/formats/vi`), as
templates show it."""

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.utils import formats, numberformat, timezone

from cchc.core.text import without_accents


def format_number(
    value: Decimal | int | float | None, places: int = 1, *, fixed: bool = False
) -> str:
    """'.' for thousands, ',' for decimals, at most `places` decimals with trailing zeros
    dropped (30 → "30", 15,50 → "15,5"); `fixed` keeps exactly `places` decimals, for columns
    of scores that are read side by side (11 → "11,00"). None means "no data": "—"."""
    if value is None:
        return "—"
    # An int as it is (its text is refused past 4.300 digits), a float by its shortest text.
    number = Decimal(value) if isinstance(value, int | Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"Không viết được {value!r} thành số.")
    # Digits enough for the rounded number, however large: a value read from a file ("quá
    # lớn: …" of a 29-digit cell) was past the default 28 and raised instead of being shown.
    with localcontext(prec=max(28, number.adjusted() + places + 2)):
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        normalized = rounded if fixed else rounded.normalize()
        if not fixed and normalized == normalized.to_integral():
            normalized = normalized.quantize(Decimal(1))
    return numberformat.format(
        normalized, decimal_sep=",", grouping=3, thousand_sep=".", force_grouping=True
    )


def format_percent(value: Decimal | int | float | None, places: int = 1) -> str:
    return "—" if value is None else f"{format_number(value, places)}%"


def format_size(size: int | None) -> str:
    """A file's size as Vietnamese reads it: "850 byte", "12,5 KB", "22,7 MB" (1 KB = 1.024 byte,
    as Django's filesizeformat, which writes 22.7 MB whatever the language)."""
    if size is None:
        return "—"
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{format_number(size / scale, 1)} {unit}"
    return f"{format_number(size, 0)} byte"


def format_seconds(seconds: float) -> str:
    """A duration for a command's last line: "12,3 giây", and not "0 giây" for a quick run."""
    return "dưới 0,1 giây" if seconds < 0.05 else f"{format_number(seconds, 1)} giây"


ROMAN_QUARTERS = ("I", "II", "III", "IV")


def months_words(year: int, first: int = 1, last: int = 12) -> str:
    """The months `first` to `last` of `year` as a sentence reads them: "trong năm 2022",
    "trong tháng 04/2022", "trong quý II năm 2022", "từ tháng 01/2022 đến hết tháng 05/2022"."""
    if (first, last) == (1, 12):
        return f"trong năm {year}"
    if first == last:
        return f"trong tháng {first:02d}/{year}"
    if first % 3 == 1 and last == first + 2:
        return f"trong quý {ROMAN_QUARTERS[first // 3]} năm {year}"
    return f"từ tháng {first:02d}/{year} đến hết tháng {last:02d}/{year}"


def ascii_slug(text: str) -> str:
    """Vietnamese text as a lower-case ASCII slug for file names ("Sở Tư pháp" →
    "so-tu-phap"), so that Content-Disposition names stay plain ASCII. Django's slugify drops
    "đ" (it does not decompose into d + a mark) and glues words around punctuation ("A&B")."""
    ascii_text = (
        unicodedata.normalize("NFKD", without_accents(text)).encode("ascii", "ignore").decode()
    )
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def format_date(value: date | datetime | None) -> str:
    """A date as the pages show it (SHORT_DATE_FORMAT, 23/12/2021); "" for None. A moment
    is shown on its local day."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def format_datetime(value: datetime | None) -> str:
    """A moment in local time as the pages show it (SHORT_DATETIME_FORMAT, 14:05 23/12/2021)."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")
