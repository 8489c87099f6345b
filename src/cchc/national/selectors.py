"""Our figures beside the published Decision 766 figures, for a reader's scope and a month.

Our value is the indicator's value for the chosen month alone — what the target page shows
with the period "Tháng" — computed by the indicator selectors (`evaluate` for the province,
`per_agency` for an agency), from the same snapshots. Decision 766 publishes monthly results,
so both sides count the same month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cchc.indicators import formulas
from cchc.indicators.registry import INDICATORS, Indicator, NationalMapping
from cchc.indicators.selectors import evaluate, per_agency
from cchc.national import framework
from cchc.national.models import ComparisonSetting, NationalFigure
from cchc.organizations.models import AgencyLevel
from cchc.organizations.scope import AgencyScope

DEFAULT_THRESHOLD = Decimal(5)


@dataclass
class Compared:
    """One agency's (or the province's) figure of one indicator: ours and the published one."""

    agency_id: int
    agency_name: str
    agency_code: str
    province: bool
    published: Decimal
    ours: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    synthetic: bool = False
    difference: Decimal | None = None  # ours − published, in percentage points
    flagged: bool = False
    difference_text: str = ""  # the difference as the page reads it (views.signed)


@dataclass
class IndicatorComparison:
    indicator: Indicator
    mapping: NationalMapping
    national_title: str
    rows: list[Compared] = field(default_factory=list)

    @property
    def flagged(self) -> int:
        return sum(row.flagged for row in self.rows)


def mapped() -> list[Indicator]:
    """Our indicators that Decision 766 also computes (`Indicator.national_766`), in the
    order of the national codes (the decision's groups)."""
    found = [i for i in INDICATORS.values() if i.national_766 is not None]
    return sorted(found, key=lambda i: [int(p) for p in mapping_of(i).code.split(".")])


def mapping_of(indicator: Indicator) -> NationalMapping:
    """The Decision 766 mapping of an indicator `mapped()` returned (so it has one)."""
    assert indicator.national_766 is not None, "mapped() keeps only the indicators with one"
    return indicator.national_766


def threshold_setting() -> ComparisonSetting:
    """The stored setting, or (before the office sets one) the default, unsaved."""
    return ComparisonSetting.objects.order_by("pk").first() or ComparisonSetting(
        threshold=DEFAULT_THRESHOLD
    )


def published_months(scope: AgencyScope) -> list[date]:
    """The months with a published figure the scope may read, the latest first."""
    return list(
        NationalFigure.objects.visible_to(scope)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )


def difference_of(ours: Decimal | None, published: Decimal) -> Decimal | None:
    return None if ours is None else ours - published


def is_flagged(difference: Decimal | None, threshold: Decimal) -> bool:
    """A difference is flagged when it exceeds the threshold either way (equal is not)."""
    return difference is not None and abs(difference) > threshold


def comparison(
    *, scope: AgencyScope, month: date, threshold: Decimal, agency_id: int | None = None
) -> list[IndicatorComparison]:
    """Per mapped indicator, each published figure of `month` the scope may read (of one
    agency with `agency_id`) beside ours. The province's published figure is compared with
    ours for the whole province, which only a province-wide scope reads."""
    month = month.replace(day=1)
    indicators = mapped()
    figures = (
        NationalFigure.objects.visible_to(scope)
        .filter(month=month, indicator__in=[mapping_of(i).code for i in indicators])
        .select_related("agency")
        .order_by("agency__code")
    )
    if agency_id is not None:
        figures = figures.filter(agency_id=agency_id)
    by_code: dict[str, list[NationalFigure]] = defaultdict(list)
    for figure in figures:
        by_code[figure.indicator].append(figure)
    titles = framework.indicators()
    result = []
    for indicator in indicators:
        mapping = mapping_of(indicator)
        published = by_code.get(mapping.code, [])
        block = IndicatorComparison(indicator, mapping, titles.get(mapping.code, ""))
        if published:
            ours = _ours_per_agency(indicator, scope=scope, month=month)
            for figure in sorted(published, key=lambda f: f.agency.level != AgencyLevel.PROVINCE):
                row = Compared(
                    agency_id=figure.agency_id, agency_name=figure.agency.name,
                    agency_code=figure.agency.code,
                    province=figure.agency.level == AgencyLevel.PROVINCE,
                    published=figure.value,
                )  # fmt: skip
                if row.province:
                    if scope.sees_all:
                        e = evaluate(indicator.code, scope=scope, year=month.year, through=month,
                                     first=month)  # fmt: skip
                        row.ours, row.numerator, row.denominator = (
                            e.value,
                            e.numerator,
                            e.denominator,
                        )
                        row.synthetic = e.synthetic
                elif figure.agency_id in ours:
                    n, d, synthetic = ours[figure.agency_id]
                    row.ours, row.numerator, row.denominator = formulas.rate(n, d), n, d
                    row.synthetic = synthetic
                row.difference = difference_of(row.ours, row.published)
                row.flagged = is_flagged(row.difference, threshold)
                block.rows.append(row)
        result.append(block)
    return result


def _ours_per_agency(
    indicator: Indicator, *, scope: AgencyScope, month: date
) -> dict[int, tuple[int, int, bool]]:
    """(numerator, denominator, synthetic) of each agency in scope for `month` alone, its
    tiers summed (an agency's rows are of its own tier but the province's)."""
    summed: dict[int, tuple[int, int, bool]] = {}
    for row in per_agency(indicator.code, scope=scope, year=month.year, through=month, first=month):
        n, d, synthetic = summed.get(row["agency_id"], (0, 0, False))
        summed[row["agency_id"]] = (n + row["n"], d + row["d"], synthetic or row["synthetic"])
    return summed
