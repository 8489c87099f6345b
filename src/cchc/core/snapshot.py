"""Reads that see the database as it was at one moment, without holding up its writers.

A check that reads a table several times (the bounds of the dossiers, then a recompute of
their roll-up, then the stored rows) must see one state, or an import committing between two
of its reads is taken for a wrong figure. A write transaction would give one state but stop
every import for as long as the check reads (on SQLite, where `transaction_mode` is
IMMEDIATE, any transaction takes the one write lock when it begins: minutes on a large
history). `read_snapshot` gives one state and lets writers go on:

- PostgreSQL: a REPEATABLE READ, READ ONLY transaction — every statement sees the snapshot
  its first one took, and a write inside it is refused;
- SQLite (journal in WAL mode): a DEFERRED transaction — its first read fixes what it sees
  until it ends, while writers commit to the log beside it.

Inside a transaction already begun (a test's, a caller's), the reads are that transaction's."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction


@contextmanager
def read_snapshot() -> Iterator[None]:
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        sqlite: Any = connection  # `transaction_mode` is the SQLite wrapper's own
        mode = sqlite.transaction_mode
        sqlite.transaction_mode = "DEFERRED"  # only for the BEGIN of this transaction
        try:
            with transaction.atomic():
                sqlite.transaction_mode = mode
                yield
        finally:
            sqlite.transaction_mode = mode
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
