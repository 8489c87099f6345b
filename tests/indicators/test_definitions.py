"""The definitions of issue 16 ("figures a province can sign"): each target counts what its
wording names, checked against hand-computed tables."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.registry import INDICATORS
from cchc.indicators.selectors import evaluate
from cchc.indicators.services import snapshots_refresh
from cchc.operations.models import (
    DossierMonthly,
    ImportRun,
    InformationSystem,
    Procedure,
    StatSource,
    SystemConnection,
)
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.plans.models import Target

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


def dashboard_rows(body: str) -> dict[str, str]:
    """The dashboard's rows by target label, as text."""
    table = body.split("<tbody>")[1].split("</tbody>")[0]
    rows = {}
    for row in table.split("<tr>")[1:]:
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        rows[text.split(" ")[0]] = text
    return rows


def test_each_figure_is_marked_synthetic_by_its_own_sources(client, reform_office, run):
    """Demo PAR INDEX results (target 2) beside real dossiers: only target 2 is marked, and
    the page's note names it instead of calling every figure simulated."""
    demo = ImportRun.objects.create(kind="dossiers", file_name="demo", synthetic=True)
    for agency in Agency.objects.filter(level="department")[:3]:
        IndicatorSnapshot.objects.create(
            indicator="PAR_INDEX_COVERAGE", agency=agency, tier="province",
            month=date(2022, 1, 1), numerator=1, denominator=1, synthetic=True,
        )  # fmt: skip
    procedure = Procedure.objects.create(code="P1", name="Thủ tục")
    DossierMonthly.objects.create(
        agency=Agency.objects.get(code="12-STP"), procedure=procedure, month=date(2022, 1, 1),
        source=StatSource.IMPORTED, import_run=run, received=10, received_online=3,
    )  # fmt: skip
    assert not demo.dossiers.exists()  # the demo run wrote no dossier
    snapshots_refresh(agency_ids=None, years=[2022], codes=["ONLINE_DOSSIER_SHARE"])
    client.force_login(reform_office)
    body = client.get(reverse("indicators:dashboard"), {"nam": 2022}).content.decode()
    rows = dashboard_rows(body)
    assert "30%" in rows["6c"] and "dữ liệu mô phỏng" not in rows["6c"]
    assert "dữ liệu mô phỏng" in rows["2"]
    note = " ".join(re.sub(r"<[^>]+>", " ", body.split("<table")[0]).split())
    assert "Chỉ tiêu 2 tính từ dữ liệu mô phỏng" in note
    assert "Số liệu dưới đây tính từ dữ liệu mô phỏng" not in note
    share = Target.objects.get(plan__year=2022, indicator_code="ONLINE_DOSSIER_SHARE")
    detail = client.get(reverse("indicators:target_detail", args=[share.pk])).content.decode()
    assert "dữ liệu mô phỏng" not in detail
