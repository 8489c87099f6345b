"""Status rules of reform tasks: deadline edges, Tết 2022, 30/4–1/5 and 2/9, swaps."""

from datetime import date, timedelta

import pytest

from cchc.core.calendar import WorkingCalendar
from cchc.plans.models import ProgressStatus
from cchc.plans.task_status import (
    DONE,
    DONE_LATE,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    REPORTED_STATUSES,
    STATUS_LABELS,
    STATUSES,
    at_risk,
    days_overdue,
    effective_deadline,
    reminder_due,
    task_status,
    working_days_left,
)

CAL = WorkingCalendar()
D = date


def test_labels_and_reported_states_match_the_model():
    assert set(STATUS_LABELS) == set(STATUSES)
    assert STATUS_LABELS[DONE_LATE] == "Hoàn thành quá hạn" and STATUS_LABELS[OVERDUE] == "Quá hạn"
    assert {value: str(label) for value, label in ProgressStatus.choices} == {
        s: STATUS_LABELS[s] for s in REPORTED_STATUSES
    }


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (D(2022, 6, 30), D(2022, 6, 30)),  # a Thursday: unchanged
        (D(2022, 1, 29), D(2022, 2, 7)),  # Saturday before Tết → first working day after it
        (D(2022, 1, 31), D(2022, 2, 7)),  # 30 Tết
        (D(2022, 2, 1), D(2022, 2, 7)),  # mùng 1 Tết Nhâm Dần
        (D(2022, 2, 6), D(2022, 2, 7)),  # last Sunday of the break
        (D(2022, 4, 30), D(2022, 5, 4)),  # 30/4 Sat, 1/5 Sun, observed 2–3/5
        (D(2022, 5, 1), D(2022, 5, 4)),
        (D(2022, 9, 2), D(2022, 9, 5)),  # 1–2/9/2022 off, then a weekend
        (D(2023, 9, 2), D(2023, 9, 5)),  # Saturday 2/9/2023, observed Monday 4/9
        (D(2022, 12, 31), D(2023, 1, 3)),  # Saturday, then the observed New Year (2/1/2023)
        (None, None),
    ],
)
def test_a_deadline_on_a_day_off_moves_to_the_next_working_day(deadline, expected):
    assert effective_deadline(deadline, CAL) == expected
    assert effective_deadline(deadline) == deadline  # without a calendar: as written


