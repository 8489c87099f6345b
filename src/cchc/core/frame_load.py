"""A Polars frame into a database table in one bulk load, each value stored as the ORM stores
it (ADR 0031): text as text, whole numbers and booleans as integers, aware date-times as the
connection's naive text (`str(datetime)`'s form: no fraction when the microseconds are 0, six
digits otherwise), dates as "YYYY-MM-DD".

PostgreSQL takes the frame as CSV written by Polars through `COPY`, a block of rows at a time.

SQLite has no bulk load: a prepared INSERT is run once per row (`executemany`), and binding
each Python value to it costs more than SQLite's own work (a million dossier rows: 2,4 s for
14 values a row against 1,0 s for 8 carrying the same information). So the rows travel
narrow:
- a column of few distinct values (choices, flags, small counts, the ids of a catalogue) is
  packed with others into a 62-bit integer by Polars: each one offset by its minimum, in as
  many bits as its range needs (0 stands for NULL when it has any); a text column of few
  distinct values by its rank among them;
- an aware date-time becomes whole microseconds since 1970 (when the connection stores UTC;
  dates and date-times before 1900 are bound as text, see FIRST_DAY);
- a temporary table takes those narrow rows and one `INSERT … SELECT` unpacks them into the
  target with shifts, masks, `CASE` and `datetime(…, 'unixepoch')`, in the frame's order.
What SQLite stores is the same to the byte as the ORM's values bound one by one
(tests/core/test_frame_load.py compares both on generated frames, extremes included).
"""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import polars as pl
from django.db import connection

COPY_ROWS = 100_000  # PostgreSQL: rows written as CSV and handed to COPY at a time
BATCH = 50_000  # SQLite: rows turned into Python tuples at a time (bounded memory)
NARROW = "cchc_frame_rows"  # SQLite: the temporary table of narrow rows
WORD_BITS = 62  # bits of a packed integer (SQLite's integers are signed 64-bit)
PACKED_BITS = 40  # a column needing more bits than this is bound by itself
RANKED = 64  # a text column of at most this many distinct values is packed by rank
MICROS = 1_000_000
DAY = 86_400
# Dates and date-times from 1900 go through SQLite's calendar (`date`, `datetime`); earlier
# ones are bound as text. SQLite 3.40 and Python disagree on one day of the years 1–9999
# (Python's 0300-03-01 is SQLite's 0300-02-29): no record of ours is that old, and none
# needs SQLite's calendar to be right about centuries before it.
FIRST_DAY = -25_567  # 1900-01-01, in days since 1970-01-01


def insert_frame(table: str, frame: pl.DataFrame) -> int:
    """Insert `frame`'s rows into `table` (an SQL name, quoted by the caller), in the frame's
    order, inside the caller's transaction. The frame's columns are named as the table's.
    Returns how many rows."""
    if frame.is_empty():
        return 0
    if connection.vendor == "postgresql":
        return _copy(table, frame)
    return _insert_narrow(table, frame)


def _names(frame: pl.DataFrame) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in frame.columns)


def _copy(table: str, frame: pl.DataFrame) -> int:
    """COPY of CSV written by Polars, one call per block of rows, not per row (`write_row`:
    twice as long), and a block's text in memory, not the whole frame's. Date-times carry
    their offset; NULL is the unquoted empty field, "" an empty text. A refused row (a CHECK
    constraint) raises Django's IntegrityError, as a statement run through Django's cursor
    does."""
    sql = f"COPY {table} ({_names(frame)}) FROM STDIN WITH (FORMAT csv)"
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for part in frame.iter_slices(COPY_ROWS):
            buffer = io.BytesIO()
            part.write_csv(
                buffer, include_header=False, datetime_format="%Y-%m-%d %H:%M:%S%.6f%:z",
                null_value="", quote_style="necessary",
            )  # fmt: skip
            copy.write(buffer.getbuffer())
    return frame.height


# --- SQLite ---------------------------------------------------------------------------------
@dataclass
class _Packed:
    """A column carried in bits `shift`… of narrow column `word`: its value less `low`,
    plus 1 when 0 stands for NULL; a ranked text column by its rank among `texts`."""

    name: str
    low: int
    bits: int
    nullable: bool
    texts: list[str] | None = None
    date: bool = False
    word: int = 0
    shift: int = 0


@dataclass
class _Plan:
    packed: list[_Packed] = field(default_factory=list)
    words: int = 0
    # Frame columns bound by themselves: (name, narrow expression, how SQL turns it back).
    loose: list[tuple[str, pl.Expr, str]] = field(default_factory=list)


