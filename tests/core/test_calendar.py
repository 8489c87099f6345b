"""Working days of the Decree 61/2018 clock, on real 2022–2024 dates (no database)."""

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.core.calendar import WorkingCalendar, holiday_names

CALENDAR = WorkingCalendar()
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # New Year 2022 fell on a Saturday: Monday 3/1 is the day off in lieu.
        (date(2022, 1, 1), False),
        (date(2022, 1, 3), False),
        (date(2022, 1, 4), True),
        # Tết Nhâm Dần: mùng 1 is Tuesday 1/2/2022; 31/1 (giao thừa) to 4/2 are off.
        (date(2022, 1, 28), True),
        (date(2022, 1, 29), False),  # Saturday
        (date(2022, 1, 30), False),  # Sunday
        (date(2022, 1, 31), False),
        (date(2022, 2, 1), False),
        (date(2022, 2, 2), False),
        (date(2022, 2, 3), False),
        (date(2022, 2, 4), False),
        (date(2022, 2, 7), True),
        # Giỗ Tổ Hùng Vương, 10/3 lunar = Sunday 10/4/2022; Monday 11/4 off in lieu.
        (date(2022, 4, 8), True),
        (date(2022, 4, 10), False),
        (date(2022, 4, 11), False),
        (date(2022, 4, 12), True),
        # 30/4 (Saturday) and 1/5 (Sunday) 2022: Monday 2/5 and Tuesday 3/5 off in lieu.
        (date(2022, 4, 29), True),
        (date(2022, 4, 30), False),
        (date(2022, 5, 1), False),
        (date(2022, 5, 2), False),
        (date(2022, 5, 3), False),
        (date(2022, 5, 4), True),
        # Quốc khánh 2022: Thursday 1/9 and Friday 2/9.
        (date(2022, 8, 31), True),
        (date(2022, 9, 1), False),
        (date(2022, 9, 2), False),
        (date(2022, 9, 5), True),
        # Tết Quý Mão 2023: mùng 1 is Sunday 22/1; 20/1 (29 Tết) to 26/1 (mùng 5) are off.
        (date(2023, 1, 2), False),  # New Year (Sunday 1/1) in lieu
        (date(2023, 1, 19), True),
        (date(2023, 1, 20), False),
        (date(2023, 1, 23), False),
        (date(2023, 1, 26), False),
        (date(2023, 1, 27), True),
        # 2023: Giỗ Tổ on Saturday 29/4, 30/4 on Sunday, 1/5 Monday; 2/5 and 3/5 in lieu.
        (date(2023, 4, 28), True),
        (date(2023, 4, 29), False),
        (date(2023, 5, 1), False),
        (date(2023, 5, 2), False),
        (date(2023, 5, 3), False),
        (date(2023, 5, 4), True),
        # Quốc khánh 2023: Friday 1/9, Saturday 2/9, Monday 4/9 in lieu.
        (date(2023, 9, 1), False),
        (date(2023, 9, 4), False),
        (date(2023, 9, 5), True),
        # 2024: the government swapped Monday 29/4 (off) with Saturday 4/5 (worked); the
        # `holidays` package knows this swap.
        (date(2024, 4, 29), False),
        (date(2024, 5, 4), True),
        (date(2024, 5, 11), False),  # an ordinary Saturday
        # Ordinary days.
        (date(2022, 3, 15), True),  # Tuesday
        (date(2022, 3, 19), False),  # Saturday
        (date(2022, 3, 20), False),  # Sunday
    ],
)
def test_is_working_day(day, working):
    assert CALENDAR.is_working_day(day) is working


