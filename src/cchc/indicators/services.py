"""Layer 4 of the indicator engine: stored snapshots, refreshed for a window of agencies
and months. Idempotent: a refresh replaces exactly the window's rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from django.db import transaction

from cchc.indicators import extraction
from cchc.indicators.extraction import Window
from cchc.indicators.figures_cache import generation_bump
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.registry import INDICATORS


def year_months(years: Iterable[int]) -> tuple[date, ...]:
    return tuple(date(y, m, 1) for y in sorted(set(years)) for m in range(1, 13))


@transaction.atomic
def snapshots_refresh(
    *,
    agency_ids: Iterable[int] | None,
    years: Iterable[int],
    codes: Iterable[str] | None = None,
    months: Iterable[date] | None = None,
) -> int:
    """Recompute the snapshots of `codes` (all by default) for the whole of `years` and, for
    per-agency indicators, only for `agency_ids` (None: all). Whole years, because a stock
    indicator's later months depend on its earlier ones; a flow indicator's month depends on
    that month alone, so when `months` is given flow indicators recompute only those."""
    whole_years = year_months(years)
    if not whole_years:
        return 0
    changed = None if months is None else tuple(sorted({m.replace(day=1) for m in months}))
    ids = None if agency_ids is None else frozenset(agency_ids)
    with extraction.shared_reads():
        written = _refresh(codes or INDICATORS, changed, whole_years, ids)
    generation_bump()  # cached page figures of earlier generations are no longer read
    return written


def _refresh(
    codes: Iterable[str],
    changed: tuple[date, ...] | None,
    whole_years: tuple[date, ...],
    ids: frozenset[int] | None,
) -> int:
    written = 0
    for code in codes:
        indicator = INDICATORS[code]
        if indicator.extract is None:
            continue
        flow_only = indicator.aggregation == "flow" and changed is not None
        window = Window(
            agency_ids=ids if indicator.per_agency else None,
            months=changed if flow_only else whole_years,
        )
        if not window.months:
            continue
        stale = IndicatorSnapshot.objects.filter(indicator=code, month__in=window.months)
        if window.agency_ids is not None:
            stale = stale.filter(agency_id__in=window.agency_ids)
        stale.delete()
        window = _with_data(indicator, window)
        if not window.months:
            continue
        rows = [
            IndicatorSnapshot(
                indicator=code,
                agency_id=r.agency_id,
                tier=r.tier,
                month=r.month,
                numerator=r.numerator,
                denominator=r.denominator,
                synthetic=r.synthetic,
                excluded=r.excluded,
                end_numerator=r.end_numerator,
                end_denominator=r.end_denominator,
                end_excluded=r.end_excluded,
            )
            for r in indicator.extract(window)
        ]
        IndicatorSnapshot.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    return written


def _with_data(indicator, window: Window) -> Window:
    """The window's months up to its source's last month with data in each year: the stale
    rows of the whole window are deleted, but no month after the data is written again."""
    if indicator.data_through is None:
        return window
    through = {year: indicator.data_through(year) for year in window.years}
    months = tuple(m for m in window.months if through[m.year] and m <= through[m.year])
    return replace(window, months=months)
