"""Monthly roll-ups of dossiers (DossierMonthly), computed and written inside the database
(INSERT … SELECT … ON CONFLICT): no dossier and no roll-up row passes through Python. The
SELECTs are built with the ORM, so the month truncation in Asia/Ho_Chi_Minh time is the
database's own on SQLite and PostgreSQL alike.

Counts by month of receipt (received, online, with fee, paid online), by month of end of
processing (finished, on time, late, results digitised) and, for each month end up to the
horizon (the month of the latest receipt or end of processing: no month end after the data
is written), the dossiers still open then (on time / overdue / without a deadline). Only rows that come from dossiers are replaced;
statistics loaded directly by a province without a dossier export are left alone.

Two ways to the same rows (ADR 0006): an import applies a *delta* — the contributions of the
dossiers it wrote, minus those of the versions it replaced — to the stored sums (`RollupDelta`),
so its cost follows the file, not the history; `rollup_months` / `rollup_rebuild` recompute
from all dossiers, for rebuilds, for checking, and as the fallback when stored sums disagree."""

from __future__ import annotations

import calendar
import logging
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import polars as pl
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DateField, Max, Min, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth

from cchc.core.calendar import LOCAL_TZ as VN
from cchc.core.calendar import local_moments
from cchc.core.frame_load import insert_frame
from cchc.core.planner import refresh_statistics
from cchc.core.snapshot import read_snapshot
from cchc.operations.models import Dossier, DossierMonthly, DossierStatus, ImportRun, StatSource

logger = logging.getLogger(__name__)
FINISHED = [DossierStatus.DONE, DossierStatus.REJECTED]
COUNTERS = (
    "received", "received_online", "with_fee", "paid_online", "finished", "finished_on_time",
    "finished_late", "finished_unknown_deadline", "results_granted", "results_digitized",
    "open_on_time", "open_overdue", "open_unknown_deadline",
)  # fmt: skip


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime.combine(month.replace(day=1), time(), tzinfo=VN)
    last = calendar.monthrange(month.year, month.month)[1]
    return start, start + timedelta(days=last)


TABLE = DossierMonthly._meta.db_table
# The order of the roll-up's unique key (`dossier_monthly_key`), in which every writer adds
# rows: looking them up walks that index from one end to the other, and the rows of a month
# are written next to each other, so that the figures reading a month read a few hundred
# pages of the table instead of nearly all of them (on a history first written agency by
# agency, a month's 37.000 rows lay on 19.000 of its 21.000 pages).
KEY_ORDER = ("month", "agency_id", "procedure_id")


