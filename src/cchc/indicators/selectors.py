"""Reading indicator values for a scope and a period, from snapshots only.

`evaluate` sums the snapshots of the agencies in scope (optionally one tier or one agency)
month by month, and gives the year-to-date value with its numerator and denominator, the
monthly trend, a year-end projection and, when a target is given, met / at risk."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, Subquery, Sum
from django.utils import timezone

from cchc.indicators import applicability, formulas
from cchc.indicators.extraction import month_end
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.periods import comparison_year
from cchc.indicators.registry import INDICATORS, Indicator
from cchc.organizations.models import TIER_OF_LEVEL, Agency, AgencyLevel, Tier
from cchc.organizations.scope import AgencyScope
from cchc.organizations.succession import shares_on

# How per-agency figures name their units: as the agencies were when the records were made,
# or re-expressed in the units running today (`per_agency`, issue 19).
AT_THE_TIME, TODAY = "thoi_do", "hien_nay"
UNITS_WORDS = {AT_THE_TIME: "theo đơn vị thời đó", TODAY: "theo đơn vị hiện nay"}


@dataclass
class Evaluation:
    indicator: Indicator
    numerator: int | None
    denominator: int | None
    value: Decimal | None
    trend: list[tuple[date, Decimal | None]] = field(default_factory=list)
    # The agency levels counted (indicators.applicability).
    levels: frozenset[str] = frozenset()
    forecast: formulas.Projection | None = None
    through: date | None = None  # the last month with data the value rests on
    baseline_value: int | None = None  # growth: the baseline year's count
    # Growth, both ways (the value is the one the target declares, `growth_measure`): the
    # count's relative growth in %, and the change of its share in percentage points.
    relative_growth: Decimal | None = None
    point_change: Decimal | None = None
    growth_measure: str = "relative"
    synthetic: bool = False
    excluded: int = 0  # records in neither numerator nor denominator (indicator.excluded_label)
    threshold: Decimal | None = None
    comparator: str | None = None
    met: bool | None = None
    at_risk: bool | None = None

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def projection(self) -> Decimal | None:
        return self.forecast.value if self.forecast else None

    @property
    def year_complete(self) -> bool:
        """The value rests on December: it is the year's result, nothing is left to project."""
        return self.through is not None and self.through.month == 12


END_STATE = {"end_n": Sum("end_numerator"), "end_d": Sum("end_denominator"),
             "end_x": Sum("end_excluded")}  # fmt: skip


YEAR_COMPLETE = "Đã có số liệu cả năm: giá trị là kết quả của năm, không còn gì để dự báo."


def _monthly(qs) -> list[tuple[date, int, int, bool, int, tuple[int, int, int]]]:
    """Per month: numerator, denominator, synthetic, left out, and the state at the month's
    end (numerator, denominator, left out) of an indicator that adds it."""
    return [
        (r["month"], r["n"], r["d"], r["syn"] > 0, r["x"], (r["end_n"], r["end_d"], r["end_x"]))
        for r in qs.values("month")
        .annotate(
            n=Sum("numerator"), d=Sum("denominator"), syn=Count("pk", filter=Q(synthetic=True)),
            x=Sum("excluded"), **END_STATE,
        )
        .order_by("month")
    ]  # fmt: skip


def snapshots(
    code: str,
    *,
    scope: AgencyScope,
    tier: str | None = None,
    agency_id: int | None = None,
    levels: Collection[str] | None = None,
):
    """The snapshots of `code` the scope may read, of the agency levels a figure counts
    (`levels`: a target's, `applicability.of_target`; None: the indicator's default). An
    indicator of the procedure catalogue (`per_agency=False`: 5a, 6a, 6b) is the province's
    shared, published data, stored on the province alone: every scope reads it, as every role
    reads the plan (ADR 0010)."""
    indicator = INDICATORS[code]
    counted = indicator.applies_to if levels is None else levels
    qs = IndicatorSnapshot.objects.filter(indicator=code).filter(
        applicability.snapshot_q(indicator, counted)
    )
    if indicator.per_agency:
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
    growth_measure: str = "relative",
    levels: Collection[str] | None = None,
) -> Evaluation:
    """The value over the months `first` (January by default) to `through` (December) of
    `year`: a flow sums them, a stock takes the last. The trend and the year-end projection
    always read the year from January to `through`. A growth indicator's value is the measure
    `growth_measure` ("relative" or "points", `plans.GrowthMeasure`). `levels`: the agency
    levels counted (a target's applicability; None: the indicator's default)."""
    indicator = INDICATORS[code]
    levels = indicator.applies_to if levels is None else frozenset(levels)
    through = through or date(year, 12, 1)
    qs = snapshots(code, scope=scope, tier=tier, agency_id=agency_id, levels=levels)
    year_so_far = _monthly(qs.filter(month__year=year, month__lte=through))
    months = [m for m in year_so_far if first is None or m[0] >= first]
    result = Evaluation(
        indicator=indicator, numerator=None, denominator=None, value=None, levels=levels
    )
    result.trend = [(m[0], _month_rate(indicator, m)) for m in year_so_far]
    if not months:
        return result
    result.synthetic = any(m[3] for m in months)
    result.through = months[-1][0]
    if indicator.aggregation == "flow":
        n, d = sum(m[1] for m in months), sum(m[2] for m in months)
        result.excluded = sum(m[4] for m in months)
        if indicator.end_state:  # the state at the period's end, once
            end_n, end_d, end_x = months[-1][5]
            n, d, result.excluded = n + end_n, d + end_d, result.excluded + end_x
    else:
        n, d, result.excluded = months[-1][1], months[-1][2], months[-1][4]
    result.numerator, result.denominator = n, d
    if indicator.growth:
        base = _monthly(qs.filter(month__year=comparison_year(year, baseline_year)))
        baseline = (base[-1][1], base[-1][2]) if base else None
        result.baseline_value = baseline[0] if baseline else None
        result.growth_measure = growth_measure
        result.relative_growth, result.point_change = _growths((n, d), baseline)
        result.value = _declared(result.relative_growth, result.point_change, growth_measure)
        # The chart shows the same quantity as the value: each month's growth on the baseline
        # (not the month's share, which the value is not).
        result.trend = [
            (m[0], _declared(*_growths((m[1], m[2]), baseline), growth_measure))
            for m in year_so_far
        ]
        result.forecast = formulas.Projection(None, note=indicator.projection_note)
    else:
        result.value = formulas.rate(n, d)
        if not result.year_complete:
            result.forecast = _forecast(
                indicator, year_so_far, scope=scope, year=year, tier=tier, agency_id=agency_id,
                levels=levels,
            )  # fmt: skip
    if result.year_complete:
        result.forecast = formulas.Projection(None, note=YEAR_COMPLETE)
    return result


