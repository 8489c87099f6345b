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


def _part(select_qs, counters: list[str]) -> tuple[str, list]:
    """A grouped SELECT as one part of the roll-up: key columns and every counter, those it
    does not count as 0."""
    sql, params = select_qs.query.sql_with_params()
    values = ", ".join(f"s.n_{c} AS {c}" if c in counters else f"0 AS {c}" for c in COUNTERS)
    part = f"SELECT s.agency_id, s.procedure_id, s.month, {values} FROM ({sql}) s"  # noqa: S608
    return part, list(params)


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
    by month of end and one per month end over the dossiers open then (index on finished_at);
    their sums replace the stored rows, writing only the rows that changed."""
    agency_ids, months = sorted(set(agency_ids)), sorted({m.replace(day=1) for m in months})
    if not agency_ids or not months:
        return
    base = Dossier.objects.filter(agency_id__in=agency_ids)
    parts = []
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
        parts.append(_part(received, ["received", "received_online", "with_fee", "paid_online"]))
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
        parts.append(
            _part(finished, ["finished", "finished_on_time", "finished_late", "results_digitized"])
        )
    parts.append(_open_counts(agency_ids, months))
    _write(parts, agency_ids=agency_ids, months=months, run=run)


NEW = "cchc_rollup_new"  # temporary table of one roll-up's rows


def _write(parts: list[tuple[str, list]], *, agency_ids, months, run: ImportRun) -> None:
    """Bring the dossier-sourced roll-up rows of `agency_ids` × `months` to the parts' sums
    per (agency, procedure, month), writing only what changed: rows no longer produced are
    deleted, rows whose counts differ are updated, new rows inserted; an unchanged row is not
    touched (on a large history most rows of a month are). A row loaded as statistics (another
    source) is left alone."""
    union = " UNION ALL ".join(sql for sql, _params in parts)
    sums = ", ".join(f"SUM(u.{c}) AS {c}" for c in COUNTERS)
    counters = ", ".join(COUNTERS)
    changed = (f"({', '.join(f'{TABLE}.{c}' for c in COUNTERS)}) <> "
               f"({', '.join(f'excluded.{c}' for c in COUNTERS)})")  # fmt: skip
    agencies, month_marks = ", ".join(["%s"] * len(agency_ids)), ", ".join(["%s"] * len(months))
    adapt = connection.ops.adapt_datefield_value
    # Identifiers come from this module's constants; every value is a bound parameter.
    statements = [
        (f"DROP TABLE IF EXISTS {NEW}", []),
        (f"CREATE TEMPORARY TABLE {NEW} AS SELECT u.agency_id, u.procedure_id, u.month, {sums} "  # noqa: S608
         f"FROM ({union}) u GROUP BY u.agency_id, u.procedure_id, u.month",
         [p for _sql, ps in parts for p in ps]),
        (f"DELETE FROM {TABLE} WHERE source = %s AND agency_id IN ({agencies}) "  # noqa: S608
         f"AND month IN ({month_marks}) AND NOT EXISTS (SELECT 1 FROM {NEW} n "
         f"WHERE n.agency_id = {TABLE}.agency_id AND n.procedure_id = {TABLE}.procedure_id "
         f"AND n.month = {TABLE}.month)",
         [StatSource.DOSSIERS, *agency_ids, *(adapt(m) for m in months)]),
        (f"INSERT INTO {TABLE} (agency_id, procedure_id, month, source, import_run_id, "  # noqa: S608
         f"{counters}) SELECT agency_id, procedure_id, month, %s, %s, {counters} FROM {NEW} "
         f"WHERE 1 = 1 ON CONFLICT (agency_id, procedure_id, month) DO UPDATE SET "
         f"{', '.join(f'{c} = excluded.{c}' for c in COUNTERS)}, "
         f"import_run_id = excluded.import_run_id WHERE {TABLE}.source = %s AND {changed}",
         [StatSource.DOSSIERS, run.pk, StatSource.DOSSIERS]),
        (f"DROP TABLE {NEW}", []),
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for statement, params in statements:
            cursor.execute(statement, params)


def _open_counts(agency_ids: list[int], months: list[date]) -> tuple[str, list]:
    """The part counting the dossiers still open at each month's end (on time / overdue),
    for all `months` at once: the dossiers joined to the month ends at which they were
    open."""
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
    counts = {
        "open_overdue": "SUM(CASE WHEN d.due_at < m.month_end THEN 1 ELSE 0 END)",
        "open_on_time": "SUM(CASE WHEN d.due_at IS NULL OR d.due_at >= m.month_end "
                        "THEN 1 ELSE 0 END)",
    }  # fmt: skip
    values = ", ".join(f"{counts.get(c, '0')} AS {c}" for c in COUNTERS)
    sql = (
        f"SELECT d.agency_id, d.procedure_id, m.month, {values} "  # noqa: S608
        f"FROM ({candidates}) d JOIN ({month_rows}) m ON d.received_at < m.month_end "
        f"AND (d.finished_at IS NULL OR d.finished_at >= m.month_end) "
        f"GROUP BY d.agency_id, d.procedure_id, m.month"
    )
    params = [*agency_ids, DossierStatus.WITHDRAWN, *agency_ids, DossierStatus.WITHDRAWN,
              ends[0][1], *[v for pair in ends for v in pair]]  # fmt: skip
    return sql, params


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
