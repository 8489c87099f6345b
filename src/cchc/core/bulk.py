"""Inserting many rows fast: PostgreSQL `COPY … FROM STDIN` (psycopg 3), SQLite one prepared
INSERT run by `executemany`. Values go through each field's own `get_db_prep_save`, so they
are stored exactly as the ORM would store them. No signals, no `save()`: for import writers
whose rows are already validated."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connections, models, router


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Mapping[str, Any]]
) -> int:
    """Insert `rows` (dicts keyed by field attnames, e.g. "agency_id") into `model`'s table."""
    connection = connections[router.db_for_write(model)]
    concrete = [model._meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in concrete)
    table = connection.ops.quote_name(model._meta.db_table)
    attnames = [f.attname for f in concrete]

    def prepared(row: Mapping[str, Any]) -> list[Any]:
        return [
            f.get_db_prep_save(row[a], connection) for f, a in zip(concrete, attnames, strict=True)
        ]

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
