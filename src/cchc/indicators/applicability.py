"""Which agencies a target's figure counts (đối tượng áp dụng): the one place that decides it.

A target names agency levels in `Target.scope_levels` ("department", "district", "commune");
an indicator declares in the registry what it counts when a target names none
(`Indicator.applies_to`, today's behaviour); both are kept within the tiers the target's plan
declares (`Plan.tiers`, plans.tiers): a two-tier plan (2026 on) counts no district UBND. Snapshots are stored for every agency an
indicator can measure, and the figure of a target reads only the rows of its levels: the
filter is applied when snapshots are read (`indicators.selectors.snapshots`), so the
dashboard, a target's page, its Excel, its records and the periodic reports agree, and a
target whose levels change needs no recomputation (ADR "a target's applicability filters its
figures when they are read").

Two readings of a level:
- rows stored per agency (dossiers, work records, inspections, …) are kept when their
  agency's level is named; the UBND tỉnh itself counts with the provincial level
  ("department": cấp tỉnh), where an indicator stores any row on it;
- the procedure catalogue, stored on the province with the authority tier of each procedure
  (`per_agency=False`), is kept by tier: "department" is the provincial tier (cấp tỉnh)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db.models import Q

from cchc.organizations.models import TIER_OF_LEVEL, Agency, AgencyLevel, level_words

# The levels a target can name, in the order the pages list them.
LEVELS: tuple[str, ...] = (AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT, AgencyLevel.COMMUNE)
ALL: frozenset[str] = frozenset(LEVELS)

_TIER_WORDS: dict[str, str] = {
    AgencyLevel.DEPARTMENT: "cấp tỉnh",
    AgencyLevel.DISTRICT: "cấp huyện",
    AgencyLevel.COMMUNE: "cấp xã",
}


def levels_of(
    indicator, scope_levels: Iterable[str] | None = None, plan_levels: Collection[str] = ALL
) -> frozenset[str]:
    """The levels a figure of `indicator` counts: the target's own (`scope_levels`) when it
    names any, else the indicator's default — within the levels of its plan's tiers
    (`plan_levels`, plans.tiers: a plan without cấp huyện counts no district UBND). Values
    that are not a level a target can name are ignored (the form offers only these three)."""
    within = frozenset(plan_levels) & ALL
    named = frozenset(scope_levels or ()) & within
    return named or indicator.applies_to & within or within


def of_target(target, indicator) -> frozenset[str]:
    return levels_of(indicator, target.scope_levels, target.plan.agency_levels)


def _agency_levels(levels: Collection[str]) -> list[str]:
    """The agency levels kept: the UBND tỉnh counts with the provincial level."""
    kept = [level for level in LEVELS if level in levels]
    if AgencyLevel.DEPARTMENT in levels:
        kept.append(AgencyLevel.PROVINCE)
    return kept


def _tiers(levels: Collection[str]) -> list[str]:
    return sorted({TIER_OF_LEVEL[AgencyLevel(level)] for level in levels})


def snapshot_q(indicator, levels: Collection[str]) -> Q:
    """The snapshots of `indicator` a figure over `levels` reads; Q() when it reads them all.
    Rows stored per agency are kept by their agencies' ids, read first from the small agency
    table: a join to it let PostgreSQL loop over the agencies for every snapshot row while
    the tables' statistics were stale (measured in docs/benchmarks.md, 06/12/2026)."""
    if frozenset(levels) >= ALL:
        return Q()
    if not indicator.per_agency:
        return Q(tier__in=_tiers(levels))
    ids = Agency.objects.filter(level__in=_agency_levels(levels)).values_list("pk", flat=True)
    return Q(agency_id__in=list(ids))


def agency_q(levels: Collection[str], field: str = "level") -> Q:
    """The agencies (an Agency queryset, or `field` a path to an agency's level) of `levels`."""
    if frozenset(levels) >= ALL:
        return Q()
    return Q(**{f"{field}__in": _agency_levels(levels)})


def counts(indicator, levels: Collection[str], *, agency_level: str, tier: str) -> bool:
    """Whether a row of an agency of `agency_level` (and `tier`) is part of the figure: the
    records page opens only the records behind a counted row."""
    if frozenset(levels) >= ALL:
        return True
    if not indicator.per_agency:
        return tier in _tiers(levels)
    return agency_level in _agency_levels(levels)


def words(indicator, levels: Collection[str]) -> str:
    """What the page says is counted: "sở, ban, ngành; UBND cấp huyện", or for the
    catalogue "thủ tục thuộc thẩm quyền cấp tỉnh; cấp huyện"."""
    ordered = [level for level in LEVELS if level in levels]
    if not indicator.per_agency:
        return "thủ tục thuộc thẩm quyền " + "; ".join(_TIER_WORDS[lv] for lv in ordered)
    return level_words(ordered)