# Vietnam has kept UTC+07:00, without daylight saving, since 1975.
_VN_OFFSET = VN.utcoffset(datetime(2000, 1, 1))
assert _VN_OFFSET is not None  # a zone (named or fixed) always has one
VN_OFFSET_MINUTES = int(_VN_OFFSET.total_seconds() // 60)


class LocalMonth(TruncMonth):
    """The first day of the month in Vietnam's time. On SQLite, Django truncates through a
    Python function called once per row; SQLite's own date() with the fixed offset gives the
    same text ('YYYY-MM-DD') inside the database, several times faster."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        # Stored as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC; whole seconds only, since SQLite
        # would round 23:59:59.9999 up into the next month.
        return (
            f"date(substr({sql}, 1, 19), %s, 'start of month')",
            [*params, f"{VN_OFFSET_MINUTES:+d} minutes"],
        )


def _month(field: str) -> TruncMonth:
    return LocalMonth(field, tzinfo=VN, output_field=DateField())


def _signed(expression: str, sign: int) -> str:
    return expression if sign == 1 else f"-1 * {expression}"


def _part(select_qs, counters: list[str], sign: int = 1) -> tuple[str, list]:
    """A grouped SELECT as one part of the roll-up: key columns and every counter, those it
    does not count as 0; `sign` -1 for contributions to take away."""
    sql, params = select_qs.query.sql_with_params()
    values = ", ".join(
        f"{_signed(f's.n_{c}', sign)} AS {c}" if c in counters else f"0 AS {c}" for c in COUNTERS
    )
    part = f"SELECT s.agency_id, s.procedure_id, s.month, {values} FROM ({sql}) s"  # noqa: S608
    return part, list(params)


@dataclass(frozen=True)
class Counted:
    """What one roll-up counter counts: the dossiers matching `among & extra` in the month
    (local time) of their `by` date. The roll-up counts with these conditions and the records
    behind a number are selected with them (`selectors.dossiers`), so the two always agree."""

    label: str  # the records, as a user reads them ("hồ sơ giải quyết đúng hạn")
    by: str  # "received_at" or "finished_at"
    among: Q  # the dossiers of the counter's family (all received, or all finished)
    extra: Q  # what this counter adds to its family's condition

    @property
    def condition(self) -> Q:
        return self.among & self.extra


_FINISHED = Q(status__in=FINISHED, finished_at__isnull=False)
COUNTED = {
    "received": Counted("hồ sơ tiếp nhận", "received_at", Q(), Q()),
    "received_online": Counted("hồ sơ tiếp nhận trực tuyến", "received_at", Q(), Q(channel=2)),
    "with_fee": Counted("hồ sơ có phí, lệ phí", "received_at", Q(), Q(fee__gt=0)),
    "paid_online": Counted("hồ sơ có phí, lệ phí đã thanh toán trực tuyến", "received_at", Q(),
                           Q(fee__gt=0, paid_online=True)),
    "finished": Counted("hồ sơ đã giải quyết", "finished_at", _FINISHED, Q()),
    "finished_on_time": Counted("hồ sơ giải quyết đúng hạn", "finished_at", _FINISHED,
                                Q(finished_on_time=True)),
    "finished_late": Counted("hồ sơ giải quyết quá hạn", "finished_at", _FINISHED,
                             Q(finished_on_time=False)),
    "finished_unknown_deadline": Counted("hồ sơ đã giải quyết không xác định được hạn",
                                         "finished_at", _FINISHED,
                                         Q(finished_on_time__isnull=True)),
    # Target 4 counts results: a rejected dossier ends with a refusal, not a result.
    "results_granted": Counted("kết quả giải quyết (hồ sơ được giải quyết, không gồm từ chối)",
                               "finished_at", _FINISHED, Q(status=DossierStatus.DONE)),
    "results_digitized": Counted("kết quả giải quyết được số hóa", "finished_at", _FINISHED,
                                 Q(status=DossierStatus.DONE, result_digitized=True)),
}  # fmt: skip

# Selections that are sums of stored counters, not counters of their own: the records behind a
# number are selected with them like with COUNTED (the on-time rate's denominator).
SUMMED = {
    "finished_with_deadline": ("finished_on_time", "finished_late"),
    "open_with_deadline": ("open_on_time", "open_overdue"),
}
SELECTIONS = {
    **COUNTED,
    "finished_with_deadline": Counted("hồ sơ đã giải quyết xác định được hạn", "finished_at",
                                      _FINISHED, Q(finished_on_time__isnull=False)),
}  # fmt: skip


def _counted(dossiers, by: str, sign: int) -> tuple[str, list]:
    """`dossiers` of one family counted by the month of `by`, every counter of the family."""
    counters = [name for name, c in COUNTED.items() if c.by == by]
    counts = {
        f"n_{name}": Count("pk", filter=COUNTED[name].extra) if COUNTED[name].extra else Count("pk")
        for name in counters
    }
    grouped = (
        dossiers.filter(COUNTED[counters[0]].among)
        .annotate(month=_month(by))
        .values("agency_id", "procedure_id", "month")
        .annotate(**counts)
        .order_by()
    )
    return _part(grouped, counters, sign)


def _received(dossiers, sign: int = 1) -> tuple[str, list]:
    """`dossiers` counted by month of receipt."""
    return _counted(dossiers, "received_at", sign)


def _finished(dossiers, sign: int = 1) -> tuple[str, list]:
    """The finished ones of `dossiers` counted by month of end of processing."""
    return _counted(dossiers, "finished_at", sign)


def frame_contributions(frame, *, until: date):
    """What `frame`'s dossiers (Polars: agency_id, procedure_id, channel, received_at, due_at,
    finished_at in Vietnam time, status, finished_on_time, fee, paid_online, result_digitized)
    add to the roll-up, counted as the SQL parts count them (`COUNTED`, `_open_counts`): by
    month of receipt, by month of end of processing, and open at each month end from the
    month of the earliest receipt up to `until` (the horizon). One row per agency ×
    procedure × month, every counter. `tests/operations/test_dossier_frame_write.py` checks
    it against the SQL parts and `rollup_rebuild`."""
    key = ["agency_id", "procedure_id", "month"]
    if frame.is_empty():
        return pl.DataFrame(schema={"agency_id": pl.Int64, "procedure_id": pl.Int64,
                                    "month": pl.Date, **dict.fromkeys(COUNTERS, pl.Int64)})  # fmt: skip
    # Vietnam's wall clock, naive (`local_moments`): a month truncated without a zone
    # lookup per value. Zones by name: Polars carries its own database, so this holds on a
    # machine without one too (where VN is a fixed +07:00 zone, which has no name).
    local = frame.with_columns(
        local_moments(frame.get_column(name)) for name in ("received_at", "due_at", "finished_at")
    )
    month = {name: pl.col(name).dt.truncate("1mo").dt.date() for name in
             ("received_at", "due_at", "finished_at")}  # fmt: skip
    counted = lambda condition: condition.cast(pl.Int64).sum()  # noqa: E731
    paid = pl.col("fee") > 0
    received = local.group_by(
        ["agency_id", "procedure_id", month["received_at"].alias("month")]
    ).agg(
        received=pl.len().cast(pl.Int64),
        received_online=counted(pl.col("channel") == 2),
        with_fee=counted(paid),
        paid_online=counted(paid & pl.col("paid_online")),
    )
    done = pl.col("status") == DossierStatus.DONE.value
    finished = local.filter(pl.col("status").is_in([s.value for s in FINISHED])
                            & pl.col("finished_at").is_not_null())  # fmt: skip
    finished = finished.group_by(
        ["agency_id", "procedure_id", month["finished_at"].alias("month")]
    ).agg(
        finished=pl.len().cast(pl.Int64),
        finished_on_time=counted(pl.col("finished_on_time").fill_null(False)),
        finished_late=counted(~pl.col("finished_on_time").fill_null(True)),
        finished_unknown_deadline=counted(pl.col("finished_on_time").is_null()),
        results_granted=counted(done),
        results_digitized=counted(done & pl.col("result_digitized")),
    )
    # Open at the end of month M: received by then (its month ≤ M), not finished by then
    # (finished in a later month, or not at all), not withdrawn; overdue when due in M or
    # before. Counted per group of dossiers alike, then spread over the months they span.
    spans = (
        local.filter(pl.col("status") != DossierStatus.WITHDRAWN.value)
        .select(
            "agency_id",
            "procedure_id",
            first=month["received_at"],
            finished=month["finished_at"],
            due=month["due_at"],
        )
        .group_by("agency_id", "procedure_id", "first", "finished", "due")
        .agg(n=pl.len().cast(pl.Int64))
        .with_columns(
            last=pl.min_horizontal(
                pl.col("finished").dt.offset_by("-1mo").fill_null(until), pl.lit(until)
            )
        )
        .filter(pl.col("first") <= pl.col("last"))
        .with_columns(month=pl.date_ranges("first", "last", "1mo"))
        .explode("month")
    )
    known = pl.col("due").is_not_null()
    open_ = spans.group_by(key).agg(
        open_overdue=(
            pl.when(known & (pl.col("due") <= pl.col("month"))).then("n").otherwise(0)
        ).sum(),
        open_on_time=(
            pl.when(known & (pl.col("due") > pl.col("month"))).then("n").otherwise(0)
        ).sum(),
        open_unknown_deadline=(pl.when(~known).then("n").otherwise(0)).sum(),
    )
    parts = [
        part.with_columns(pl.col("month").cast(pl.Date)) for part in (received, finished, open_)
    ]
    return (
        pl.concat(parts, how="diagonal_relaxed")
        .group_by(key)
        .agg([pl.col(c).fill_null(0).sum().cast(pl.Int64) for c in COUNTERS])
        .select(*key, *COUNTERS)
    )


def _runs(months: list[date]) -> list[list[date]]:
    """Sorted months split into runs of consecutive months."""
    runs: list[list[date]] = []
    for month in months:
        if runs and next_month(runs[-1][-1]) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


@transaction.atomic
def rollup_months(
    *,
    agency_ids: Iterable[int],
    months: Iterable[date],
    run: ImportRun,
    open_until: date | None = None,
) -> None:
    """Recompute the dossier roll-up of `agency_ids` for exactly `months` (first days). The
    caller names every month a change can reach: the month of receipt, the month of end of
    processing and every month end in between at which the dossier was open, up to the
    horizon. Each run of consecutive months costs one aggregation by month of receipt, one
    by month of end and one per month end over the dossiers open then (index on finished_at);
    their sums replace the stored rows, writing only the rows that changed.
    Open counts stop at `open_until` when given (the horizon)."""
    agency_ids, months = sorted(set(agency_ids)), sorted({m.replace(day=1) for m in months})
    if not agency_ids or not months:
        return
    parts = _recount(Dossier.objects.filter(agency_id__in=agency_ids), months, open_until)
    _write(parts, agency_ids=agency_ids, months=months, run=run)


def _recount(base, months: list[date], open_until: date | None) -> list[tuple[str, list]]:
    """The parts counting the dossiers of `base` for exactly `months` (sorted first days):
    by receipt and by end of processing per run of consecutive months, and open at every
    month end up to `open_until`."""
    parts = []
    for run_months in _runs(months):
        start, end = month_bounds(run_months[0])[0], month_bounds(run_months[-1])[1]
        parts.append(_received(base.filter(received_at__gte=start, received_at__lt=end)))
        parts.append(_finished(base.filter(finished_at__gte=start, finished_at__lt=end)))
    open_months = [m for m in months if open_until is None or m <= open_until]
    if open_months:
        where, params = _condition(base)
        parts.append(_open_counts(open_months, where=where, params=params))
    return parts


def _summed(parts: list[tuple[str, list]]) -> tuple[str, list]:
    """The parts summed per (agency, procedure, month): the rows the roll-up should hold."""
    union = " UNION ALL ".join(sql for sql, _params in parts)
    sums = ", ".join(f"SUM(u.{c}) AS {c}" for c in COUNTERS)
    return (
        f"SELECT u.agency_id, u.procedure_id, u.month, {sums} FROM ({union}) u "  # noqa: S608
        f"GROUP BY u.agency_id, u.procedure_id, u.month",
        [p for _sql, ps in parts for p in ps],
    )


NEW = "cchc_rollup_new"  # temporary table of one roll-up's rows


def _write(parts: list[tuple[str, list]], *, agency_ids, months, run: ImportRun) -> None:
    """Bring the dossier-sourced roll-up rows of `agency_ids` × `months` to the parts' sums
    per (agency, procedure, month), writing only what changed: rows no longer produced are
    deleted, rows whose counts differ are updated, new rows inserted; an unchanged row is not
    touched (on a large history most rows of a month are). A row loaded as statistics (another
    source) is left alone."""
    summed, summed_params = _summed(parts)
    counters = ", ".join(COUNTERS)
    changed = (f"({', '.join(f'{TABLE}.{c}' for c in COUNTERS)}) <> "
               f"({', '.join(f'excluded.{c}' for c in COUNTERS)})")  # fmt: skip
    agencies, month_marks = ", ".join(["%s"] * len(agency_ids)), ", ".join(["%s"] * len(months))
    adapt = connection.ops.adapt_datefield_value
    # Identifiers come from this module's constants; every value is a bound parameter.
    statements = [
        (f"DROP TABLE IF EXISTS {NEW}", []),
        (f"CREATE TEMPORARY TABLE {NEW} AS {summed}", summed_params),
        # The DELETE below looks each stored row up in it: without an index that was a scan
        # per row on SQLite (174 of a rebuild's 180 s on 100.000 dossiers, growing with the
        # square of the roll-up's rows).
        (f"CREATE UNIQUE INDEX {NEW}_key ON {NEW} (agency_id, procedure_id, month)", []),
        (f"DELETE FROM {TABLE} WHERE source = %s AND agency_id IN ({agencies}) "  # noqa: S608
         f"AND month IN ({month_marks}) AND NOT EXISTS (SELECT 1 FROM {NEW} n "
         f"WHERE n.agency_id = {TABLE}.agency_id AND n.procedure_id = {TABLE}.procedure_id "
         f"AND n.month = {TABLE}.month)",
         [StatSource.DOSSIERS, *agency_ids, *(adapt(m) for m in months)]),
        (f"INSERT INTO {TABLE} (agency_id, procedure_id, month, source, import_run_id, "  # noqa: S608
         f"{counters}) SELECT agency_id, procedure_id, month, %s, %s, {counters} FROM {NEW} "
         f"WHERE 1 = 1 ORDER BY {', '.join(KEY_ORDER)} "
         f"ON CONFLICT (agency_id, procedure_id, month) DO UPDATE SET "
         f"{', '.join(f'{c} = excluded.{c}' for c in COUNTERS)}, "
         f"import_run_id = excluded.import_run_id WHERE {TABLE}.source = %s AND {changed}",
         [StatSource.DOSSIERS, run.pk, StatSource.DOSSIERS]),
        (f"DROP TABLE {NEW}", []),
    ]  # fmt: skip
    _execute(*statements)


def _execute(*statements: tuple[str, list]) -> None:
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _condition(dossiers) -> tuple[str, list]:
    """The WHERE clause of a queryset of dossiers, as SQL over the dossier table (columns named
    with the table), so that a part written in SQL selects exactly the ORM's rows."""
    query = dossiers.query
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except FullResultSet:
        return "1 = 1", []
    except EmptyResultSet:
        return "1 = 0", []
    return sql, list(params)


