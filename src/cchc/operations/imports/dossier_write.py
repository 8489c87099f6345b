"""Writing a validated dossier frame (Polars) set-based: a file whose codes are all new (a
first import, a new month) inserted straight into the dossier table; otherwise the file's
codes looked up among the stored dossiers in one statement, the rows whose code is stored
staged in a temporary table in one bulk load, compared with the stored dossiers and updated
by a few statements inside the database, the new rows inserted without a comparison; the
monthly roll-up brought along by `RollupDelta` (issue 20).

It gives what `DossierImporter.write` gives for the same rows — the same stored values to the
byte, the same counts, roll-up and affected agencies and months — without a Python object per
row: the frame goes in by `core.frame_load.insert_frame` (PostgreSQL: CSV through `COPY`;
SQLite: narrow rows of packed integers, unpacked by one `INSERT … SELECT`, ADR 0031).
Stored rows are compared with the staged ones in SQL (`IS DISTINCT FROM`, SQLite `IS NOT`);
the changed ones are updated, the new ones inserted in code order, so that they take
consecutive primary keys in the order `DossierImporter.write` gives them (an `INSERT … ON
CONFLICT` would draw one for every row it sees). A file of new dossiers only is neither
staged nor compared (ADR 0023): when none of a probe of its codes is stored, its rows are
inserted as new, the code's unique index checking each one; should it meet a stored code,
that insert is undone and the file written the exact way (ADR 0033; PostgreSQL does not take
back the keys the undone insert drew). SQLite sets the plain indexes aside when the table
held no more rows than the file adds (ADR 0029)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import cast

import polars as pl
from django.db import IntegrityError, connection, models, transaction

from cchc.core.calendar import LOCAL_TZ_NAME
from cchc.core.frame_load import insert_frame
from cchc.core.planner import refresh_statistics
from cchc.operations.imports.base import WriteResult
from cchc.operations.models import Dossier, ImportRun
from cchc.operations.rollups import RollupDelta

STAGE = "cchc_dossier_stage"  # temporary: the rows whose code is stored, typed as the table
# The frame's columns, which are the dossier table's (attnames) less the key and the run.
COLUMNS = (
    "code", "procedure_id", "agency_id", "channel", "received_at", "due_at", "finished_at",
    "status", "supplement_count", "supplement_days", "finished_on_time", "fee", "paid_online",
    "result_digitized",
)  # fmt: skip
# The steps the write tells, as `DossierImporter.write` tells them.
WRITING, ROLLING_UP = "Ghi hồ sơ", "Cộng số liệu theo tháng"
COMPARED = COLUMNS[1:]  # what makes a stored dossier "changed" (DossierImporter's WRITE_FIELDS)
MOMENT = pl.Datetime("us", LOCAL_TZ_NAME)
# The frame's contract (what the parser hands over, validated).
SCHEMA = {
    "code": pl.String, "procedure_id": pl.Int64, "agency_id": pl.Int64, "channel": pl.Int64,
    "received_at": MOMENT, "due_at": MOMENT, "finished_at": MOMENT, "status": pl.String,
    "supplement_count": pl.Int64, "supplement_days": pl.Int64, "finished_on_time": pl.Boolean,
    "fee": pl.Int64, "paid_online": pl.Boolean, "result_digitized": pl.Boolean,
}  # fmt: skip


def write_dossier_frame(
    frame: pl.DataFrame, *, run: ImportRun, stage: Callable[[str], None]
) -> WriteResult:
    """Upsert `frame` (validated, one row per distinct code; the columns of COLUMNS) on the
    dossier code, new and changed rows marked with `run`, and bring the monthly roll-up along,
    inside the caller's transaction (a savepoint of its own: all or nothing)."""
    result = WriteResult()
    if frame.is_empty():
        return result
    # The temporary tables are created inside the savepoint: should anything fail, its
    # rollback takes them away with the rest.
    with transaction.atomic():
        # First, as it takes the lock of dossier writes: the codes found stored next stay
        # the only ones stored until this write commits.
        delta = RollupDelta(run)
        # Analysed first when it changed much since its statistics were taken: with hash
        # and merge joins off (`_by_index`), matching the codes is a nested loop, which on
        # the statistics of a far smaller table scans the table once per code.
        refresh_statistics(Dossier._meta.db_table)
        _by_index(True)
        # In code order: new rows are inserted in that order (see `_insert_new`).
        frame = frame.select(COLUMNS).sort("code")
        # The steps are told only when something is written, as DossierImporter.write
        # tells them, and once.
        told: list[str] = []

        def tell(name: str) -> None:
            if name not in told:
                told.append(name)
                stage(name)

        # What this write puts there, whose contributions the roll-up counts from the frame:
        # all of it, or all but the stored rows it leaves as they are.
        written = frame
        updated = 0
        created = _insert_all_new(frame, run=run, delta=delta, stage=tell)
        if created is None:
            stored = frame.get_column("code").is_in(
                _stored_codes(frame.get_column("code")).implode()
            )
            known, new = frame.filter(stored), frame.filter(~stored)
            # Only the rows whose code is stored are staged and compared in SQL; the new ones
            # are inserted without a comparison.
            if not known.is_empty():
                _stage(known)
                # The stored versions about to be replaced leave the roll-up before they change.
                updated = delta.take_away_selected(_changed_pks(), [])
                if updated < known.height:
                    kept = _kept_codes(delta.last_id)
                    written = frame.filter(~pl.col("code").is_in(kept.implode()))
            created = 0
            if updated or not new.is_empty():
                # Counted in Polars while the database writes.
                delta.count_ahead(written)
                tell(WRITING)
                if updated:
                    _update_changed(run)
                created = _insert_new(new, run)
                tell(ROLLING_UP)
            if not known.is_empty():
                _execute(f"DROP TABLE {STAGE}")
        _by_index(False)
        # With nothing written this only drops the delta's temporary tables.
        agency_ids, months = delta.apply(written)
    result.created, result.updated = created, updated
    result.unchanged = frame.height - created - updated
    result.affected.agency_ids.update(agency_ids)
    result.affected.months.update(months)
    return result


