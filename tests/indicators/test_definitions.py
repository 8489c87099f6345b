"""The definitions of issue 16 ("figures a province can sign"): each target counts what its
wording names, checked against hand-computed tables."""

from datetime import date
from decimal import Decimal

import pytest

from cchc.indicators.registry import INDICATORS
from cchc.indicators.selectors import evaluate
from cchc.indicators.services import snapshots_refresh
from cchc.operations.models import ImportRun, InformationSystem, SystemConnection
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope

pytestmark = pytest.mark.django_db
ALL = AgencyScope.everything()


@pytest.fixture
def run():
    return ImportRun.objects.create(kind="systems", file_name="t.csv")


def test_target_7_counts_only_the_systems_it_names(run):
    """Five named connections, four in place, and one system of kind "Khác": the target's
    own definition is 4/5 = 80,00 %, not 5/6 = 83,33 %."""
    owner = Agency.objects.get(code="12-STTTT")
    table = [  # system, kind, national system, connected on
        ("DVC", "provincial_portal", "national_portal", date(2022, 2, 1)),
        ("DVC", "provincial_portal", "national_reporting", date(2022, 3, 1)),
        ("MC", "one_stop", "national_portal", date(2022, 1, 10)),
        ("MC", "one_stop", "national_reporting", None),
        ("BC", "reporting", "national_reporting", date(2022, 5, 1)),
        ("KHAC", "other", "national_portal", date(2022, 1, 5)),
    ]
    for code, kind, target, connected_on in table:
        system, _ = InformationSystem.objects.get_or_create(
            code=code, defaults={"name": code, "kind": kind, "owner": owner, "import_run": run}
        )
        SystemConnection.objects.create(
            system=system, target=target, connected_on=connected_on, import_run=run
        )
    snapshots_refresh(agency_ids=None, years=[2022], codes=["SYSTEMS_CONNECTED"])
    result = evaluate("SYSTEMS_CONNECTED", scope=ALL, year=2022)
    assert (result.numerator, result.denominator, result.value) == (4, 5, Decimal("80.00"))
    # The records behind the numbers are the same five and four.
    records = INDICATORS["SYSTEMS_CONNECTED"].records
    numerator, denominator = records(owner.pk, "province", date(2022, 1, 1), date(2022, 12, 31))
    assert sorted(c.system.code for c in denominator) == ["BC", "DVC", "DVC", "MC", "MC"]
    assert sorted(c.system.code for c in numerator) == ["BC", "DVC", "DVC", "MC"]
