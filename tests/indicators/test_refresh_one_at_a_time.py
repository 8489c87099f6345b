"""Figures are refreshed one refresh at a time (`core.locks.serialise("figures")`). Two
workers recomputing two imports' figures at once over the same window failed on PostgreSQL:
each deleted the rows the other had not committed yet, and the second inserted rows the
first had just written (a duplicate snapshot key); a month's figures stayed missing until
the repair pass."""

import pytest
from django.db import OperationalError, connection, transaction

from cchc.core.locks import lock_key
from cchc.indicators.services import snapshots_refresh

pytestmark = pytest.mark.django_db


def test_a_refresh_waits_for_one_in_progress():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's transactions take its one write lock when they begin")
    import psycopg

    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [lock_key("figures")])  # a refresh
        with transaction.atomic(), pytest.raises(OperationalError, match="lock timeout"):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            snapshots_refresh(agency_ids=None, years=[2022])
        other.execute("SELECT pg_advisory_unlock(%s)", [lock_key("figures")])
    assert snapshots_refresh(agency_ids=None, years=[2022]) >= 0  # with the lock free
