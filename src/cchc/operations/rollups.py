"""Monthly roll-ups of dossiers (DossierMonthly), computed inside the database.

Counts by month of receipt (received, online, with fee, paid online), by month of end of
processing (finished, on time, late, results digitised) and, for each month end, the dossiers
still open then (on time / overdue). Only rows that come from dossiers are replaced; statistics
loaded directly by a province without a dossier export are left alone."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from cchc.operations.imports.fields import VN
from cchc.operations.models import Dossier, DossierMonthly, DossierStatus, ImportRun, StatSource

FINISHED = [DossierStatus.DONE, DossierStatus.REJECTED]
COUNTERS = (
    "received", "received_online", "with_fee", "paid_online", "finished", "finished_on_time",
    "finished_late", "results_digitized", "open_on_time", "open_overdue",
)  # fmt: skip


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime.combine(month.replace(day=1), time(), tzinfo=VN)
    last = calendar.monthrange(month.year, month.month)[1]
    return start, start + timedelta(days=last)


@transaction.atomic
def rollup_dossiers(*, agency_ids: Iterable[int], months: Iterable[date], run: ImportRun) -> int:
    agency_ids, months = sorted(set(agency_ids)), sorted({m.replace(day=1) for m in months})
    if not agency_ids or not months:
        return 0
    counts: dict[tuple[int, int, date], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COUNTERS, 0)
    )
    span_start, span_end = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    base = Dossier.objects.filter(agency_id__in=agency_ids)

    received = (
        base.filter(received_at__gte=span_start, received_at__lt=span_end)
        .annotate(month=TruncMonth("received_at", tzinfo=VN))
        .values("agency_id", "procedure_id", "month")
        # Aliases must not shadow model fields used in the filters (paid_online…).
        .annotate(
            n_received=Count("pk"),
            n_received_online=Count("pk", filter=Q(channel=2)),
            n_with_fee=Count("pk", filter=Q(fee__gt=0)),
            n_paid_online=Count("pk", filter=Q(fee__gt=0, paid_online=True)),
        )
    )
    finished = (
        base.filter(status__in=FINISHED, finished_at__gte=span_start, finished_at__lt=span_end)
        .annotate(month=TruncMonth("finished_at", tzinfo=VN))
        .values("agency_id", "procedure_id", "month")
        .annotate(
            n_finished=Count("pk"),
            n_finished_on_time=Count("pk", filter=Q(finished_on_time=True)),
            n_finished_late=Count("pk", filter=Q(finished_on_time=False)),
            n_results_digitized=Count("pk", filter=Q(result_digitized=True)),
        )
    )
    for group in (received, finished):
        for row in group:
            month = _as_date(row.pop("month"))
            key = (row.pop("agency_id"), row.pop("procedure_id"), month)
            if month in months:
                counts[key].update({name[2:]: value for name, value in row.items()})
    for month in months:
        _, end = month_bounds(month)
        still_open = (
            base.filter(received_at__lt=end)
            .exclude(status=DossierStatus.WITHDRAWN)
            .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=end))
            .values("agency_id", "procedure_id")
            .annotate(
                n_open_overdue=Count("pk", filter=Q(due_at__lt=end)),
                n_open_on_time=Count("pk", filter=Q(due_at__isnull=True) | Q(due_at__gte=end)),
            )
        )
        for row in still_open:
            key = (row.pop("agency_id"), row.pop("procedure_id"), month)
            counts[key].update({name[2:]: value for name, value in row.items()})

    DossierMonthly.objects.filter(
        agency_id__in=agency_ids, month__in=months, source=StatSource.DOSSIERS
    ).delete()
    imported = set(
        DossierMonthly.objects.filter(agency_id__in=agency_ids, month__in=months).values_list(
            "agency_id", "procedure_id", "month"
        )
    )
    rows = [
        DossierMonthly(
            agency_id=agency,
            procedure_id=procedure,
            month=month,
            source=StatSource.DOSSIERS,
            import_run=run,
            **values,
        )
        for (agency, procedure, month), values in counts.items()
        if (agency, procedure, month) not in imported
    ]
    DossierMonthly.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value