def test_holiday_names_come_from_the_holidays_package_in_vietnamese():
    names = holiday_names(2022)
    assert names[date(2022, 2, 1)] == "Tết Nguyên Đán"
    assert names[date(2022, 4, 10)] == "Ngày Giỗ Tổ Hùng Vương"
    assert names[date(2022, 9, 2)] == "Quốc khánh"


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2022, 1, 27), 1, date(2022, 1, 28)),  # Thursday → Friday
        (date(2022, 1, 28), 1, date(2022, 2, 7)),  # Friday before Tết → Monday after it
        (date(2022, 1, 28), 3, date(2022, 2, 9)),
        (date(2022, 1, 29), 1, date(2022, 2, 7)),  # starting on a day off
        (date(2022, 2, 1), 1, date(2022, 2, 7)),  # starting on a holiday
        (date(2022, 1, 28), 0, date(2022, 1, 28)),  # no time allowed: the same day
        (date(2022, 3, 14), 5, date(2022, 3, 21)),  # Monday + 5 → next Monday
        (date(2022, 3, 14), 15, date(2022, 4, 4)),
        (date(2022, 4, 8), 1, date(2022, 4, 12)),  # over Giỗ Tổ (in lieu on Monday 11/4)
        (date(2022, 4, 29), 1, date(2022, 5, 4)),  # over 30/4–1/5 and the days in lieu
        (date(2022, 8, 31), 1, date(2022, 9, 5)),  # over Quốc khánh
        (date(2022, 12, 30), 1, date(2023, 1, 3)),  # across the new year (2/1 in lieu)
        (date(2022, 12, 30), 20, date(2023, 2, 6)),  # …and across Tết Quý Mão (20/1–26/1)
        (date(2023, 1, 19), 1, date(2023, 1, 27)),
        (date(2023, 4, 28), 1, date(2023, 5, 4)),
        (date(2023, 8, 31), 1, date(2023, 9, 5)),
        (date(2024, 5, 3), 1, date(2024, 5, 4)),  # the Saturday worked in 2024
        (date(2022, 1, 1), 249, date(2022, 12, 30)),  # 2022 has 249 working days
        (date(2021, 12, 31), 249, date(2022, 12, 30)),
        (date(2022, 12, 30), 249, date(2023, 12, 29)),  # and so has 2023
    ],
)
def test_add_working_days(start, days, due):
    assert CALENDAR.add_working_days(start, days) == due


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # The day is the local (Vietnam) day: naive means local, aware is converted.
        (datetime(2022, 1, 27, 23, 59), date(2022, 1, 28)),
        (datetime(2022, 1, 27, 18, 0, tzinfo=UTC), date(2022, 2, 7)),  # 28/1 01:00 local
        (datetime(2022, 1, 27, 16, 59, tzinfo=UTC), date(2022, 1, 28)),  # 23:59 local
        (datetime(2022, 1, 28, 9, 0, tzinfo=HANOI), date(2022, 2, 7)),
    ],
)
def test_add_working_days_from_a_datetime(start, due):
    assert CALENDAR.add_working_days(start, 1) == due


def test_add_working_days_rejects_negative_days():
    with pytest.raises(ValueError, match="không được âm"):
        CALENDAR.add_working_days(date(2022, 1, 3), -1)


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2022, 3, 14), date(2022, 3, 14), 0),  # same day
        (date(2022, 3, 18), date(2022, 3, 14), 0),  # end before start
        (date(2022, 3, 14), date(2022, 3, 15), 1),
        (date(2022, 3, 14), date(2022, 3, 18), 4),  # Monday → Friday
        (date(2022, 3, 18), date(2022, 3, 20), 0),  # Friday → Sunday
        (date(2022, 3, 18), date(2022, 3, 21), 1),
        (date(2022, 1, 28), date(2022, 2, 6), 0),  # all of Tết
        (date(2022, 1, 28), date(2022, 2, 7), 1),
        (date(2022, 1, 29), date(2022, 2, 7), 1),  # start on a weekend day
        (date(2022, 12, 30), date(2023, 1, 3), 1),  # across the new year
        (date(2021, 12, 31), date(2022, 12, 31), 249),
        (date(2022, 12, 31), date(2023, 12, 31), 249),
        (date(2021, 12, 31), date(2023, 12, 31), 498),
    ],
)
def test_working_days_between(start, end, count):
    assert CALENDAR.working_days_between(start, end) == count


# --- overrides: the reform office's table of swapped days ---------------------------------------

SWAPPED = WorkingCalendar(
    overrides={
        date(2022, 3, 19): True,  # a Saturday worked
        date(2022, 3, 21): False,  # the Monday given off in exchange
        date(2022, 9, 2): True,  # overrides win even over a public holiday
        date(2024, 5, 4): False,  # …and over a swap the holidays package knows
    }
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2022, 3, 19), True),
        (date(2022, 3, 20), False),  # the Sunday stays off
        (date(2022, 3, 21), False),
        (date(2022, 3, 22), True),
        (date(2022, 9, 2), True),
        (date(2024, 5, 4), False),
    ],
)
def test_overrides_win(day, working):
    assert SWAPPED.is_working_day(day) is working


def test_overrides_move_due_dates_and_do_not_leak_between_calendars():
    friday = date(2022, 3, 18)
    assert SWAPPED.add_working_days(friday, 1) == date(2022, 3, 19)  # the Saturday worked
    assert SWAPPED.add_working_days(friday, 2) == date(2022, 3, 22)  # Monday off
    assert SWAPPED.working_days_between(friday, date(2022, 3, 22)) == 2
    # The default calendar, already indexed for 2022, is not affected.
    assert CALENDAR.add_working_days(friday, 1) == date(2022, 3, 21)
    assert CALENDAR.add_working_days(friday, 2) == date(2022, 3, 22)


