"""Each import template's example row imports as it is (issue 17): a new user who downloads a
template and uploads it unchanged sees it loaded, not rejected. The catalogue's example is
loaded first for the others, which name its procedure. (The dossier and the monthly-statistics
examples describe the same agency, procedure and month — a province loads one or the other —
so each kind is tried on its own.) The Excel template carries its examples in the cells' notes
and the guide sheet, not as a data row, so the CSV is the one whose row is imported."""

import pytest
from django.urls import reverse

from cchc.operations.imports import IMPORTERS
from tests.operations.importing import load

pytestmark = pytest.mark.django_db


def _template(client, kind: str, fmt: str) -> bytes:
    return client.get(reverse("operations:import_template", args=[kind, fmt])).content


@pytest.mark.parametrize("kind", list(IMPORTERS))
def test_a_templates_example_row_imports_as_it_is(client, reform_office, kind):
    fmt = "csv"
    client.force_login(reform_office)
    if kind != "procedures":
        catalogue = load(reform_office, "procedures", _template(client, "procedures", fmt),
                         f"mau.{fmt}")  # fmt: skip
        assert catalogue.status == "done", catalogue.errors
    run = load(reform_office, kind, _template(client, kind, fmt), f"mau.{fmt}")
    assert run.status == "done", run.errors
    assert run.rows_created == 1
