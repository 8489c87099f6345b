"""Published PAR INDEX results (Chỉ số CCHC, issue 18).

Who reads what follows the results page exactly (`parindex.selectors.results_visible`): a
published result is public information that every role reads, so any reading token gets the
whole published ranking of every group; a result not (or no longer) published is never in this
answer, whoever asks — the provisional table stays on the pages. Figures are the stored results
(`parindex.services.results.results_compute`), shown to the framework's display decimals, half up,
as
the page and the published annex show them; ranks and classes were decided on exact values.
Points per criterion area are the same scoring (`parindex.scoring.total`) applied to the
area's criteria."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.api import serializers as s
from cchc.organizations.models import AgencyLevel
from cchc.organizations.selectors import scope_for
from cchc.parindex import scoring
from cchc.parindex import selectors as parindex
from cchc.parindex.models import AssessmentStatus, Criterion, Framework, Result

# The order the results page shows its groups in.
GROUP_ORDER = (AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT, AgencyLevel.COMMUNE)


def _areas(framework: Framework) -> tuple[list[Criterion], dict[str, str]]:
    """The framework's criterion areas, as its assessment sheet heads them (a single root is
    the framework itself: the areas are its children), and each criterion's area code."""
    tree = parindex.criteria_tree(framework)
    roots = [c for c in tree if c.parent_id is None]
    tops = roots
    if len(roots) == 1 and not roots[0].is_leaf:  # type: ignore[attr-defined]
        tops = [c for c in tree if c.parent_id == roots[0].pk]
    top_ids = {c.pk for c in tops}
    by_id = {c.pk: c for c in tree}
    area_of = {}
    for criterion in tree:
        current = criterion
        while current.pk not in top_ids and current.parent_id is not None:
            current = by_id[current.parent_id]
        if current.pk in top_ids:
            area_of[criterion.code] = current.code
    return tops, area_of


def _shown(value: Decimal | None, places: int) -> str | None:
    return None if value is None else str(scoring.round_points(value, places))


def _row(result: Result, areas: list[Criterion], lines: list, places: int) -> dict:
    by_area: dict[str, list] = defaultdict(list)
    for line, area in lines:
        by_area[area].append(line)
    area_scores = []
    for area in areas:
        totals = scoring.total(by_area.get(area.code, ()))
        area_scores.append({"code": area.code, "points": _shown(totals.total, places),
                            "maximum": _shown(totals.maximum, places)})  # fmt: skip
    agency = result.assessment.agency
    return {
        "rank": result.rank,
        "agency": {"code": agency.code, "name": agency.name},
        **{name: _shown(getattr(result, name), places) for name in (
            "self_total", "appraised_total", "survey_total", "bonus", "penalty", "total",
            "maximum", "index")},
        "classification": result.classification,
        "published_at": result.assessment.published_at,
        "synthetic": result.assessment.synthetic,
        "areas": area_scores,
    }  # fmt: skip


def framework_results(framework: Framework, scope) -> dict | None:
    """The framework's published results for a reader, by group; None when none is published."""
    results = list(
        parindex.results_visible(framework=framework, scope=scope).filter(
            assessment__status=AssessmentStatus.PUBLISHED
        )
    )
    if not results:
        return None
    places = framework.display_places
    areas, area_of = _areas(framework)
    inputs = parindex.scoring_inputs(framework)
    by_group: dict[str, list[dict]] = defaultdict(list)
    for result in results:
        lines = [(line, area_of.get(line.code)) for line in inputs[result.assessment_id].lines]
        by_group[result.rank_group].append(_row(result, areas, lines, places))
    return {
        "code": framework.code,
        "title": framework.title,
        "group": framework.group,
        "group_label": framework.group_label,
        "par_index": framework.par_index,
        "illustrative": framework.illustrative,
        "display_places": places,
        "band_basis": framework.band_basis,
        "areas": [
            {"code": a.code, "title": a.title, "max_points": _shown(a.max_points, places)}
            for a in areas
        ],
        "groups": [
            {"level": level.value, "label": str(level.label), "results": by_group[level]}
            for level in GROUP_ORDER
            if by_group.get(level)
        ],
    }


class ParIndexResults(APIView):
    """The year's published PAR INDEX results, per framework and group, ranked: totals,
    index, class, and points per criterion area, to the framework's display decimals. Every
    reading token reads the whole published ranking, as every role does on the results page;
    nothing unpublished is here."""

    @extend_schema(responses=s.ParIndexYearSerializer)
    def get(self, request, year: int):
        scope = scope_for(request.user)
        found = (
            framework_results(framework, scope)
            for framework in Framework.objects.filter(year=year).order_by("code", "group")
        )
        data = {"year": year, "frameworks": [f for f in found if f is not None]}
        return Response(s.ParIndexYearSerializer(data).data)