@pytest.mark.parametrize(
    ("deadline", "reported", "percent", "completed_on", "today", "expected"),
    [
        # Nothing reported, or reported not done, before / on / after the deadline.
        (D(2022, 6, 30), None, None, None, D(2022, 6, 1), NOT_STARTED),
        (D(2022, 6, 30), None, None, None, D(2022, 6, 30), NOT_STARTED),  # deadline day counts
        (D(2022, 6, 30), None, None, None, D(2022, 7, 1), OVERDUE),
        (D(2022, 6, 30), NOT_STARTED, 0, None, D(2022, 7, 1), OVERDUE),
        (D(2022, 6, 30), IN_PROGRESS, 60, None, D(2022, 6, 29), IN_PROGRESS),
        (D(2022, 6, 30), IN_PROGRESS, 60, None, D(2022, 6, 30), IN_PROGRESS),
        (D(2022, 6, 30), IN_PROGRESS, 99, None, D(2022, 7, 1), OVERDUE),
        # Done: on time or late, whenever it is looked at.
        (D(2022, 6, 30), DONE, 100, D(2022, 6, 29), D(2022, 6, 29), DONE),
        (D(2022, 6, 30), DONE, 100, D(2022, 6, 30), D(2022, 12, 31), DONE),  # on the day
        (D(2022, 6, 30), DONE, 100, D(2022, 7, 1), D(2022, 7, 1), DONE_LATE),
        (D(2022, 6, 30), DONE, 100, D(2022, 7, 5), D(2023, 3, 1), DONE_LATE),
        # No deadline: never overdue, never late.
        (None, IN_PROGRESS, 10, None, D(2030, 1, 1), IN_PROGRESS),
        (None, None, None, None, D(2030, 1, 1), NOT_STARTED),
        (None, DONE, 100, D(2030, 1, 1), D(2030, 1, 1), DONE),
        # Tết 2022: due Sunday 30/1 or on mùng 1 (1/2) → may be finished on Monday 7/2.
        (D(2022, 1, 30), IN_PROGRESS, 80, None, D(2022, 2, 4), IN_PROGRESS),
        (D(2022, 1, 30), IN_PROGRESS, 80, None, D(2022, 2, 7), IN_PROGRESS),
        (D(2022, 1, 30), IN_PROGRESS, 80, None, D(2022, 2, 8), OVERDUE),
        (D(2022, 2, 1), DONE, 100, D(2022, 2, 7), D(2022, 2, 7), DONE),
        (D(2022, 2, 1), DONE, 100, D(2022, 2, 8), D(2022, 2, 8), DONE_LATE),
        # Due Friday 28/1, the last working day before Tết: the break does not extend it.
        (D(2022, 1, 28), IN_PROGRESS, 80, None, D(2022, 1, 29), OVERDUE),
        (D(2022, 1, 28), DONE, 100, D(2022, 2, 7), D(2022, 2, 7), DONE_LATE),
        # 30/4–1/5/2022 (Sat–Sun, observed 2–3/5): due 30/4 → 4/5.
        (D(2022, 4, 30), IN_PROGRESS, 50, None, D(2022, 5, 4), IN_PROGRESS),
        (D(2022, 4, 30), IN_PROGRESS, 50, None, D(2022, 5, 5), OVERDUE),
        (D(2022, 4, 30), DONE, 100, D(2022, 5, 3), D(2022, 5, 3), DONE),
        (D(2022, 4, 29), DONE, 100, D(2022, 5, 3), D(2022, 5, 3), DONE_LATE),
        # 2/9/2022 (1–2/9 off, then a weekend): due 2/9 → 5/9.
        (D(2022, 9, 2), DONE, 100, D(2022, 9, 5), D(2022, 9, 5), DONE),
        (D(2022, 9, 2), IN_PROGRESS, 90, None, D(2022, 9, 6), OVERDUE),
    ],
)
def test_task_status(deadline, reported, percent, completed_on, today, expected):
    status = task_status(
        deadline=deadline, reported=reported, percent=percent, completed_on=completed_on,
        today=today, calendar=CAL,
    )  # fmt: skip
    assert status == expected


def test_without_a_calendar_the_deadline_is_taken_as_written():
    common = {
        "deadline": D(2022, 1, 30),
        "reported": IN_PROGRESS,
        "percent": 80,
        "completed_on": None,
    }
    assert task_status(**common, today=D(2022, 1, 31)) == OVERDUE
    assert task_status(**common, today=D(2022, 1, 31), calendar=CAL) == IN_PROGRESS


def test_the_reform_office_swaps_win():
    # Friday 1/7/2022 given off (override) moves a 1/7 deadline to Monday 4/7;
    # Saturday 2/7 declared a working day moves it to Saturday instead.
    off = WorkingCalendar(overrides={D(2022, 7, 1): False})
    worked = WorkingCalendar(overrides={D(2022, 7, 1): False, D(2022, 7, 2): True})
    common = {
        "deadline": D(2022, 7, 1),
        "reported": IN_PROGRESS,
        "percent": 50,
        "completed_on": None,
    }
    assert task_status(**common, today=D(2022, 7, 4), calendar=off) == IN_PROGRESS
    assert task_status(**common, today=D(2022, 7, 4), calendar=worked) == OVERDUE
    assert task_status(**common, today=D(2022, 7, 2), calendar=worked) == IN_PROGRESS


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reported": OVERDUE}, "Tình trạng báo cáo không hợp lệ"),
        ({"reported": "xong"}, "Tình trạng báo cáo không hợp lệ"),
        ({"reported": DONE, "percent": 100, "completed_on": None}, "ngày hoàn thành"),
        ({"percent": 101}, "từ 0 đến 100"),
        ({"percent": -1}, "từ 0 đến 100"),
        ({"percent": True}, "số nguyên"),
    ],
)
def test_impossible_data_is_refused(kwargs, message):
    arguments = {
        "deadline": D(2022, 6, 30), "reported": IN_PROGRESS, "percent": 10, "completed_on": None,
        "today": D(2022, 6, 1), "calendar": CAL,
    } | kwargs  # fmt: skip
    with pytest.raises(ValueError, match=message):
        task_status(**arguments)