def test_overrides_are_copied_and_the_calendar_is_frozen():
    table = {date(2022, 3, 19): True}
    calendar = WorkingCalendar(overrides=table)
    table[date(2022, 3, 19)] = False  # editing the source afterwards changes nothing
    assert calendar.is_working_day(date(2022, 3, 19)) is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        calendar.overrides = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        calendar.overrides[date(2022, 3, 20)] = True  # type: ignore[index]
    assert calendar == WorkingCalendar(overrides={date(2022, 3, 19): True})
    assert calendar != CALENDAR


@pytest.mark.parametrize(
    "overrides",
    [
        {datetime(2022, 3, 19, 8, 0): True},  # a moment, not a day
        {"2022-03-19": True},
        {date(2022, 3, 19): 1},
    ],
)
def test_overrides_must_be_days_and_booleans(overrides):
    with pytest.raises(ValueError, match="điều chỉnh"):
        WorkingCalendar(overrides=overrides)


# --- receipt day: the 15:00 rule for paper dossiers ---------------------------------------------


@pytest.mark.parametrize(
    ("received_at", "day"),
    [
        (datetime(2022, 3, 14, 8, 0), date(2022, 3, 14)),  # Monday morning
        (datetime(2022, 3, 14, 15, 0), date(2022, 3, 14)),  # at 15:00 sharp: still that day
        (datetime(2022, 3, 14, 15, 0, 1), date(2022, 3, 15)),  # after 15:00: next working day
        (datetime(2022, 3, 14, 16, 30), date(2022, 3, 15)),
        (datetime(2022, 3, 18, 15, 30), date(2022, 3, 21)),  # Friday afternoon → Monday
        (datetime(2022, 3, 20, 9, 0), date(2022, 3, 21)),  # Sunday → Monday
        (datetime(2022, 3, 19, 16, 0), date(2022, 3, 21)),  # Saturday afternoon → Monday
        (datetime(2022, 1, 28, 16, 0), date(2022, 2, 7)),  # Friday before Tết, late
        (datetime(2022, 2, 1, 9, 0), date(2022, 2, 7)),  # on mùng 1 Tết
        (datetime(2022, 4, 29, 15, 1), date(2022, 5, 4)),  # before 30/4–1/5
        # Aware datetimes are converted to Vietnam time (UTC+7).
        (datetime(2022, 3, 14, 8, 0, tzinfo=UTC), date(2022, 3, 14)),  # 15:00 local
        (datetime(2022, 3, 14, 8, 30, tzinfo=UTC), date(2022, 3, 15)),  # 15:30 local
        (datetime(2022, 3, 13, 20, 0, tzinfo=UTC), date(2022, 3, 14)),  # Mon 03:00
        (datetime(2022, 3, 14, 15, 30, tzinfo=HANOI), date(2022, 3, 15)),
    ],
)
def test_receipt_day(received_at, day):
    assert CALENDAR.receipt_day(received_at) == day


def test_receipt_day_follows_overrides():
    # Received on the Saturday worked: that day; late on Friday: the Saturday worked.
    assert SWAPPED.receipt_day(datetime(2022, 3, 19, 10, 0)) == date(2022, 3, 19)
    assert SWAPPED.receipt_day(datetime(2022, 3, 18, 16, 0)) == date(2022, 3, 19)


def test_due_date_of_a_late_paper_dossier():
    # Received Friday 28/1/2022 at 16:00 → counts as received Monday 7/2; 3 working days → 10/2.
    received = CALENDAR.receipt_day(datetime(2022, 1, 28, 16, 0))
    assert CALENDAR.add_working_days(received, 3) == date(2022, 2, 10)


# --- properties ---------------------------------------------------------------------------------


@given(
    start=st.dates(min_value=date(2021, 1, 1), max_value=date(2025, 12, 31)),
    days=st.integers(min_value=1, max_value=400),
)
def test_due_date_and_count_agree(start, days):
    due = CALENDAR.add_working_days(start, days)
    assert due > start
    assert CALENDAR.is_working_day(due)
    assert CALENDAR.working_days_between(start, due) == days
    assert CALENDAR.working_days_between(start, due - timedelta(days=1)) == days - 1


@given(
    start=st.dates(min_value=date(2021, 1, 1), max_value=date(2025, 12, 31)),
    length=st.integers(min_value=0, max_value=60),
)
def test_count_matches_day_by_day(start, length):
    end = start + timedelta(days=length)
    expected = sum(CALENDAR.is_working_day(start + timedelta(days=i)) for i in range(1, length + 1))
    assert CALENDAR.working_days_between(start, end) == expected
