"""Proposing which agencies to inspect this year (pure: no database, no clock).

Target 1 of plan 4345/KH-UBND asks that at least 30% of departments and district UBND be
inspected. The proposal covers at least that share (rounded up) and ranks candidates by what
makes an inspection most useful, each reason written out so the reform office can explain
the choice:
  1. overdue reform tasks (more first);
  2. a low PAR INDEX result last year (lower first; agencies without a result come after);
  3. not inspected last year (before those inspected last year);
  4. the agency code, so that the proposal is stable.
Agencies already inspected this year count towards the share and are not proposed again."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from cchc.core.formatting import format_percent
from cchc.organizations.models import AgencyLevel

# The agencies target 1 counts when the target names no level (`Target.scope_levels`): its
# wording in plan 4345 — departments and district UBND, no communes. The indicator registry
# declares it as INSPECTION_COVERAGE's default; the proposal below uses the same.
TARGET_LEVELS = frozenset({AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT})
INSPECTED_LEVELS = frozenset({AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT, AgencyLevel.COMMUNE})


def target_levels(scope_levels, within=INSPECTED_LEVELS) -> frozenset[str]:
    """The levels a target on inspections counts: its own, else `TARGET_LEVELS` — within the
    levels of its plan's tiers (`within`; a two-tier plan has no district UBND to inspect)."""
    within = frozenset(within) & INSPECTED_LEVELS
    return frozenset(scope_levels or ()) & within or TARGET_LEVELS & within or within


@dataclass(frozen=True)
class Candidate:
    agency_id: int
    code: str
    name: str
    overdue_tasks: int = 0
    par_index: Decimal | None = None  # last year's index (%), None when not known
    inspected_last_year: bool = False
    inspected_this_year: bool = False


@dataclass
class Proposal:
    candidate: Candidate
    reasons: list[str] = field(default_factory=list)


def required_count(total: int, share: Decimal) -> int:
    """Inspections needed to reach `share` (%) of `total` agencies, rounded up."""
    return math.ceil(Decimal(total) * share / 100)


def _reasons(c: Candidate) -> list[str]:
    reasons = []
    if c.overdue_tasks:
        reasons.append(f"{c.overdue_tasks} nhiệm vụ CCHC quá hạn")
    if c.par_index is not None:
        reasons.append(f"Chỉ số CCHC năm trước {format_percent(c.par_index, 2)}")
    else:
        reasons.append("chưa có kết quả Chỉ số CCHC năm trước")
    reasons.append(
        "đã được kiểm tra năm trước" if c.inspected_last_year else "chưa được kiểm tra năm trước"
    )
    return reasons


def propose(candidates: Sequence[Candidate], *, share: Decimal) -> tuple[list[Proposal], int, int]:
    """(proposals in order, number required, number already inspected this year)."""
    needed = required_count(len(candidates), share)
    done = sum(1 for c in candidates if c.inspected_this_year)
    pool = [c for c in candidates if not c.inspected_this_year]
    pool.sort(
        key=lambda c: (
            -c.overdue_tasks,
            c.par_index is None,
            c.par_index if c.par_index is not None else Decimal(0),
            c.inspected_last_year,
            c.code,
        )
    )
    chosen = pool[: max(needed - done, 0)]
    return [Proposal(c, _reasons(c)) for c in chosen], needed, done