def _open_counts(
    months: list[date], *, where: str, params: list, sign: int = 1
) -> tuple[str, list]:
    """The part counting the dossiers (those matching `where`, a condition on the dossier
    table) still open at each month's end (on time / overdue), for all `months` at once: the
    dossiers joined to the month ends at which they were open."""
    ops = connection.ops
    ends = [(ops.adapt_datefield_value(m), ops.adapt_datetimefield_value(month_bounds(m)[1]))
            for m in months]  # fmt: skip
    month_rows = " UNION ALL ".join(["SELECT %s AS month, %s AS month_end"] * len(ends))
    dossier = Dossier._meta.db_table
    # Only dossiers unfinished, or finished after the first month end, can be open at one:
    # two index lookups on finished_at, so the cost follows the months asked, not the history.
    columns = "agency_id, procedure_id, received_at, due_at, finished_at"
    where = f"({where}) AND status <> %s"
    candidates = (
        f"SELECT {columns} FROM {dossier} WHERE {where} AND finished_at IS NULL "  # noqa: S608
        f"UNION ALL SELECT {columns} FROM {dossier} WHERE {where} AND finished_at >= %s"
    )
    counts = {
        "open_overdue": "SUM(CASE WHEN d.due_at < m.month_end THEN 1 ELSE 0 END)",
        "open_on_time": "SUM(CASE WHEN d.due_at >= m.month_end THEN 1 ELSE 0 END)",
        "open_unknown_deadline": "SUM(CASE WHEN d.due_at IS NULL THEN 1 ELSE 0 END)",
    }  # fmt: skip
    counts = {name: _signed(expression, sign) for name, expression in counts.items()}
    values = ", ".join(f"{counts.get(c, '0')} AS {c}" for c in COUNTERS)
    sql = (
        f"SELECT d.agency_id, d.procedure_id, m.month, {values} "  # noqa: S608
        f"FROM ({candidates}) d JOIN ({month_rows}) m ON d.received_at < m.month_end "
        f"AND (d.finished_at IS NULL OR d.finished_at >= m.month_end) "
        f"GROUP BY d.agency_id, d.procedure_id, m.month"
    )
    params = [*params, DossierStatus.WITHDRAWN, *params, DossierStatus.WITHDRAWN,
              ends[0][1], *[v for pair in ends for v in pair]]  # fmt: skip
    return sql, params


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def horizon() -> date | None:
    """The last month end at which open dossiers are counted: the month of the latest receipt
    or end of processing (local time), the last month the dossiers hold data for; None
    without dossiers. Past it, an open count would state what no data says yet (issue 16:
    December's "still open" written in July). Two index lookups: one query each, since
    SQLite answers a MAX from its index only when it is the query's one aggregate (both in
    one SELECT read the whole table: 0,35 s on a million dossiers, at every import)."""
    received = Dossier.objects.aggregate(value=Max("received_at"))["value"]
    finished = Dossier.objects.aggregate(value=Max("finished_at"))["value"]
    return _horizon_of(received, finished)


