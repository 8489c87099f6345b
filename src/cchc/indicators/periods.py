"""The period a target is read over (`?ky=`): the year so far (lũy kế từ đầu năm), the quarter
of the chosen month so far, or the chosen month alone. Flow indicators sum the period's
months, stock indicators take its last month; the trend and the year-end projection always
read the year from January."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from cchc.core.formatting import months_words


def month_within(moment: datetime, year: int) -> date:
    """The month of `moment` (local time) kept within `year`: a moment after the year is its
    December, one before it its January. How far a year's data reach when they are known by
    the date something was loaded or published."""
    day = timezone.localtime(moment).date()
    return min(max(day, date(year, 1, 1)), date(year, 12, 31)).replace(day=1)


def comparison_year(year: int, named: int | None = None) -> int:
    """The year a growth target of `year` is measured against: the one its plan names, or
    else the year before (the plan's "so với năm 2021" for 2022)."""
    return named or year - 1


KINDS = {"nam": "Lũy kế từ đầu năm", "quy": "Quý", "thang": "Tháng"}
DEFAULT = "nam"


@dataclass(frozen=True)
class Span:
    kind: str  # a key of KINDS
    year: int
    first: int  # months, 1–12, both included
    last: int

    @property
    def first_month(self) -> date:
        return date(self.year, self.first, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.last, calendar.monthrange(self.year, self.last)[1])

    @property
    def months(self) -> tuple[int, int]:
        return self.first, self.last

    @property
    def words(self) -> str:
        """ "trong quý II năm 2022", "từ tháng 01/2022 đến hết tháng 05/2022", …"""
        return months_words(self.year, self.first, self.last)


def span(kind: str | None, year: int, through: date | None) -> Span:
    """The period of `kind` (the year so far when unknown) that ends with `through` (December
    when there is no data yet)."""
    kind = kind if kind in KINDS else DEFAULT
    last = through.month if through else 12
    first = {"nam": 1, "quy": (last - 1) // 3 * 3 + 1, "thang": last}[kind]
    return Span(kind, year, first, last)
