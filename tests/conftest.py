import pytest
from django.core.management import call_command
from django.db import connections, transaction
from hypothesis import settings as hypothesis_settings

from tests.factories import make_user

# Tests never assert timings: Hypothesis's default deadline (200 ms an example) failed the
# property tests on a busy machine (CI shares its cores) although every example was right.
hypothesis_settings.register_profile("cchc", deadline=None)
hypothesis_settings.load_profile("cchc")

# Fixtures through which pytest-django lets a test reach the database (`live_server` asks for
# `transactional_db` at run time); fixturenames holds every fixture a test asks for, however
# indirectly (`reform_office` → `db`).
DATABASE_FIXTURES = frozenset({"db", "transactional_db", "live_server"})


def uses_database(item: pytest.Item) -> bool:
    """Whether pytest-django lets this test reach the database: a `django_db` mark, a database
    fixture, or a Django TestCase. Any other test fails on its first query."""
    from django.test import TransactionTestCase

    test_class = getattr(item, "cls", None)
    if test_class is not None and issubclass(test_class, TransactionTestCase):
        return True
    if item.get_closest_marker("django_db") is not None:
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(trylast=True)  # after pytest-django's order: transactional tests last
def pytest_collection_modifyitems(config, items):
    _reorganised_last(items)
    _database_tests_only_on_postgresql(config, items)


def _reorganised_last(items):
    """A module's tests that ask for the reorganisation run after its other tests next to
    them: it is loaded once for them (`reorganisation_of_the_module`) and stays until the
    next module. The order is otherwise kept (pytest-django runs transactional tests, whose
    flush empties the database, after the others)."""
    for item in items:
        if _asks_for_the_reorganisation(item) and not _in_one_transaction(item):
            raise pytest.UsageError(f"{item.nodeid}: `reorganised` needs the `db` fixture")
    ordered, run = [], []
    for item in [*items, None]:
        if run and (item is None or item.path != run[0].path):
            ordered += sorted(run, key=_asks_for_the_reorganisation)  # stable
            run = []
        if item is not None:
            run.append(item)
    items[:] = ordered


def _asks_for_the_reorganisation(item: pytest.Item) -> bool:
    return "reorganised" in getattr(item, "fixturenames", ())


def _in_one_transaction(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    )
    return not transactional and not {"transactional_db", "live_server"} & set(item.fixturenames)


def _database_tests_only_on_postgresql(config, items):
    """On PostgreSQL only the tests that use the database run. The others (parsers, calendar,
    formulas, the Word builder, property tests: a third of the suite) cannot reach the
    database — `uses_database` is false, so pytest-django refuses their queries, and the
    guard below fails one that gets round it — so their result does not depend on it: the
    SQLite pass runs them, and CI's PostgreSQL pass (`.ci/run`) spends its time on the tests
    that can differ. Pytest's summary counts them as deselected."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return
    kept, deselected = [], []
    for item in items:
        (kept if uses_database(item) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


class QueryCounter:
    """A Django execute wrapper that notes each query's SQL."""

    def __init__(self):
        self.queries: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append(sql)
        return execute(sql, params, many, context)


QUERIES = pytest.StashKey[QueryCounter]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """The split's guard: a test for which `uses_database` is false must run no query. One
    that got the database anyway (`request.getfixturevalue("db")`, `django_db_blocker`)
    would be left out on PostgreSQL unseen; its setup or call fails instead, asking for the
    `django_db` mark."""
    if not uses_database(item):
        item.stash[QUERIES] = QueryCounter()
        for connection in connections.all(initialized_only=False):
            connection.execute_wrappers.append(item.stash[QUERIES])
    result = yield
    _refuse_queries(item)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    _refuse_queries(item)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        counter = item.stash.get(QUERIES, None)
        if counter is not None:
            for connection in connections.all(initialized_only=False):
                connection.execute_wrappers[:] = [
                    wrapper for wrapper in connection.execute_wrappers if wrapper is not counter
                ]
            del item.stash[QUERIES]


def _refuse_queries(item):
    counter = item.stash.get(QUERIES, None)
    if counter is not None and (queries := counter.queries):
        pytest.fail(
            f"{len(queries)} queries (the first: {queries[0]!r}) from a test without the "
            "django_db mark or a database fixture: it would be left out on PostgreSQL "
            "(tests/conftest.py, pytest_collection_modifyitems)",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the bundled reference data (135 agencies, the 2022
    plan), loaded once per session; each test's changes are rolled back. The 2025
    reorganisation is left out: a test that needs it asks for the `reorganised` fixture."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", without_reorganisation=True, verbosity=0)


@pytest.fixture(scope="module")
def reorganisation_of_the_module(request, django_db_setup, django_db_blocker):
    """The 2025 reorganisation, loaded once for a test module's tests that ask for it (1,5 s
    a test otherwise, 34 tests), in a transaction which their own transactions nest in and which is
    rolled back after the last of them. They run after the module's other tests
    (`pytest_collection_modifyitems`), which therefore never see it."""
    from cchc.organizations.reorganisation import load_name_variants, load_reorganisation

    with django_db_blocker.unblock(), transaction.atomic():
        load_name_variants()
        result = load_reorganisation()
        REORGANISATION_LOADED.append(request.node.nodeid)
        try:
            yield result
        finally:
            REORGANISATION_LOADED.remove(request.node.nodeid)
            transaction.set_rollback(True)


REORGANISATION_LOADED: list[str] = []


@pytest.fixture(autouse=True)
def _without_the_reorganisation_unless_asked(request):
    """A test that does not ask for the reorganisation never runs while it is loaded."""
    if REORGANISATION_LOADED and not _asks_for_the_reorganisation(request.node):
        pytest.fail(f"runs while {REORGANISATION_LOADED[0]}'s reorganisation is loaded")


@pytest.fixture
def reorganised(reorganisation_of_the_module, db):
    """The bundled 2025 reorganisation loaded over the 2022 agencies (rolled back after)."""
    return reorganisation_of_the_module


@pytest.fixture
def locmem_cache(settings):
    """A real memory cache for a test (the test settings' default cache is a dummy: a test's
    rollback resets the figures generation, so a cache kept across tests could serve one
    test's figures to another)."""
    from django.core.cache import cache

    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}  # fmt: skip
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def reform_office(db):
    return make_user("vp", "12-SNV", "reform_office")


@pytest.fixture
def leader(db):
    return make_user("ld", "12", "leader")


@pytest.fixture
def dept_officer(db):
    return make_user("stp", "12-STP", "agency_officer")


@pytest.fixture
def district_officer(db):
    return make_user("td", "106", "agency_officer")


@pytest.fixture
def commune_officer(db):
    return make_user("bb", "106-02", "agency_officer")


@pytest.fixture
def appraiser(db):
    return make_user("tdinh", "12-SNV", "appraiser")
