"""The working-day clock on a column (Polars) against a loop over the scalar methods, on the
same generated rows, in one run (issue 20).

Rows: receipt moments spread over 2022–2024 in Vietnam time (every minute of the day, so
about a third fall after 15:00 or on a day off), and 1–30 working days each, the maximum
durations of the catalogue's procedures. Three stages, each timed both ways with a fresh
`WorkingCalendar` (its per-year index built inside the timing; the `holidays` package's
years are loaded once beforehand, as a running worker has them):

  receipt  — receipt_day per row            / receipt_days on the column (15:00 rule);
  due      — add_working_days per row        / add_working_days_many;
  working  — is_working_day per row          / is_working_day_many.

The loop takes Python objects (today's rows) and the column takes Polars Series (the
engine's rows); building either from the other is left out. The script checks that both
ways give the same values. Prints figures; asserts no timing.

Usage:
  .venv/bin/python benchmarks/working_days.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import polars as pl  # noqa: E402

from cchc.core.calendar import WorkingCalendar, _year_calendar  # noqa: E402

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def rows(count: int, seed: int) -> tuple[list[datetime], list[int]]:
    generator = random.Random(seed)
    first = datetime(2022, 1, 1, tzinfo=HANOI)
    span = (datetime(2025, 1, 1, tzinfo=HANOI) - first) // timedelta(minutes=1)
    received = [first + timedelta(minutes=generator.randrange(span)) for _ in range(count)]
    days = [generator.randint(1, 30) for _ in range(count)]
    return received, days


def timed(function, repeat: int):
    """(seconds of each of `repeat` runs, each with a fresh calendar; the last result)."""
    seconds, result = [], None
    for _ in range(repeat):
        calendar = WorkingCalendar()
        begin = time.perf_counter()
        result = function(calendar)
        seconds.append(time.perf_counter() - begin)
    return seconds, result


def figure(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):.3f} ({min(seconds):.3f}–{max(seconds):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()

    received, days = rows(args.rows, args.seed)
    starts = [moment.date() for moment in received]
    received_column = pl.Series("received_at", received, dtype=pl.Datetime("us", HANOI.key))
    start_column = pl.Series("start", starts, dtype=pl.Date)
    days_column = pl.Series("days", days, dtype=pl.Int16)
    for year in range(2021, 2027):
        _year_calendar(year)

    stages = {
        "receipt": (
            lambda c: [c.receipt_day(moment) for moment in received],
            lambda c: c.receipt_days(received_column),
        ),
        "due": (
            lambda c: [c.add_working_days(s, n) for s, n in zip(starts, days, strict=True)],
            lambda c: c.add_working_days_many(start_column, days_column),
        ),
        "working": (
            lambda c: [c.is_working_day(day) for day in starts],
            lambda c: c.is_working_day_many(start_column),
        ),
    }
    print(f"{args.rows:,} rows; seconds: median (fastest–slowest) of {args.repeat}")
    print(f"{'stage':<10}{'loop':>22}{'column':>22}{'× (medians)':>13}")
    for name, (loop, column) in stages.items():
        loop_seconds, expected = timed(loop, args.repeat)
        column_seconds, result = timed(column, args.repeat)
        if result.to_list() != expected:
            raise SystemExit(f"{name}: the column and the loop disagree")
        ratio = statistics.median(loop_seconds) / statistics.median(column_seconds)
        print(f"{name:<10}{figure(loop_seconds):>22}{figure(column_seconds):>22}{ratio:>13.0f}")


if __name__ == "__main__":
    main()
