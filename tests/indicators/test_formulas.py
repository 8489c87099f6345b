"""Pure formulas of the indicator engine: no database, plain functions."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.indicators.formulas import (
    COMPARATORS,
    PRECISION,
    at_risk,
    banded_points,
    growth,
    linear_points,
    meets,
    point_change,
    project_year_end,
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


# --- year-end projection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("monthly", "expected"),
    [
        # Hand-computed (docstring example): YTD = 45/300 = 15%; rates 10, 15, 20 → b = 5, a = 5,
        # trend at month 12 = 65; P = (3 × 15 + 9 × 65) / 12 = 630 / 12 = 52.5.
        ([(10, 100), (15, 100), (20, 100)], D("52.50")),
        # Flat rates: the projection is the rate.
        ([(20, 100), (40, 200), (30, 150)], D("20.00")),
        # Different volumes: YTD = 30/300 = 10%; rates 20, 5 → b = −15, a = 35, trend at 12 =
        # −145; P = (2 × 10 + 10 × (−145)) / 12 < 0 → clamped to 0.
        ([(20, 100), (10, 200)], D("0.00")),
        # Falling fast: YTD 50; b = −40, a = 130, trend −350; P = −250 → 0.
        ([(90, 100), (50, 100), (10, 100)], D("0.00")),
        # Rising fast: YTD 30; b = 40, a = −30, trend 450; P = (2 × 30 + 10 × 450)/12 > 100 → 100.
        ([(10, 100), (50, 100)], D("100.00")),
        # A month without dossiers has no rate: it is left out of the line but still counts as
        # elapsed. Points (2, 10), (3, 20): b = 10, a = −10, trend 110; YTD = 30/200 = 15;
        # P = (3 × 15 + 9 × 110) / 12 = 1035 / 12 = 86.25.
        ([(0, 0), (10, 100), (20, 100)], D("86.25")),
        # Month 1 edge: no trend yet, the projection is month 1's ratio.
        ([(1, 3)], D("33.33")),
        # One month with a rate: no line can be drawn, the projection is the YTD ratio.
        ([(0, 0), (0, 0), (3, 12)], D("25.00")),
        # Month 12 edge: nothing remains, the projection is the year's ratio (rising trend or not).
        ([(m, 100) for m in range(1, 13)], D("6.50")),
        # No data at all.
        ([], None),
        ([(0, 0), (0, 0), (0, 0)], None),
    ],
)
def test_project_year_end_flow(monthly, expected):
    assert project_year_end(monthly, aggregation="flow") == expected


def test_project_year_end_flow_month_12_is_the_year_ratio():
    monthly = [(m * 3, 40 + m) for m in range(1, 13)]
    numerator = sum(n for n, _ in monthly)
    denominator = sum(d for _, d in monthly)
    assert project_year_end(monthly, aggregation="flow") == rate(numerator, denominator)


@pytest.mark.parametrize(
    ("monthly", "expected"),
    [
        # Hand-computed (docstring example): 7 of 40 agencies by the end of May:
        # 7 × 12 / 5 = 16.8 agencies projected; 100 × 16.8 / 40 = 42.
        ([(0, 40), (2, 40), (3, 40), (5, 40), (7, 40)], D("42.00")),
        # 10 of 40 by the end of March: 10 × 12 / 3 = 40 → 100%.
        ([(3, 40), (6, 40), (10, 40)], D("100.00")),
        # Pace beyond the scope: capped at the denominator.
        ([(5, 40), (15, 40)], D("100.00")),
        # 1 of 7 by the end of month 7: 1 × 12 / 7 ≈ 1.714 agencies → 24.49%.
        ([(0, 7)] * 6 + [(1, 7)], D("24.49")),
        # Month 1 edge: 2 of 135 → 24 of 135 = 17.78%.
        ([(2, 135)], D("17.78")),
        # Month 12 edge: the projection is the coverage reached.
        ([(0, 135)] * 11 + [(61, 135)], D("45.19")),
        # Only the last month is read (the scope may have changed).
        ([(5, 50), (9, 45)], D("100.00")),
        ([(3, 50), (3, 60)], D("30.00")),
        # Nothing covered yet: projection 0%, which is data, not "no data".
        ([(0, 40), (0, 40)], D("0.00")),
        # No data at all.
        ([], None),
        ([(0, 0), (0, 0)], None),
    ],
)
def test_project_year_end_stock(monthly, expected):
    assert project_year_end(monthly, aggregation="stock") == expected


def test_project_year_end_other_year_length():
    # A reporting year of 6 months (e.g. a half-year programme): 3 of 30 by month 2 → 9 of 30.
    assert project_year_end([(1, 30), (3, 30)], months_in_year=6, aggregation="stock") == D("30.00")
    assert project_year_end([(1, 10)] * 6, months_in_year=6, aggregation="flow") == D("10.00")


@pytest.mark.parametrize(
    ("monthly", "aggregation", "error", "message"),
    [
        ([(1, 10)] * 13, "flow", ValueError, "nhiều hơn 12 tháng"),
        ([(1, 10), (11, 10)], "flow", ValueError, "lớn hơn mẫu số"),
        ([(11, 10), (1, 10)], "stock", ValueError, "lớn hơn mẫu số"),  # every month is checked
        ([(1, 10)], "average", ValueError, "không hợp lệ"),
        ([(0.5, 10)], "flow", TypeError, "Decimal"),
    ],
)
def test_project_year_end_rejects_bad_input(monthly, aggregation, error, message):
    with pytest.raises(error, match=message):
        project_year_end(monthly, aggregation=aggregation)


@given(
    st.lists(
        st.integers(min_value=0, max_value=500).flatmap(
            lambda d: st.tuples(st.integers(min_value=0, max_value=d), st.just(d))
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["flow", "stock"]),
)
def test_projection_is_a_share_or_no_data(monthly, aggregation):
    result = project_year_end(monthly, aggregation=aggregation)
    if aggregation == "flow" and all(d == 0 for _, d in monthly):
        assert result is None
    if result is not None:
        assert D(0) <= result <= D(100)


# --- at risk ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("projection", "comparator", "threshold", "upper", "expected"),
    [
        (D("25"), "gte", 30, None, True),
        (D("30"), "gte", 30, None, False),  # exactly on target is not at risk
        (D("29.995"), "gte", 30, None, False),  # shown as 30.00
        (D("45"), "gte", 30, None, False),
        (D("15"), "between", 20, 30, True),
        (D("25"), "between", 20, 30, False),
        (None, "gte", 30, None, None),  # no projection: unknown, not "at risk"
    ],
)
def test_at_risk(projection, comparator, threshold, upper, expected):
    verdict = at_risk(
        projection=projection, comparator=comparator, threshold=threshold, upper=upper
    )
    assert verdict is expected


def test_at_risk_from_a_projection():
    # ONLINE_DOSSIER_SHARE ≥ 20%: 10%, 12%, 14% in Q1 → YTD 12, trend at December 32,
    # projection (3 × 12 + 9 × 32) / 12 = 27 → on track.
    projection = project_year_end([(10, 100), (12, 100), (14, 100)], aggregation="flow")
    assert projection == D("27.00")
    assert at_risk(projection=projection, comparator="gte", threshold=20) is False
    assert at_risk(projection=projection, comparator="gte", threshold=30) is True


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
