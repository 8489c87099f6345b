"""The working-day clock on whole columns (Polars) gives, row for row, what the scalar
methods give (issue 20): random dates 2019–2031 with the holidays and swaps drawn often, random
overrides, times around 15:00:00, nulls, columns in other time zones. No database."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.core.calendar import (
    STEADY_OFFSET,
    STEADY_SINCE,
    STEADY_SINCE_LOCAL,
    WorkingCalendar,
    local_moments,
    zoned_moments,
)

CALENDAR = WorkingCalendar()
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
LOCAL = "Asia/Ho_Chi_Minh"

# Days where the clock has something to get wrong, drawn as often as any random day.
AWKWARD_DAYS = [
    *(date(2022, 1, 28) + timedelta(days=i) for i in range(12)),  # Friday before Tết 2022 → after
    *(date(2023, 1, 19) + timedelta(days=i) for i in range(10)),  # Tết Quý Mão
    *(date(2025, 1, 24) + timedelta(days=i) for i in range(10)),  # Tết Ất Tỵ
    *(date(year, 4, 28) + timedelta(days=i) for year in range(2019, 2032) for i in range(7)),
    *(date(year, 8, 30) + timedelta(days=i) for year in range(2019, 2032) for i in range(6)),
    *(date(year, 12, 27) + timedelta(days=i) for year in range(2019, 2031) for i in range(8)),
    date(2024, 4, 29),  # Monday off, swapped with…
    date(2024, 5, 4),  # …Saturday worked
    date(2019, 1, 1),
    date(2031, 12, 31),
]
DAYS = st.one_of(
    st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31)),
    st.sampled_from(AWKWARD_DAYS),
)
# The reform office's table: a day given off or made working, on any day, the awkward ones too.
CALENDARS = st.one_of(
    st.just(CALENDAR),
    st.dictionaries(DAYS, st.booleans(), max_size=12).map(
        lambda overrides: WorkingCalendar(overrides=overrides)
    ),
)
AROUND_THE_CUTOFF = st.sampled_from(
    [
        time(15, 0),
        time(15, 0, 0, 1),  # one microsecond after: the next working day
        time(14, 59, 59, 999_999),
        time(15, 0, 1),
        time(0, 0),
        time(23, 59, 59, 999_999),
        time(7, 0),  # 00:00 UTC
        time(6, 59, 59, 999_999),  # still the day before in UTC
    ]
)
# The column's time zone; None: a naive column, taken as local.
ZONES = st.sampled_from(
    [LOCAL, "UTC", "Europe/London", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", None]
)


def dates(values):
    return pl.Series("day", values, dtype=pl.Date)


def moments(values, zone):
    """A Datetime column in `zone` holding the moments `values` (aware, or None)."""
    if zone is None:
        naive = [None if v is None else v.astimezone(HANOI).replace(tzinfo=None) for v in values]
        return pl.Series("received_at", naive, dtype=pl.Datetime("us"))
    utc = [None if v is None else v.astimezone(UTC).replace(tzinfo=None) for v in values]
    column = pl.Series("received_at", utc, dtype=pl.Datetime("us")).dt.replace_time_zone("UTC")
    return column.dt.convert_time_zone(zone)


def as_given(value, zone):
    """The moment as the scalar method receives it: in `zone`, or naive local time."""
    if value is None:
        return None
    if zone is None:
        return value.astimezone(HANOI).replace(tzinfo=None)
    return value.astimezone(ZoneInfo(zone))


@st.composite
def receptions(draw):
    """A moment in Vietnam, its hour often around 15:00, or None."""
    if draw(st.integers(0, 9)) == 0:
        return None
    clock = draw(st.one_of(AROUND_THE_CUTOFF, st.times()))
    return datetime.combine(draw(DAYS), clock, tzinfo=HANOI)


# --- every method against the scalar one ------------------------------------------------------


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(calendar=CALENDARS, days=st.lists(st.one_of(st.none(), DAYS), max_size=60))
def test_is_working_day_many_is_the_scalar_rule(calendar, days):
    expected = [None if day is None else calendar.is_working_day(day) for day in days]
    assert calendar.is_working_day_many(dates(days)).to_list() == expected


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    calendar=CALENDARS,
    rows=st.lists(
        st.tuples(
            st.one_of(st.none(), DAYS),
            st.one_of(st.none(), st.integers(0, 30), st.integers(0, 800)),
        ),
        max_size=60,
    ),
)
def test_add_working_days_many_is_the_scalar_rule(calendar, rows):
    starts, counts = [row[0] for row in rows], [row[1] for row in rows]
    expected = [
        None if start is None or n is None else calendar.add_working_days(start, n)
        for start, n in rows
    ]
    column = calendar.add_working_days_many(dates(starts), pl.Series(counts, dtype=pl.Int16))
    assert column.dtype == pl.Date
    assert column.to_list() == expected


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    calendar=CALENDARS,
    zone=ZONES,
    rows=st.lists(st.tuples(receptions(), st.integers(0, 60)), max_size=40),
)
def test_add_working_days_many_counts_a_datetime_by_its_day_in_vietnam(calendar, zone, rows):
    # An online dossier's due date counts from the moment it arrived, whatever its zone.
    given_moments = [as_given(moment, zone) for moment, _ in rows]
    expected = [
        None if moment is None else calendar.add_working_days(moment, n)
        for moment, (_, n) in zip(given_moments, rows, strict=True)
    ]
    column = calendar.add_working_days_many(
        moments([moment for moment, _ in rows], zone), pl.Series([n for _, n in rows])
    )
    assert column.to_list() == expected


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(calendar=CALENDARS, zone=ZONES, received=st.lists(receptions(), max_size=60))
def test_receipt_days_is_the_scalar_rule_in_any_time_zone(calendar, zone, received):
    expected = [
        None if moment is None else calendar.receipt_day(as_given(moment, zone))
        for moment in received
    ]
    column = calendar.receipt_days(moments(received, zone))
    assert column.dtype == pl.Date
    assert column.to_list() == expected


# --- known answers ------------------------------------------------------------------------------


def test_known_due_dates_on_a_column():
    starts = dates(
        [date(2022, 1, 28), date(2022, 1, 28), date(2024, 5, 3), date(2022, 12, 30), None]
    )
    counts = pl.Series([3, 0, 1, 20, 5])
    assert CALENDAR.add_working_days_many(starts, counts).to_list() == [
        date(2022, 2, 9),  # Friday before Tết Nhâm Dần + 3 → Wednesday 9/2
        date(2022, 1, 28),  # 0 days: the same day
        date(2024, 5, 4),  # the Saturday worked in 2024
        date(2023, 2, 6),  # across the new year and Tết Quý Mão
        None,
    ]


def test_known_receipt_days_on_a_column():
    received = pl.Series(
        [
            datetime(2022, 3, 14, 15, 0),  # at 15:00 sharp: that day
            datetime(2022, 3, 14, 15, 0, 0, 1),  # a microsecond later: the next working day
            datetime(2022, 1, 28, 16, 0),  # Friday before Tết, late → Monday 7/2
            datetime(2024, 4, 29, 9, 0),  # the Monday given off in 2024 → Thursday 2/5
            datetime(2024, 5, 3, 16, 0),  # Friday late → the Saturday worked
        ],
        dtype=pl.Datetime("us"),
    ).dt.replace_time_zone(LOCAL)
    assert CALENDAR.receipt_days(received).to_list() == [
        date(2022, 3, 14),
        date(2022, 3, 15),
        date(2022, 2, 7),
        date(2024, 5, 2),
        date(2024, 5, 4),
    ]


def test_receipt_days_converts_utc_to_vietnam_time():
    # 08:00 UTC is 15:00 in Hanoi (in time); 08:00:00.000001 UTC is after the cut-off.
    received = pl.Series(
        [datetime(2022, 3, 14, 8, 0), datetime(2022, 3, 14, 8, 0, 0, 1), None],
        dtype=pl.Datetime("us", "UTC"),
    )
    assert CALENDAR.receipt_days(received).to_list() == [date(2022, 3, 14), date(2022, 3, 15), None]


def test_overrides_move_column_due_dates():
    swapped = WorkingCalendar(overrides={date(2022, 3, 19): True, date(2022, 3, 21): False})
    friday = dates([date(2022, 3, 18)] * 2)
    assert swapped.add_working_days_many(friday, pl.Series([1, 2])).to_list() == [
        date(2022, 3, 19),
        date(2022, 3, 22),
    ]
    assert CALENDAR.add_working_days_many(friday, pl.Series([1, 2])).to_list() == [
        date(2022, 3, 21),
        date(2022, 3, 22),
    ]


# --- beyond the loaded years --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days"),
    [
        (date(2022, 12, 28), 30),  # late December: the due date is in the next year
        (date(2022, 12, 28), 300),  # …or the one after
        (date(2031, 12, 31), 1),
        (date(2024, 3, 1), 32_767),  # the largest count the file allows: about 130 years ahead
        (date(2019, 1, 1), 5_000),
    ],
)
def test_due_dates_past_the_loaded_years(start, days):
    calendar = WorkingCalendar()
    starts = dates([start, date(2022, 6, 1), start])
    counts = pl.Series([days, 1, 0])
    due = calendar.add_working_days_many(starts, counts).to_list()
    assert due == [
        WorkingCalendar().add_working_days(start, days),
        date(2022, 6, 2),
        start,
    ]
    assert calendar.working_days_between(start, due[0]) == days


def test_a_stray_year_does_not_load_the_years_between():
    # A mistyped year (0202 for 2022) beside ordinary rows: each counted in its own years.
    calendar = WorkingCalendar()
    starts = dates([date(202, 3, 14), date(2022, 3, 14), date(202, 12, 30)])
    due = calendar.add_working_days_many(starts, pl.Series([5, 5, 10])).to_list()
    reference = WorkingCalendar()
    assert due == [
        reference.add_working_days(date(202, 3, 14), 5),
        date(2022, 3, 21),
        reference.add_working_days(date(202, 12, 30), 10),
    ]
    assert set(calendar._index) == {202, 203, 2022, 2023}


def test_empty_columns():
    empty_days = dates([])
    assert CALENDAR.add_working_days_many(empty_days, pl.Series([], dtype=pl.Int64)).dtype == (
        pl.Date
    )
    assert CALENDAR.add_working_days_many(empty_days, pl.Series([], dtype=pl.Int64)).len() == 0
    assert CALENDAR.is_working_day_many(empty_days).to_list() == []
    assert CALENDAR.is_working_day_many(empty_days).dtype == pl.Boolean
    received = pl.Series([], dtype=pl.Datetime("us", LOCAL))
    assert CALENDAR.receipt_days(received).to_list() == []
    assert CALENDAR.receipt_days(received).dtype == pl.Date


def test_a_column_of_nulls():
    nothing = dates([None, None])
    assert CALENDAR.add_working_days_many(nothing, pl.Series([1, None])).to_list() == [None, None]
    assert CALENDAR.add_working_days_many(dates([date(2022, 3, 14)]), 2).to_list() == [
        date(2022, 3, 16)
    ]


def test_negative_days_are_refused_as_the_scalar_method_refuses_them():
    starts = dates([date(2022, 1, 3), date(2022, 1, 3)])
    with pytest.raises(ValueError, match="không được âm"):
        CALENDAR.add_working_days_many(starts, pl.Series([2, -1]))


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="length"):
        CALENDAR.add_working_days_many(dates([date(2022, 1, 3)]), pl.Series([1, 2]))


# --- the zone's steady clock (`local_moments`, `zoned_moments`) --------------------------------


def test_vietnam_has_kept_utc_plus_seven_since_the_steady_moment():
    """The fact the fast conversions stand on, checked against the tz database: +7 at every
    day from STEADY_SINCE to 2200 (each at another hour of the day), and not just before."""
    moment, step = STEADY_SINCE, timedelta(days=1, minutes=7)
    while moment.year < 2200:
        assert moment.astimezone(HANOI).utcoffset() == STEADY_OFFSET, moment
        moment += step
    before = STEADY_SINCE - timedelta(microseconds=1)
    assert before.astimezone(HANOI).utcoffset() != STEADY_OFFSET
    # The first wall-clock time after the repeated hour of 12/06/1975.
    assert STEADY_SINCE_LOCAL.replace(tzinfo=HANOI) == STEADY_SINCE + timedelta(hours=1)


# Moments around the zone's changes, and many in the steady years.
MOMENTS = st.one_of(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.datetimes(min_value=datetime(1975, 6, 12, 12), max_value=datetime(1975, 6, 13, 2)),
    st.datetimes(min_value=datetime(1945, 3, 14, 20), max_value=datetime(1945, 3, 15, 2)),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
)
UNITS = st.sampled_from(["ms", "us", "ns"])


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.none() | MOMENTS, max_size=30), zone=ZONES, unit=UNITS)
def test_local_moments_is_polars_own_conversion(values, zone, unit):
    column = pl.Series("at", values, dtype=pl.Datetime(unit)).dt.replace_time_zone("UTC")
    if zone is not None:
        column = column.dt.convert_time_zone(zone)
    else:
        column = column.dt.replace_time_zone(None)
    expected = (
        column if zone is None
        else column.dt.convert_time_zone(LOCAL).dt.replace_time_zone(None)
    )  # fmt: skip
    got = local_moments(column)
    assert got.dtype == pl.Datetime(unit)
    assert got.to_list() == expected.to_list()


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.none() | MOMENTS, max_size=30), unit=UNITS)
def test_zoned_moments_is_replace_time_zone_with_the_skipped_and_repeated_times_null(values, unit):
    naive = pl.Series("at", values, dtype=pl.Datetime(unit))
    expected = naive.dt.replace_time_zone(LOCAL, ambiguous="null", non_existent="null")
    got = zoned_moments(naive)
    assert got.dtype == pl.Datetime(unit, LOCAL)
    assert got.to_list() == expected.to_list()


@pytest.mark.parametrize("first", [datetime(1975, 6, 12, 23, 30), datetime(1945, 3, 14, 23, 30),
                                   datetime(1975, 6, 12, 23, 59, 59, 999_999)])  # fmt: skip
def test_zoned_moments_leaves_a_repeated_or_skipped_time_to_the_caller(first):
    naive = pl.Series([first, datetime(2022, 1, 5, 8, 30)])
    assert zoned_moments(naive).to_list() == [None, datetime(2022, 1, 5, 8, 30, tzinfo=HANOI)]


@pytest.mark.parametrize("offset", [timedelta(microseconds=-1), timedelta(0)])
def test_local_moments_on_either_side_of_the_last_change(offset):
    """A column whose earliest moment is the last one at +8, or the first at +7."""
    moment = STEADY_SINCE + offset
    column = pl.Series([moment, datetime(2022, 1, 5, 1, 30, tzinfo=UTC)]).dt.convert_time_zone(
        LOCAL
    )
    assert local_moments(column).to_list() == [
        moment.astimezone(HANOI).replace(tzinfo=None),
        datetime(2022, 1, 5, 8, 30),
    ]
