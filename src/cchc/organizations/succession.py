"""Who inherits what when agencies are reorganised (`AgencySuccession` links).

A successor inherits a predecessor's records — its officers see them, figures "by today's
units" count them to it — when it is the predecessor's only successor (a merger, a rename).
A predecessor with several successors (a district dissolved into its communes, a split) is
inherited by none of them whole: figures share its records by the links' weights, and no
successor's officer reads them (they would see the other successors' part too)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from cchc.organizations.models import AgencySuccession


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
