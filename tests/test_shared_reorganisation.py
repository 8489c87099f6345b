"""The 2025 reorganisation is loaded once for a module's tests that ask for it
(`reorganised`, tests/conftest.py): each of them starts from it as loaded, and the module's
other tests never see it, wherever they stand in the file."""

import pytest

from cchc.organizations.models import Agency
from tests.conftest import _in_one_transaction, uses_database

pytestmark = pytest.mark.django_db

NEW_COMMUNE = "NQ1670-01"  # Xã Mường Kim, created by the reorganisation


def test_a_test_that_asks_for_it_finds_it_and_changes_it(reorganised):
    commune = Agency.objects.get(code=NEW_COMMUNE)
    assert commune.name == "Xã Mường Kim"
    commune.name = "Tên đổi trong một kiểm thử"
    commune.save()


def test_a_test_that_does_not_ask_runs_without_it():
    assert Agency.objects.exists()  # the 2022 agencies
    assert not Agency.objects.filter(code=NEW_COMMUNE).exists()


def test_a_test_that_asks_for_it_starts_from_it_as_loaded(reorganised):
    assert Agency.objects.get(code=NEW_COMMUNE).name == "Xã Mường Kim"


def test_the_transactional_tests_still_run_after_the_others(request):
    """Their flush empties the database (pytest-django's order, which the move above keeps)."""
    kinds = [_in_one_transaction(item) for item in request.session.items if uses_database(item)]
    assert kinds == sorted(kinds, reverse=True)
