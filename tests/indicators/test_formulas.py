"""Pure formulas of the indicator engine: no database, plain functions."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.indicators.formulas import (
    COMPARATORS,
    PRECISION,
    Projection,
    at_risk,
    banded_points,
    growth,
    linear_points,
    meets,
    point_change,
    project_planned,
    project_running_rate,
    quantize,
    rate,
)

# --- quantize: the one rounding rule ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("0.005"), D("0.01")),  # half up, not banker's rounding
        (D("0.015"), D("0.02")),
        (D("0.025"), D("0.03")),  # banker's rounding would give 0.02
        (D("0.0049999"), D("0.00")),
        (D("-0.005"), D("-0.01")),  # ties go away from zero, like Excel's ROUND
        (D("66.666666"), D("66.67")),
        (D("12.5"), D("12.50")),
        (D("99.995"), D("100.00")),
        (30, D("30.00")),
        (None, None),
    ],
)
def test_quantize(value, expected):
    result = quantize(value)
    assert result == expected
    if expected is not None:
        assert result.as_tuple().exponent == -2  # always two decimals


def test_quantize_refuses_floats():
    with pytest.raises(TypeError, match="Decimal"):
        quantize(0.1)


# --- rate ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (2, 3, D("66.67")),
        (1, 3, D("33.33")),
        (1, 8, D("12.50")),
        (1, 200, D("0.50")),
        (1, 2000, D("0.05")),  # 0.05 exactly
        (1, 20000, D("0.01")),  # 0.005 → 0.01, half up
        (1, 20001, D("0.00")),  # 0.004999… → 0.00
        (0, 5, D("0.00")),  # a real zero: data, and it is 0%
        (5, 5, D("100.00")),
        (D("2.5"), D("10"), D("25.00")),
        (0, 0, None),  # no data, not 0%
        (3, None, None),
        (None, 3, None),
        (None, None, None),
    ],
)
def test_rate(numerator, denominator, expected):
    assert rate(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        (4, 3, "lớn hơn mẫu số"),
        (5, 0, "lớn hơn mẫu số"),  # the data error is reported, not hidden as "no data"
        (-1, 3, "Tử số không được âm"),
        (0, -3, "Mẫu số không được âm"),
    ],
)
def test_rate_rejects_impossible_data(numerator, denominator, message):
    with pytest.raises(ValueError, match=message):
        rate(numerator, denominator)


def test_rate_none_is_not_zero():
    assert rate(0, 0) is None
    assert rate(0, 10) == D("0.00")


@given(
    denominator=st.integers(min_value=1, max_value=10**9),
    data=st.data(),
)
def test_rate_is_a_share_within_0_and_100(denominator, data):
    numerator = data.draw(st.integers(min_value=0, max_value=denominator))
    result = rate(numerator, denominator)
    assert D(0) <= result <= D(100)
    assert result.as_tuple().exponent == -2
    # Within half a unit of the last place of the exact value.
    assert abs(result * denominator - 100 * numerator) <= PRECISION / 2 * denominator


# --- growth and point change --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "baseline", "expected"),
    [
        (110, 100, D("10.00")),
        (90, 100, D("-10.00")),
        (100, 100, D("0.00")),
        (0, 100, D("-100.00")),
        (120, 100, D("20.00")),
        (4, 3, D("33.33")),
        (2, 3, D("-33.33")),
        (D("100.005"), 100, D("0.01")),  # 0.005 → 0.01
        (5, 0, None),  # growth from nothing is not a number
        (0, 0, None),
        (5, None, None),
        (None, 5, None),
    ],
)
def test_growth(current, baseline, expected):
    assert growth(current, baseline) == expected


def test_growth_rejects_negative_counts():
    with pytest.raises(ValueError, match="không được âm"):
        growth(-1, 10)


@pytest.mark.parametrize(
    ("current_rate", "baseline_rate", "expected"),
    [
        (D("44"), D("40"), D("4.00")),
        (D("40"), D("44"), D("-4.00")),
        (D("33.333"), D("33.328"), D("0.01")),  # 0.005 → 0.01
        (D("0"), D("0"), D("0.00")),
        (None, D("40"), None),
        (D("40"), None, None),
    ],
)
def test_point_change(current_rate, baseline_rate, expected):
    assert point_change(current_rate, baseline_rate) == expected


def test_growth_and_point_change_differ():
    # 40% → 44% is +4 points but +10% relative growth.
    assert point_change(D("44"), D("40")) == D("4.00")
    assert growth(D("44"), D("40")) == D("10.00")


# --- meets --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "comparator", "threshold", "upper", "expected"),
    [
        (D("30"), "gte", 30, None, True),  # exactly at the threshold
        (D("29.99"), "gte", 30, None, False),
        (D("29.995"), "gte", 30, None, True),  # shown as 30.00
        (D("29.9949"), "gte", 30, None, False),  # shown as 29.99
        (D("30"), "gt", 30, None, False),
        (D("30.01"), "gt", 30, None, True),
        (D("30.004"), "gt", 30, None, False),  # shown as 30.00
        (D("10"), "lte", 10, None, True),
        (D("10.01"), "lte", 10, None, False),
        (D("10"), "lt", 10, None, False),
        (D("9.99"), "lt", 10, None, True),
        (D("20"), "between", 20, 30, True),  # lower edge included
        (D("30"), "between", 20, 30, True),  # upper edge included
        (D("19.99"), "between", 20, 30, False),
        (D("30.01"), "between", 20, 30, False),
        (D("30.004"), "between", 20, 30, True),
        (D("25"), "between", 25, 25, True),
        (D("100"), "gte", D("100"), None, True),
        (None, "gte", 30, None, None),  # no data: no verdict
        (None, "between", 20, 30, None),
    ],
)
def test_meets(value, comparator, threshold, upper, expected):
    assert meets(value, comparator=comparator, threshold=threshold, upper=upper) is expected


@pytest.mark.parametrize(
    ("comparator", "threshold", "upper", "message"),
    [
        ("between", 20, None, "cận trên"),
        ("between", 30, 20, "nhỏ hơn ngưỡng dưới"),
        ("gte", 30, 40, "Cận trên chỉ dùng"),
        ("eq", 30, None, "không hợp lệ"),
    ],
)
def test_meets_rejects_bad_configuration(comparator, threshold, upper, message):
    with pytest.raises(ValueError, match=message):
        meets(D("25"), comparator=comparator, threshold=threshold, upper=upper)


def test_meets_checks_configuration_even_without_data():
    with pytest.raises(ValueError):
        meets(None, comparator="between", threshold=20)


_amounts = st.decimals(min_value=-1000, max_value=1000, places=4)


@given(value=_amounts, threshold=_amounts, upper=_amounts)
def test_meets_is_consistent_with_its_comparator(value, threshold, upper):
    shown = quantize(value)
    assert meets(value, comparator="gte", threshold=threshold) is (shown >= threshold)
    assert meets(value, comparator="gt", threshold=threshold) is (shown > threshold)
    assert meets(value, comparator="lte", threshold=threshold) is (shown <= threshold)
    assert meets(value, comparator="lt", threshold=threshold) is (shown < threshold)
    # gte and lt are complements, so are gt and lte.
    assert meets(value, comparator="gte", threshold=threshold) is not meets(
        value, comparator="lt", threshold=threshold
    )
    assert meets(value, comparator="gt", threshold=threshold) is not meets(
        value, comparator="lte", threshold=threshold
    )
    low, high = sorted((threshold, upper))
    assert meets(value, comparator="between", threshold=low, upper=high) is (
        meets(value, comparator="gte", threshold=low)
        and meets(value, comparator="lte", threshold=high)
    )


@given(threshold=_amounts)
def test_no_data_never_gets_a_verdict(threshold):
    for comparator in COMPARATORS:
        upper = threshold if comparator == "between" else None
        assert meets(None, comparator=comparator, threshold=threshold, upper=upper) is None


# --- year-end projections (docs/kpi/projections.md) ----------------------------------------------


@pytest.mark.parametrize(
    ("monthly", "value", "low", "high", "months"),
    [
        # Hand-computed (docstring): YTD 60/300 = 20; rates 10, 20, 30: s = 10; 9 months
        # remain of 12, w = 9 / (3 + 9) = 0.75; level: ± 2 × 10; trend: line r = 10 × i read
        # at 12 → 120, limited to 100, i.e. +80 → [20 − 0.75 × 20, 20 + 0.75 × 80] = [5, 80].
        ([(10, 100), (20, 100), (30, 100)], D("20.00"), D("5.00"), D("80.00"), 3),
        # A month without dossiers has no rate and is not a month with data, but it has
        # elapsed: m = 3, 8 months remain, w = 8/11; line through (2, 10), (3, 20), (4, 30):
        # r = 10 × i − 10, read at 12 → 110, limited to 100 (+80) → [20 − 8/11 × 20,
        # 20 + 8/11 × 80] = [5.4545…, 78.1818…].
        ([(0, 0), (10, 100), (20, 100), (30, 100)], D("20.00"), D("5.45"), D("78.18"), 3),
        # Flat monthly rates: no spread, the interval is the value.
        ([(20, 100), (40, 200), (30, 150)], D("20.00"), D("20.00"), D("20.00"), 3),
        # Month 12: nothing remains, the interval is the year's value: 78 / 1200 = 6.5.
        ([(m, 100) for m in range(1, 13)], D("6.50"), D("6.50"), D("6.50"), 12),
        # Rates 0, 100, 0: s = 57.74, flat line; margin 0.75 × 115.47 → limited to [0, 100].
        ([(0, 100), (100, 100), (0, 100)], D("33.33"), D("0.00"), D("100.00"), 3),
        # Different volumes: YTD is the ratio of the sums (30 / 300 = 10), not the mean rate.
        # s = 8.66, 2s = 17.32; line 25 − 7.5 × i read at 12 → −65, limited to 0 (−10):
        # [10 − 0.75 × 17.32, 10 + 0.75 × 17.32] = [0 (limited), 22.99].
        ([(20, 100), (5, 100), (5, 100)], D("10.00"), D("0.00"), D("22.99"), 3),
    ],
)
def test_project_running_rate(monthly, value, low, high, months):
    # The interval's arithmetic on three months (the default asks six before any interval).
    projection = project_running_rate(monthly, min_months=3)
    assert (projection.value, projection.low, projection.high) == (value, low, high)
    assert projection.months == months


@pytest.mark.parametrize(
    "monthly",
    [
        [(10, 100), (20, 100)],  # two months: the value, but no interval
        [(1, 100)] * 5,  # five months
        [(0, 0), (0, 0), (0, 0), (1, 10), (1, 10), (1, 10), (1, 10), (1, 10)],  # 8 elapsed, 5
        [(1, 3)],
    ],
)
def test_project_running_rate_needs_six_months_with_data_for_an_interval(monthly):
    projection = project_running_rate(monthly)
    assert projection.value is not None and projection.low is None and projection.high is None
    assert "cần ít nhất 6 tháng" in projection.note
    assert at_risk(projection, comparator="gte", threshold=99) is None  # no call, even far off


def test_project_running_rate_from_six_months():
    # Six months at 10 %: no spread, a flat line: the interval is the value.
    projection = project_running_rate([(10, 100)] * 6)
    assert (projection.value, projection.low, projection.high) == (D("10.00"),) * 3
    assert projection.months == 6
    assert at_risk(projection, comparator="gte", threshold=20) is True


@pytest.mark.parametrize("monthly", [[], [(0, 0), (0, 0), (0, 0)]])
def test_project_running_rate_without_data_is_none(monthly):
    projection = project_running_rate(monthly)
    assert projection.value is None and projection.low is None


@pytest.mark.parametrize(
    ("monthly", "error", "message"),
    [
        ([(1, 10)] * 13, ValueError, "nhiều hơn 12 tháng"),
        ([(1, 10), (11, 10)], ValueError, "lớn hơn mẫu số"),
        ([(0.5, 10)], TypeError, "Decimal"),
    ],
)
def test_project_running_rate_rejects_bad_input(monthly, error, message):
    with pytest.raises(error, match=message):
        project_running_rate(monthly)


@given(
    st.lists(
        st.integers(min_value=0, max_value=500).flatmap(
            lambda d: st.tuples(st.integers(min_value=0, max_value=d), st.just(d))
        ),
        min_size=1,
        max_size=12,
    )
)
def test_running_rate_interval_holds_the_value_within_0_and_100(monthly):
    projection = project_running_rate(monthly)
    if projection.low is not None:
        assert D(0) <= projection.low <= projection.value <= projection.high <= D(100)


@pytest.mark.parametrize(
    ("done", "planned", "denominator", "expected"),
    [
        # 10 of 28 inspected, 14 inspected or planned → 50.00 if the plan is carried out (a
        # condition, not an uncertainty: the interval is the point).
        (10, 14, 28, (D("50.00"), D("50.00"), D("50.00"))),
        (10, 10, 40, (D("25.00"), D("25.00"), D("25.00"))),  # the plan adds nobody
        (10, None, 28, (None, None, None)),  # no plan recorded: no projection
        (0, 0, 0, (None, None, None)),  # no agency counted: no data
    ],
)
def test_project_planned(done, planned, denominator, expected):
    projection = project_planned(done=done, planned=planned, denominator=denominator)
    assert (projection.value, projection.low, projection.high) == expected


def test_planned_projection_is_called_on_the_plan_not_on_the_share_now():
    # 7 of 28 now (25 %): the plan reaching 10 (35.71 %) is on track for ≥ 30 %; a plan
    # reaching 8 (28.57 %) is at risk however the year goes.
    on_track = project_planned(done=7, planned=10, denominator=28)
    short = project_planned(done=7, planned=8, denominator=28)
    assert at_risk(on_track, comparator="gte", threshold=30) is False
    assert at_risk(short, comparator="gte", threshold=30) is True


def test_project_planned_refuses_a_plan_below_what_is_done():
    with pytest.raises(ValueError, match="nhỏ hơn số đã thực hiện"):
        project_planned(done=10, planned=9, denominator=28)


# --- at risk ------------------------------------------------------------------------------------


def P(value, low, high):
    return Projection(value=value, low=low, high=high, months=6)


@pytest.mark.parametrize(
    ("projection", "comparator", "threshold", "upper", "expected"),
    [
        (P(D("25"), D("20"), D("28")), "gte", 30, None, True),  # the whole interval misses
        (P(D("32"), D("28"), D("36")), "gte", 30, None, None),  # the threshold inside: no call
        (P(D("35"), D("31"), D("39")), "gte", 30, None, False),  # the whole interval meets
        (P(D("30"), D("30"), D("30")), "gte", 30, None, False),  # exactly on target
        (P(D("30"), D("29.995"), D("31")), "gte", 30, None, False),  # shown as 30.00
        (P(D("12"), D("11"), D("13")), "lte", 10, None, True),
        (P(D("15"), D("10"), D("18")), "between", 20, 30, True),
        (P(D("35"), D("31"), D("40")), "between", 20, 30, True),
        (P(D("25"), D("21"), D("29")), "between", 20, 30, False),
        (P(D("19"), D("15"), D("22")), "between", 20, 30, None),
        (P(D("25"), D("15"), D("35")), "between", 20, 30, None),  # wider than the band
        (Projection(D("10")), "gte", 30, None, None),  # no interval: no call
        (Projection(None), "gte", 30, None, None),  # no projection
        (None, "gte", 30, None, None),
    ],
)
def test_at_risk(projection, comparator, threshold, upper, expected):
    verdict = at_risk(projection, comparator=comparator, threshold=threshold, upper=upper)
    assert verdict is expected


def test_at_risk_from_a_running_rate():
    # ONLINE_DOSSIER_SHARE: 10%, 12%, 14% in Q1 → YTD 12, s = 2; line 8 + 2 × i read at 12
    # → 32 (+20): [12 − 0.75 × 4, 12 + 0.75 × 20] = [9, 27]. Wholly below 30 → at risk;
    # 20 or 12 fall inside → no call; 8 below it → not at risk.
    projection = project_running_rate([(10, 100), (12, 100), (14, 100)], min_months=3)
    assert (projection.low, projection.high) == (D("9.00"), D("27.00"))
    assert at_risk(projection, comparator="gte", threshold=30) is True
    assert at_risk(projection, comparator="gte", threshold=20) is None
    assert at_risk(projection, comparator="gte", threshold=12) is None
    assert at_risk(projection, comparator="gte", threshold=8) is False


# --- point scales -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "full_at", "zero_at", "max_points", "expected"),
    [
        (D("100"), 100, 0, 2, D("2.00")),
        (D("120"), 100, 0, 2, D("2.00")),  # above full: capped
        (D("99.99"), 100, 0, 2, D("2.00")),  # 1.9998 → 2.00
        (D("99.9"), 100, 0, 2, D("2.00")),  # 1.998 → 2.00
        (D("99.7"), 100, 0, 2, D("1.99")),  # 1.994 → 1.99
        (D("75"), 100, 0, 2, D("1.50")),
        (D("0"), 100, 0, 2, D("0.00")),
        (D("-5"), 100, 0, 2, D("0.00")),
        (D("50"), 80, 50, 1, D("0.00")),  # at zero_at
        (D("80"), 80, 50, 1, D("1.00")),  # at full_at
        (D("65"), 80, 50, 1, D("0.50")),
        (D("55"), 80, 50, 1, D("0.17")),  # 1/6 = 0.1666… → 0.17
        (D("40"), 80, 50, 1, D("0.00")),
        # "The fewer the better": full at 0% late, nothing at 10% late or more.
        (D("0"), 0, 10, 1, D("1.00")),
        (D("2.5"), 0, 10, 1, D("0.75")),
        (D("10"), 0, 10, 1, D("0.00")),
        (D("15"), 0, 10, 1, D("0.00")),
        (None, 100, 0, 2, None),
    ],
)
def test_linear_points(value, full_at, zero_at, max_points, expected):
    result = linear_points(value, full_at=full_at, zero_at=zero_at, max_points=max_points)
    assert result == expected


def test_linear_points_default_zero_at():
    assert linear_points(D("30"), full_at=D("30"), max_points=D("1.5")) == D("1.50")
    assert linear_points(D("15"), full_at=D("30"), max_points=D("1.5")) == D("0.75")


@pytest.mark.parametrize(
    ("full_at", "zero_at", "max_points", "message"),
    [
        (50, 50, 1, "phải khác nhau"),
        (100, 0, -1, "không được âm"),
    ],
)
def test_linear_points_rejects_bad_scale(full_at, zero_at, max_points, message):
    with pytest.raises(ValueError, match=message):
        linear_points(D("50"), full_at=full_at, zero_at=zero_at, max_points=max_points)


_BANDS = [(D("100"), D("1")), (D("80"), D("0.5")), (D("50"), D("0.25"))]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("100"), D("1.00")),  # exactly at the top minimum
        (D("100.5"), D("1.00")),
        (D("99.99"), D("0.50")),
        (D("99.995"), D("1.00")),  # shown as 100.00
        (D("80"), D("0.50")),
        (D("79.99"), D("0.25")),
        (D("50"), D("0.25")),
        (D("49.99"), D("0.00")),  # below every band
        (D("0"), D("0.00")),
        (None, None),
    ],
)
def test_banded_points(value, expected):
    assert banded_points(value, bands=_BANDS) == expected


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([], "ít nhất một mức"),
        ([(D("80"), D("0.5")), (D("100"), D("1"))], "giảm dần"),
        ([(D("80"), D("0.5")), (D("80"), D("1"))], "giảm dần"),
    ],
)
def test_banded_points_rejects_bad_bands(bands, message):
    with pytest.raises(ValueError, match=message):
        banded_points(D("90"), bands=bands)


@given(value=st.decimals(min_value=-50, max_value=200, places=3))
def test_points_stay_within_the_scale(value):
    linear = linear_points(value, full_at=100, zero_at=20, max_points=D("2.5"))
    assert D(0) <= linear <= D("2.5")
    assert banded_points(value, bands=_BANDS) in {D("1"), D("0.5"), D("0.25"), D("0")}
