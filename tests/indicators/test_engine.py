"""Known-answer tests of the indicator engine on small hand-built data: extraction in the
database, snapshots, evaluation for province, tier and agency scopes, and target verdicts."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.indicators.dashboard import plan_statuses
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.selectors import evaluate, per_agency
from cchc.indicators.services import snapshots_refresh
from cchc.operations.models import (
    DossierMonthly,
    ImportRun,
    InformationSystem,
    Inspection,
    LegalDocument,
    LegalReview,
    Procedure,
    ProcedureSnapshot,
    StatSource,
    SystemConnection,
    WorkRecordStat,
)
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import scope_for
from cchc.plans.models import Plan

pytestmark = pytest.mark.django_db
ALL = AgencyScope.everything()


@pytest.fixture
def run():
    return ImportRun.objects.create(kind="dossiers", file_name="test.csv")


def agency(code):
    return Agency.objects.get(code=code)


def monthly(run, code, month, procedure=None, **counts):
    procedure = (
        procedure or Procedure.objects.get_or_create(code="P1", defaults={"name": "Thủ tục 1"})[0]
    )
    return DossierMonthly.objects.create(
        agency=agency(code), procedure=procedure, month=month, source=StatSource.IMPORTED,
        import_run=run, **counts,
    )  # fmt: skip


def test_online_dossier_share_sums_months_and_agencies(run):
    monthly(run, "12-STP", date(2022, 1, 1), received=100, received_online=30)
    monthly(run, "12-STP", date(2022, 2, 1), received=50, received_online=5)
    monthly(run, "106", date(2022, 1, 1), received=50, received_online=15)
    snapshots_refresh(agency_ids=None, years=[2022], codes=["ONLINE_DOSSIER_SHARE"])
    result = evaluate("ONLINE_DOSSIER_SHARE", scope=ALL, year=2022)
    assert (result.numerator, result.denominator, result.value) == (50, 200, Decimal("25.00"))
    january = evaluate("ONLINE_DOSSIER_SHARE", scope=ALL, year=2022, through=date(2022, 1, 1))
    assert january.value == Decimal("30.00")  # 45 / 150
    district = evaluate("ONLINE_DOSSIER_SHARE", scope=ALL, year=2022, tier="district")
    assert (district.numerator, district.denominator) == (15, 50)
    assert [v for _m, v in result.trend] == [Decimal("30.00"), Decimal("10.00")]


def test_dossier_indicators_refreshed_together_read_the_roll_up_once(run):
    monthly(run, "12-STP", date(2022, 1, 1), received=10, received_online=4, finished=8,
            finished_on_time=6, results_digitized=2, with_fee=5, paid_online=1)  # fmt: skip
    codes = ["RESULT_DIGITISATION", "ONLINE_DOSSIER_SHARE", "ON_TIME_RATE"]
    with CaptureQueriesContext(connection) as queries:
        snapshots_refresh(agency_ids=None, years=[2022], codes=codes, months=[date(2022, 1, 1)])
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and
             "operations_dossiermonthly" in q["sql"]]  # fmt: skip
    assert len(reads) == 1
    figures = {code: evaluate(code, scope=ALL, year=2022) for code in codes}
    assert [(f.numerator, f.denominator) for f in figures.values()] == [(2, 8), (4, 10), (6, 8)]


def test_no_data_is_none_not_zero(run):
    snapshots_refresh(agency_ids=None, years=[2022], codes=["ON_TIME_RATE"])
    result = evaluate("ON_TIME_RATE", scope=ALL, year=2022)
    assert result.value is None and not result.has_data


def test_zero_denominator_month_gives_no_value(run):
    monthly(run, "12-STP", date(2022, 3, 1), received=10, finished=0, finished_on_time=0)
    snapshots_refresh(agency_ids=None, years=[2022], codes=["ON_TIME_RATE"])
    assert evaluate("ON_TIME_RATE", scope=ALL, year=2022).value is None


def test_officer_sees_only_its_own_agencies_figures(run, dept_officer, district_officer):
    monthly(run, "12-STP", date(2022, 1, 1), received=10, received_online=10)
    monthly(run, "106-02", date(2022, 1, 1), received=10, received_online=0)
    monthly(run, "107", date(2022, 1, 1), received=10, received_online=5)
    snapshots_refresh(agency_ids=None, years=[2022], codes=["ONLINE_DOSSIER_SHARE"])
    assert evaluate("ONLINE_DOSSIER_SHARE", scope=scope_for(dept_officer), year=2022).value == 100
    district = evaluate("ONLINE_DOSSIER_SHARE", scope=scope_for(district_officer), year=2022)
    assert (district.numerator, district.denominator) == (0, 10)  # its commune, not 107
    rows = per_agency("ONLINE_DOSSIER_SHARE", scope=scope_for(district_officer), year=2022)
    assert [r["agency__code"] for r in rows] == ["106-02"]


def test_online_payment_share_counts_only_procedures_offering_online_payment(run):
    paying = Procedure.objects.create(code="PAY", name="Có thanh toán trực tuyến")
    other = Procedure.objects.create(code="NOPAY", name="Chưa có")
    ProcedureSnapshot.objects.create(procedure=paying, year=2022, authority_tier="province",
                                     has_fee=True, online_payment=True)  # fmt: skip
    ProcedureSnapshot.objects.create(procedure=other, year=2022, authority_tier="province",
                                     has_fee=True, online_payment=False)  # fmt: skip
    monthly(run, "12-STP", date(2022, 1, 1), procedure=paying, with_fee=20, paid_online=5)
    monthly(run, "12-STP", date(2022, 1, 1), procedure=other, with_fee=80, paid_online=0)
    snapshots_refresh(
        agency_ids=None, years=[2022], codes=["ONLINE_PAYMENT_SHARE", "ONLINE_PAYMENT_PROCEDURES"]
    )
    share = evaluate("ONLINE_PAYMENT_SHARE", scope=ALL, year=2022)
    assert (share.numerator, share.denominator, share.value) == (5, 20, Decimal("25.00"))
    procedures = evaluate("ONLINE_PAYMENT_PROCEDURES", scope=ALL, year=2022)
    assert (procedures.numerator, procedures.denominator) == (1, 2)


def test_growth_against_the_baseline_year(run):
    for i in range(11):
        procedure = Procedure.objects.create(code=f"G{i}", name=f"TT {i}")
        ProcedureSnapshot.objects.create(procedure=procedure, year=2022, authority_tier="district",
                                         online_level="4")  # fmt: skip
        if i < 10:
            ProcedureSnapshot.objects.create(procedure=procedure, year=2021, authority_tier="district",
                                             online_level="3" if i < 8 else "2")  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2021, 2022], codes=["ONLINE_SERVICE_GROWTH"])
    result = evaluate("ONLINE_SERVICE_GROWTH", scope=ALL, year=2022, baseline_year=2021)
    assert (result.numerator, result.baseline_value) == (11, 8)
    assert result.value == Decimal("37.50")
    # The monthly trend charts the growth too, not the share of level 3-4 (11/11 = 100%).
    assert {value for _month, value in result.trend} == {Decimal("37.50")}


def test_inspection_coverage_is_cumulative_and_excludes_communes(run):
    Inspection.objects.create(
        agency=agency("12-STP"), inspected_on=date(2022, 3, 10), import_run=run
    )
    Inspection.objects.create(
        agency=agency("12-STP"), inspected_on=date(2022, 9, 1), import_run=run
    )
    Inspection.objects.create(agency=agency("106"), inspected_on=date(2022, 6, 30), import_run=run)
    Inspection.objects.create(
        agency=agency("106-02"), inspected_on=date(2022, 6, 30), import_run=run
    )
    snapshots_refresh(agency_ids=None, years=[2022], codes=["INSPECTION_COVERAGE"])
    march = evaluate("INSPECTION_COVERAGE", scope=ALL, year=2022, through=date(2022, 3, 1))
    year = evaluate("INSPECTION_COVERAGE", scope=ALL, year=2022)
    assert (march.numerator, march.denominator) == (1, 28)  # 20 departments + 8 districts
    assert (year.numerator, year.denominator) == (2, 28)
    # Pace projection: 1 of 28 by March → 4 by December.
    assert march.projection == Decimal("14.29")


def test_legal_review_coverage(run):
    doc1 = LegalDocument.objects.create(agency=agency("12-STP"), number="1/2022/QĐ-UBND", doc_type="Quyết định",
                                        title="A", issued_on=date(2022, 2, 1), import_run=run)  # fmt: skip
    LegalDocument.objects.create(agency=agency("12-STP"), number="2/2022/QĐ-UBND", doc_type="Quyết định",
                                 title="B", issued_on=date(2022, 5, 1), import_run=run)  # fmt: skip
    LegalReview.objects.create(
        document=doc1, reviewed_on=date(2022, 4, 15), finding="none", import_run=run
    )
    snapshots_refresh(agency_ids=None, years=[2022], codes=["LEGAL_REVIEW_COVERAGE"])
    march = evaluate("LEGAL_REVIEW_COVERAGE", scope=ALL, year=2022, through=date(2022, 3, 1))
    assert (march.numerator, march.denominator) == (0, 1)
    june = evaluate("LEGAL_REVIEW_COVERAGE", scope=ALL, year=2022, through=date(2022, 6, 1))
    assert (june.numerator, june.denominator) == (1, 2)


def test_systems_connected(run):
    owner = agency("12-STTTT")
    system = InformationSystem.objects.create(
        code="MC", name="Một cửa", kind="one_stop", owner=owner, import_run=run
    )
    SystemConnection.objects.create(
        system=system, target="national_portal", connected_on=date(2022, 4, 1), import_run=run
    )
    SystemConnection.objects.create(system=system, target="national_reporting", import_run=run)
    snapshots_refresh(agency_ids=None, years=[2022], codes=["SYSTEMS_CONNECTED"])
    assert evaluate("SYSTEMS_CONNECTED", scope=ALL, year=2022).value == Decimal("50.00")
    assert evaluate("SYSTEMS_CONNECTED", scope=ALL, year=2022, through=date(2022, 3, 1)).value == 0


def test_work_records_and_refresh_is_idempotent(run):
    WorkRecordStat.objects.create(
        agency=agency("12-STP"), month=date(2022, 1, 1), total=100, online=60, import_run=run
    )
    WorkRecordStat.objects.create(
        agency=agency("106-02"), month=date(2022, 1, 1), total=10, online=2, import_run=run
    )
    snapshots_refresh(agency_ids=None, years=[2022], codes=["WORK_RECORDS_ONLINE"])
    before = list(
        IndicatorSnapshot.objects.values_list("agency_id", "month", "numerator", "denominator")
    )
    snapshots_refresh(agency_ids=None, years=[2022], codes=["WORK_RECORDS_ONLINE"])
    after = list(
        IndicatorSnapshot.objects.values_list("agency_id", "month", "numerator", "denominator")
    )
    assert sorted(before) == sorted(after) and len(after) == 2
    commune = evaluate("WORK_RECORDS_ONLINE", scope=ALL, year=2022, tier="commune")
    assert commune.value == Decimal("20.00")


def test_plan_targets_are_judged_per_tier(run):
    WorkRecordStat.objects.create(
        agency=agency("12-STP"), month=date(2022, 1, 1), total=100, online=60, import_run=run
    )
    WorkRecordStat.objects.create(
        agency=agency("106"), month=date(2022, 1, 1), total=100, online=30, import_run=run
    )
    snapshots_refresh(agency_ids=None, years=[2022])
    statuses = {
        s.target.label: s
        for s in plan_statuses(Plan.objects.get(year=2022), scope=ALL, through=None)
    }
    eight = statuses["8"]
    verdicts = {tier: e.met for tier, e in eight.tiers}
    assert verdicts == {"Cấp tỉnh": True, "Cấp huyện": False, "Cấp xã": None}
    assert statuses["2"].status == "no_data"  # PAR INDEX results do not exist yet
