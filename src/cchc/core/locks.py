"""One writer at a time of a named thing, until the transaction ends.

PostgreSQL: a transaction-level advisory lock keyed by the name (a second writer waits for
the first to commit, instead of failing on a unique key it would have found taken). SQLite
needs none: its transactions take its one write lock when they begin (`transaction_mode`
IMMEDIATE). Names in use: "import:<data kind>" (an import's write, `operations.services`),
"figures" (a refresh of stored figures, `indicators.services.snapshots_refresh`)."""

import zlib

from django.db import connection


def lock_key(name: str) -> int:
    """The advisory lock key of `name`: a signed 32-bit number."""
    return zlib.crc32(f"cchc:{name}".encode()) - 2**31


def serialise(name: str) -> None:
    """Wait until no other transaction holds `name`, then hold it until this one ends.
    Call it inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(name)])
