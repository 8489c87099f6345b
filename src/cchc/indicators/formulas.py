"""Layer 3 of the indicator engine: pure formulas over numbers.

No Django, no ORM, no clock, no I/O — numerators and denominators come in, a figure goes out.

Conventions, the same for every function here:
- Numbers are `Decimal` (an `int` is accepted and converted exactly; a `float` is refused, because
  0.1 + 0.2 is not 0.3 in binary and a share must add up when checked by hand).
- `None` means "no data" (chưa có dữ liệu) and is never 0: a formula given `None`, or a share
  whose denominator is 0, answers `None`.
- Data that cannot be right (a negative count, a numerator above its denominator) raises
  `ValueError` with a Vietnamese message: the caller must see it, not a plausible figure.
- Rounding is defined once, in `quantize`: 2 decimals (`PRECISION`), half up — a tie goes away
  from zero, like Excel's ROUND, so an officer checking with a spreadsheet gets the same figure.
  Intermediate arithmetic is not rounded; only the result is.
- Threshold checks and point scales use the rounded value, i.e. the figure the report shows, so a
  verdict never disagrees with the number printed next to it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from itertools import pairwise
from typing import Literal

PRECISION = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

Number = Decimal | int
Comparator = Literal["gte", "gt", "lte", "lt", "between"]

COMPARATORS: tuple[Comparator, ...] = ("gte", "gt", "lte", "lt", "between")

# Intermediate results carry 40 significant digits whatever the caller's decimal context is;
# only `quantize` rounds to the published precision.
_ARITHMETIC = Context(prec=40, rounding=ROUND_HALF_EVEN)


def _decimal(value: Number, name: str) -> Decimal:
    """`value` as an exact Decimal; floats, booleans and non-finite numbers are refused."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(
            f"{name} phải là số Decimal hoặc số nguyên (nhận {value!r}); "
            "không dùng số thực dấu phẩy động."
        )
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} không phải là một số hữu hạn (nhận {value!r}).")
    return result


def _optional(value: Number | None, name: str) -> Decimal | None:
    return None if value is None else _decimal(value, name)


def quantize(value: Number | None) -> Decimal | None:
    """The module's one rounding rule: 2 decimals, half up (ties away from zero).

    quantize(Decimal("66.6666")) = 66.67; quantize(Decimal("0.005")) = 0.01;
    quantize(Decimal("-0.005")) = -0.01; quantize(None) = None.
    """
    if value is None:
        return None
    return _decimal(value, "Giá trị").quantize(PRECISION, rounding=ROUND_HALF_UP)