def _horizon_of(latest_receipt: datetime | None, latest_end: datetime | None) -> date | None:
    if latest_receipt is None:
        return None
    return _local_month(max(latest_receipt, latest_end or latest_receipt))


def _local_month(moment: datetime) -> date:
    return moment.astimezone(VN).date().replace(day=1)


def _whole_range() -> tuple[date, date] | None:
    """(first month, horizon) of a recompute of the whole roll-up: from the month of the
    first receipt to that of the latest receipt or end of processing; None without dossiers."""
    bounds = Dossier.objects.aggregate(
        first=Min("received_at"), received=Max("received_at"), finished=Max("finished_at")
    )
    if bounds["first"] is None:
        return None
    open_until = _horizon_of(bounds["received"], bounds["finished"])
    assert open_until is not None  # there are dossiers: a first receipt, so a latest one
    return _local_month(bounds["first"]), open_until


def rollup_rebuild(*, run: ImportRun) -> None:
    """Recompute the whole dossier roll-up from the dossiers: every agency that has any, every
    month from the first receipt to the last receipt or end of processing, open counts up to
    the horizon; dossier-sourced rows outside that range are deleted. Rows that change are
    attributed to `run`. Under the lock of dossier writes, the bounds read inside it: an
    import that commits meanwhile waits, instead of having its counts overwritten by a
    recompute from the dossiers as they were before it."""
    with transaction.atomic():
        lock_dossier_writes()
        stale = DossierMonthly.objects.filter(source=StatSource.DOSSIERS)
        whole = _whole_range()
        if whole is None:
            stale.delete()
            return
        first, open_until = whole
        agency_ids = sorted(set(Dossier.objects.values_list("agency_id", flat=True).distinct()))
        stale.filter(
            Q(month__lt=first) | Q(month__gt=open_until) | ~Q(agency_id__in=agency_ids)
        ).delete()
        rollup_months(
            agency_ids=agency_ids, months=months_between(first, open_until), run=run,
            open_until=open_until,
        )  # fmt: skip


