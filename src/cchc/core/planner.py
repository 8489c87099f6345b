"""PostgreSQL's planner kept informed about tables a write has just changed much.

Autovacuum analyses a table some time after it changed; a statement planned before that sees
the statistics of a table far smaller (a fresh installation, a first import). Two cases seen:
matching a file's codes with the stored dossiers scanned the whole table once per code
(5,9 s instead of 0,3 s for the same 10.000 dossiers pushed twice), and the figures read after
a province's first year joined 98.000 roll-up rows with every procedure offering online
payment by a nested loop (21 million comparisons, 0,63 s instead of 0,04 s), both planned on
statistics taken when the table was nearly empty. Analysing samples the table: a fraction of
a second, paid only when the statistics are stale."""

from __future__ import annotations

from django.db import connection

# A table is analysed when this many rows, or this share of it, changed since its statistics.
STALE_ROWS, STALE_SHARE = 1_000, 0.2


def refresh_statistics(table: str, *, changing: int = 0) -> bool:
    """PostgreSQL: ANALYZE `table` (its name in the database) when the rows changed since
    its statistics were taken — those the server has counted (`n_mod_since_analyze`) and
    `changing` more that the caller's transaction wrote, which it counts only once committed
    — are more than STALE_ROWS and STALE_SHARE of the rows the statistics say it holds.
    Inside a transaction ANALYZE sees that transaction's own rows. Returns whether it ran."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GREATEST(c.reltuples, 0), COALESCE(s.n_mod_since_analyze, 0) FROM pg_class c "
            "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = %s::regclass",
            [table],
        )
        estimated, changed = cursor.fetchone()
        if changed + changing <= max(STALE_ROWS, STALE_SHARE * estimated):
            return False
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return True
