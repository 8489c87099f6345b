"""`refresh_statistics` analyses a table its caller has just filled (PostgreSQL), so that the
statements planned next see its size, and leaves a table whose statistics are fresh alone."""

import pytest
from django.db import connection

from cchc.core.planner import STALE_ROWS, refresh_statistics

pytestmark = pytest.mark.django_db


def estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_a_table_filled_by_the_transaction_is_analysed_once():
    rows = 3 * STALE_ROWS
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t_planner (n integer)")
        cursor.execute("ANALYZE t_planner")  # the statistics of an empty table
        cursor.execute("INSERT INTO t_planner SELECT generate_series(1, %s)", [rows])
    assert estimated_rows("t_planner") <= 0
    # Too few rows written to matter: left alone.
    assert refresh_statistics("t_planner", changing=STALE_ROWS // 2) is False
    assert refresh_statistics("t_planner", changing=rows) is True
    assert estimated_rows("t_planner") == rows  # ANALYZE saw the transaction's own rows
    # Fresh now: the same few rows again do not analyse it again.
    assert refresh_statistics("t_planner", changing=STALE_ROWS // 2) is False


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite plans without them")
def test_sqlite_is_left_alone():
    assert refresh_statistics("operations_dossier", changing=10**6) is False
