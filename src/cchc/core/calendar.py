"""Vietnamese working days, the clock of Decree 61/2018 (amended by Decree 107/2021).

A pure module: no database, no clock. Public holidays come from the `holidays` package
(`holidays.country_holidays("VN")`: New Year, the lunar Tết days, Hùng Kings' day 10/3 lunar,
30/4, 1/5, 2/9 and the days after, and the observed (nghỉ bù) days when a holiday falls on a
weekend). The package also knows some of the government's swaps (a weekday off, a Saturday
worked — e.g. Monday 29/4/2024 off, Saturday 4/5/2024 worked); the ones it does not know, and any
correction, are the reform office's override table, which a `WorkingCalendar` receives as
`overrides` (date → is working day) and which wins over everything else.

Holiday lookups are cached per year (`_year_calendar`, `functools.lru_cache`), and each
calendar indexes the working days of a year once, the first time it needs that year; after that
`add_working_days` is two bisections. Measured on the development machine (Python 3.11):
300,000 `add_working_days` calls with random start dates in 2022–2023 and 1–30 working days
take 0.15–0.25 s (under 1 µs a call), loading and indexing the years included (loading one
year from the `holidays` package takes under 1 ms).

The same rules also work on a whole column (Polars Series) for the import engine (issue 20):
`receipt_days`, `add_working_days_many` and `is_working_day_many` give, row for row, what the
scalar methods give, because they look the days up in the same per-year index
(`_working_days_of`) rather than restating the rules. On a million rows of 2022–2024
(`benchmarks/working_days.py`, same machine, busy): the 15:00 rule 0.11–0.28 s against
1.5–2.0 s for a loop over `receipt_day`; due dates 0.02–0.05 s against 0.9–1.1 s.
Polars is imported inside those methods: it costs about 0.2 s to import, which the processes
that never compute a column (the web server, most commands) should not pay.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

if TYPE_CHECKING:
    import polars as pl

LOCAL_TZ_NAME = "Asia/Ho_Chi_Minh"
try:
    LOCAL_TZ: timezone | ZoneInfo = ZoneInfo(LOCAL_TZ_NAME)
except ZoneInfoNotFoundError:  # no tz database on the machine: Vietnam is UTC+7, no DST since 1975
    LOCAL_TZ = timezone(timedelta(hours=7), "ICT")

# A Polars Date is a count of days since 1 January 1970; a Python date's ordinal counts from
# 1 January of year 1. The index keeps ordinals; a column compares epoch days.
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# At least this many working days in any year (about 250 with the weekends and holidays):
# how many years to load at once when a due date runs past the loaded ones.
FEWEST_WORKING_DAYS_A_YEAR = 200

# A paper dossier received after this time (local) counts as received on the next working day.
RECEIPT_CUTOFF = time(15, 0)

SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True)
class _YearCalendar:
    holidays: frozenset[date]  # public holidays, observed and substituted days off included
    worked_weekend_days: frozenset[date]  # Saturdays/Sundays the government made working days


@functools.lru_cache(maxsize=256)
def _year_calendar(year: int) -> _YearCalendar:
    """The `holidays` package's Vietnamese calendar for one year (dates of that year only).
    Neighbouring years are loaded too, because a swap can cross the new year (2 Jan 2015 off,
    Saturday 27 Dec 2014 worked)."""
    source = holidays.country_holidays("VN", years=(year - 1, year, year + 1))
    return _YearCalendar(
        holidays=frozenset(day for day in source if day.year == year),
        worked_weekend_days=frozenset(
            day for day in getattr(source, "weekend_workdays", ()) if day.year == year
        ),
    )


def holiday_names(year: int, language: str = "vi") -> dict[date, str]:
    """The public holidays of a year with their names (Vietnamese by default), for display."""
    source = holidays.country_holidays("VN", years=year, language=language)
    return dict(sorted(source.items()))


def _local_dates(column: pl.Series) -> pl.Series:
    """`_local_date` for a column: a Date column as it is, a naive Datetime column's own
    dates (already local), an aware one's dates in Vietnam time."""
    import polars as pl

    if column.dtype == pl.Date:
        return column
    if column.dtype == pl.Null:  # a column of nothing but nulls, as Polars builds [None, None]
        return column.cast(pl.Date)
    return local_moments(column).dt.date()