def _insert_narrow(table: str, frame: pl.DataFrame) -> int:
    plan = _plan(frame)
    narrow = _narrow(frame, plan)
    names = [f"c{i}" for i in range(narrow.width)]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NARROW}")
        # Columns without a declared type: each value is kept as it was bound.
        cursor.execute(f"CREATE TEMPORARY TABLE {NARROW} ({', '.join(names)})")
        marks = ", ".join(["%s"] * narrow.width)
        sql = f"INSERT INTO {NARROW} VALUES ({marks})"  # noqa: S608
        with _no_collection():
            for part in narrow.iter_slices(BATCH):
                # A column's Python values at a time, zipped into rows: faster than the
                # frame's `rows()`.
                columns = [column.to_list() for column in part.get_columns()]
                cursor.executemany(sql, list(zip(*columns, strict=True)))
        expressions, params = _unpacking(frame, plan)
        cursor.execute(
            f"INSERT INTO {table} ({_names(frame)}) "  # noqa: S608
            f"SELECT {', '.join(expressions)} FROM {NARROW} ORDER BY rowid",
            params,
        )
        count = cursor.rowcount
        cursor.execute(f"DROP TABLE {NARROW}")
    return count


@contextmanager
def _no_collection() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a million tuples are made and dropped:
    they hold no cycles, and each collection would walk every object of the process (0,4 s
    of a million-row load in the import's process)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _integers(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The column's values as whole numbers: booleans 0 and 1, dates days since 1970."""
    if dtype == pl.Date:
        return column.cast(pl.Int32).cast(pl.Int64)
    return column.cast(pl.Int64)


def _plan(frame: pl.DataFrame) -> _Plan:
    """Which columns are packed (and in how many bits), which bound by themselves: from each
    column's range, counted in one pass over the frame."""
    plan = _Plan()
    zone = connection.timezone_name
    measured: list[tuple[str, pl.DataType]] = []
    statistics: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Boolean or dtype == pl.Date or (dtype.is_integer() and dtype != pl.UInt64):
            values = _integers(column, dtype)
            measured.append((name, dtype))
            statistics += [values.min().alias(f"{name}\0min"), values.max().alias(f"{name}\0max")]
        elif dtype == pl.String:
            measured.append((name, dtype))
            # Estimated first (a sketch, not a hash set of every value): a column of codes,
            # one per row, is not collected only to be found too varied (0,17 s for 1M).
            statistics.append(column.approx_n_unique().alias(f"{name}\0approx"))
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            if zone == "UTC":
                measured.append((name, dtype))
                statistics.append(column.dt.epoch("us").min().alias(f"{name}\0min"))
            else:
                plan.loose.append((name, moment_text(column, zone), "value"))
        elif dtype in (pl.UInt64, pl.Null):
            plan.loose.append((name, column, "value"))
        else:
            raise TypeError(f"insert_frame: column {name!r} of type {dtype} is not supported")
    stats = frame.select(statistics).row(0, named=True) if statistics else {}
    # The texts of the columns that may be few: exactly, in one more pass (the estimate only
    # decides which columns to collect; what is packed is the exact set).
    few = [
        pl.col(name).drop_nulls().unique().head(RANKED + 1).implode().alias(name)
        for name, dtype in measured
        if dtype == pl.String and stats[f"{name}\0approx"] <= 2 * RANKED
    ]
    if few:
        stats.update(frame.select(few).row(0, named=True))
    nulls = frame.null_count().row(0, named=True)
    bits_used = WORD_BITS  # a new word before the first packed column
    for name, dtype in measured:
        column = pl.col(name)
        nullable = nulls[name] > 0
        if isinstance(dtype, pl.Datetime):
            first = stats[f"{name}\0min"]
            if first is None or first >= FIRST_DAY * DAY * MICROS:
                plan.loose.append((name, column.dt.epoch("us"), "moment"))
            else:
                plan.loose.append((name, moment_text(column, zone), "value"))
            continue
        if dtype == pl.String:
            texts = stats.get(name)  # None: estimated too varied to collect
            if texts is None or len(texts) > RANKED:
                plan.loose.append((name, column, "value"))
                continue
            low, high, ranked = 0, len(texts) - 1, sorted(texts)
        else:
            low, high, ranked = stats[f"{name}\0min"], stats[f"{name}\0max"], None
            if low is None:  # every value NULL
                low = high = 0
        bits = (high - low + nullable).bit_length()
        if dtype == pl.Date and (low < FIRST_DAY or bits > PACKED_BITS):
            plan.loose.append((name, column.dt.strftime("%Y-%m-%d"), "value"))
            continue
        if bits > PACKED_BITS:
            plan.loose.append((name, column, "value"))
            continue
        if bits_used + bits > WORD_BITS:
            plan.words += 1
            bits_used = 0
        packed = _Packed(name, low, bits, nullable, ranked, dtype == pl.Date)
        packed.word, packed.shift = plan.words - 1, bits_used
        bits_used += bits
        plan.packed.append(packed)
    if not plan.words and not plan.loose:
        plan.words = 1  # every column the same in every row: a word of 0 carries the rows
    return plan


def moment_text(column: pl.Expr, zone: str) -> pl.Expr:
    """Aware date-times as the ORM stores them on SQLite in `zone`: naive text, `str()`'s
    form (no fraction when the microseconds are 0, six digits otherwise)."""
    moment = column.dt.convert_time_zone(zone)
    return (
        pl.when(moment.dt.microsecond() == 0)
        .then(moment.dt.strftime("%Y-%m-%d %H:%M:%S"))
        .otherwise(moment.dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
    )


def _code(column: _Packed, dtype: pl.DataType) -> pl.Expr:
    """What goes into the column's bits: 0 for NULL when it has any."""
    source = pl.col(column.name)
    if column.texts is not None:
        ranks = list(range(column.nullable, column.nullable + len(column.texts)))
        value = source.replace_strict(column.texts, ranks, default=None, return_dtype=pl.Int64)
    else:
        value = _integers(source, dtype) - column.low + column.nullable
    return value.fill_null(0)


def _narrow(frame: pl.DataFrame, plan: _Plan) -> pl.DataFrame:
    """The narrow rows: the packed integers, then the columns bound by themselves."""
    words: list[pl.Expr] = []
    for index in range(plan.words):
        parts = [
            _code(column, frame.schema[column.name]) * (1 << column.shift)
            for column in plan.packed
            if column.word == index and column.bits
        ]
        words.append(pl.sum_horizontal(parts) if parts else pl.repeat(0, pl.len(), dtype=pl.Int64))
    loose = [expression for _name, expression, _kind in plan.loose]
    return frame.select(
        [word.alias(f"w{i}") for i, word in enumerate(words)]
        + [expression.alias(f"l{i}") for i, expression in enumerate(loose)]
    )


def _unpacking(frame: pl.DataFrame, plan: _Plan) -> tuple[list[str], list[str]]:
    """The SELECT's expressions over the narrow table, one per frame column in the frame's
    order, and their parameters (the ranked texts) in that order."""
    by_name: dict[str, tuple[str, list[str]]] = {}
    for column in plan.packed:
        by_name[column.name] = _unpacked(column)
    for index, (name, _expression, kind) in enumerate(plan.loose):
        narrow = f"c{plan.words + index}"
        by_name[name] = (_moment_sql(narrow) if kind == "moment" else narrow, [])
    expressions: list[str] = []
    params: list[str] = []
    for name in frame.columns:
        sql, texts = by_name[name]
        expressions.append(sql)
        params += texts
    return expressions, params


def _unpacked(column: _Packed) -> tuple[str, list[str]]:
    """SQL giving the column's value back from its bits."""
    if not column.bits:  # the same in every row
        if column.texts is not None:
            return ("%s", column.texts[:1]) if column.texts else ("NULL", [])
        value = f"({column.low})"
        return (f"date({value} * {DAY}, 'unixepoch')" if column.date else value), []
    bits = f"((c{column.word} >> {column.shift}) & {(1 << column.bits) - 1})"
    if column.texts is not None:
        whens = " ".join(f"WHEN {column.nullable + i} THEN %s" for i in range(len(column.texts)))
        return f"(CASE {bits} {whens} END)", list(column.texts)
    if column.nullable:
        value = f"(NULLIF({bits}, 0) - 1 + {column.low})"
    else:
        value = f"({bits} + {column.low})"
    if column.date:
        return f"date({value} * {DAY}, 'unixepoch')", []
    return value, []


def _moment_sql(micros: str) -> str:
    """SQL turning microseconds since 1970 (NULL, or before 1970, included) into the ORM's
    text of the UTC date-time."""
    # "%%": the statement goes through Django's cursor with parameters, which reads "%%" as "%".
    fraction = f"((({micros} %% {MICROS}) + {MICROS}) %% {MICROS})"
    seconds = f"datetime(({micros} - {fraction}) / {MICROS}, 'unixepoch')"
    return (
        f"(CASE WHEN {fraction} = 0 THEN {seconds} "
        f"ELSE {seconds} || printf('.%%06d', {fraction}) END)"
    )
