"""Reading indicator values for a scope and a period, from snapshots only.

`evaluate` sums the snapshots of the agencies in scope (optionally one tier or one agency)
month by month, and gives the year-to-date value with its numerator and denominator, the
monthly trend, a year-end projection and, when a target is given, met / at risk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Subquery, Sum

from cchc.indicators import formulas
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.periods import comparison_year
from cchc.indicators.registry import INDICATORS, Indicator
from cchc.organizations.models import Agency, AgencyLevel, Tier
from cchc.organizations.scope import AgencyScope


@dataclass
class Evaluation:
    indicator: Indicator
    numerator: int | None
    denominator: int | None
    value: Decimal | None
    trend: list[tuple[date, Decimal | None]] = field(default_factory=list)
    projection: Decimal | None = None
    baseline_value: int | None = None  # growth: the baseline year's count
    synthetic: bool = False
    excluded: int = 0  # records in neither numerator nor denominator (indicator.excluded_label)
    threshold: Decimal | None = None
    comparator: str | None = None
    met: bool | None = None
    at_risk: bool | None = None

    @property
    def has_data(self) -> bool:
        return self.value is not None


def _monthly(qs) -> list[tuple[date, int, int, bool, int]]:
    return [
        (r["month"], r["n"], r["d"], r["syn"] > 0, r["x"])
        for r in qs.values("month")
        .annotate(
            n=Sum("numerator"), d=Sum("denominator"), syn=Count("pk", filter=Q(synthetic=True)),
            x=Sum("excluded"),
        )
        .order_by("month")
    ]  # fmt: skip


def snapshots(
    code: str, *, scope: AgencyScope, tier: str | None = None, agency_id: int | None = None
):
    """The snapshots of `code` the scope may read. An indicator of the procedure catalogue
    (`per_agency=False`: 5a, 6a, 6b) is the province's shared, published data, stored on the
    province alone: every scope reads it, as every role reads the plan (ADR 0010)."""
    qs = IndicatorSnapshot.objects.filter(indicator=code)
    if INDICATORS[code].per_agency:
        qs = qs.visible_to(scope)
    if tier:
        qs = qs.filter(tier=tier)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs


def readable_agencies(code: str, scope: AgencyScope):
    """The agencies whose figures and records of `code` the scope reads: its own, or for an
    indicator of the procedure catalogue the province, whose shared data it is (ADR 0010; the
    same rule as `snapshots`)."""
    if INDICATORS[code].per_agency:
        return Agency.objects.visible_to(scope)
    return Agency.objects.filter(level=AgencyLevel.PROVINCE)


def evaluate(
    code: str,
    *,
    scope: AgencyScope,
    year: int,
    through: date | None = None,
    tier: str | None = None,
    agency_id: int | None = None,
    baseline_year: int | None = None,
    first: date | None = None,
) -> Evaluation:
    """The value over the months `first` (January by default) to `through` (December) of
    `year`: a flow sums them, a stock takes the last. The trend and the year-end projection
    always read the year from January to `through`."""
    indicator = INDICATORS[code]
    through = through or date(year, 12, 1)
    qs = snapshots(code, scope=scope, tier=tier, agency_id=agency_id)
    year_so_far = _monthly(qs.filter(month__year=year, month__lte=through))
    months = [m for m in year_so_far if first is None or m[0] >= first]
    result = Evaluation(indicator=indicator, numerator=None, denominator=None, value=None)
    result.trend = [(m[0], formulas.rate(m[1], m[2])) for m in year_so_far]
    if not months:
        return result
    result.synthetic = any(m[3] for m in months)
    if indicator.aggregation == "flow":
        n, d = sum(m[1] for m in months), sum(m[2] for m in months)
        result.excluded = sum(m[4] for m in months)
    else:
        n, d, result.excluded = months[-1][1], months[-1][2], months[-1][4]
    result.numerator, result.denominator = n, d
    if indicator.growth:
        base = _monthly(qs.filter(month__year=comparison_year(year, baseline_year)))
        result.baseline_value = base[-1][1] if base else None
        result.value = formulas.growth(n, result.baseline_value)
        # The chart shows the same quantity as the value: each month's growth on the baseline
        # (not the month's share, which the value is not).
        result.trend = [(m[0], formulas.growth(m[1], result.baseline_value)) for m in year_so_far]
        result.projection = result.value
        return result
    result.value = formulas.rate(n, d)
    by_month = {m[0].month: (m[1], m[2]) for m in year_so_far}
    series = [by_month.get(i, (0, 0)) for i in range(1, year_so_far[-1][0].month + 1)]
    if indicator.projection == "trend":
        result.projection = formulas.project_year_end(series, aggregation="flow")
    elif indicator.projection == "pace":
        result.projection = formulas.project_year_end(series, aggregation="stock")
    else:
        result.projection = result.value
    return result


def judge(
    evaluation: Evaluation, *, comparator: str, threshold: Decimal, upper: Decimal | None = None
) -> Evaluation:
    evaluation.threshold, evaluation.comparator = threshold, comparator
    evaluation.met = formulas.meets(
        evaluation.value, comparator=comparator, threshold=threshold, upper=upper
    )
    evaluation.at_risk = formulas.at_risk(
        projection=evaluation.projection, comparator=comparator, threshold=threshold, upper=upper
    )
    return evaluation


def per_agency(
    code: str,
    *,
    scope: AgencyScope,
    year: int,
    through: date | None = None,
    baseline_year: int | None = None,
    first: date | None = None,
) -> list[dict]:
    """Numerator, denominator and value per agency (and tier) in scope over the months
    `first` (January by default) to `through`.

    `value` is what `evaluate` gives for the row alone: the share n/d or, for a growth
    indicator, the growth of n on `baseline`, the row's numerator at the last month with a
    snapshot in `baseline_year` (by default the year before). A fixed number of queries."""
    indicator = INDICATORS[code]
    through = through or date(year, 12, 1)
    qs = snapshots(code, scope=scope).filter(month__year=year, month__lte=through)
    if first is not None:
        qs = qs.filter(month__gte=first)
    if indicator.aggregation == "stock":
        last = qs.order_by("-month").values_list("month", flat=True).first()
        qs = qs.filter(month=last)
    rows = (
        qs.values("agency_id", "agency__name", "agency__code", "agency__level", "tier")
        .annotate(
            n=Sum("numerator"),
            d=Sum("denominator"),
            syn=Count("pk", filter=Q(synthetic=True)),
            excluded=Sum("excluded"),
        )
        .order_by("agency__code")
    )
    labels = {value: str(label) for value, label in Tier.choices}
    result = [
        {**r, "tier_label": labels.get(r["tier"], r["tier"]), "synthetic": r["syn"] > 0}
        for r in rows
    ]
    if not indicator.growth:
        for row in result:
            row["value"] = formulas.rate(row["n"], row["d"])
        return result
    baselines = _baselines(code, scope=scope, year=comparison_year(year, baseline_year))
    for row in result:
        row["baseline"] = baselines.get((row["agency_id"], row["tier"]))
        row["value"] = formulas.growth(row["n"], row["baseline"])
    return result


def _baselines(code: str, *, scope: AgencyScope, year: int) -> dict[tuple[int, str], int]:
    """Numerator per (agency, tier) at the last month of `year` with a snapshot in scope, in
    one query. The month is the scope's, as in `evaluate`, so the rows add up to its baseline."""
    qs = snapshots(code, scope=scope).filter(month__year=year)
    last = qs.order_by("-month").values("month")[:1]
    grouped = (
        qs.filter(month=Subquery(last))
        .values("agency_id", "tier")
        .annotate(n=Sum("numerator"))
        .order_by()
    )
    return {(r["agency_id"], r["tier"]): r["n"] for r in grouped}
