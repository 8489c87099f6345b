"""The figures of tests/national/figures.py: ours computed, the published ones loaded through
the import as the reform office loads them."""

import pytest

from tests.national.figures import HEADER, PUBLISHED, store_our_figures
from tests.operations.importing import csv_bytes, load


@pytest.fixture
def our_figures(db):
    store_our_figures()


@pytest.fixture
def published(our_figures, reform_office):
    run = load(reform_office, "national_766", csv_bytes(HEADER, PUBLISHED))
    assert run.status == "done", run.errors
    return run