def _forecast(
    indicator: Indicator, year_so_far, *, scope: AgencyScope, year: int, tier, agency_id, levels
) -> formulas.Projection:
    """The year-end projection of the indicator's kind, from the months January to the last
    month with data (docs/kpi/projections.md)."""
    last = year_so_far[-1]
    if indicator.projection == "running_rate":
        by_month = {m[0].month: (m[1], m[2]) for m in year_so_far}
        series = [by_month.get(i, (0, 0)) for i in range(1, last[0].month + 1)]
        return formulas.project_running_rate(series)
    if indicator.projection == "planned" and indicator.planned is not None:
        agencies = Agency.objects.visible_to(scope).filter(applicability.agency_q(levels))
        if tier:
            agencies = agencies.filter(
                level__in=[lv for lv, t in TIER_OF_LEVEL.items() if t == tier]
            )
        if agency_id is not None:
            agencies = agencies.filter(pk=agency_id)
        planned = indicator.planned(agencies, year, month_end(last[0]))
        return formulas.project_planned(done=last[1], planned=planned, denominator=last[2])
    return formulas.Projection(None, note=indicator.projection_note)


def _month_rate(indicator: Indicator, month: tuple) -> Decimal | None:
    """A month's own rate, with the state at its end for an indicator that adds it."""
    end_n, end_d, _end_x = month[5] if indicator.end_state else (0, 0, 0)
    return formulas.rate(month[1] + end_n, month[2] + end_d)


def _growths(
    now: tuple[int, int], baseline: tuple[int, int] | None
) -> tuple[Decimal | None, Decimal | None]:
    """(relative growth of the count in %, change of its share in percentage points) of
    `now` (count, denominator) on `baseline`; None where there is no baseline."""
    if baseline is None:
        return None, None
    share_then = formulas.rate(*baseline)
    return formulas.growth(now[0], baseline[0]), formulas.point_change(
        formulas.rate(*now), share_then
    )


def _declared(relative: Decimal | None, points: Decimal | None, measure: str) -> Decimal | None:
    return points if measure == "points" else relative


def judge(
    evaluation: Evaluation, *, comparator: str, threshold: Decimal, upper: Decimal | None = None
) -> Evaluation:
    evaluation.threshold, evaluation.comparator = threshold, comparator
    evaluation.met = formulas.meets(
        evaluation.value, comparator=comparator, threshold=threshold, upper=upper
    )
    evaluation.at_risk = formulas.at_risk(
        evaluation.forecast, comparator=comparator, threshold=threshold, upper=upper
    )
    if evaluation.year_complete and evaluation.met is not None:
        evaluation.at_risk = not evaluation.met  # the year's result: missed is missed
    return evaluation