# Vietnam's clock has kept UTC+7, without summer time, since 13/06/1975 00:00 (+8), which
# became 12/06/1975 23:00 (+7): the tz database's last change for Asia/Ho_Chi_Minh
# (`tests/core/test_calendar_columns.py` checks it day by day against zoneinfo). A
# column whose moments all fall after it changes zone by adding or taking seven hours:
# Polars' own conversion looks the zone up for every value, 0,02–0,03 s for 300.000 of
# them, where the sum takes a millisecond.
STEADY_OFFSET = timedelta(hours=7)
STEADY_SINCE = datetime(1975, 6, 12, 16, tzinfo=UTC)
# The first wall-clock time that no other moment shares (23:00–23:59 of 12/06/1975 came twice).
STEADY_SINCE_LOCAL = datetime(1975, 6, 13)


def local_moments(column: pl.Series) -> pl.Series:
    """A Datetime column as naive Vietnam wall-clock times: converted when it has a time zone
    (UTC or any other), as it is when naive (taken as local, as the scalar methods take a
    naive datetime). Naive, because Polars looks the zone up again for every `dt.date()` and
    `dt.time()` of an aware column: one conversion instead of two, and none at all for the
    moments since 1975 (`STEADY_SINCE`)."""
    import polars as pl

    if not isinstance(column.dtype, pl.Datetime):
        raise TypeError(f"Expected a Date or Datetime column, got {column.dtype}.")
    if column.dtype.time_zone is None:
        return column
    unit = column.dtype.time_unit
    earliest = column.min()
    if earliest is None or cast(datetime, earliest) >= STEADY_SINCE:
        shift = _in_unit(STEADY_OFFSET, unit)
        return (column.cast(pl.Int64) + shift).cast(pl.Datetime(unit))
    return column.dt.convert_time_zone(LOCAL_TZ_NAME).dt.replace_time_zone(None)


def zoned_moments(naive: pl.Series) -> pl.Series:
    """Naive Vietnam wall-clock times as moments in Asia/Ho_Chi_Minh: what
    `dt.replace_time_zone` gives, without its per-value lookup for the times since 1975;
    null for a time the clock skipped or gave twice (14/03/1945 23:30, 12/06/1975 23:30),
    which the caller's cell parser then decides."""
    import polars as pl

    unit = cast(Any, naive.dtype).time_unit
    earliest = naive.min()
    if earliest is None or cast(datetime, earliest) >= STEADY_SINCE_LOCAL:
        shift = _in_unit(STEADY_OFFSET, unit)
        utc = (naive.cast(pl.Int64) - shift).cast(pl.Datetime(unit, "UTC"))
        return utc.dt.convert_time_zone(LOCAL_TZ_NAME)
    return naive.dt.replace_time_zone(LOCAL_TZ_NAME, ambiguous="null", non_existent="null")


