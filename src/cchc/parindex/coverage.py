"""Target 2's indicator, PAR_INDEX_COVERAGE, measured from published PAR INDEX results.

Declared in `indicators.registry`; this app supplies the extractor (AppConfig.ready) because
it depends on the indicators app, not the other way round. Definition: docs/kpi/PAR_INDEX_COVERAGE.md."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Max
from django.utils import timezone

from cchc.core.formatting import format_date, format_number
from cchc.indicators.extraction import Row, Window
from cchc.indicators.periods import month_within
from cchc.indicators.records import Listing
from cchc.organizations.models import TIER_OF_LEVEL, Agency, AgencyLevel
from cchc.parindex.models import Assessment

CODE = "PAR_INDEX_COVERAGE"
# Departments (the Ma Lù Thàng board among them), district and commune UBND.
ASSESSED_LEVELS = (AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT, AgencyLevel.COMMUNE)


def published_results(assessed: int):
    """The results of year `assessed` published under a PAR INDEX framework: what target 2 of
    plan year `assessed` + 1 counts (`par_index_coverage`) and lists (`par_index_records`)."""
    return Assessment.objects.filter(
        framework__year=assessed, framework__par_index=True, published_at__isnull=False
    )


def par_index_coverage(window: Window) -> Iterable[Row]:
    """Stock, one state per year. Year N's target reads the assessment *of year N − 1*: a
    year's PAR INDEX is self-assessed, appraised and published in the first half of the next
    year, so the assessment organised during plan year N (the plan's own task: "tổ chức đánh
    giá, xếp hạng Chỉ số CCHC năm 2021" in the 2022 plan) is the one of N − 1 (ADR 0008).
    For each agency of the assessed levels active on 31 December of N − 1: 1/1 when a PAR
    INDEX framework of N − 1 has published its result, else 0/1; every month of N carries the
    same state (as known now). No rows at all while no result of N − 1 is published anywhere:
    the target has no data yet."""
    agencies = Agency.objects.filter(window.agency_q("pk"), level__in=ASSESSED_LEVELS)
    for year in window.years:
        assessed = year - 1
        active = list(agencies.active_on(date(assessed, 12, 31)).values_list("pk", "level"))
        results = published_results(assessed)
        published = set(
            results.filter(agency_id__in=[pk for pk, _ in active]).values_list(
                "agency_id", flat=True
            )
        )
        if not published and not results.exists():
            continue  # no results yet: "chưa có dữ liệu", not 0 %
        # As synthetic as the published results it is read from (the demo's PAR INDEX year).
        synthetic = results.filter(synthetic=True).exists()
        for month in (m for m in window.months if m.year == year):
            for agency_id, level in active:
                yield Row(agency_id, TIER_OF_LEVEL[level], month, int(agency_id in published), 1,
                          synthetic)  # fmt: skip


def par_index_through(year: int) -> date | None:
    """The last month of plan year `year` whose state is known: the month of the latest
    publication of year N − 1's results, kept within `year` (published after it: December;
    before it: January). None while nothing is published."""
    latest = published_results(year - 1).aggregate(at=Max("published_at"))["at"]
    return None if latest is None else month_within(latest, year)


def par_index_records(agency_id: int, tier: str, first: date, end: date) -> tuple[Any, None]:
    """The numerator's records: the agency's results of year N − 1 published under a PAR
    INDEX framework (its denominator is the agency itself)."""
    return published_results(end.year - 1).filter(agency_id=agency_id), None


def _published_on(assessment: Assessment) -> str:
    return f"{format_date(timezone.localtime(assessment.published_at))}"


def _result(assessment: Assessment, field: str):
    result = getattr(assessment, "result", None)
    return getattr(result, field, None) if result else None


LISTING = Listing(
    "kết quả đã công bố",
    (("Bộ tiêu chí", lambda o: o.framework.title), ("Năm đánh giá", lambda o: str(o.framework.year)),
     ("Chỉ số (%)", lambda o: format_number(_result(o, "index"), o.framework.display_places,
                                            fixed=True)),
     ("Xếp hạng", lambda o: _result(o, "rank")), ("Xếp loại", lambda o: _result(o, "classification")),
     ("Công bố ngày", _published_on)),
    ("framework__year", "framework__code"),
    ("framework", "result"),
    synthetic="synthetic",
)  # fmt: skip


def refresh(assessed_year: int) -> None:
    """Recompute the indicator's snapshots for every agency after the results of
    `assessed_year` were published or one of them withdrawn (a reopen): they count for the
    plan of the next year."""
    from cchc.indicators.services import snapshots_refresh

    snapshots_refresh(agency_ids=None, years=[assessed_year + 1], codes=[CODE])