@pytest.mark.parametrize(
    ("deadline", "today", "completed_on", "expected"),
    [
        (D(2022, 6, 30), D(2022, 6, 30), None, 0),  # on the deadline: not late
        (D(2022, 6, 30), D(2022, 6, 1), None, 0),
        (D(2022, 6, 30), D(2022, 7, 1), None, 1),
        (D(2022, 7, 1), D(2022, 7, 2), None, 0),  # due Friday, Saturday: overdue, 0 working days
        (D(2022, 7, 1), D(2022, 7, 4), None, 1),
        (D(2022, 1, 28), D(2022, 2, 6), None, 0),  # the whole Tết break costs no working day
        (D(2022, 1, 28), D(2022, 2, 7), None, 1),
        (D(2022, 1, 28), D(2022, 2, 9), None, 3),
        (D(2022, 1, 30), D(2022, 2, 8), None, 1),  # due Sunday before Tết → 7/2
        (D(2022, 4, 29), D(2022, 5, 4), None, 1),  # 30/4–3/5 off
        (D(2022, 8, 31), D(2022, 9, 6), None, 2),  # 1–2/9 off: Mon 5/9, Tue 6/9
        (D(2022, 6, 30), D(2023, 1, 1), D(2022, 7, 5), 3),  # finished: counted to completion
        (D(2022, 6, 30), D(2023, 1, 1), D(2022, 6, 20), 0),
        (None, D(2030, 1, 1), None, 0),
    ],
)
def test_days_overdue_in_working_days(deadline, today, completed_on, expected):
    assert (
        days_overdue(deadline=deadline, today=today, completed_on=completed_on, calendar=CAL)
        == expected
    )


@pytest.mark.parametrize(
    ("deadline", "today", "expected"),
    [
        (D(2022, 2, 8), D(2022, 1, 28), 3),  # Fri 28/1, Mon 7/2, Tue 8/2
        (D(2022, 2, 8), D(2022, 1, 29), 2),  # a Saturday does not count itself
        (D(2022, 2, 8), D(2022, 2, 8), 1),
        (D(2022, 2, 8), D(2022, 2, 9), 0),
        (D(2022, 1, 30), D(2022, 1, 28), 2),  # due Sunday → Monday 7/2: Fri 28/1, Mon 7/2
        (None, D(2022, 1, 1), None),
    ],
)
def test_working_days_left(deadline, today, expected):
    assert working_days_left(deadline=deadline, today=today, calendar=CAL) == expected


@pytest.mark.parametrize(
    ("percent", "expected"),
    # start 4/1/2022, deadline 30/6/2022: 120 working days; on 1/4/2022 58 have elapsed
    # (48.3%) and 62 remain.
    [(0, True), (47, True), (48, True), (49, False), (50, False), (99, False), (100, False)],
)
def test_at_risk_by_pace(percent, expected):
    verdict = at_risk(
        deadline=D(2022, 6, 30), percent=percent, start=D(2022, 1, 4), today=D(2022, 4, 1),
        calendar=CAL,
    )  # fmt: skip
    assert verdict is expected


