"""Who inherits what when agencies are reorganised (`AgencySuccession` links).

A successor inherits a predecessor's records — its officers see them, figures "by today's
units" count them to it — when it is the predecessor's only successor (a merger, a rename).
A predecessor with several successors (a district dissolved into its communes, a split) is
inherited by none of them whole: figures share its records by the links' weights, and no
successor's officer reads them (they would see the other successors' part too)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from fractions import Fraction

from cchc.organizations.models import Agency, AgencySuccession


def succession_graph() -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """(successors of each predecessor, predecessors of each successor)."""
    successors: dict[int, set[int]] = defaultdict(set)
    predecessors: dict[int, set[int]] = defaultdict(set)
    for old, new in AgencySuccession.objects.values_list("predecessor_id", "successor_id"):
        successors[old].add(new)
        predecessors[new].add(old)
    return successors, predecessors


def inherited_ids(agency_ids: Iterable[int]) -> set[int]:
    """The agencies whose records `agency_ids` inherit whole, through any chain of sole
    successions (a commune merged in 2025 whose own predecessor was merged in 2020)."""
    successors, predecessors = succession_graph()
    found: set[int] = set()
    todo = list(agency_ids)
    while todo:
        current = todo.pop()
        for old in predecessors.get(current, ()):
            if old not in found and successors[old] == {current}:
                found.add(old)
                todo.append(old)
    return found


def successor_names(agency_ids: Iterable[int]) -> dict[int, str]:
    """Each agency's successors as a sentence names them: "Xã Mường Kim (mã NQ1670-01)"."""
    names: dict[int, list[str]] = defaultdict(list)
    links = (
        AgencySuccession.objects.filter(predecessor_id__in=list(agency_ids))
        .select_related("successor")
        .order_by("successor__code")
    )
    for link in links:
        names[link.predecessor_id].append(f"{link.successor.name}, mã {link.successor.code}")
    return {pk: "; ".join(found) for pk, found in names.items()}


def shares_on(day: date, agency_ids: Iterable[int] | None = None) -> dict[int, dict[int, Fraction]]:
    """Each agency's records, expressed in the units running on `day`: {unit: share}. A unit
    running that day is itself (share 1); an ended one passes to its successors in proportion
    to the links' weights, along chains of changes (a commune merged in 2020, then in 2025),
    so the shares of an agency always add up to 1. An ended agency nobody succeeded stays
    itself (its records are not lost, nor given to a unit that did not take them).
    `agency_ids`: only these (None: every agency)."""
    agencies = Agency.objects.all()
    if agency_ids is not None:
        agencies = agencies.filter(pk__in=list(agency_ids))
    links: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for old, new, weight in AgencySuccession.objects.filter(effective_on__lte=day).values_list(
        "predecessor_id", "successor_id", "weight"
    ):
        links[old].append((new, weight))
    running = set(Agency.objects.active_on(day).values_list("pk", flat=True))
    memo: dict[int, dict[int, Fraction]] = {}

    def shares(pk: int, path: frozenset[int]) -> dict[int, Fraction]:
        if pk in memo:
            return memo[pk]
        found: dict[int, Fraction]
        if pk in running or not links.get(pk) or pk in path:
            found = {pk: Fraction(1)}
        else:
            total = sum(weight for _, weight in links[pk])
            summed: dict[int, Fraction] = defaultdict(Fraction)
            for successor, weight in links[pk]:
                for unit, part in shares(successor, path | {pk}).items():
                    summed[unit] += Fraction(weight, total) * part
            found = dict(summed)
        memo[pk] = found
        return found

    return {pk: shares(pk, frozenset()) for pk in agencies.values_list("pk", flat=True)}