def per_agency(
    code: str,
    *,
    scope: AgencyScope,
    year: int,
    through: date | None = None,
    baseline_year: int | None = None,
    first: date | None = None,
    growth_measure: str = "relative",
    levels: Collection[str] | None = None,
    units: str = AT_THE_TIME,
) -> list[dict]:
    """Numerator, denominator and value per agency (and tier) in scope over the months
    `first` (January by default) to `through`. `units`: the agencies as they were when the
    records were made (`AT_THE_TIME`), or the records re-expressed in today's units
    (`TODAY`, `_in_units_of`): a merged unit's records counted to its successor, a dissolved
    district's shared among its successors by the links' weights.

    `value` is what `evaluate` gives for the row alone: the share n/d or, for a growth
    indicator, the growth of n on `baseline`, the row's numerator at the last month with a
    snapshot in `baseline_year` (by default the year before). `levels` as in `evaluate`. A
    fixed number of queries."""
    indicator = INDICATORS[code]
    through = through or date(year, 12, 1)
    qs = snapshots(code, scope=scope, levels=levels).filter(month__year=year, month__lte=through)
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
    if indicator.end_state:
        _add_end_state(result, qs)
    if units == TODAY:
        result = _in_units_of(result, scope=scope, day=timezone.localdate())
    if not indicator.growth:
        for row in result:
            row["value"] = formulas.rate(row["n"], row["d"])
        return result
    baselines = _baselines(
        code, scope=scope, year=comparison_year(year, baseline_year), levels=levels
    )
    if units == TODAY:
        again = [{"agency_id": a, "tier": t, "n": n, "d": d, "excluded": 0, "synthetic": False,
                  "agency__name": "", "agency__level": ""}
                 for (a, t), (n, d) in baselines.items()]  # fmt: skip
        baselines = {
            (r["agency_id"], r["tier"]): (r["n"], r["d"])
            for r in _in_units_of(again, scope=scope, day=timezone.localdate())
        }
    for row in result:
        baseline = baselines.get((row["agency_id"], row["tier"]))
        row["baseline"] = baseline[0] if baseline else None
        row["relative_growth"], row["point_change"] = _growths((row["n"], row["d"]), baseline)
        row["value"] = _declared(row["relative_growth"], row["point_change"], growth_measure)
    return result


def _exact(value: Fraction) -> int | Decimal:
    if value.denominator == 1:
        return value.numerator
    return Decimal(value.numerator) / Decimal(value.denominator)


def _in_units_of(rows: list[dict], *, scope: AgencyScope, day: date) -> list[dict]:
    """`rows` (per agency and tier) re-expressed in the units running on `day`
    (`succession.shares_on`). Counts stay exact (a share of a count may be a fraction); a
    re-expressed row lists what it took from whom (`sources`). A province-wide row keeps its
    tier; any other takes its unit's. Only units in `scope` are kept: the rows themselves are
    the scope's (the records an officer inherits whole are already in its scope)."""
    shares = shares_on(day, {row["agency_id"] for row in rows})
    unit_ids = {unit for parts in shares.values() for unit in parts}
    units = {a.pk: a for a in Agency.objects.filter(pk__in=unit_ids)}
    labels = {value: str(label) for value, label in Tier.choices}
    merged: dict[tuple[int, str], dict] = {}
    for row in rows:
        for unit_id, part in shares[row["agency_id"]].items():
            unit = units[unit_id]
            if not scope.contains(unit_id):
                continue
            tier = row["tier"] if unit.level == AgencyLevel.PROVINCE else TIER_OF_LEVEL[unit.level]
            into = merged.setdefault((unit_id, tier), {
                "agency_id": unit_id, "agency__name": unit.name, "agency__code": unit.code,
                "agency__level": unit.level, "tier": tier, "tier_label": labels.get(tier, tier),
                "n": Fraction(0), "d": Fraction(0), "excluded": Fraction(0), "synthetic": False,
                "sources": [],
            })  # fmt: skip
            for key in ("n", "d", "excluded"):
                into[key] += part * (row.get(key) or 0)
            into["synthetic"] = into["synthetic"] or row.get("synthetic", False)
            if unit_id != row["agency_id"]:
                into["sources"].append((row["agency__name"], part))
    result = sorted(merged.values(), key=lambda r: r["agency__code"])
    for row in result:
        for key in ("n", "d", "excluded"):
            row[key] = _exact(row[key])
        row["sources"] = [
            (name, None if part == 1 else f"{part.numerator}/{part.denominator}")
            for name, part in row["sources"]
        ]
    return result


def _add_end_state(rows: list[dict], qs) -> None:
    """Add to each row the state at the end of its last month (`qs`: the period's snapshots),
    once, in one query."""
    last = qs.order_by("-month").values("month")[:1]
    ends = {
        (r["agency_id"], r["tier"]): r
        for r in qs.filter(month=Subquery(last))
        .values("agency_id", "tier")
        .annotate(**END_STATE)
        .order_by()
    }
    for row in rows:
        end = ends.get((row["agency_id"], row["tier"]))
        if end:
            row["n"] += end["end_n"]
            row["d"] += end["end_d"]
            row["excluded"] += end["end_x"]


def _baselines(
    code: str, *, scope: AgencyScope, year: int, levels: Collection[str] | None
) -> dict[tuple[int, str], tuple[int, int]]:
    """(numerator, denominator) per (agency, tier) at the last month of `year` with a snapshot
    in scope, in one query. The month is the scope's, as in `evaluate`, so the rows add up to
    its baseline."""
    qs = snapshots(code, scope=scope, levels=levels).filter(month__year=year)
    last = qs.order_by("-month").values("month")[:1]
    grouped = (
        qs.filter(month=Subquery(last))
        .values("agency_id", "tier")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    return {(r["agency_id"], r["tier"]): (r["n"], r["d"]) for r in grouped}