@pytest.mark.parametrize(
    ("today", "percent", "expected"),
    [
        # Deadline Tuesday 15/2/2022, just after Tết: calendar days would say 22 days left on
        # 24/1; working days say 12 (24–28/1 and 7–15/2).
        (D(2022, 1, 24), 95, False),  # 12 left
        (D(2022, 1, 26), 95, False),  # 10 left: not fewer than 10
        (D(2022, 1, 27), 95, True),  # 9 left
        (D(2022, 2, 4), 95, True),  # during Tết: 7 left
        (D(2022, 2, 15), 99, True),  # deadline day: 1 left
        (D(2022, 2, 16), 99, False),  # overdue: no longer "at risk", the status says more
        (D(2022, 1, 27), 100, False),  # finished
        (D(2022, 1, 27), None, True),  # nothing reported, 9 days left
        (D(2022, 1, 24), None, False),  # nothing reported: pace not judged
    ],
)
def test_at_risk_near_a_deadline_after_tet(today, percent, expected):
    verdict = at_risk(
        deadline=D(2022, 2, 15), percent=percent, start=D(2022, 1, 4), today=today, calendar=CAL
    )
    assert verdict is expected


@pytest.mark.parametrize(
    ("today", "warn", "expected"),
    [
        (D(2022, 6, 17), 10, False),  # 17, 20–24, 27–30/6: exactly 10 left
        (D(2022, 6, 20), 10, True),  # 9 left
        (D(2022, 6, 20), 5, False),
        (D(2022, 6, 24), 5, False),  # 24, 27, 28, 29, 30/6: exactly 5 left
        (D(2022, 6, 27), 5, True),  # 4 left
        (D(2022, 6, 27), 0, False),  # 0 switches the window off
    ],
)
def test_at_risk_warning_window(today, warn, expected):
    # 97% done keeps pace until 30/6 (on 27/6, 116 of 120 working days = 96.7% have elapsed).
    verdict = at_risk(
        deadline=D(2022, 6, 30), percent=97, start=D(2022, 1, 4), today=today, calendar=CAL,
        warn_working_days=warn,
    )  # fmt: skip
    assert verdict is expected


def test_at_risk_pace_needs_an_elapsed_working_day_and_a_report():
    common = {"deadline": D(2022, 12, 30), "start": D(2022, 1, 4), "calendar": CAL}
    assert at_risk(**common, percent=0, today=D(2022, 1, 4)) is False  # start day: no pace yet
    assert at_risk(**common, percent=0, today=D(2022, 1, 5)) is True  # 0% after a working day
    assert at_risk(**common, percent=None, today=D(2022, 6, 1)) is False  # no data, not 0%
    assert at_risk(**common, percent=0, today=D(2021, 12, 1)) is False  # before the start
    # Tết costs no pace: 28/1 → 7/2 is one working day.
    assert at_risk(**common, percent=8, today=D(2022, 2, 7)) is False
    assert at_risk(**common, percent=8, today=D(2022, 2, 28)) is True
    assert (
        at_risk(deadline=None, percent=0, start=D(2022, 1, 4), today=D(2022, 6, 1), calendar=CAL)
        is False
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": D(2022, 7, 1)}, "Ngày bắt đầu"),
        ({"warn_working_days": -1}, "không được âm"),
        ({"warn_working_days": 2.5}, "số nguyên"),
        ({"percent": 150}, "từ 0 đến 100"),
    ],
)
def test_at_risk_refuses_impossible_data(kwargs, message):
    arguments = {
        "deadline": D(2022, 6, 30), "percent": 10, "start": D(2022, 1, 4),
        "today": D(2022, 3, 1), "calendar": CAL,
    } | kwargs  # fmt: skip
    with pytest.raises(ValueError, match=message):
        at_risk(**arguments)


