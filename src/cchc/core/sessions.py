"""Django's database sessions, read with one prepared statement instead of the ORM.

Every signed-in request loads its session; building `Session.objects.get(...)` with the ORM
cost about 0,4 ms of a target page's ~5 ms, which under 50 concurrent users is throughput the
dashboard needs (docs/benchmarks.md). Writing, expiry and clearing are Django's own; the
sessions stay in the database, so a signed-out session ends in every process at once (a
per-process cache would keep it alive in the others, and a fresh machine has no shared one).
Enabled by `SESSION_ENGINE = "cchc.core.sessions"`."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict:
        model = self.model
        connection = connections[router.db_for_read(model)]
        qn = connection.ops.quote_name
        sql = (
            f"SELECT {qn('session_data')} FROM {qn(model._meta.db_table)} "  # noqa: S608 — names
            f"WHERE {qn('session_key')} = %s AND {qn('expire_date')} > %s"
        )
        with connection.cursor() as cursor:
            now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM stores it
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's: an unknown or expired key gets a new one
            return {}
        return self.decode(row[0])
