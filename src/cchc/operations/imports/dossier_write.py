"""Writing a validated dossier frame (Polars) set-based: the file's codes looked up among the
stored dossiers in one statement; the rows whose code is stored staged in a temporary table
in one bulk load, compared with the stored dossiers and updated by a few statements inside
the database; the new rows inserted without a comparison, straight into the dossier table;
the monthly roll-up brought along by `RollupDelta` (issue 20).

It gives what `DossierImporter.write` gives for the same rows — the same stored values to the
byte, the same counts, roll-up and affected agencies and months — without a Python object per
row: the frame goes in by `core.frame_load.insert_frame` (PostgreSQL: CSV through `COPY`;
SQLite: narrow rows of packed integers, unpacked by one `INSERT … SELECT`, ADR 0031).
Stored rows are compared with the staged ones in SQL (`IS DISTINCT FROM`, SQLite `IS NOT`);
the changed ones are updated, the new ones inserted in code order, so that they take the same
primary keys as `DossierImporter.write` gives them and no key is spent on a row that was
already there (an `INSERT … ON CONFLICT` draws one for every row it sees). A file of new
dossiers only (a first import, a new month) is neither staged for comparison nor compared
(ADR 0023); the new rows go straight into the dossier table on both databases, whose plain
indexes SQLite sets aside when it held no more rows than the file adds (ADR 0029)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import cast

import polars as pl
from django.db import connection, models, transaction

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
        stored = frame.get_column("code").is_in(_stored_codes(frame).implode())
        known, new = frame.filter(stored), frame.filter(~stored)
        # Only the rows whose code is stored are staged and compared in SQL; the new ones
        # (a first import, a new month: all of them) are inserted without a comparison.
        updated = 0
        # What this write puts there, whose contributions the roll-up counts from the frame:
        # all of it, or all but the stored rows it leaves as they are.
        written = frame
        if not known.is_empty():
            _stage(known)
            # The stored versions about to be replaced leave the roll-up before they change.
            updated = delta.take_away_selected(_changed_pks(), [])
            if updated < known.height:
                kept = _kept_codes(delta.last_id)
                written = frame.filter(~pl.col("code").is_in(kept.implode()))
        created = 0
        # The steps are told only when something is written, as DossierImporter.write
        # tells them.
        if updated or not new.is_empty():
            # Counted in Polars while the database writes.
            delta.count_ahead(written)
            stage("Ghi hồ sơ")
            if updated:
                _update_changed(run)
            created = _insert_new(new, run)
            stage("Cộng số liệu theo tháng")
        _by_index(False)
        # With nothing written this only drops the delta's temporary tables.
        agency_ids, months = delta.apply(written)
        if not known.is_empty():
            _execute(f"DROP TABLE {STAGE}")
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


def _stored_codes(frame: pl.DataFrame) -> pl.Series:
    """The frame's codes that are stored already: none when no dossier is (a first import),
    else found by the code's unique index, one lookup per code of the file (a new month on
    a large history: 100.000 lookups, not a read of the history). The codes go to the
    database as one JSON array (`json_each`, `json_array_elements_text`): one parameter,
    no table to fill."""
    code = _column("code")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {_table()} LIMIT 1")  # noqa: S608
        if cursor.fetchone() is None:
            return pl.Series([], dtype=pl.String)
        if connection.vendor == "postgresql":
            codes = "json_array_elements_text(%s::json) AS j(value)"
        else:
            codes = "json_each(%s) AS j"
        cursor.execute(
            f"SELECT d.{code} FROM {codes} JOIN {_table()} d ON d.{code} = j.value",  # noqa: S608
            [json.dumps(frame.get_column("code").to_list())],
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
