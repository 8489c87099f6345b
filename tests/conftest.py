import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

from tests.factories import make_user

# Tests never assert timings: Hypothesis's default deadline (200 ms an example) failed the
# property tests on a busy machine (CI shares its cores) although every example was right.
hypothesis_settings.register_profile("cchc", deadline=None)
hypothesis_settings.load_profile("cchc")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the bundled reference data (135 agencies, the 2022
    plan), loaded once per session; each test's changes are rolled back. The 2025
    reorganisation is left out: a test that needs it asks for the `reorganised` fixture."""
    with django_db_blocker.unblock():
        call_command("load_reference_data", without_reorganisation=True, verbosity=0)


@pytest.fixture
def reorganised(db):
    """The bundled 2025 reorganisation loaded over the 2022 agencies (rolled back after)."""
    from cchc.organizations.reorganisation import load_name_variants, load_reorganisation

    load_name_variants()
    return load_reorganisation()


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
