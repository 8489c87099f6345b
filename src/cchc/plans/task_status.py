"""Status rules of reform tasks (tình trạng nhiệm vụ): a pure module.

No Django ORM, no clock, no I/O: the lead agency's latest report, the deadline and `today` come
in, a status (or a number of working days, or a reminder kind) goes out. Working days come from
`cchc.core.calendar.WorkingCalendar` (Vietnamese public holidays, Tết, the reform office's swaps).

The rules, the same for every function here:

- **The deadline day counts.** A task is due by the end of its deadline day: done on the deadline
  is on time, and a task is overdue from the day after the deadline.
- **A deadline on a day off moves to the next working day** when a calendar is given (Civil Code
  2015, art. 148(5): when the last day of a time limit is a weekend day or a public holiday, the
  time limit ends at the end of the next working day). A task due Sunday 30/1/2022 — the start of
  the Tết break — may be finished on Monday 7/2/2022 and still be on time. `task_status` without
  a calendar takes the deadline as written; every function that counts working days applies the
  rule (see `effective_deadline`).
- **The lead agency's latest report decides** what was done; a coordinating agency's
  contribution never does (the selector passes only the lead's report). A report can say
  not_started, in_progress or done (`REPORTED_STATUSES`); done_late and overdue are computed,
  never reported.
- Data that cannot be right (a done report without a completion date, a percent outside 0–100,
  an unknown reported state) raises `ValueError` with a Vietnamese message.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import overload

from cchc.core.calendar import WorkingCalendar

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
DONE_LATE = "done_late"
OVERDUE = "overdue"

STATUSES: tuple[str, ...] = (NOT_STARTED, IN_PROGRESS, DONE, DONE_LATE, OVERDUE)
STATUS_LABELS: dict[str, str] = {
    NOT_STARTED: "Chưa triển khai",
    IN_PROGRESS: "Đang thực hiện",
    DONE: "Hoàn thành",
    DONE_LATE: "Hoàn thành quá hạn",
    OVERDUE: "Quá hạn",
}
# What a progress report may say; the other two statuses are computed from the dates.
REPORTED_STATUSES: tuple[str, ...] = (NOT_STARTED, IN_PROGRESS, DONE)

# Kinds of deadline reminder (`reminder_due`).
REMINDER_BEFORE = "before"
REMINDER_DUE = "due"
REMINDER_OVERDUE = "overdue"

DEFAULT_WARN_WORKING_DAYS = 10


def _check_percent(percent: int | None) -> None:
    if percent is None:
        return
    if isinstance(percent, bool) or not isinstance(percent, int):
        raise ValueError(f"Tiến độ phải là số nguyên phần trăm (nhận {percent!r}).")
    if not 0 <= percent <= 100:
        raise ValueError(f"Tiến độ phải từ 0 đến 100% (nhận {percent}).")


@overload
def effective_deadline(deadline: date, calendar: WorkingCalendar | None = None) -> date: ...
@overload
def effective_deadline(deadline: None, calendar: WorkingCalendar | None = None) -> None: ...
@overload
def effective_deadline(
    deadline: date | None, calendar: WorkingCalendar | None = None
) -> date | None: ...
def effective_deadline(
    deadline: date | None, calendar: WorkingCalendar | None = None
) -> date | None:
    """The last day a task can be finished on time.

    Without a calendar: the deadline as written. With one: a deadline on a weekend day, public
    holiday or other day off moves to the next working day (Civil Code 2015, art. 148(5)).
    Example: a deadline of Saturday 30/4/2022 (30/4, 1/5 and their observed days 2–3/5 are off)
    becomes Wednesday 4/5/2022. None (no deadline) stays None.
    """
    if deadline is None or calendar is None or calendar.is_working_day(deadline):
        return deadline
    return calendar.next_working_day(deadline)


def task_status(
    *,
    deadline: date | None,
    reported: str | None,
    percent: int | None,
    completed_on: date | None,
    today: date,
    calendar: WorkingCalendar | None = None,
) -> str:
    """The status of a task on `today`, one of `STATUSES`.

    - reported done, completed on or before the (effective) deadline → done;
    - reported done, completed after it → done_late (whenever it is looked at);
    - not reported done and `today` after the deadline → overdue (on the deadline day itself the
      task is not overdue yet: it is due by the end of that day);
    - otherwise the reported state, or not_started when nothing has been reported.

    A task without a deadline is never overdue nor late. `completed_on` is taken as reported
    (whether it lies after `today` is the reporting service's check). `percent` is checked
    (0–100) but does not decide the status: the reported state does.
    """
    if reported is not None and reported not in REPORTED_STATUSES:
        raise ValueError(
            f"Tình trạng báo cáo không hợp lệ: {reported!r} "
            f"(chỉ nhận {', '.join(REPORTED_STATUSES)})."
        )
    _check_percent(percent)
    due = effective_deadline(deadline, calendar)
    if reported == DONE:
        if completed_on is None:
            raise ValueError("Nhiệm vụ báo cáo hoàn thành phải có ngày hoàn thành.")
        return DONE_LATE if due is not None and completed_on > due else DONE
    if due is not None and today > due:
        return OVERDUE
    return reported or NOT_STARTED


def days_overdue(
    *,
    deadline: date | None,
    today: date,
    calendar: WorkingCalendar,
    completed_on: date | None = None,
) -> int:
    """Working days past the (effective) deadline: for an open task up to and including
    `today`, for a finished one up to and including `completed_on`. 0 when not late, and 0
    without a deadline.

    Only working days count, so a task due Friday is overdue on Saturday with 0 working days
    late, and 1 on Monday. Across Tết: due Friday 28/1/2022, still open on Monday 7/2/2022 →
    1 working day late (29/1–6/2 are weekend days and the Tết holidays).
    """
    if deadline is None:
        return 0
    due = effective_deadline(deadline, calendar)
    end = completed_on if completed_on is not None else today
    return calendar.working_days_between(due, end)


def working_days_left(
    *, deadline: date | None, today: date, calendar: WorkingCalendar
) -> int | None:
    """Working days left to finish, counting `today` when it is a working day and the
    (effective) deadline day: 1 on the deadline day, 0 after it, None without a deadline.
    Friday 28/1/2022 with a deadline of Tuesday 8/2/2022 → 3 (Fri 28/1, Mon 7/2, Tue 8/2)."""
    if deadline is None:
        return None
    due = effective_deadline(deadline, calendar)
    return calendar.working_days_between(today - timedelta(days=1), due)


def at_risk(
    *,
    deadline: date | None,
    percent: int | None,
    start: date,
    today: date,
    calendar: WorkingCalendar,
    warn_working_days: int = DEFAULT_WARN_WORKING_DAYS,
) -> bool:
    """Whether an open task is at risk of missing its deadline (nguy cơ chậm tiến độ).

    With `remaining` = `working_days_left` (today and the deadline day included),
    `elapsed` = working days from `start` (included) to `today` (excluded) and
    `total` = working days from `start` to the deadline (both included), a task is at risk when
    it is not finished (`percent` < 100; no report counts as not finished) and

    1. fewer than `warn_working_days` working days remain (`remaining < warn_working_days`), or
    2. its pace projects completion after the deadline: at `percent / elapsed` per working day
       the rest needs more than `remaining` days, i.e. `(100 − percent) × elapsed >
       percent × remaining` — the same as `percent < 100 × elapsed / total`: less done than the
       share of the working time already used. Judged only once a working day has elapsed and
       a percent has been reported (`None` is no data, not 0%: the "who has not reported" list
       deals with silent tasks); a reported 0% after a working day is at risk.

    Never at risk: a task without a deadline, a finished one (percent 100) and an overdue one
    (today after the deadline — its status says more). Integer arithmetic, no rounding.
    Example: start 4/1/2022, deadline 30/6/2022 (120 working days); on 1/4/2022, 58 have
    elapsed, so anything below 48.3% (58/120) — 48% or less — is at risk.
    """
    _check_percent(percent)
    if isinstance(warn_working_days, bool) or not isinstance(warn_working_days, int):
        raise ValueError(f"Số ngày cảnh báo phải là số nguyên (nhận {warn_working_days!r}).")
    if warn_working_days < 0:
        raise ValueError(f"Số ngày cảnh báo không được âm (nhận {warn_working_days}).")
    if deadline is None or percent == 100:
        return False
    due = effective_deadline(deadline, calendar)
    if start > due:
        raise ValueError(f"Ngày bắt đầu ({start:%d/%m/%Y}) sau hạn hoàn thành ({due:%d/%m/%Y}).")
    if today > due:
        return False
    remaining = calendar.working_days_between(today - timedelta(days=1), due)
    if remaining < warn_working_days:
        return True
    if percent is None:
        return False
    elapsed = calendar.working_days_between(start - timedelta(days=1), today - timedelta(days=1))
    if elapsed == 0:
        return False
    return (100 - percent) * elapsed > percent * remaining


def reminder_due(
    *,
    deadline: date | None,
    today: date,
    days_before: Sequence[int],
    calendar: WorkingCalendar,
) -> str | None:
    """Whether an e-mail reminder about an open task's deadline is due today, and which:

    - "before" when `today` is a working day exactly N working days before the (effective)
      deadline, for an N in `days_before` (`working_days_left(...) - 1` = N gives the N for the
      message);
    - "due" on the deadline day;
    - "overdue" on the first working day after the deadline (once: the weekly digest carries
      overdue tasks afterwards);
    - None otherwise, and without a deadline.

    Reminders fall on working days only: with a deadline of Monday 7/2/2022 and N = 3 the
    "before" reminder goes on Wednesday 26/1/2022 (the three working days after it, up to the
    deadline, are 27/1, 28/1 and 7/2: the Tết break lies in between). The caller sends reminders for open tasks only.
    """
    wanted = set()
    for n in days_before:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(
                f"Số ngày làm việc nhắc trước hạn phải là số nguyên dương (nhận {n!r})."
            )
        wanted.add(n)
    if deadline is None:
        return None
    due = effective_deadline(deadline, calendar)
    if today == due:
        return REMINDER_DUE
    if not calendar.is_working_day(today):
        return None
    if today > due:
        return REMINDER_OVERDUE if today == calendar.next_working_day(due) else None
    return REMINDER_BEFORE if calendar.working_days_between(today, due) in wanted else None
