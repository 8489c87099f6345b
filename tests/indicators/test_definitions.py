"""The definitions of issue 16 ("figures a province can sign"): each target counts what its
wording names, checked against hand-computed tables."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.indicators.dashboard import target_status
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.registry import INDICATORS
from cchc.indicators.selectors import evaluate, per_agency
from cchc.indicators.services import snapshots_refresh
from cchc.operations.models import (
    DossierMonthly,
    ImportRun,
    InformationSystem,
    Procedure,
    ProcedureSnapshot,
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


def snapshot(code, year, tier, *, online_level="4", on_portal=False, eligible=True):
    procedure = Procedure.objects.get_or_create(code=code, defaults={"name": code})[0]
    ProcedureSnapshot.objects.create(
        procedure=procedure, year=year, authority_tier=tier, online_level=online_level,
        on_national_portal=on_portal, eligible_online=eligible,
    )  # fmt: skip


@pytest.fixture
def services_6a():
    """District catalogue: 8 of 20 eligible procedures online at level 3/4 in 2021 (40 %),
    11 of 25 in 2022 (44 %): relative growth 37,50 %, change +4,00 percentage points."""
    for year, eligible, online in [(2021, 20, 8), (2022, 25, 11)]:
        for i in range(eligible):
            snapshot(f"H{i}", year, "district", online_level="4" if i < online else "2")
    snapshots_refresh(agency_ids=None, years=[2021, 2022], codes=["ONLINE_SERVICE_GROWTH"])
    return Target.objects.get(plan__year=2022, indicator_code="ONLINE_SERVICE_GROWTH")


def test_a_growth_target_shows_both_measures_and_judges_the_declared_one(
    client, reform_office, services_6a
):
    assert services_6a.growth_measure == "relative"  # "Tăng tối thiểu 10% thủ tục …"
    relative = target_status(services_6a, scope=ALL, year=2022, through=None).overall
    assert (relative.relative_growth, relative.point_change) == (Decimal("37.50"), Decimal("4.00"))
    assert (relative.value, relative.met) == (Decimal("37.50"), True)
    client.force_login(reform_office)
    url = reverse("indicators:target_detail", args=[services_6a.pk])
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get(url).content.decode()).split())
    assert "37,5%" in page and "+4 điểm phần trăm" in page
    # Declared as a change in percentage points, the same figures miss ≥ 10; the catalogue
    # counts for the whole year, so that is the year's result (projections.md).
    services_6a.growth_measure = "points"
    services_6a.save()
    points = target_status(services_6a, scope=ALL, year=2022, through=None)
    assert (points.overall.value, points.overall.met, points.status) == (
        Decimal("4.00"), False, "missed",
    )  # fmt: skip
    assert services_6a.threshold_lines() == [("", "tăng ≥ 10 điểm phần trăm so với năm 2021")]
    rows = per_agency("ONLINE_SERVICE_GROWTH", scope=ALL, year=2022, baseline_year=2021,
                      growth_measure="points")  # fmt: skip
    assert [(r["relative_growth"], r["point_change"], r["value"]) for r in rows] == [
        (Decimal("37.50"), Decimal("4.00"), Decimal("4.00"))
    ]


def test_target_6b_counts_portal_services_whatever_their_level():
    """On the national portal: 4 services at level 4 and 1 at level 2 in 2021, 4 and 2 in
    2022, in a catalogue of 8 each year: 5 → 6 = +20,00 % (level 3/4 only: 4 → 4 = 0 %);
    share 62,5 % → 75 % = +12,50 points."""
    table = {2021: [("4", True)] * 4 + [("2", True)] + [("4", False)] * 3,
             2022: [("4", True)] * 4 + [("2", True)] * 2 + [("3", False)] * 2}  # fmt: skip
    for year, rows in table.items():
        for i, (level, on_portal) in enumerate(rows):
            snapshot(f"Q{i}", year, "province", online_level=level, on_portal=on_portal)
    snapshots_refresh(agency_ids=None, years=[2021, 2022], codes=["PORTAL_INTEGRATION_GROWTH"])
    result = evaluate("PORTAL_INTEGRATION_GROWTH", scope=ALL, year=2022, baseline_year=2021)
    assert (result.baseline_value, result.numerator, result.denominator) == (5, 6, 8)
    assert (result.value, result.point_change) == (Decimal("20.00"), Decimal("12.50"))
