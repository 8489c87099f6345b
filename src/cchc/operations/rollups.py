"""Monthly roll-ups of dossiers (DossierMonthly), computed and written inside the database
(INSERT … SELECT … ON CONFLICT): no dossier and no roll-up row passes through Python. The
SELECTs are built with the ORM, so the month truncation in Asia/Ho_Chi_Minh time is the
database's own on SQLite and PostgreSQL alike.

Counts by month of receipt (received, online, with fee, paid online), by month of end of
processing (finished, on time, late, results digitised) and, for each month end, the dossiers
still open then (on time / overdue). Only rows that come from dossiers are replaced; statistics
loaded directly by a province without a dossier export are left alone."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, DateField, Q
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


TABLE = DossierMonthly._meta.db_table


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, tzinfo=VN, output_field=DateField())


def _upsert(select_qs, counters: list[str], *, run: ImportRun, month: date | None = None) -> None:
    """INSERT the grouped SELECT as roll-up rows; on an existing dossier-sourced row, set
    only `counters` (the other counters come from another statement)."""
    sql, params = select_qs.query.sql_with_params()
    month_sql = "%s" if month is not None else "s.month"
    values = ", ".join(f"s.n_{c}" if c in counters else "0" for c in COUNTERS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in counters)
    # Identifiers come from this module's constants; every value is a bound parameter.
    statement = (
        f"INSERT INTO {TABLE} (agency_id, procedure_id, month, source, import_run_id, "  # noqa: S608
        f"{', '.join(COUNTERS)}) "
        f"SELECT s.agency_id, s.procedure_id, {month_sql}, %s, %s, {values} "
        f"FROM ({sql}) s WHERE 1 = 1 "
        f"ON CONFLICT (agency_id, procedure_id, month) DO UPDATE SET {updates} "
        f"WHERE {TABLE}.source = %s"
    )
    head = [month] if month is not None else []
    with connection.cursor() as cursor:
        cursor.execute(
            statement, [*head, StatSource.DOSSIERS, run.pk, *params, StatSource.DOSSIERS]
        )


@transaction.atomic
def rollup_years(*, agency_ids: Iterable[int], years: Iterable[int], run: ImportRun) -> None:
    """Recompute the dossier roll-up of `agency_ids` for every month of `years` (whole years:
    a dossier open across months changes every month-end count in between)."""
    agency_ids, years = sorted(set(agency_ids)), sorted(set(years))
    if not agency_ids or not years:
        return
    months = [date(y, m, 1) for y in years for m in range(1, 13)]
    DossierMonthly.objects.filter(
        agency_id__in=agency_ids, month__in=months, source=StatSource.DOSSIERS
    ).delete()
    base = Dossier.objects.filter(agency_id__in=agency_ids)
    for year in years:
        start, end = month_bounds(date(year, 1, 1))[0], month_bounds(date(year, 12, 1))[1]
        received = (
            base.filter(received_at__gte=start, received_at__lt=end)
            .annotate(month=_month("received_at"))
            .values("agency_id", "procedure_id", "month")
            .annotate(
                n_received=Count("pk"),
                n_received_online=Count("pk", filter=Q(channel=2)),
                n_with_fee=Count("pk", filter=Q(fee__gt=0)),
                n_paid_online=Count("pk", filter=Q(fee__gt=0, paid_online=True)),
            )
            .order_by()
        )
        _upsert(received, ["received", "received_online", "with_fee", "paid_online"], run=run)
        finished = (
            base.filter(status__in=FINISHED, finished_at__gte=start, finished_at__lt=end)
            .annotate(month=_month("finished_at"))
            .values("agency_id", "procedure_id", "month")
            .annotate(
                n_finished=Count("pk"),
                n_finished_on_time=Count("pk", filter=Q(finished_on_time=True)),
                n_finished_late=Count("pk", filter=Q(finished_on_time=False)),
                n_results_digitized=Count("pk", filter=Q(result_digitized=True)),
            )
            .order_by()
        )
        _upsert(
            finished,
            ["finished", "finished_on_time", "finished_late", "results_digitized"],
            run=run,
        )
        for month in (m for m in months if m.year == year):
            _, month_end = month_bounds(month)
            still_open = (
                base.filter(received_at__lt=month_end)
                .exclude(status=DossierStatus.WITHDRAWN)
                .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=month_end))
                .values("agency_id", "procedure_id")
                .annotate(
                    n_open_overdue=Count("pk", filter=Q(due_at__lt=month_end)),
                    n_open_on_time=Count(
                        "pk", filter=Q(due_at__isnull=True) | Q(due_at__gte=month_end)
                    ),
                )
                .order_by()
            )
            _upsert(still_open, ["open_overdue", "open_on_time"], run=run, month=month)


def rollup_dossiers(*, agency_ids: Iterable[int], months: Iterable[date], run: ImportRun) -> None:
    """Recompute the roll-up where dossiers changed: the whole years of `months`, because a
    dossier open across months changes every month-end count in between."""
    rollup_years(agency_ids=agency_ids, years={m.year for m in months}, run=run)