@pytest.mark.parametrize(
    ("deadline", "today", "expected"),
    [
        # Deadline Monday 7/2/2022, the first working day after Tết; reminders 3 and 1 working
        # days before.
        (D(2022, 2, 7), D(2022, 1, 25), None),
        (D(2022, 2, 7), D(2022, 1, 26), "before"),  # 27/1, 28/1, 7/2 still to go
        (D(2022, 2, 7), D(2022, 1, 27), None),
        (D(2022, 2, 7), D(2022, 1, 28), "before"),  # the last working day before Tết
        (D(2022, 2, 7), D(2022, 1, 29), None),  # Saturday
        (D(2022, 2, 7), D(2022, 2, 1), None),  # mùng 1 Tết
        (D(2022, 2, 7), D(2022, 2, 7), "due"),
        (D(2022, 2, 7), D(2022, 2, 8), "overdue"),
        (D(2022, 2, 7), D(2022, 2, 9), None),  # once only
        # Due on mùng 1 (1/2/2022) → effectively 7/2: the reminders are the same.
        (D(2022, 2, 1), D(2022, 1, 26), "before"),
        (D(2022, 2, 1), D(2022, 2, 1), None),
        (D(2022, 2, 1), D(2022, 2, 7), "due"),
        (D(2022, 2, 1), D(2022, 2, 8), "overdue"),
        # Due Friday 29/4/2022: overdue reminder on Wednesday 4/5 (30/4–3/5 off).
        (D(2022, 4, 29), D(2022, 4, 28), "before"),
        (D(2022, 4, 29), D(2022, 4, 27), None),
        (D(2022, 4, 29), D(2022, 4, 29), "due"),
        (D(2022, 4, 29), D(2022, 5, 2), None),
        (D(2022, 4, 29), D(2022, 5, 4), "overdue"),
        # Due 2/9/2022 (holiday) → 5/9; 1 working day before is Wednesday 31/8.
        (D(2022, 9, 2), D(2022, 8, 31), "before"),
        (D(2022, 9, 2), D(2022, 9, 2), None),
        (D(2022, 9, 2), D(2022, 9, 5), "due"),
        (D(2022, 9, 2), D(2022, 9, 6), "overdue"),
        (None, D(2022, 9, 6), None),
    ],
)
def test_reminder_due(deadline, today, expected):
    assert (
        reminder_due(deadline=deadline, today=today, days_before=(3, 1), calendar=CAL) == expected
    )


@pytest.mark.parametrize("days_before", [(0,), (-2,), (True,), (1.5,)])
def test_reminder_days_must_be_positive_integers(days_before):
    with pytest.raises(ValueError, match="số nguyên dương"):
        reminder_due(
            deadline=D(2022, 2, 7), today=D(2022, 2, 1), days_before=days_before, calendar=CAL
        )


def test_the_rules_agree_with_each_other_for_every_deadline_of_2022():
    """For each deadline in 2022, looking at every day around it: one "due" and one "overdue"
    reminder; the task is open on the effective deadline and overdue the next day; the
    "overdue" reminder goes on the first day that is 1 working day late."""
    deadline = D(2022, 1, 1)
    while deadline.year == 2022:
        due = effective_deadline(deadline, CAL)
        days = [deadline + timedelta(days=i) for i in range(-20, 21)]
        kinds = [
            reminder_due(deadline=deadline, today=d, days_before=(5,), calendar=CAL) for d in days
        ]
        assert (
            kinds.count("due") == 1 and kinds.count("overdue") == 1 and kinds.count("before") == 1
        )
        overdue_day = days[kinds.index("overdue")]
        first_late = next(
            d for d in days if days_overdue(deadline=deadline, today=d, calendar=CAL) == 1
        )
        assert overdue_day == first_late == CAL.next_working_day(due)
        status = {
            d: task_status(
                deadline=deadline,
                reported=IN_PROGRESS,
                percent=50,
                completed_on=None,
                today=d,
                calendar=CAL,
            )
            for d in (due, due + timedelta(days=1))
        }
        assert status == {due: IN_PROGRESS, due + timedelta(days=1): OVERDUE}
        deadline += timedelta(days=1)
