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
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from itertools import pairwise
from typing import Literal

PRECISION = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

Number = Decimal | int
Comparator = Literal["gte", "gt", "lte", "lt", "between"]
Aggregation = Literal["flow", "stock"]

COMPARATORS: tuple[Comparator, ...] = ("gte", "gt", "lte", "lt", "between")
AGGREGATIONS: tuple[Aggregation, ...] = ("flow", "stock")

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
    comparator: Comparator,
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


def _trend_at(points: Sequence[tuple[Decimal, Decimal]], x: Decimal) -> Decimal:
    """Ordinary least-squares line r = a + b·month through (month, rate) points, read at x.
    Needs at least two distinct months."""
    count = Decimal(len(points))
    mean_x = sum(p[0] for p in points) / count
    mean_r = sum(p[1] for p in points) / count
    sxx = sum((p[0] - mean_x) ** 2 for p in points)
    sxr = sum((p[0] - mean_x) * (p[1] - mean_r) for p in points)
    slope = sxr / sxx
    intercept = mean_r - slope * mean_x
    return intercept + slope * x


def project_year_end(
    monthly: Sequence[tuple[Number, Number]],
    *,
    months_in_year: int = 12,
    aggregation: Aggregation,
) -> Decimal | None:
    """Year-end projection, in percent, from the months of the year so far.

    `monthly` holds (numerator, denominator) for months 1..m, m = len(monthly) ≤ months_in_year
    (12 below). Each pair is checked like `rate` (no negatives, numerator ≤ denominator).
    None when there is no data at all (no months, or every denominator 0).

    "flow" — ratios of things that happen each month (online dossiers / dossiers received):
        N = n₁ + … + nₘ,  D = d₁ + … + dₘ,  YTD = 100 × N / D   (None if D = 0)
        rᵢ = 100 × nᵢ / dᵢ for each month with dᵢ > 0 (months with dᵢ = 0 have no rate and are
             left out of the line, but still count in m)
        T  = the least-squares straight line r = a + b × i through the points (i, rᵢ), read at
             month 12:  b = Σ(i − ī)(rᵢ − r̄) / Σ(i − ī)²,  a = r̄ − b × ī,  T = a + 12 × b
             (T = YTD when fewer than two months have a rate)
        P  = (m × YTD + (12 − m) × T) / 12     — the trend weighs as much as the months remaining
        value = P limited to [0, 100], rounded.
      Month 12 gives exactly the year's ratio; month 1 gives month 1's ratio.
      Example: (10, 100), (15, 100), (20, 100) → YTD = 15, rates 10, 15, 20, b = 5, a = 5,
      T = 65, P = (3 × 15 + 9 × 65) / 12 = 52.50.

    "stock" — cumulative coverage (nₘ = agencies covered by the end of month m, dₘ = agencies
    in scope), assuming coverage starts from 0 each year and goes on at the pace so far:
        projected_n = min(dₘ, nₘ × 12 / m),   value = rate(projected_n, dₘ)
      Only the last month counts (None if its denominator is 0). Example: 7 of 40 agencies by
      the end of May (m = 5): projected_n = 7 × 12 / 5 = 16.8, value = 100 × 16.8 / 40 = 42.00.
    """
    if aggregation not in AGGREGATIONS:
        raise ValueError(
            f"Cách cộng dồn không hợp lệ: {aggregation!r} (chỉ dùng {', '.join(AGGREGATIONS)})."
        )
    if months_in_year < 1:
        raise ValueError(f"Số tháng trong năm phải từ 1 trở lên (nhận {months_in_year}).")
    months = len(monthly)
    if months > months_in_year:
        raise ValueError(f"Có {months} tháng số liệu, nhiều hơn {months_in_year} tháng của năm.")
    pairs = [(_decimal(n, "Tử số"), _decimal(d, "Mẫu số")) for n, d in monthly]
    points: list[tuple[Decimal, Decimal]] = []
    for month, (n, d) in enumerate(pairs, start=1):
        share = _share(n, d)  # validates every month, even those the formula does not read
        if share is not None:
            points.append((Decimal(month), share))
    if not pairs:
        return None
    m = Decimal(months)
    year = Decimal(months_in_year)
    with localcontext(_ARITHMETIC):
        if aggregation == "stock":
            n_last, d_last = pairs[-1]
            if d_last == 0:
                return None
            return rate(min(d_last, n_last * year / m), d_last)
        ytd = _share(sum(n for n, _ in pairs), sum(d for _, d in pairs))
        if ytd is None:
            return None
        trend = _trend_at(points, year) if len(points) >= 2 else ytd
        projection = (m * ytd + (year - m) * trend) / year
        return quantize(min(HUNDRED, max(ZERO, projection)))


def at_risk(
    *,
    projection: Number | None,
    comparator: Comparator,
    threshold: Number,
    upper: Number | None = None,
) -> bool | None:
    """True when the year-end projection does not meet the threshold (see `meets`), False when
    it does, None when there is no projection (no data)."""
    verdict = meets(projection, comparator=comparator, threshold=threshold, upper=upper)
    return None if verdict is None else not verdict


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
