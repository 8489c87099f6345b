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

from cchc.core.calendar import LOCAL_TZ as VN
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


def _runs(months: list[date]) -> list[list[date]]:
    """Sorted months split into runs of consecutive months."""
    runs: list[list[date]] = []
    for month in months:
        previous = runs[-1][-1] if runs else None
        following = (
            None if previous is None
            else date(previous.year + previous.month // 12, previous.month % 12 + 1, 1)
        )  # fmt: skip
        if following == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


@transaction.atomic
def rollup_months(*, agency_ids: Iterable[int], months: Iterable[date], run: ImportRun) -> None:
    """Recompute the dossier roll-up of `agency_ids` for exactly `months` (first days). The
    caller names every month a change can reach: the month of receipt, the month of end of
    processing and every month end in between at which the dossier was open (see
    `open_span`). Each run of consecutive months costs one aggregation by month of receipt, one
    by month of end and one per month end over the dossiers open then (index on finished_at)."""
    agency_ids, months = sorted(set(agency_ids)), sorted({m.replace(day=1) for m in months})
    if not agency_ids or not months:
        return
    DossierMonthly.objects.filter(
        agency_id__in=agency_ids, month__in=months, source=StatSource.DOSSIERS
    ).delete()
    base = Dossier.objects.filter(agency_id__in=agency_ids)
    for run_months in _runs(months):
        start, end = month_bounds(run_months[0])[0], month_bounds(run_months[-1])[1]
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
    _open_counts(agency_ids, months, run=run)


def _open_counts(agency_ids: list[int], months: list[date], *, run: ImportRun) -> None:
    """The dossiers still open at each month's end (on time / overdue), for all `months` in
    one statement: the dossiers joined to the month ends at which they were open."""
    ops = connection.ops
    ends = [(ops.adapt_datefield_value(m), ops.adapt_datetimefield_value(month_bounds(m)[1]))
            for m in months]  # fmt: skip
    month_rows = " UNION ALL ".join(["SELECT %s AS month, %s AS month_end"] * len(ends))
    agencies = ", ".join(["%s"] * len(agency_ids))
    dossier = Dossier._meta.db_table
    # Only dossiers unfinished, or finished after the first month end, can be open at one:
    # two index lookups on finished_at, so the cost follows the months asked, not the history.
    columns = "agency_id, procedure_id, received_at, due_at, finished_at"
    where = f"agency_id IN ({agencies}) AND status <> %s"
    candidates = (
        f"SELECT {columns} FROM {dossier} WHERE {where} AND finished_at IS NULL "  # noqa: S608
        f"UNION ALL SELECT {columns} FROM {dossier} WHERE {where} AND finished_at >= %s"
    )
    # Identifiers come from this module's constants; every value is a bound parameter.
    statement = (
        f"INSERT INTO {TABLE} (agency_id, procedure_id, month, source, import_run_id, "  # noqa: S608
        f"{', '.join(COUNTERS)}) "
        f"SELECT d.agency_id, d.procedure_id, m.month, %s, %s, "
        + ", ".join(
            "SUM(CASE WHEN d.due_at < m.month_end THEN 1 ELSE 0 END)" if c == "open_overdue"
            else "SUM(CASE WHEN d.due_at IS NULL OR d.due_at >= m.month_end THEN 1 ELSE 0 END)"
            if c == "open_on_time" else "0"
            for c in COUNTERS
        )
        + f" FROM ({candidates}) d JOIN ({month_rows}) m ON d.received_at < m.month_end "
        f"AND (d.finished_at IS NULL OR d.finished_at >= m.month_end) "
        f"WHERE 1 = 1 GROUP BY d.agency_id, d.procedure_id, m.month "
        f"ON CONFLICT (agency_id, procedure_id, month) DO UPDATE SET "
        f"open_overdue = excluded.open_overdue, open_on_time = excluded.open_on_time "
        f"WHERE {TABLE}.source = %s"
    )  # fmt: skip
    params = [StatSource.DOSSIERS, run.pk, *agency_ids, DossierStatus.WITHDRAWN,
              *agency_ids, DossierStatus.WITHDRAWN, ends[0][1],
              *[v for pair in ends for v in pair], StatSource.DOSSIERS]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def rollup_years(*, agency_ids: Iterable[int], years: Iterable[int], run: ImportRun) -> None:
    """Recompute every month of `years` (the generator and full rebuilds)."""
    months = [date(y, m, 1) for y in set(years) for m in range(1, 13)]
    rollup_months(agency_ids=agency_ids, months=months, run=run)


def open_span(received: date, finished: date | None, *, until: date) -> tuple[date, date]:
    """The first and last month whose roll-up a dossier counts in: from its month of receipt
    to its month of end of processing, or — still open — to `until` (it is open at every
    month end up to then)."""
    first = received.replace(day=1)
    last = finished.replace(day=1) if finished is not None else max(first, until.replace(day=1))
    return first, last


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months
