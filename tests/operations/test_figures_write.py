"""The figures refreshed after an import are written by one bulk load of plain values
(`indicators.services._refresh` through `core.bulk.insert_rows`): stored exactly as the ORM's
`bulk_create` of model instances stored them, column by column as the database holds them
(the refresh time aside), compared with the former loop kept here as the reference."""

from __future__ import annotations

import pytest
from django.db import connection

from cchc.indicators import services
from cchc.indicators.extraction import Window
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.registry import INDICATORS
from cchc.operations.rollups import rollup_rebuild
from tests.operations.test_dossier_frame_write import (
    load,
    new_run,
    stored_text,
    varied,
    world,  # noqa: F401 — the fixture
)

pytestmark = pytest.mark.django_db


def snapshots() -> list[tuple]:
    columns, select = stored_text(IndicatorSnapshot)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM indicators_indicatorsnapshot")  # noqa: S608
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return sorted(
        tuple((k, v) for k, v in row.items() if k not in ("id", "computed_at")) for row in rows
    )


def former_refresh(codes, changed, whole_years, ids) -> int:
    """`services._refresh` as it was: a model instance per row, `bulk_create`."""
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
        window = services._with_data(indicator, window)
        if not window.months:
            continue
        rows = [
            IndicatorSnapshot(
                indicator=code, agency_id=r.agency_id, tier=r.tier, month=r.month,
                numerator=r.numerator, denominator=r.denominator, synthetic=r.synthetic,
                excluded=r.excluded, end_numerator=r.end_numerator,
                end_denominator=r.end_denominator, end_excluded=r.end_excluded,
            )
            for r in indicator.extract(window)
        ]  # fmt: skip
        IndicatorSnapshot.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    return written


def test_snapshots_are_stored_as_bulk_create_stored_them(world, monkeypatch):  # noqa: F811
    load(varied(world))
    rollup_rebuild(run=new_run())
    written = services.snapshots_refresh(agency_ids=None, years=[2021, 2022])
    ours = snapshots()
    assert written == len(ours) > 0
    monkeypatch.setattr(services, "_refresh", former_refresh)
    assert services.snapshots_refresh(agency_ids=None, years=[2021, 2022]) == written
    assert snapshots() == ours
