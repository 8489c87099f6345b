"""Report periods (kỳ báo cáo) and their data cut-off dates: a pure module.

Decree 09/2019/NĐ-CP on the reporting regime of state administrative agencies, art. 12(1), fixes
when the figures of a periodic report are closed (thời gian chốt số liệu):

- quarterly report: from the 15th of the month before the period to the 14th of the period's
  last month — Q1 2022 = 15/12/2021–14/03/2022;
- six-month report: from the 15th of the month before the period to the 14th of its sixth month —
  6 months 2022 = 15/12/2021–14/06/2022;
- annual report: from 15 December of the year before to 14 December of the year — 2022 =
  15/12/2021–14/12/2022.

The reform programme also reports for nine months; the same rule gives 15/12/2021–14/09/2022.
Six- and nine-month periods run from the start of the year ("6 tháng đầu năm").

The cut-off day is configurable (`cutoff_day`, default 15, as in the decree) for a ministry or
province that closes elsewhere: with cut-off day c from 2 to 28 a period runs from day c of the
month before its first month to day c − 1 of its last month; c = 1 means calendar periods
(Q1 = 01/01–31/03). Days 29–31 are refused: not every month has them.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from cchc.core.formatting import ROMAN_QUARTERS

PeriodKind = Literal["quarter", "six_months", "nine_months", "year"]

QUARTER: PeriodKind = "quarter"
SIX_MONTHS: PeriodKind = "six_months"
NINE_MONTHS: PeriodKind = "nine_months"
YEAR: PeriodKind = "year"
KINDS: tuple[PeriodKind, ...] = (QUARTER, SIX_MONTHS, NINE_MONTHS, YEAR)
KIND_LABELS: dict[str, str] = {
    QUARTER: "Quý",
    SIX_MONTHS: "6 tháng",
    NINE_MONTHS: "9 tháng",
    YEAR: "Năm",
}

DEFAULT_CUTOFF_DAY = 15
ROMAN = dict(enumerate(ROMAN_QUARTERS, 1))

# (first month, last month) of each period, by kind and number.
_MONTHS: dict[tuple[str, int | None], tuple[int, int]] = {
    (QUARTER, 1): (1, 3),
    (QUARTER, 2): (4, 6),
    (QUARTER, 3): (7, 9),
    (QUARTER, 4): (10, 12),
    (SIX_MONTHS, None): (1, 6),
    (NINE_MONTHS, None): (1, 9),
    (YEAR, None): (1, 12),
}


@dataclass(frozen=True)
class Period:
    """One report period. `number` is the quarter (1–4) for a quarter, else None; `start`
    and `end` are both included; `title` is the report's name ("Báo cáo CCHC quý I năm 2022")
    and `label` the period alone ("quý I năm 2022"), for sentences such as "Kết quả thực hiện
    công tác cải cách hành chính quý I năm 2022"."""

    kind: PeriodKind
    year: int
    number: int | None
    start: date
    end: date
    title: str

    @property
    def label(self) -> str:
        return self.title.removeprefix("Báo cáo CCHC ")

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def _label(kind: str, year: int, number: int | None) -> str:
    if kind == QUARTER and number is not None:  # checked by report_period
        return f"quý {ROMAN[number]} năm {year}"
    if kind == SIX_MONTHS:
        return f"6 tháng đầu năm {year}"
    if kind == NINE_MONTHS:
        return f"9 tháng năm {year}"
    return f"năm {year}"


def _check_cutoff(cutoff_day: int) -> None:
    if isinstance(cutoff_day, bool) or not isinstance(cutoff_day, int) or not 1 <= cutoff_day <= 28:
        raise ValueError(f"Ngày chốt số liệu phải từ 1 đến 28 (nhận {cutoff_day!r}).")


def _month_start(year: int, month: int) -> date:
    """The 1st of a month given as a month number that may be 0 (December of the year before)
    or 13 (January of the next)."""
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def report_period(
    kind: str, year: int, number: int | None = None, *, cutoff_day: int = DEFAULT_CUTOFF_DAY
) -> Period:
    """The period of a report: `report_period("quarter", 2022, 1)` is Q1 2022,
    15/12/2021–14/03/2022; `report_period("year", 2022)` is 15/12/2021–14/12/2022.

    `number` is required for a quarter (1–4) and must be None (or 1, the first half, for six
    months) otherwise. Raises ValueError with a Vietnamese message for an unknown kind, a
    missing or wrong number, a year outside 2–9998 or a cut-off day outside 1–28.
    """
    if kind not in KINDS:
        raise ValueError(f"Loại kỳ báo cáo không hợp lệ: {kind!r} (chỉ nhận {', '.join(KINDS)}).")
    _check_cutoff(cutoff_day)
    if isinstance(year, bool) or not isinstance(year, int) or not 1 < year < 9999:
        raise ValueError(f"Năm báo cáo không hợp lệ: {year!r}.")
    if kind == SIX_MONTHS and number == 1:
        number = None  # "6 tháng đầu năm": the only six-month report
    if kind == QUARTER:
        if number not in ROMAN or isinstance(number, bool):
            raise ValueError(f"Quý phải là số từ 1 đến 4 (nhận {number!r}).")
    elif number is not None:
        raise ValueError(f"Kỳ báo cáo {KIND_LABELS[kind]} không có số thứ tự (nhận {number!r}).")
    first, last = _MONTHS[(kind, number)]
    if cutoff_day == 1:
        start = _month_start(year, first)
        end = _month_start(year, last + 1) - timedelta(days=1)
    else:
        start = _month_start(year, first - 1).replace(day=cutoff_day)
        end = _month_start(year, last).replace(day=cutoff_day - 1)
    return Period(
        kind=kind,
        year=year,
        number=number,
        start=start,
        end=end,
        title=f"Báo cáo CCHC {_label(kind, year, number)}",
    )


def periods_of_year(year: int, *, cutoff_day: int = DEFAULT_CUTOFF_DAY) -> list[Period]:
    """Every report period of a year, in the order the reports fall due (by end date, the
    shorter period first): quý I, quý II, 6 tháng, quý III, 9 tháng, quý IV, năm."""
    periods = [report_period(QUARTER, year, q, cutoff_day=cutoff_day) for q in ROMAN]
    periods += [report_period(kind, year, cutoff_day=cutoff_day) for kind in KINDS[1:]]
    return sorted(periods, key=lambda p: (p.end, -p.start.toordinal()))


def periods_containing(day: date, *, cutoff_day: int = DEFAULT_CUTOFF_DAY) -> list[Period]:
    """The periods whose figures include `day`, in `periods_of_year` order. With the default
    cut-off a day from 15 December on belongs to the next year's periods: 20/12/2022 is in
    quý I, 6 tháng, 9 tháng and năm 2023."""
    year = day.year + 1 if cutoff_day > 1 and (day.month, day.day) >= (12, cutoff_day) else day.year
    return [p for p in periods_of_year(year, cutoff_day=cutoff_day) if day in p]
