"""CI's PostgreSQL pass runs only the tests that use the database (tests/conftest.py,
`pytest_collection_modifyitems`): the others cannot reach it, so the SQLite pass speaks for
them. Here: which tests count as using the database, and the guard that fails a test that
queries without saying so (it would be left out on PostgreSQL unseen)."""

from pathlib import Path

import pytest
from django.db import connection

from cchc.organizations.models import Agency
from tests.conftest import uses_database

pytest_plugins = ["pytester"]


@pytest.mark.django_db
def test_the_mark_counts(request):
    assert uses_database(request.node)


def test_a_fixture_that_asks_for_the_database_counts(request, reform_office):
    assert uses_database(request.node)


class Declared:
    """What `uses_database` reads of a test: its class, its django_db mark, its fixtures."""

    cls = None

    def __init__(self, *fixturenames, mark=None):
        self.fixturenames, self.mark = list(fixturenames), mark

    def get_closest_marker(self, name):
        return self.mark if name == "django_db" else None


def test_a_transactional_test_and_the_live_server_count():
    assert uses_database(Declared("transactional_db"))
    assert uses_database(Declared("live_server", "page"))
    assert uses_database(Declared(mark=pytest.mark.django_db(transaction=True).mark))
    assert not uses_database(Declared("tmp_path", "settings", "monkeypatch"))


def test_a_test_without_the_database_cannot_reach_it(request):
    """Runs on SQLite only: it is the kind the PostgreSQL pass leaves out."""
    assert connection.vendor == "sqlite"
    assert not uses_database(request.node)
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        Agency.objects.exists()


@pytest.mark.django_db
def test_on_postgresql_only_the_tests_that_use_the_database_are_collected(request):
    if connection.vendor == "sqlite":
        assert any(not uses_database(item) for item in request.session.items)
    else:
        assert all(uses_database(item) for item in request.session.items)


GUARDED = """
from django.db import connection


def test_asks_for_nothing_and_queries(django_db_blocker):
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_asks_for_nothing_and_queries_nothing():
    assert 1 + 1 == 2
"""


def test_a_test_that_queries_without_asking_for_the_database_fails(pytester, monkeypatch):
    monkeypatch.setenv("CCHC_DATABASE_URL", "sqlite:///:memory:")
    pytester.makeconftest('pytest_plugins = ["tests.conftest"]')
    pytester.makepyfile(test_guarded=GUARDED)
    root = Path(__file__).resolve().parents[1]
    pytester.makeini(f"""
[pytest]
DJANGO_SETTINGS_MODULE = config.settings.test
pythonpath = {root / "src"} {root}
""")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "0")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*1 queries (the first: 'SELECT 1') from a test without*"])
