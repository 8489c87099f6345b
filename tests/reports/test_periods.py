"""Report periods and the cut-off dates of Decree 09/2019/NĐ-CP."""

from datetime import date, timedelta
from itertools import pairwise

import pytest

from cchc.reports.periods import (
    KINDS,
    Period,
    periods_containing,
    periods_of_year,
    report_period,
)

D = date


@pytest.mark.parametrize(
    ("kind", "number", "start", "end", "title"),
    [
        ("quarter", 1, D(2021, 12, 15), D(2022, 3, 14), "Báo cáo CCHC quý I năm 2022"),
        ("quarter", 2, D(2022, 3, 15), D(2022, 6, 14), "Báo cáo CCHC quý II năm 2022"),
        ("quarter", 3, D(2022, 6, 15), D(2022, 9, 14), "Báo cáo CCHC quý III năm 2022"),
        ("quarter", 4, D(2022, 9, 15), D(2022, 12, 14), "Báo cáo CCHC quý IV năm 2022"),
        ("six_months", None, D(2021, 12, 15), D(2022, 6, 14), "Báo cáo CCHC 6 tháng đầu năm 2022"),
        ("six_months", 1, D(2021, 12, 15), D(2022, 6, 14), "Báo cáo CCHC 6 tháng đầu năm 2022"),
        ("nine_months", None, D(2021, 12, 15), D(2022, 9, 14), "Báo cáo CCHC 9 tháng năm 2022"),
        ("year", None, D(2021, 12, 15), D(2022, 12, 14), "Báo cáo CCHC năm 2022"),
    ],
)
def test_default_cut_off_of_decree_09(kind, number, start, end, title):
    period = report_period(kind, 2022, number)
    assert (period.start, period.end, period.title) == (start, end, title)
    assert period.kind == kind and period.year == 2022
    assert period.number == (number if kind == "quarter" else None)
    assert period.label == title.removeprefix("Báo cáo CCHC ")


def test_label_reads_inside_a_sentence():
    period = report_period("quarter", 2022, 1)
    assert f"Kết quả thực hiện công tác cải cách hành chính {period.label}" == (
        "Kết quả thực hiện công tác cải cách hành chính quý I năm 2022"
    )


@pytest.mark.parametrize(
    ("cutoff_day", "kind", "number", "start", "end"),
    [
        (1, "quarter", 1, D(2024, 1, 1), D(2024, 3, 31)),  # calendar quarters
        (1, "quarter", 4, D(2024, 10, 1), D(2024, 12, 31)),
        (1, "six_months", None, D(2024, 1, 1), D(2024, 6, 30)),
        (1, "year", None, D(2024, 1, 1), D(2024, 12, 31)),
        (2, "quarter", 1, D(2023, 12, 2), D(2024, 3, 1)),
        (20, "quarter", 1, D(2023, 12, 20), D(2024, 3, 19)),
        (28, "year", None, D(2023, 12, 28), D(2024, 12, 27)),
        (28, "quarter", 1, D(2023, 12, 28), D(2024, 3, 27)),
    ],
)
def test_configurable_cut_off_day(cutoff_day, kind, number, start, end):
    period = report_period(kind, 2024, number, cutoff_day=cutoff_day)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("cutoff_day", [1, 2, 15, 28])
def test_quarters_tile_the_year_without_gap_or_overlap(cutoff_day):
    quarters = [report_period("quarter", 2022, q, cutoff_day=cutoff_day) for q in (1, 2, 3, 4)]
    year = report_period("year", 2022, cutoff_day=cutoff_day)
    assert quarters[0].start == year.start and quarters[-1].end == year.end
    for before, after in pairwise(quarters):
        assert after.start == before.end + timedelta(days=1)
    following = report_period("quarter", 2023, 1, cutoff_day=cutoff_day)
    assert following.start == year.end + timedelta(days=1)
    assert sum((q.end - q.start).days + 1 for q in quarters) == (year.end - year.start).days + 1


def test_periods_of_year_in_the_order_reports_fall_due():
    titles = [p.title for p in periods_of_year(2022)]
    assert titles == [
        "Báo cáo CCHC quý I năm 2022",
        "Báo cáo CCHC quý II năm 2022",
        "Báo cáo CCHC 6 tháng đầu năm 2022",
        "Báo cáo CCHC quý III năm 2022",
        "Báo cáo CCHC 9 tháng năm 2022",
        "Báo cáo CCHC quý IV năm 2022",
        "Báo cáo CCHC năm 2022",
    ]
    assert {p.kind for p in periods_of_year(2022)} == set(KINDS)
    assert all(p.end.day == 1 for p in periods_of_year(2022, cutoff_day=2))


@pytest.mark.parametrize(
    ("day", "titles"),
    [
        (
            D(2022, 3, 14),
            ["quý I năm 2022", "6 tháng đầu năm 2022", "9 tháng năm 2022", "năm 2022"],
        ),
        (
            D(2022, 3, 15),
            ["quý II năm 2022", "6 tháng đầu năm 2022", "9 tháng năm 2022", "năm 2022"],
        ),
        (D(2022, 6, 15), ["quý III năm 2022", "9 tháng năm 2022", "năm 2022"]),
        (D(2022, 12, 14), ["quý IV năm 2022", "năm 2022"]),
        (
            D(2022, 12, 15),
            ["quý I năm 2023", "6 tháng đầu năm 2023", "9 tháng năm 2023", "năm 2023"],
        ),
        (
            D(2022, 12, 31),
            ["quý I năm 2023", "6 tháng đầu năm 2023", "9 tháng năm 2023", "năm 2023"],
        ),
    ],
)
def test_periods_containing_a_day(day, titles):
    assert [p.label for p in periods_containing(day)] == titles


def test_periods_containing_with_calendar_periods():
    assert [p.label for p in periods_containing(D(2022, 12, 31), cutoff_day=1)] == [
        "quý IV năm 2022",
        "năm 2022",
    ]


def test_a_period_is_a_value():
    period = report_period("quarter", 2022, 1)
    assert period == report_period("quarter", 2022, 1)
    assert isinstance(period, Period) and D(2022, 1, 1) in period and D(2022, 3, 15) not in period
    with pytest.raises(AttributeError):
        period.year = 2023  # frozen


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("month", 2022), {}, "Loại kỳ báo cáo không hợp lệ"),
        (("quarter", 2022), {}, "Quý phải là số từ 1 đến 4"),
        (("quarter", 2022, 5), {}, "Quý phải là số từ 1 đến 4"),
        (("quarter", 2022, True), {}, "Quý phải là số từ 1 đến 4"),
        (("year", 2022, 1), {}, "không có số thứ tự"),
        (("six_months", 2022, 2), {}, "không có số thứ tự"),
        (("nine_months", 2022, 1), {}, "không có số thứ tự"),
        (("year", "2022"), {}, "Năm báo cáo không hợp lệ"),
        (("year", 2022), {"cutoff_day": 0}, "Ngày chốt số liệu phải từ 1 đến 28"),
        (("year", 2022), {"cutoff_day": 29}, "Ngày chốt số liệu phải từ 1 đến 28"),
        (("year", 2022), {"cutoff_day": 31}, "Ngày chốt số liệu phải từ 1 đến 28"),
    ],
)
def test_wrong_arguments_are_refused(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        report_period(*args, **kwargs)