def _in_unit(span: timedelta, unit: str) -> int:
    """`span` in a Datetime column's unit ("ms", "us", "ns")."""
    micro = span // timedelta(microseconds=1)
    return {"ms": micro // 1000, "us": micro, "ns": micro * 1000}[unit]


def _places_after(working: pl.Series, days: pl.Series) -> pl.Series:
    """For each of `days` (epoch days), the place in `working` (sorted) of the first working
    day after it: `search_sorted(side="right")`, made once for every calendar day from the
    column's first to its last and then gathered by row, which is about five times faster on
    a million rows than searching for each row (most rows share a few hundred days)."""
    import polars as pl

    if days.min() is None:
        return pl.Series(days.name, [None] * len(days), dtype=pl.Int64)
    first, last = cast(int, days.min()), cast(int, days.max())  # epoch days: integers
    every_day = pl.int_range(first, last + 1, dtype=pl.Int32, eager=True)
    places = working.search_sorted(every_day, side="right").cast(pl.Int64)
    return places.gather(days - first)


def _local_date(moment: datetime | date) -> date:
    """The local (Vietnam) calendar date of a date, a naive datetime (already local) or an
    aware datetime (converted)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None and moment.utcoffset() is not None:
            moment = moment.astimezone(LOCAL_TZ)
        return moment.date()
    return moment


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days for the Decree 61/2018 clock.

    `overrides` maps a date to whether it is a working day; it comes from the per-year table the
    reform office edits (a weekday given off, a Saturday worked) and wins over every other rule.
    """

    overrides: Mapping[date, bool] = field(default_factory=dict, hash=False)
    # Per-year sorted ordinals of working days, filled lazily; not part of equality or hashing.
    _index: dict[int, list[int]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        for day, working in self.overrides.items():
            if isinstance(day, datetime) or not isinstance(day, date):
                raise ValueError(f"Ngày điều chỉnh lịch làm việc phải là một ngày (nhận {day!r}).")
            if not isinstance(working, bool):
                raise ValueError(
                    f"Ngày {day:%d/%m/%Y}: giá trị điều chỉnh phải là đúng/sai (nhận {working!r})."
                )
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))

    def is_working_day(self, day: date) -> bool:
        """Override first; then a weekend day the government made a working day (known to the
        `holidays` package) is working; then Saturday and Sunday are off; then public holidays
        are off; every other day is a working day."""
        day = _local_date(day)
        override = self.overrides.get(day)
        if override is not None:
            return override
        year = _year_calendar(day.year)
        if day in year.worked_weekend_days:
            return True
        if day.weekday() in (SATURDAY, SUNDAY):
            return False
        return day not in year.holidays

    def _working_days_of(self, year: int) -> list[int]:
        index = self._index.get(year)
        if index is None:
            day = date(year, 1, 1)
            index = []
            while day.year == year:
                if self.is_working_day(day):
                    index.append(day.toordinal())
                day += timedelta(days=1)
            self._index[year] = index
        return index

    def add_working_days(self, start: datetime | date, days: int) -> date:
        """The due date `days` working days after `start`.

        Rule: the day of `start` itself is not counted (whatever the hour, and whether or not it
        is a working day); counting starts on the next working day, and the due date is the
        `days`-th working day after `start`'s date. `days` = 0 gives `start`'s date. Example: a
        dossier received on Friday 28/1/2022 with 3 working days is due on Wednesday 9/2/2022
        (31/1–4/2 are Tết, 5–6/2 a weekend: Mon 7, Tue 8, Wed 9). An aware datetime is
        converted to Vietnam time first; a naive one is taken as local. For the 15:00 rule
        pass `receipt_day(received_at)` as `start`.
        """
        if days < 0:
            raise ValueError(f"Số ngày làm việc không được âm (nhận {days}).")
        start_day = _local_date(start)
        if days == 0:
            return start_day
        year = start_day.year
        index = self._working_days_of(year)
        position = bisect.bisect_right(index, start_day.toordinal())
        remaining = days
        while position + remaining > len(index):
            remaining -= len(index) - position
            year += 1
            index = self._working_days_of(year)
            position = 0
        return date.fromordinal(index[position + remaining - 1])

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; 0 when end ≤ start.
        So working_days_between(d, add_working_days(d, n)) = n."""
        start_day, end_day = _local_date(start), _local_date(end)
        if end_day <= start_day:
            return 0
        total = 0
        for year in range(start_day.year, end_day.year + 1):
            index = self._working_days_of(year)
            low = bisect.bisect_right(index, start_day.toordinal())
            high = bisect.bisect_right(index, end_day.toordinal())
            total += high - low
        return total

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        return self.add_working_days(day, 1)

    def is_working_day_many(self, days: pl.Series) -> pl.Series:
        """`is_working_day` for a column of dates (or datetimes, their local day): True on
        the days the year's index of working days holds, the index `add_working_days` counts
        in, so the overrides and the `holidays` package agree with the scalar method. Null
        stays null."""
        import polars as pl

        local = _local_dates(days)
        years = local.dt.year().drop_nulls().unique().to_list()
        working = self._epoch_days(sorted(years))
        return local.cast(pl.Int32).is_in(working.implode()).alias(days.name)

    def add_working_days_many(self, start: pl.Series, days: pl.Series | int) -> pl.Series:
        """`add_working_days` for a column: row by row, the due date `days` working days after
        `start` (Decree 61/2018; the day of `start` not counted, 0 → `start`'s date; a
        datetime counts by its day in Vietnam time). A null in either gives null; a negative
        number of days is refused as the scalar method refuses it. `days` may be one number
        for every row.

        How: the working days of the years the column needs are one sorted array of epoch
        days; a due date is the working day `days` − 1 places after the first one later than
        `start` (`search_sorted(side="right")`, see `_places_after`, then a gather). Years
        are loaded in runs of consecutive years, each start date's year and the next; a due
        date that runs past the end of its start's run (late December + 300 days; 32,767
        days: many years) loads the years after that run and the column is counted again,
        so a stray year in the file (0202 for 2022) costs its own years, not the centuries in
        between.
        """
        import polars as pl

        start_days = _local_dates(start)
        if isinstance(days, int):
            days = pl.repeat(days, len(start_days), dtype=pl.Int64, eager=True)
        if len(days) != len(start_days):
            raise ValueError(
                f"start and days differ in length ({len(start_days)} and {len(days)})."
            )
        if days.dtype == pl.Null:  # a column of nothing but nulls, as Polars builds [None, None]
            days = days.cast(pl.Int64)
        if not days.dtype.is_integer():
            raise TypeError(f"days must be an integer column, got {days.dtype}.")
        negative = days.filter(days < 0)
        if len(negative):
            raise ValueError(f"Số ngày làm việc không được âm (nhận {negative[0]}).")
        counts = days.cast(pl.Int64)
        epoch = start_days.cast(pl.Int32)
        counted = epoch.is_not_null() & counts.is_not_null() & (counts > 0)
        starts_years = start_days.dt.year()
        # Each start's year and the next: a December start's due date is usually in January,
        # and one more year costs far less than counting the column twice.
        loaded = {
            year + later
            for year in starts_years.filter(counted).unique().to_list()
            for later in (0, 1)
        }
        while True:
            years = sorted(loaded)
            working = self._epoch_days(years)
            # Positions are only counted within the run of consecutive loaded years that
            # holds the start: past its end, the array jumps over years not loaded.
            run_ends = self._run_ends(years)
            if len(set(run_ends.values())) <= 1:
                run_end = pl.repeat(len(working), len(epoch), dtype=pl.Int64, eager=True)
            else:
                run_end = starts_years.replace_strict(run_ends, default=None, return_dtype=pl.Int64)
            position = _places_after(working, epoch)
            target = pl.select(
                pl.when(counted).then(position + counts - 1).otherwise(None)
            ).to_series()
            short = counted & (target >= run_end)
            if not short.any():
                break
            loaded |= self._years_to_load(years, starts_years, target - run_end, short)
        due = working.gather(target).cast(pl.Date)
        due = pl.select(pl.when(counts == 0).then(start_days).otherwise(due)).to_series()
        return due.alias(start.name)

    def receipt_days(self, received: pl.Series) -> pl.Series:
        """`receipt_day` for a column of Datetime: converted to Vietnam time first (from UTC
        or any time zone; a naive column is taken as local), then the same day when it is a
        working day and the time is at or before 15:00:00 (15:00:00.000001 is after), else the
        next working day (Decree 61/2018). Null stays null."""
        import polars as pl

        local = local_moments(received)
        day = local.dt.date()
        in_time = self.is_working_day_many(day) & (local.dt.time() <= RECEIPT_CUTOFF)
        next_day = self.add_working_days_many(day, 1)
        return (
            pl.select(pl.when(in_time).then(day).otherwise(next_day))
            .to_series()
            .alias(received.name)
        )

    def _epoch_days(self, years: list[int]) -> pl.Series:
        """The working days of `years` (ascending) as one sorted Int32 column of epoch days."""
        import polars as pl

        ordinals = [day for year in years for day in self._working_days_of(year)]
        return (pl.Series(ordinals, dtype=pl.Int64) - EPOCH_ORDINAL).cast(pl.Int32)

    def _run_ends(self, years: list[int]) -> dict[int, int]:
        """For each of `years` (ascending), the position in `_epoch_days(years)` just past the
        last working day of the run of consecutive years it belongs to."""
        ends: dict[int, int] = {}
        run: list[int] = []
        total = 0
        for year in years:
            if run and year != run[-1] + 1:
                ends.update(dict.fromkeys(run, total))
                run = []
            run.append(year)
            total += len(self._working_days_of(year))
        ends.update(dict.fromkeys(run, total))
        return ends

    @staticmethod
    def _years_to_load(
        years: list[int], starts_years: pl.Series, overrun: pl.Series, short: pl.Series
    ) -> set[int]:
        """The years after each run that some due date runs past: enough, at
        FEWEST_WORKING_DAYS_A_YEAR a year, for the furthest one (another pass if not)."""
        import polars as pl

        frame = pl.DataFrame({"year": starts_years, "overrun": overrun}).filter(short)
        needed = frame.group_by("year").agg(pl.col("overrun").max()).iter_rows()
        loaded = set(years)
        more: set[int] = set()
        for year, overrun_days in needed:
            last = year
            while last + 1 in loaded:
                last += 1
            extra = overrun_days // FEWEST_WORKING_DAYS_A_YEAR + 1
            more.update(range(last + 1, last + 1 + extra))
        return more

    def receipt_day(self, received_at: datetime) -> date:
        """The day a paper dossier counts as received (Decree 61/2018).

        `received_at` in Vietnam time: an aware datetime is converted, a naive one is taken as
        local. Received on a working day at or before 15:00:00 → that day; after 15:00 (15:00:01
        onwards) or on a non-working day → the next working day. Apply it to paper dossiers
        (in person, postal) only; an online dossier's receipt is not moved by this rule.
        """
        if received_at.tzinfo is not None and received_at.utcoffset() is not None:
            received_at = received_at.astimezone(LOCAL_TZ)
        day = received_at.date()
        if self.is_working_day(day) and received_at.time() <= RECEIPT_CUTOFF:
            return day
        return self.next_working_day(day)
