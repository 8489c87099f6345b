"""What the targets dashboard shows: each target of a plan evaluated for the user's scope,
overall and per tier, judged against its thresholds. Reads snapshots only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.db.models import Max

from cchc.indicators import applicability, figures_cache
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.registry import INDICATORS
from cchc.indicators.selectors import Evaluation, evaluate, judge
from cchc.organizations.models import Tier
from cchc.organizations.scope import AgencyScope
from cchc.plans.models import Plan, Target

# A verdict as the pages word and colour it.
STATUS_LABELS = {
    "met": ("Đạt", "success"),
    "at_risk": ("Đạt, nhưng dự báo không giữ được", "warning"),
    "missed": ("Chưa đạt, dự báo không đạt", "danger"),
    "pending": ("Chưa đạt, dự báo đạt", "info"),
    "open": ("Chưa đạt, chưa đủ cơ sở dự báo", "light"),
    "no_data": ("Chưa có dữ liệu", "secondary"),
}
YEAR_MISSED = ("Không đạt (số liệu cả năm)", "danger")


@dataclass
class TargetStatus:
    target: Target
    overall: Evaluation | None
    tiers: list[tuple[str, Evaluation]] = field(default_factory=list)
    # The same thing by another definition (the on-time rate of Decision 766 beside that of
    # Decree 61/107), shown beside the overall figure; not judged.
    variant: Evaluation | None = None
    # The agency levels the figures count: the target's own, else the indicator's default.
    levels: frozenset[str] = frozenset()

    @property
    def levels_words(self) -> str:
        """ "sở, ban, ngành; UBND cấp huyện": what the page says is counted."""
        if not self.levels or self.target.indicator_code not in INDICATORS:
            return ""
        return applicability.words(INDICATORS[self.target.indicator_code], self.levels)

    @property
    def _judged(self) -> list[Evaluation]:
        """The figures the verdict rests on: each tier's where the plan sets tiers."""
        return [e for _label, e in self.tiers] or ([self.overall] if self.overall else [])

    @property
    def status(self) -> str:
        """ "met", "at_risk", "missed", "pending" (not met yet, projected to be), "open" (not
        met yet, and no projection supports a call) or "no_data"."""
        judged = self._judged
        if not judged or all(e.value is None for e in judged):
            return "no_data"
        if any(e.met is False and e.at_risk for e in judged):
            return "missed"
        if any(e.at_risk for e in judged):
            return "at_risk"
        if all(e.met for e in judged if e.value is not None):
            return "met"
        if any(e.met is False and e.at_risk is None for e in judged):
            return "open"
        return "pending"

    @property
    def verdict(self) -> tuple[str, str]:
        """The status as the pages word and colour it; a miss on the year's complete data is
        said as the year's result, not as a forecast."""
        judged = self._judged
        if self.status == "missed" and all(e.year_complete for e in judged if e.value is not None):
            return YEAR_MISSED
        return STATUS_LABELS[self.status]

    @property
    def synthetic(self) -> bool:
        return bool(self.overall and self.overall.synthetic)


def synthetic_words(statuses: list[TargetStatus]) -> str:
    """The sentence naming the targets whose own figures come from synthetic (demo) data, ""
    when none do: one demo source marks the figures read from it, not the whole page."""
    labels = [s.target.label for s in statuses if s.synthetic]
    if not labels:
        return ""
    subject = f"Chỉ tiêu {labels[0]}" if len(labels) == 1 else f"Các chỉ tiêu {', '.join(labels)}"
    rest = "" if len(labels) == len(statuses) else "; các chỉ tiêu khác tính từ số liệu đã nạp"
    return (
        f"{subject} tính từ dữ liệu mô phỏng do hệ thống sinh ra để dùng thử, không phải số "
        f"liệu thật của tỉnh{rest}."
    )


def data_through(year: int) -> date | None:
    """The last month of `year` for which any snapshot exists: snapshots stop at each source's
    last month with data (`Indicator.data_through`), so this is the latest month any figure
    holds data for."""
    return IndicatorSnapshot.objects.filter(month__year=year).aggregate(m=Max("month"))["m"]


def data_through_remembered(year: int, *, gen: int) -> date | None:
    """`data_through(year)`, kept under the figures generation `gen` (ADR 0005)."""
    return figures_cache.remembered(("through", year), partial(data_through, year), gen=gen)


def target_status(
    target: Target,
    *,
    scope: AgencyScope,
    year: int,
    through: date | None,
    first: date | None = None,
) -> TargetStatus:
    """The target judged over the months `first` (January by default) to `through`, on the
    agencies of its applicability (`applicability.of_target`)."""
    code = target.indicator_code
    if code not in INDICATORS:
        return TargetStatus(target=target, overall=None)
    levels = applicability.of_target(target, INDICATORS[code])
    thresholds = list(target.thresholds.all())
    overall = evaluate(
        code, scope=scope, year=year, through=through, baseline_year=target.baseline_year,
        first=first, growth_measure=target.growth_measure, levels=levels,
    )  # fmt: skip
    status = TargetStatus(target=target, overall=overall, levels=levels)
    if INDICATORS[code].variant:
        status.variant = evaluate(
            INDICATORS[code].variant, scope=scope, year=year, through=through, first=first,
            levels=levels,
        )  # fmt: skip
    general = [t for t in thresholds if not t.tier]
    if general:
        judge(
            overall,
            comparator=target.comparator,
            threshold=general[0].value,
            upper=general[0].upper,
        )
    for threshold in sorted(
        (t for t in thresholds if t.tier), key=lambda t: Tier.values.index(t.tier)
    ):
        evaluation = evaluate(
            code, scope=scope, year=year, through=through, tier=threshold.tier,
            baseline_year=target.baseline_year, first=first,
            growth_measure=target.growth_measure, levels=levels,
        )  # fmt: skip
        judge(
            evaluation,
            comparator=target.comparator,
            threshold=threshold.value,
            upper=threshold.upper,
        )
        status.tiers.append((threshold.get_tier_display(), evaluation))
    return status


def plan_statuses(
    plan: Plan, *, scope: AgencyScope, through: date | None, first: date | None = None
) -> list[TargetStatus]:
    targets = plan.targets.prefetch_related("thresholds").order_by("number", "part")
    return [
        target_status(t, scope=scope, year=plan.year, through=through, first=first) for t in targets
    ]