# PostgreSQL's planner settings while the staged rows are matched with the stored ones.
BY_INDEX = ("enable_hashjoin", "enable_mergejoin", "jit")


def _by_index(on: bool) -> None:
    """Match the staged rows with the stored dossiers by the code's index, whatever the size
    of the history (PostgreSQL). Seeing a month's 100.000 staged rows against 10 million
    stored, the planner prefers reading the whole table into a hash (2,4 s for the
    new-rows check alone) to 100.000 index lookups (0,1 s): the write's cost would follow
    the history, not the file (ADR 0006). Set for the write's own statements only
    (`SET LOCAL`, reset before the roll-up; a failure rolls the settings back with the
    rest). SQLite always looks a unique key up by its index."""
    if connection.vendor != "postgresql":
        return
    for name in BY_INDEX:
        _execute(f"SET LOCAL {name} = off" if on else f"RESET {name}")


def _table() -> str:
    return connection.ops.quote_name(Dossier._meta.db_table)


def _field(name: str) -> models.Field:
    # The names are the dossier's own columns (COLUMNS, attnames): fields, not relations.
    return cast(models.Field, Dossier._meta.get_field(name))


def _column(name: str) -> str:
    return connection.ops.quote_name(cast(str, _field(name).column))  # a field has a column


def _execute(sql: str, params: list | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def _stage(frame: pl.DataFrame) -> None:
    """The frame in the temporary table STAGE, whose columns have the dossier table's types
    (on SQLite: its affinities), so that comparing and copying need no cast."""
    fields = [_field(name) for name in COLUMNS]
    columns = ", ".join(f"{_column(f.attname)} {f.db_type(connection)}" for f in fields)
    _execute(f"DROP TABLE IF EXISTS {STAGE}")
    _execute(f"CREATE TEMPORARY TABLE {STAGE} ({columns})")
    insert_frame(STAGE, frame)
    if connection.vendor == "postgresql":
        # A temporary table has no statistics until analysed: the joins below need them.
        _execute(f"ANALYZE {STAGE}")


# Codes of a file looked up before its rows are taken as new (`_insert_all_new`).
PROBE = 1_000


def _insert_all_new(
    frame: pl.DataFrame, *, run: ImportRun, delta: RollupDelta, stage: Callable[[str], None]
) -> int | None:
    """Insert every row of `frame` as new, when none of its codes is likely to be stored:
    a first import, or a new month on a large history, without looking each of its codes up
    among the stored ones (100.000 lookups on 10 million: 0,16 s). Returns how many rows, or
    None, having written nothing, when the frame holds stored codes: found among PROBE codes
    taken evenly through the file (a file sent again, or one that updates many dossiers), or
    met by the code's unique index while inserting (a file with a few stored codes among
    new ones), whose insert is rolled back. The caller then looks every code up."""
    if not _stored_codes(_probe(frame.get_column("code"))).is_empty():
        return None
    delta.count_ahead(frame)
    stage(WRITING)
    try:
        with transaction.atomic():  # a savepoint: an insert that meets a stored code is undone
            created = _insert_new(frame, run)
    except IntegrityError as exc:
        if not _code_stored(exc):
            raise  # a refused row: the write fails as it would have the exact way
        return None
    stage(ROLLING_UP)
    return created


def _probe(codes: pl.Series) -> pl.Series:
    """About PROBE of `codes`, taken evenly from the first (all of them when fewer)."""
    return codes.gather_every(max(1, codes.len() // PROBE))


def _code_stored(exc: IntegrityError) -> bool:
    """Whether the code's unique index refused a row (its code is stored), not another
    constraint: by the constraint's name on PostgreSQL (its messages may be translated),
    by SQLite's message, which names the column."""
    table, column = Dossier._meta.db_table, _field("code").column
    if connection.vendor != "postgresql":
        return str(exc) == f"UNIQUE constraint failed: {table}.{column}"
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) != "23505":  # unique_violation
        return False
    name = getattr(getattr(cause, "diag", None), "constraint_name", None) or ""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return any(key == name and info["columns"] == [column] for key, info in constraints.items())


def _stored_codes(codes: pl.Series) -> pl.Series:
    """Those of `codes` that are stored already: none when no dossier is (a first import),
    else found by the code's unique index, one lookup per code (a new month on a large
    history: 100.000 lookups, not a read of the history). The codes go to the database as
    one JSON array (`json_each`, `json_array_elements_text`): one parameter, no table to
    fill."""
    code = _column("code")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {_table()} LIMIT 1")  # noqa: S608
        if cursor.fetchone() is None:
            return pl.Series([], dtype=pl.String)
        if connection.vendor == "postgresql":
            elements = "json_array_elements_text(%s::json) AS j(value)"
        else:
            elements = "json_each(%s) AS j"
        cursor.execute(
            f"SELECT d.{code} FROM {elements} JOIN {_table()} d ON d.{code} = j.value",  # noqa: S608
            [json.dumps(codes.to_list())],
        )
        return pl.Series([value for (value,) in cursor.fetchall()], dtype=pl.String)


def _distinct(stored: str, staged: str) -> str:
    """SQL true when the stored row differs from the staged one in any compared column
    (NULL equal to NULL)."""
    op = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return " OR ".join(
        f"{stored}.{_column(name)} {op} {staged}.{_column(name)}" for name in COMPARED
    )


def _kept_codes(last_id: int) -> pl.Series:
    """The staged codes this write leaves as they are: stored before it began (a key up to
    `last_id`) and not among the replaced (RollupDelta's set)."""
    from cchc.operations.rollups import PKS

    code, pk = _column("code"), _column("id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.{code} FROM {STAGE} s JOIN {_table()} d ON d.{code} = s.{code} "  # noqa: S608
            f"WHERE d.{pk} <= %s AND d.{pk} NOT IN (SELECT id FROM {PKS})",
            [last_id],
        )
        return pl.Series([value for (value,) in cursor.fetchall()], dtype=pl.String)


def _changed_pks() -> str:
    """The stored dossiers whose staged row differs: a SELECT of their pks."""
    code = _column("code")
    return (
        f"SELECT d.{_column('id')} FROM {STAGE} s JOIN {_table()} d "  # noqa: S608
        f"ON d.{code} = s.{code} WHERE {_distinct('d', 's')}"
    )


def _update_changed(run: ImportRun) -> None:
    """The changed dossiers (those `take_away_selected` put in the replaced set) take the
    staged values and `run`."""
    from cchc.operations.rollups import PKS

    table, code, pk = _table(), _column("code"), _column("id")
    assignments = ", ".join(f"{_column(name)} = s.{_column(name)}" for name in COMPARED)
    _execute(
        f"UPDATE {table} SET {assignments}, {_column('import_run_id')} = %s "  # noqa: S608
        f"FROM {STAGE} s WHERE s.{code} = {table}.{code} "
        f"AND {table}.{pk} IN (SELECT id FROM {PKS})",
        [run.pk],
    )


def _insert_new(frame: pl.DataFrame, run: ImportRun) -> int:
    """The new rows (`frame`, no code of them stored), in code order, into the dossier table:
    the same keys, in the same order, as `DossierImporter.write` gives them (the key's
    default is drawn row by row in that order), and the unique index of the code filled from
    one end instead of all over. Returns how many.

    Both databases by `insert_frame`; on SQLite, into a table whose plain indexes are set
    aside when it was empty (`_set_aside_indexes`)."""
    if frame.is_empty():
        return 0
    rebuilt = _set_aside_indexes(frame.height)
    count = insert_frame(_table(), frame.with_columns(import_run_id=pl.lit(run.pk, dtype=pl.Int64)))
    for sql in rebuilt:
        _execute(sql)
    return count


def _set_aside_indexes(new_rows: int) -> list[str]:
    """SQLite, when the table holds no more dossiers than the write adds (a first import, a
    province's first year): drop the table's plain indexes now and return the statements
    that build them again once the rows are in. Building an index from its sorted rows
    costs a fraction of inserting the same rows one by one into every index, each at its own
    place: 300.000 new dossiers in 2,2 s instead of 4,8 s (ADR 0029). Inside the write's
    transaction: a failure puts the indexes back with the rest, and readers (write-ahead
    log) keep reading the table as it was, indexes included, until the write commits.
    Unique indexes stay (they check the codes as the rows arrive); with more stored rows than
    new ones, rebuilding would cost more than it saves. PostgreSQL keeps its indexes: dropping
    one there locks out every reader of the table until the write commits."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {_table()} LIMIT %s)",  # noqa: S608
            [new_rows + 1],
        )
        if cursor.fetchone()[0] > new_rows:
            return []
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
            [Dossier._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [sql for _name, sql in indexes]
