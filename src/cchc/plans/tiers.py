"""The tiers a plan declares (cấp của kế hoạch): the one place that says which of cấp tỉnh /
cấp huyện / cấp xã a year's plan, its targets, pages, reports and PAR INDEX groups know.

Until 30/06/2025 local government had three levels; from 01/07/2025 (Law 72/2025/QH15 on the
organisation of local government) two: province and commune, the district UBND ceased. A plan
stores its tiers (`Plan.tiers`); everything that lists tiers or agency levels for a year asks
here rather than testing the year:

- `default_tiers(year)`: what a new plan of `year` starts with — the tiers in force on
  1 January of that year (a 2025 plan was issued in December 2024 for three tiers; 2026 on:
  province and commune). The reform office can tick otherwise on the plan's form.
- `tiers_of_year(year)`: the tiers of the province's plan of `year` when there is one, else the
  default — what PAR INDEX frameworks and the catalogue of a year without a plan follow.
- `levels_of(tiers)`: the agency levels those tiers hold (the provincial tier: departments and
  the UBND tỉnh), which narrows a target's applicability, the target form's choices and the
  agencies a year's PAR INDEX assesses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from cchc.organizations.models import AgencyLevel, Tier

ALL_TIERS: tuple[str, ...] = tuple(Tier.values)
TWO_TIERS: tuple[str, ...] = (Tier.PROVINCE, Tier.COMMUNE)
# The first day of two-level local government (Law 72/2025/QH15, in force 01/07/2025).
TWO_LEVEL_SINCE = date(2025, 7, 1)

# The agency levels a target can name (Target.scope_levels) under each tier.
LEVELS_OF_TIER: dict[str, tuple[str, ...]] = {
    Tier.PROVINCE: (AgencyLevel.DEPARTMENT,),
    Tier.DISTRICT: (AgencyLevel.DISTRICT,),
    Tier.COMMUNE: (AgencyLevel.COMMUNE,),
}
# "cấp tỉnh", "cấp huyện", "cấp xã": as a sentence names a tier.
TIER_WORDS: dict[str, str] = {
    Tier.PROVINCE: "cấp tỉnh",
    Tier.DISTRICT: "cấp huyện",
    Tier.COMMUNE: "cấp xã",
}
# How a plan's wording names a tier's agencies ("UBND các huyện, thành phố", "cấp huyện"): a
# copied target whose text still names a tier its new plan lacks is pointed out for rewording.
MENTIONS: dict[str, re.Pattern[str]] = {
    Tier.PROVINCE: re.compile(r"\b(cấp tỉnh|sở, ban, ngành)", re.IGNORECASE),
    Tier.DISTRICT: re.compile(r"\bhuyện\b", re.IGNORECASE),
    Tier.COMMUNE: re.compile(r"\b(cấp xã|xã, phường)", re.IGNORECASE),
}


def all_tiers() -> list[str]:
    """The model's default: a plan stored before plans declared tiers had all three."""
    return list(ALL_TIERS)


def default_tiers(year: int | None) -> list[str]:
    """The tiers a new plan of `year` starts with: those in force on 1 January of the year."""
    if year is not None and date(year, 1, 1) >= TWO_LEVEL_SINCE:
        return list(TWO_TIERS)
    return list(ALL_TIERS)


def ordered(tiers: Iterable[str]) -> list[str]:
    """`tiers` without repeats, in the order province, district, commune; unknown values
    are kept out (a caller that must refuse them checks `unknown` first)."""
    wanted = set(tiers)
    return [tier for tier in ALL_TIERS if tier in wanted]


def unknown(tiers: Iterable[str]) -> list[str]:
    return [tier for tier in tiers if tier not in ALL_TIERS]


def levels_of(tiers: Iterable[str]) -> frozenset[str]:
    """The agency levels a target can name under `tiers` (department for the province's)."""
    return frozenset(level for tier in ordered(tiers) for level in LEVELS_OF_TIER[tier])


def words(tiers: Iterable[str]) -> str:
    """ "cấp tỉnh và cấp xã", "cấp tỉnh, cấp huyện và cấp xã"."""
    names = [TIER_WORDS[tier] for tier in ordered(tiers)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " và " + names[-1]


def label(tier: str) -> str:
    return str(Tier(tier).label)


def choices(tiers: Iterable[str]) -> list[tuple[str, str]]:
    """(value, "Cấp tỉnh") pairs of `tiers`, in order: what a form offers for a plan."""
    return [(tier, label(tier)) for tier in ordered(tiers)]


def reporting_levels(tiers: Iterable[str]) -> tuple[str, ...]:
    """The agencies that send the province their periodic report: the departments, and the
    UBND of the tier right below the province — district where the plan has cấp huyện (its
    communes report to it), else commune."""
    below = AgencyLevel.DISTRICT if Tier.DISTRICT in tiers else AgencyLevel.COMMUNE
    return (AgencyLevel.DEPARTMENT, below)


def tiers_of_year(year: int) -> list[str]:
    """The tiers of the plan of `year` (one province per installation), else the default."""
    from cchc.plans.models import Plan

    stored = Plan.objects.filter(year=year).values_list("tiers", flat=True).first()
    return ordered(stored) if stored else default_tiers(year)


def levels_of_year(year: int) -> frozenset[str]:
    return levels_of(tiers_of_year(year))
