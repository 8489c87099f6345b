"""A target's applicability (đối tượng áp dụng, `Target.scope_levels`) decides which agencies
its figure counts: the same data read by targets naming different levels. Every expected
number is counted here from the rows the test creates and the reference agencies, not by the
product's code."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.indicators.dashboard import plan_statuses, target_status
from cchc.indicators.services import snapshots_refresh
from cchc.inspections.models import Inspection
from cchc.operations.models import (
    DossierMonthly,
    ImportRun,
    Procedure,
    ProcedureSnapshot,
    StatSource,
)
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.plans.models import Plan, Target, TargetThreshold

pytestmark = pytest.mark.django_db
ALL = AgencyScope.everything()
INSPECTED = {"12-STP": date(2022, 3, 10), "12-SNV": date(2022, 5, 2), "106": date(2022, 6, 1),
             "106-02": date(2022, 4, 4), "106-03": date(2022, 8, 8)}  # fmt: skip
SCOPES = {"departments": ["department"],
          "all three": ["department", "district", "commune"],
          "none named": []}  # fmt: skip


def active_codes(level: str) -> set[str]:
    """Agencies of a level in office on 31/12/2022, read straight from the table."""
    return {
        code
        for code, start, end in Agency.objects.filter(level=level).values_list(
            "code", "valid_from", "valid_to"
        )
        if (start is None or start <= date(2022, 12, 31))
        and (end is None or end >= date(2022, 12, 31))
    }


def expected_inspection(levels: list[str]) -> tuple[int, int]:
    counted = set().union(*(active_codes(level) for level in levels))
    return len(counted & set(INSPECTED)), len(counted)


def make_target(indicator_code: str, levels: list[str], number: int) -> Target:
    target = Target.objects.create(
        plan=Plan.objects.get(year=2022), number=number, source_text="Chỉ tiêu thử.",
        quantity="cơ quan được kiểm tra", indicator_code=indicator_code, scope_levels=levels,
    )  # fmt: skip
    TargetThreshold.objects.create(target=target, tier="", value=Decimal(30))
    return target


@pytest.fixture
def inspections():
    run = ImportRun.objects.create(kind="inspections", file_name="t.csv")
    for code, day in INSPECTED.items():
        Inspection.objects.create(agency=Agency.objects.get(code=code), inspected_on=day,
                                  import_run=run)  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2022], codes=["INSPECTION_COVERAGE"])


@pytest.mark.parametrize("scope", SCOPES)
def test_inspection_coverage_counts_only_the_targets_levels(inspections, scope):
    levels = SCOPES[scope]
    target = make_target("INSPECTION_COVERAGE", levels, 40)
    # Naming no level keeps the indicator's default: departments and district UBND.
    wanted = levels or ["department", "district"]
    overall = target_status(target, scope=ALL, year=2022, through=None).overall
    assert (overall.numerator, overall.denominator) == expected_inspection(wanted)


def test_inspection_target_on_departments_differs_from_all_levels(inspections):
    """The three scopes give three different figures on the same data (the test data is
    chosen so: an inspected district and inspected communes)."""
    figures = {
        name: target_status(make_target("INSPECTION_COVERAGE", levels, 41 + i), scope=ALL,
                            year=2022, through=None).overall.denominator
        for i, (name, levels) in enumerate(SCOPES.items())
    }  # fmt: skip
    assert len(set(figures.values())) == 3


def test_target_page_rows_and_records_follow_the_applicability(client, reform_office, inspections):
    target = make_target("INSPECTION_COVERAGE", ["department"], 45)
    client.force_login(reform_office)
    page = client.get(reverse("indicators:target_detail", args=[target.pk]))
    body = page.content.decode()
    assert "Tính trên: sở, ban, ngành." in body
    assert "Sở Tư pháp" in body and "Huyện Tam Đường" not in body
    commune = Agency.objects.get(code="106-02")
    records = reverse("indicators:target_records", args=[target.pk])
    outside = client.get(records, {"co_quan": commune.pk, "cap": "commune", "phan": "tu"})
    assert outside.status_code == 404  # a commune is not counted: no records behind it
    inside = client.get(
        records, {"co_quan": Agency.objects.get(code="12-STP").pk, "cap": "province", "phan": "tu"}
    )
    assert inside.status_code == 200


def test_the_bundled_target_one_says_what_it_counts(client, reform_office, inspections):
    target = Plan.objects.get(year=2022).targets.get(number=1)
    client.force_login(reform_office)
    body = client.get(reverse("indicators:target_detail", args=[target.pk])).content.decode()
    assert "Tính trên: sở, ban, ngành; UBND cấp huyện." in body
    overall = target_status(target, scope=ALL, year=2022, through=None).overall
    assert (overall.numerator, overall.denominator) == expected_inspection(
        ["department", "district"]
    )


DOSSIERS = {"12-STP": (100, 40), "12-SNV": (50, 5), "106": (80, 20), "106-02": (10, 9),
            "106-03": (30, 3)}  # fmt: skip


@pytest.fixture
def dossiers():
    run = ImportRun.objects.create(kind="dossiers", file_name="t.csv")
    procedure = Procedure.objects.create(code="P1", name="Thủ tục 1")
    for code, (received, online) in DOSSIERS.items():
        DossierMonthly.objects.create(
            agency=Agency.objects.get(code=code), procedure=procedure, month=date(2022, 3, 1),
            source=StatSource.IMPORTED, import_run=run, received=received,
            received_online=online,
        )  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2022], codes=["ONLINE_DOSSIER_SHARE"])


@pytest.mark.parametrize(
    "levels",
    [["commune"], ["department"], ["department", "district", "commune"], [], ["district"]],
)
def test_a_dossier_target_counts_the_dossiers_of_its_levels(dossiers, levels):
    target = make_target("ONLINE_DOSSIER_SHARE", levels, 50)
    level_of = dict(Agency.objects.values_list("code", "level"))
    kept = [v for code, v in DOSSIERS.items() if not levels or level_of[code] in levels]
    overall = target_status(target, scope=ALL, year=2022, through=None).overall
    assert (overall.numerator, overall.denominator) == (
        sum(online for _r, online in kept),
        sum(received for received, _o in kept),
    )


def test_dossier_target_page_lists_only_agencies_of_its_levels(client, reform_office, dossiers):
    target = make_target("ONLINE_DOSSIER_SHARE", ["commune"], 51)
    client.force_login(reform_office)
    body = client.get(reverse("indicators:target_detail", args=[target.pk])).content.decode()
    assert "Tính trên: UBND cấp xã." in body
    assert "Sở Tư pháp" not in body
    assert Agency.objects.get(code="106-02").name in body


def test_a_catalogue_target_counts_the_procedures_of_its_tiers():
    run = ImportRun.objects.create(kind="procedures", file_name="t.csv")
    rows = [("P1", "province", True, True), ("P2", "province", True, False),
            ("P3", "district", True, True), ("P4", "commune", True, False),
            ("P5", "commune", True, True)]  # fmt: skip
    for code, tier, fee, paying in rows:
        procedure = Procedure.objects.create(code=code, name=code)
        ProcedureSnapshot.objects.create(procedure=procedure, year=2022, authority_tier=tier,
                                         has_fee=fee, online_payment=paying, import_run=run)  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2022], codes=["ONLINE_PAYMENT_PROCEDURES"])
    communes = make_target("ONLINE_PAYMENT_PROCEDURES", ["commune"], 52)
    every = make_target("ONLINE_PAYMENT_PROCEDURES", [], 53)
    one = target_status(communes, scope=ALL, year=2022, through=None).overall
    assert (one.numerator, one.denominator) == (1, 2)
    assert one.value == Decimal("50.00")
    whole = target_status(every, scope=ALL, year=2022, through=None).overall
    assert (whole.numerator, whole.denominator) == (3, 5)


def test_the_bundled_plans_statuses_carry_each_targets_levels(inspections):
    statuses = {
        s.target.label: s
        for s in plan_statuses(Plan.objects.get(year=2022), scope=ALL, through=None)
    }
    assert statuses["1"].levels_words == "sở, ban, ngành; UBND cấp huyện"
    assert statuses["3"].levels_words == "sở, ban, ngành; UBND cấp huyện; UBND cấp xã"
