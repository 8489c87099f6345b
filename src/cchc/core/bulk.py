"""Inserting many rows fast: PostgreSQL `COPY … FROM STDIN` (psycopg 3), SQLite one prepared
INSERT run by `executemany`. Values are stored exactly as the ORM would store them: dates,
times and decimals go through each field's own `get_db_prep_save` unless that is known to give
them back unchanged or as a known text (see `_adapter`; compared in tests/core/test_bulk.py);
text, integers and booleans are passed as they are. No signals, no `save()`: for import
writers whose rows are already validated (right Python types)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from django.conf import settings
from django.db import connections, models, router


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Mapping[str, Any]]
) -> int:
    """Insert `rows` (dicts keyed by field attnames, e.g. "agency_id") into `model`'s table."""
    connection = connections[router.db_for_write(model)]
    concrete = [cast(models.Field, model._meta.get_field(name)) for name in fields]
    columns = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in concrete)
    table = connection.ops.quote_name(model._meta.db_table)
    attnames = [f.attname for f in concrete]
    # Text, integer and boolean values of validated rows are already what the database
    # takes; dates, times and decimals still go through the field (time zone, precision).
    adapters = [_adapter(f, connection) for f in concrete]
    columns_ = list(zip(attnames, adapters, strict=True))

    def prepared(row: Mapping[str, Any]) -> list[Any]:
        return [row[a] if adapt is None else adapt(row[a]) for a, adapt in columns_]

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(concrete))
            batch: list[list[Any]] = []
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            for row in rows:
                batch.append(prepared(row))
                if len(batch) == 10_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


MEMO_LIMIT = 100_000  # values remembered per column before the memo starts again


def _remembered(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`adapt` remembering its results, for the adaptations that cost microseconds (a field's
    preparation, a datetime to SQLite's text: 5 s for the 3.000.000 datetimes of a
    1.000.000-dossier import), not for those that return the value (PostgreSQL's, which a memo
    would only slow down): a column of dates, times or amounts repeats its values
    (appointments at 17:00, a few fees). Equal values give equal results (an aware datetime
    equals the same instant in any zone)."""
    memo: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            result = memo[value] = adapt(value)
            return result

    return remembered


DIRECT_TYPES = {
    "CharField", "TextField", "IntegerField", "SmallIntegerField", "BigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField",
    "BooleanField", "AutoField", "BigAutoField",
}  # fmt: skip


PASSED_AS_IS_ON_POSTGRESQL = {"DateTimeField", "DateField", "DecimalField"}


def _adapter(field: models.Field, connection) -> Callable[[Any], Any] | None:
    """How a validated value reaches the database: None for as it is; else the field's own
    preparation, or for aware datetimes on SQLite the same text it produces (naive UTC,
    `str()`), without its per-value checks; on PostgreSQL dates, aware datetimes and decimals
    as they are."""
    target = cast(Any, field).target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in DIRECT_TYPES:
        return None
    if connection.vendor == "postgresql" and kind in PASSED_AS_IS_ON_POSTGRESQL:
        # Django's preparation returns these unchanged on PostgreSQL (the adapt_*field_value
        # of its backend are identities) and psycopg adapts them; skipping it saves four calls
        # per value. A naive datetime still goes through the field (it warns and converts).
        if kind != "DateTimeField" or not settings.USE_TZ:
            return None

        def aware_as_is(value):
            if value is None or value.tzinfo is not None:
                return value
            return field.get_db_prep_save(value, connection)

        return aware_as_is
    if kind == "DateTimeField" and connection.vendor == "sqlite" and settings.USE_TZ:
        zone = connection.timezone

        def sqlite_datetime(value):
            if value is None:
                return None
            if value.tzinfo is None:  # not what importers give; let the field decide
                return field.get_db_prep_save(value, connection)
            return str(value.astimezone(zone).replace(tzinfo=None))

        return _remembered(sqlite_datetime)
    return _remembered(lambda value: field.get_db_prep_save(value, connection))