def rollup_differences() -> tuple[int, int]:
    """Compare the stored dossier roll-up with a recompute from every dossier, writing
    nothing: (rows the recompute gives, keys whose stored row differs, is missing or should
    not be there). The rows `rollup_rebuild` would leave, compared in SQL (no row passes
    through Python), all read in one snapshot (`read_snapshot`): imports go on meanwhile —
    a comparison takes minutes on a large history, and a write transaction held SQLite's
    one write lock all that time — and one committing during it is not taken for a
    difference. A key held by statistics loaded directly (another source) is left out on
    both sides, as the rebuild leaves it alone."""
    stored = f"SELECT agency_id, procedure_id, month, {', '.join(COUNTERS)} FROM {TABLE}"  # noqa: S608
    with read_snapshot():
        whole = _whole_range()
        if whole is None:
            return 0, DossierMonthly.objects.filter(source=StatSource.DOSSIERS).count()
        first, open_until = whole
        summed, params = _summed(
            _recount(Dossier.objects.all(), months_between(first, open_until), open_until)
        )
        key = "agency_id, procedure_id, month"
        sql = (
            f"WITH recount AS ({summed}), "  # noqa: S608
            f"expected AS (SELECT * FROM recount r WHERE NOT EXISTS (SELECT 1 FROM {TABLE} t "
            f"WHERE t.agency_id = r.agency_id AND t.procedure_id = r.procedure_id "
            f"AND t.month = r.month AND t.source <> %s)), "
            f"kept AS ({stored} WHERE source = %s) "
            f"SELECT (SELECT COUNT(*) FROM expected), (SELECT COUNT(*) FROM ("
            f"SELECT {key} FROM (SELECT * FROM expected EXCEPT SELECT * FROM kept) a UNION "
            f"SELECT {key} FROM (SELECT * FROM kept EXCEPT SELECT * FROM expected) b) d)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, StatSource.DOSSIERS, StatSource.DOSSIERS])
            rows, differing = cursor.fetchone()
    return rows, differing


# One thread counting a write's contributions while the database writes (`count_ahead`).
_COUNTING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rollup-count")
DELTA = "cchc_rollup_delta"  # temporary: one import's contributions, signed, not yet summed
SUMS = "cchc_rollup_sums"  # temporary: the same summed per (agency, procedure, month)
PKS = "cchc_rollup_pks"  # temporary: the dossiers an import is about to replace
LOCK = 4345_2022  # advisory lock key of dossier writes (PostgreSQL)


def lock_dossier_writes() -> None:
    """One writer of dossiers and their roll-up at a time, until the caller's transaction
    ends: an import (`RollupDelta`) or a recompute of the whole roll-up. PostgreSQL: an
    advisory lock; SQLite's transactions take its one write lock when they begin."""
    if connection.vendor == "postgresql":
        _execute(("SELECT pg_advisory_xact_lock(%s)", [LOCK]))


class RollupDelta:
    """What one import changes in the roll-up, applied to the stored sums instead of
    recomputing the months it reaches (ADR 0006). Inside the import's transaction:

        delta = RollupDelta(run)      # before anything is written
        delta.take_away(pks)          # the stored versions the import is about to replace
        …write the dossiers, new and changed ones marked with `run`…
        agency_ids, months = delta.apply()

    `apply` adds the contributions of the run's dossiers, moves the open counts of every other
    dossier when the horizon moved, and writes the sums with one upsert (`stored + delta`);
    rows left at zero are deleted. Should a stored sum go below zero (a roll-up written by an
    older version, or edited by hand), the agencies and months it touches are recomputed in
    full instead."""

    def __init__(self, run: ImportRun):
        self.run = run
        # One dossier write at a time, so that what was there before this one is exactly
        # what it finds now.
        lock_dossier_writes()
        self.horizon_before = horizon()
        self.last_id = Dossier.objects.aggregate(last=Max("pk"))["last"] or 0
        # Whether the delta table holds SQL parts (take-aways, moved open counts) besides
        # the frame's contributions, which are one row per key: summed already when alone.
        self._parts = False
        # Of `count_ahead`: the horizon counted up to, the rows counted, the count.
        self._ahead: tuple[date, pl.DataFrame, Future[pl.DataFrame]] | None = None
        counters = ", ".join(COUNTERS)
        _execute(
            (f"DROP TABLE IF EXISTS {DELTA}", []),
            (f"CREATE TEMPORARY TABLE {DELTA} AS SELECT agency_id, procedure_id, month, "  # noqa: S608
             f"{counters} FROM {TABLE} WHERE 1 = 0", []),
            (f"DROP TABLE IF EXISTS {PKS}", []),
            (f"CREATE TEMPORARY TABLE {PKS} (id bigint PRIMARY KEY)", []),
        )  # fmt: skip

    def _add(self, parts: list[tuple[str, list]]) -> None:
        if not parts:
            return
        self._parts = True
        union = " UNION ALL ".join(sql for sql, _params in parts)
        counters = ", ".join(COUNTERS)
        _execute(
            (f"INSERT INTO {DELTA} (agency_id, procedure_id, month, {counters}) {union}",
             [p for _sql, ps in parts for p in ps]),
        )  # fmt: skip

    def _contributions(self, dossiers, *, until: date | None, sign: int):
        first = dossiers.aggregate(first=Min("received_at"))["first"]
        if first is None:
            return []
        # Dossiers were stored when the horizon was read (`horizon_before`), or written since.
        assert until is not None
        months = months_between(_local_month(first), until)
        where, params = _condition(dossiers)
        return [
            _received(dossiers, sign),
            _finished(dossiers, sign),
            _open_counts(months, where=where, params=params, sign=sign),
        ]

    def _add_frame(self, contributions) -> None:
        """Contributions counted in Polars (agency_id, procedure_id, month, COUNTERS) into the
        delta table, in one bulk load (`insert_frame`)."""
        if contributions.is_empty():
            return
        columns = ["agency_id", "procedure_id", "month", *COUNTERS]
        # In key order, as the sums are written (`_write`).
        insert_frame(DELTA, contributions.select(columns).sort(KEY_ORDER))

    def count_ahead(self, written_rows) -> None:
        """Start counting the contributions of `written_rows` (what `apply` will be given)
        in a thread, while the database writes them: Polars works outside Python's lock, and
        psycopg and sqlite3 wait for the database outside it too. Counted up to the horizon
        the write will most likely leave — the later of the one before it and the latest
        month of the rows — and counted again in `apply` should the horizon be another, or
        the rows (a count started before a write that was undone and done another way)."""
        self._discard_ahead()
        if written_rows.is_empty():
            return
        latest = written_rows.select(
            pl.max_horizontal(pl.col("received_at").max(), pl.col("finished_at").max())
        ).item()
        until = _local_month(latest)
        if self.horizon_before is not None:
            until = max(until, self.horizon_before)
        future = _COUNTING.submit(frame_contributions, written_rows, until=until)
        self._ahead = (until, written_rows, future)

    def _discard_ahead(self) -> None:
        if self._ahead is not None:
            self._ahead[2].result()  # waited for even when unused: no thread left behind
            self._ahead = None

    def _counted(self, written_rows, *, until: date):
        """`frame_contributions(written_rows, until=until)`, from `count_ahead` when it
        counted these rows up to the same horizon."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            counted_until, rows, future = ahead
            counted = future.result()  # waited for even when unused: no thread left behind
            if counted_until == until and rows is written_rows:
                return counted
        return frame_contributions(written_rows, until=until)

    def take_away(self, pks: list[int]) -> None:
        """Subtract the contributions of the stored dossiers `pks`, as they are now: call it
        before they are overwritten."""
        if not pks:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(pks), 10_000):
                cursor.executemany(
                    f"INSERT INTO {PKS} (id) VALUES (%s)",  # noqa: S608
                    [(pk,) for pk in pks[start : start + 10_000]],
                )
        self._take_away_replaced()

    def take_away_selected(self, select: str, params: list) -> int:
        """`take_away` for the dossiers whose pks `select` (SQL, one column, distinct pks of
        stored dossiers) returns: they go into the replaced set by one INSERT … SELECT, without
        passing through Python (a writer that compares a staged file with the stored rows in
        the database). Returns how many there were."""
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {PKS} (id) {select}", params)
            count = cursor.rowcount
        if count:
            self._take_away_replaced()
        return count

    def _take_away_replaced(self) -> None:
        replaced = Dossier.objects.filter(pk__in=RawSQL(f"SELECT id FROM {PKS}", []))  # noqa: S608, S611
        self._add(self._contributions(replaced, until=self.horizon_before, sign=-1))

    def apply(self, written_rows=None) -> tuple[set[int], set[date]]:
        """Add the run's dossiers, follow the horizon, write the sums. Returns the agencies and
        months whose roll-up rows the import touched. `written_rows`: the rows this write
        put there, as the writer holds them (a Polars frame of the dossier columns): their
        contributions are counted from it (`frame_contributions`) instead of read back from
        the table."""
        run, before, after = self.run, self.horizon_before, horizon()
        # What this write put there: the run's rows that are new since it began, or that it
        # replaced (a run may write in several parts).
        written = Dossier.objects.filter(import_run_id=run.pk).filter(
            Q(pk__gt=self.last_id) | Q(pk__in=RawSQL(f"SELECT id FROM {PKS}", []))  # noqa: S608, S611
        )
        parts = []
        if after is not None and written_rows is not None:
            self._add_frame(self._counted(written_rows, until=after))
        elif after is not None:
            parts += self._contributions(written, until=after, sign=1)
        if before is not None and after is not None and before != after:
            # Every other dossier now counts open at the month ends up to the new horizon
            # (or no longer beyond it, should it have moved back).
            low, high, sign = (before, after, 1) if after > before else (after, before, -1)
            where, params = _condition(written)
            parts.append(
                _open_counts(
                    months_between(next_month(low), high),
                    where=f"NOT ({where})", params=params, sign=sign,
                )
            )  # fmt: skip
        self._add(parts)
        # The frame's contributions alone are one row per key: they are the sums.
        summed = written_rows is not None and not self._parts
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT agency_id, month FROM {DELTA}")  # noqa: S608
            touched = cursor.fetchall()
        agency_ids = {agency_id for agency_id, _month in touched}
        months = {_as_date(month) for _agency_id, month in touched}
        if touched:
            self._write(agency_ids, months, after, summed=summed)
        _execute((f"DROP TABLE {DELTA}", []), (f"DROP TABLE {PKS}", []))
        return agency_ids, months

    def _write(
        self, agency_ids: set[int], months: set[date], after: date | None, *, summed: bool
    ) -> None:
        """`summed`: the delta table holds one row per key, in key order (the frame's
        contributions alone): it is written as it is, not summed into another table first."""
        sums = ", ".join(f"SUM({c}) AS {c}" for c in COUNTERS)
        table = DELTA if summed else SUMS
        if not summed:
            _execute(
                (f"DROP TABLE IF EXISTS {SUMS}", []),
                # In key order, so that looking the keys up in the roll-up's unique index
                # walks it from one end to the other instead of jumping about a large table.
                (f"CREATE TEMPORARY TABLE {SUMS} AS SELECT agency_id, procedure_id, month, "  # noqa: S608
                 f"{sums} FROM {DELTA} GROUP BY agency_id, procedure_id, month "
                 f"ORDER BY {', '.join(KEY_ORDER)}", []),
            )  # fmt: skip
        if connection.vendor == "postgresql" and not summed:
            # A temporary table has no statistics until analysed: without them the joins
            # below could scan the whole roll-up instead of looking each key up. (The
            # frame's contributions alone are never below zero: no join is made.)
            _execute((f"ANALYZE {table}", []))
        try:
            with transaction.atomic():  # a savepoint: a refused statement leaves nothing
                self._add_sums(table)
        except (IntegrityError, _BelowZero) as exc:
            if isinstance(exc, IntegrityError) and not _below_zero(exc):
                raise
            # A stored count would go below zero: it was not written from these dossiers.
            logger.warning(
                "Roll-up sums disagree with the dossiers (run %s): recomputing %d agencies × "
                "%d months in full", self.run.pk, len(agency_ids), len(months),
            )  # fmt: skip
            # Months past the horizon keep their counts by month of end, without open counts.
            rollup_months(agency_ids=agency_ids, months=months, run=self.run, open_until=after)
        finally:
            if not summed:
                _execute((f"DROP TABLE {SUMS}", []))

    def _add_sums(self, sums: str) -> None:
        """Stored rows plus the sums of the table `sums`, new keys inserted, rows left at zero
        deleted. A sum that takes away more than is stored is refused: by the counters' CHECK
        constraints (≥ 0) where the row is there, by `_BelowZero` where it is not."""
        key = ("t.agency_id = s.agency_id AND t.procedure_id = s.procedure_id "
               "AND t.month = s.month")  # fmt: skip
        counters = ", ".join(COUNTERS)
        nonzero = " OR ".join(f"s.{c} <> 0" for c in COUNTERS)
        negative = " OR ".join(f"s.{c} < 0" for c in COUNTERS)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {sums} s WHERE {negative} LIMIT 1")  # noqa: S608
            takes_away = cursor.fetchone() is not None
            # Sums that only add go in one statement: each key looked up once, inserted or
            # added to. (A negative change cannot: the proposed row of an upsert must pass
            # the CHECK constraints before the conflict is seen.)
            cursor.execute(
                f"INSERT INTO {TABLE} (agency_id, procedure_id, month, source, import_run_id, "  # noqa: S608
                f"{counters}) SELECT s.agency_id, s.procedure_id, s.month, %s, %s, "
                f"{', '.join(f's.{c}' for c in COUNTERS)} FROM {sums} s "
                f"WHERE ({nonzero}) AND NOT ({negative}) "
                f"ON CONFLICT (agency_id, procedure_id, month) DO UPDATE SET "
                f"{', '.join(f'{c} = {TABLE}.{c} + excluded.{c}' for c in COUNTERS)}, "
                f"import_run_id = excluded.import_run_id WHERE {TABLE}.source = %s",
                [StatSource.DOSSIERS, self.run.pk, StatSource.DOSSIERS],
            )
            # A first import fills the roll-up: the figures read next are planned on its
            # statistics (`refresh_statistics`).
            refresh_statistics(DossierMonthly._meta.db_table, changing=cursor.rowcount)
            if not takes_away:
                return
            # A key that takes away must be stored already (from dossiers or as loaded
            # statistics, which are left alone).
            cursor.execute(
                f"SELECT 1 FROM {sums} s WHERE ({negative}) AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {TABLE} t WHERE {key}) LIMIT 1"
            )
            if cursor.fetchone() is not None:
                raise _BelowZero
            # RETURNING names the updated table's columns: through its alias on PostgreSQL
            # (the FROM table has the same names), bare on SQLite (which refuses the alias).
            qualifier = "t." if connection.vendor == "postgresql" else ""
            zero = " AND ".join(f"{qualifier}{c} = 0" for c in COUNTERS)
            cursor.execute(
                f"UPDATE {TABLE} AS t SET "  # noqa: S608
                f"{', '.join(f'{c} = t.{c} + s.{c}' for c in COUNTERS)}, import_run_id = %s "
                f"FROM {sums} s WHERE {key} AND t.source = %s AND ({negative}) "
                f"RETURNING CASE WHEN {zero} THEN {qualifier}id END",
                [self.run.pk, StatSource.DOSSIERS],
            )
            emptied = [pk for (pk,) in cursor.fetchall() if pk is not None]
        for start in range(0, len(emptied), 2000):
            DossierMonthly.objects.filter(pk__in=emptied[start : start + 2000]).delete()


class _BelowZero(Exception):
    """A change takes away from a roll-up row that is not stored."""


def _below_zero(exc: IntegrityError) -> bool:
    """A CHECK constraint refused the write (the counters must stay ≥ 0)."""
    return getattr(exc.__cause__, "sqlstate", None) == "23514" or "CHECK constraint" in str(exc)


def _as_date(value) -> date:
    """A month as the database returns it from a temporary table (a date, or text on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