def _share(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """100 × n / d, unrounded, after the checks of `rate`; None when d = 0."""
    if numerator < 0:
        raise ValueError(f"Tử số không được âm (nhận {numerator}).")
    if denominator < 0:
        raise ValueError(f"Mẫu số không được âm (nhận {denominator}).")
    if numerator > denominator:
        raise ValueError(
            f"Tử số ({numerator}) lớn hơn mẫu số ({denominator}): tỷ lệ không thể vượt 100%, "
            "cần kiểm tra lại số liệu."
        )
    if denominator == 0:
        return None
    with localcontext(_ARITHMETIC):
        return HUNDRED * numerator / denominator


def rate(numerator: Number | None, denominator: Number | None) -> Decimal | None:
    """Share in percent: 100 × numerator / denominator, rounded.

    None (no data) when either number is None or the denominator is 0 — "chưa có dữ liệu",
    not 0%. Raises ValueError when a number is negative or the numerator exceeds the
    denominator (a share cannot exceed 100%); these checks come first, so (5, 0) is an error,
    not "no data". Example: rate(2, 3) = 66.67; rate(1, 8) = 12.50.
    """
    n = _optional(numerator, "Tử số")
    d = _optional(denominator, "Mẫu số")
    if n is None or d is None:
        return None
    return quantize(_share(n, d))


def growth(current: Number | None, baseline: Number | None) -> Decimal | None:
    """Relative growth in percent: 100 × (current − baseline) / baseline, rounded.

    Used for targets such as "+10% procedures online compared with 2021": 110 against a 2021
    baseline of 100 is +10.00; 90 against 100 is −10.00. None when either number is None or the
    baseline is 0 (growth from nothing is not a number). Counts cannot be negative: ValueError.
    """
    c = _optional(current, "Giá trị kỳ này")
    b = _optional(baseline, "Giá trị kỳ gốc")
    if c is None or b is None:
        return None
    if c < 0 or b < 0:
        raise ValueError(f"Số liệu tính tăng trưởng không được âm (kỳ này {c}, kỳ gốc {b}).")
    if b == 0:
        return None
    with localcontext(_ARITHMETIC):
        return quantize(HUNDRED * (c - b) / b)


def point_change(current_rate: Number | None, baseline_rate: Number | None) -> Decimal | None:
    """Difference in percentage points: current_rate − baseline_rate, rounded.

    A share moving from 40% to 44% is +4.00 points (and +10.00% by `growth`). None when either
    rate is None.
    """
    c = _optional(current_rate, "Tỷ lệ kỳ này")
    b = _optional(baseline_rate, "Tỷ lệ kỳ gốc")
    if c is None or b is None:
        return None
    with localcontext(_ARITHMETIC):
        return quantize(c - b)


def meets(
    value: Number | None,
    *,
    comparator: str,  # a target's stored value: checked against COMPARATORS
    threshold: Number,
    upper: Number | None = None,
) -> bool | None:
    """Does the value meet the threshold? None when the value is None (no data: no verdict).

    The value is rounded first (the figure the report shows), then compared with the threshold
    as given: "gte" value ≥ threshold, "gt" value > threshold, "lte" value ≤ threshold,
    "lt" value < threshold, "between" threshold ≤ value ≤ upper (both ends included; `upper`
    required). So 29.996% meets "≥ 30%", because it is shown as 30.00%.
    """
    t = _decimal(threshold, "Ngưỡng")
    u = _optional(upper, "Cận trên")
    if comparator not in COMPARATORS:
        raise ValueError(
            f"Phép so sánh không hợp lệ: {comparator!r} (chỉ dùng {', '.join(COMPARATORS)})."
        )
    if comparator == "between":
        if u is None:
            raise ValueError("So sánh 'trong khoảng' (between) cần có cận trên.")
        if u < t:
            raise ValueError(f"Cận trên ({u}) nhỏ hơn ngưỡng dưới ({t}).")
    elif u is not None:
        raise ValueError("Cận trên chỉ dùng với phép so sánh 'trong khoảng' (between).")
    shown = quantize(value)
    if shown is None:
        return None
    if comparator == "gte":
        return shown >= t
    if comparator == "gt":
        return shown > t
    if comparator == "lte":
        return shown <= t
    if comparator == "lt":
        return shown < t
    return t <= shown <= u  # type: ignore[operator]  # u is checked above


# --- year-end projections (docs/kpi/projections.md) -----------------------------------------

# A running rate is not called at risk (or safe) on fewer months with data than this. With
# one or two months the spread between months rests on a single difference, and January–
# February hold Tết, the year's least typical months; in the backtest (docs/kpi/
# projections.md, three seeded years) calls made at months 3–5 were wrong twice, none from
# month 6 on. Six months is the half-year, the first report the plan asks a verdict in.
MIN_MONTHS = 6
# The interval of a running rate: the remaining months' average may depart from the
# year-to-date value by up to this many times the spread (standard deviation) of the monthly
# rates seen so far.
SPREAD_FACTOR = 2


@dataclass(frozen=True)
class Projection:
    """A year-end projection: its value, an interval [low, high] the year-end value is
    expected in (None: no interval, so no "at risk" call), the months with data it rests on,
    and a note saying what it assumes or why there is none (Vietnamese, shown to the user)."""

    value: Decimal | None
    low: Decimal | None = None
    high: Decimal | None = None
    months: int = 0
    note: str = ""


def _clamped(value: Decimal) -> Decimal | None:
    return quantize(min(HUNDRED, max(ZERO, value)))


def _line(points: Sequence[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal]:
    """Ordinary least-squares line r = a + b·month through (month, rate) points: (a, b).
    Needs at least two distinct months."""
    count = Decimal(len(points))
    mean_x = sum((p[0] for p in points), ZERO) / count
    mean_r = sum((p[1] for p in points), ZERO) / count
    sxx = sum(((p[0] - mean_x) ** 2 for p in points), ZERO)
    sxr = sum(((p[0] - mean_x) * (p[1] - mean_r) for p in points), ZERO)
    slope = sxr / sxx
    return mean_r - slope * mean_x, slope


def project_running_rate(
    monthly: Sequence[tuple[Number, Number]],
    *,
    months_in_year: int = 12,
    min_months: int | None = None,
) -> Projection:
    """A running rate (online dossiers / dossiers received, on-time / finished, …) at the
    year's end: its year-to-date value, with an interval.

    `monthly` holds (numerator, denominator) for months 1..e of the year, e = len(monthly) the
    last month with data; a month whose denominator is 0 has no data (no rate) and does not
    count. With m months with data at months i, N = Σnᵢ, D = Σdᵢ, rᵢ = 100 × nᵢ / dᵢ:
        value = YTD = 100 × N / D                    (None when D = 0)
        w     = r / (m + r), r = 12 − e months remaining: their share of the year's volume
                if each brings the average volume of the months with data
        the year-end is YTD + w × (F − YTD), F the remaining months' rate; two scenarios
        bound F:
          level — F within YTD ± SPREAD_FACTOR × s, s the sample standard deviation of rᵢ;
          trend — F = the least-squares line through (i, rᵢ) read at December (month
                  12), limited to [0, 100]: the rate keeps moving as it has since January;
        interval = YTD + w × [min(−2s, F_trend − YTD), max(2s, F_trend − YTD)], limited to
                   [0, 100], rounded.
    Why the year-to-date value: the year-end value is a weighted mean of all twelve months,
    so the months already counted fix most of it; the former projection, a straight line
    through the monthly rates read at December, extrapolated a few noisy months over the
    rest of the year and missed by more (backtest: docs/kpi/projections.md). The trend still
    widens the interval, so that a rate climbing or falling steadily is not called at risk
    (or safe) on its level alone. With fewer than `min_months` months with data, no interval:
    the value is shown, and no verdict is drawn from it (`min_months`: `MIN_MONTHS` unless
    given).
    Reading the line at December rather than in the middle of the remaining months widens
    the interval towards a steady improvement (the backtest's running rates improve through
    the year and a later month also weighs more, with the year-end rush).
    Example: (10, 100), (20, 100), (30, 100) → YTD 20, s = 10, w = 9/12, line r = 10 × i read
    at 12 = 120, limited to 100: interval [20 − 0.75 × 20, 20 + 0.75 × 80] = [5, 80]."""
    if months_in_year < 1:
        raise ValueError(f"Số tháng trong năm phải từ 1 trở lên (nhận {months_in_year}).")
    elapsed = len(monthly)
    if elapsed > months_in_year:
        raise ValueError(f"Có {elapsed} tháng số liệu, nhiều hơn {months_in_year} tháng của năm.")
    pairs = [(_decimal(n, "Tử số"), _decimal(d, "Mẫu số")) for n, d in monthly]
    points = [
        (Decimal(month), r)
        for month, r in enumerate((_share(n, d) for n, d in pairs), start=1)
        if r is not None
    ]
    m = len(points)
    min_months = MIN_MONTHS if min_months is None else min_months
    with localcontext(_ARITHMETIC):
        ytd = _share(sum((n for n, _ in pairs), ZERO), sum((d for _, d in pairs), ZERO))
        if ytd is None:
            return Projection(None, note="Chưa có tháng nào có số liệu.")
        value = quantize(ytd)
        if m < min_months:
            return Projection(
                value, months=m,
                note=f"Mới có {m} tháng có số liệu, cần ít nhất {min_months} tháng để dự báo.",
            )  # fmt: skip
        rates = [r for _, r in points]
        mean = sum(rates, ZERO) / m
        spread = SPREAD_FACTOR * (sum(((r - mean) ** 2 for r in rates), ZERO) / (m - 1)).sqrt()
        a, b = _line(points)
        trend = min(HUNDRED, max(ZERO, a + b * months_in_year)) - ytd
        remaining = Decimal(months_in_year - elapsed)
        weight = remaining / (m + remaining)
        return Projection(
            value,
            _clamped(ytd + weight * min(-spread, trend)),
            _clamped(ytd + weight * max(spread, trend)),
            months=m,
            note=f"Giữ tỷ lệ lũy kế {m} tháng có số liệu; khoảng dự báo theo độ dao động giữa "
            "các tháng và xu hướng từ đầu năm.",
        )


def project_planned(
    *, done: Number | None, planned: Number | None, denominator: Number | None
) -> Projection:
    """A count towards a share with a plan recorded (target 1: agencies inspected / agencies
    counted): the share reached if the plan is carried out. `done` is counted already,
    `planned` counts the agencies done or planned (each once). The projection is conditional
    (the plan carried out), not uncertain: its interval is the point itself, so it is called
    at risk exactly when the plan carried out in full still misses the threshold, and on
    track when it meets it — whatever the share now, which the page shows beside it. No plan
    (planned None): no projection. Example: 10 done, 14 done or planned, of 28 → 50.00."""
    now = rate(done, denominator)
    if now is None:
        return Projection(None, note="Chưa có dữ liệu.")
    if planned is None:
        return Projection(
            None, note="Chưa có kế hoạch kiểm tra của năm được ghi nhận: không dự báo."
        )
    if _decimal(planned, "Số theo kế hoạch") < _decimal(done, "Tử số"):  # type: ignore[arg-type]
        raise ValueError(f"Số theo kế hoạch ({planned}) nhỏ hơn số đã thực hiện ({done}).")
    projected = rate(planned, denominator)
    return Projection(
        projected, projected, projected,
        note="Nếu thực hiện hết kế hoạch kiểm tra đã ghi nhận của năm.",
    )  # fmt: skip


def at_risk(
    projection: Projection | None,
    *,
    comparator: str,  # a target's stored value: checked against COMPARATORS
    threshold: Number,
    upper: Number | None = None,
) -> bool | None:
    """True when the whole interval of the projection misses the threshold (see `meets`),
    False when the whole of it meets it, None otherwise: no projection, no interval (too few
    months), or an interval the threshold falls inside — then no call is made."""
    if projection is None or projection.low is None or projection.high is None:
        return None
    ends = [
        meets(x, comparator=comparator, threshold=threshold, upper=upper)
        for x in (projection.low, projection.high)
    ]
    if comparator == "between":
        t, u = _decimal(threshold, "Ngưỡng"), _decimal(upper, "Cận trên")  # type: ignore[arg-type]
        low, high = quantize(projection.low), quantize(projection.high)
        if high < t or low > u:  # type: ignore[operator]
            return True
        return False if all(ends) else None
    if all(ends):
        return False
    if not any(ends):
        return True
    return None


def linear_points(
    value: Number | None,
    *,
    full_at: Number,
    zero_at: Number = ZERO,
    max_points: Number,
) -> Decimal | None:
    """PAR INDEX linear scale: points = max_points × (value − zero_at) / (full_at − zero_at),
    limited to [0, max_points], rounded; `value` is rounded first (the figure shown).

    With full_at > zero_at: full points at value ≥ full_at, 0 at value ≤ zero_at. The scale also
    runs the other way (full_at < zero_at: "the fewer the better", e.g. full points at 0% late
    dossiers, none at 10% or more). Example: value 75, full_at 100, max_points 2 → 1.50.
    None in, None out.
    """
    full = _decimal(full_at, "Mức đạt điểm tối đa")
    zero = _decimal(zero_at, "Mức 0 điểm")
    top = _decimal(max_points, "Điểm tối đa")
    if full == zero:
        raise ValueError(f"Mức đạt điểm tối đa và mức 0 điểm phải khác nhau (cùng là {full}).")
    if top < 0:
        raise ValueError(f"Điểm tối đa không được âm (nhận {top}).")
    shown = quantize(value)
    if shown is None:
        return None
    with localcontext(_ARITHMETIC):
        points = top * (shown - zero) / (full - zero)
        return quantize(min(top, max(ZERO, points)))


def banded_points(
    value: Number | None, *, bands: Sequence[tuple[Number, Number]]
) -> Decimal | None:
    """PAR INDEX banded scale: `bands` are (minimum value, points), sorted by minimum from the
    highest down; the first band whose minimum the (rounded) value reaches gives the points;
    below every band, 0. Example: bands ((100, 1), (80, 0.5)) → 100 scores 1, 85 scores 0.5,
    79.99 scores 0. None in, None out.
    """
    if not bands:
        raise ValueError("Thang điểm theo mức cần ít nhất một mức.")
    table = [(_decimal(low, "Mức tối thiểu"), _decimal(pts, "Điểm")) for low, pts in bands]
    for (higher, _), (lower, _) in pairwise(table):
        if lower >= higher:
            raise ValueError(
                "Các mức của thang điểm phải xếp theo mức tối thiểu giảm dần "
                f"({lower} đứng sau {higher})."
            )
    shown = quantize(value)
    if shown is None:
        return None
    for low, pts in table:
        if shown >= low:
            return quantize(pts)
    return quantize(ZERO)
