"""Target 2's indicator, PAR_INDEX_COVERAGE, measured from published PAR INDEX results.

Declared in `indicators.registry`; this app supplies the extractor (AppConfig.ready) because
it depends on the indicators app, not the other way round. Definition: docs/kpi/PAR_INDEX_COVERAGE.md."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cchc.indicators.extraction import Row, Window
from cchc.organizations.models import TIER_OF_LEVEL, Agency, AgencyLevel
from cchc.parindex.models import Assessment

CODE = "PAR_INDEX_COVERAGE"
# Departments (the Ma Lù Thàng board among them), district and commune UBND.
ASSESSED_LEVELS = (AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT, AgencyLevel.COMMUNE)


def par_index_coverage(window: Window) -> Iterable[Row]:
    """Stock, one state per year: for each agency of the assessed levels active on 31
    December, 1/1 when a PAR INDEX framework of that year has published its result, else 0/1.
    The result of year N is published early in N+1, so every month of N carries the same
    state (the value of the year's assessment as known now). No rows at all while no result
    of the year is published anywhere: the target has no data yet."""
    agencies = Agency.objects.filter(window.agency_q("pk"), level__in=ASSESSED_LEVELS)
    for year in window.years:
        active = list(agencies.active_on(date(year, 12, 31)).values_list("pk", "level"))
        published = set(
            Assessment.objects.filter(
                framework__year=year,
                framework__par_index=True,
                published_at__isnull=False,
                agency_id__in=[pk for pk, _ in active],
            ).values_list("agency_id", flat=True)
        )
        if not published and not _any_published(year):
            continue  # no results yet for the year: "chưa có dữ liệu", not 0 %
        # As synthetic as the published results it is read from (the demo's PAR INDEX year).
        synthetic = Assessment.objects.filter(
            framework__year=year, framework__par_index=True, published_at__isnull=False,
            synthetic=True,
        ).exists()  # fmt: skip
        for month in (m for m in window.months if m.year == year):
            for agency_id, level in active:
                yield Row(agency_id, TIER_OF_LEVEL[level], month, int(agency_id in published), 1,
                          synthetic)  # fmt: skip


def _any_published(year: int) -> bool:
    return Assessment.objects.filter(
        framework__year=year, framework__par_index=True, published_at__isnull=False
    ).exists()


def refresh(year: int) -> None:
    """Recompute the indicator's snapshots of `year` for every agency (after publication or
    a reopen)."""
    from cchc.indicators.services import snapshots_refresh

    snapshots_refresh(agency_ids=None, years=[year], codes=[CODE])
