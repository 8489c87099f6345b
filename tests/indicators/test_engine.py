"""Known-answer tests of the indicator engine on small hand-built data: extraction in the
database, snapshots, evaluation for province, tier and agency scopes, and target verdicts."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cchc.indicators.dashboard import plan_statuses
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.selectors import evaluate, per_agency
from cchc.indicators.services import snapshots_refresh
from cchc.inspections.models import Inspection
from cchc.operations.models import (
    DossierMonthly,
    ImportRun,
    InformationSystem,
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
from cchc.plans.models import Plan, Target

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


def test_a_period_sums_its_months_for_a_flow_and_takes_its_last_for_a_stock(run):
    for month, received, online in [(1, 100, 30), (2, 50, 5), (4, 40, 20), (5, 10, 10)]:
        monthly(run, "12-STP", date(2022, month, 1), received=received, received_online=online)
    Inspection.objects.create(agency=agency("12-STP"), inspected_on=date(2022, 2, 10),
                              import_run=run)  # fmt: skip
    Inspection.objects.create(agency=agency("106"), inspected_on=date(2022, 5, 3), import_run=run)
    snapshots_refresh(agency_ids=None, years=[2022],
                      codes=["ONLINE_DOSSIER_SHARE", "INSPECTION_COVERAGE"])  # fmt: skip
    may = date(2022, 5, 1)

    def share(first):
        return evaluate("ONLINE_DOSSIER_SHARE", scope=ALL, year=2022, through=may, first=first)

    year_so_far, quarter, month = share(None), share(date(2022, 4, 1)), share(may)
    assert (year_so_far.numerator, year_so_far.denominator) == (65, 200)
    assert (quarter.numerator, quarter.denominator, quarter.value) == (30, 50, Decimal("60.00"))
    assert (month.numerator, month.denominator, month.value) == (10, 10, Decimal("100.00"))
    # The trend and the year-end projection read the year from January whatever the period.
    assert month.trend == year_so_far.trend and len(month.trend) == 4
    assert month.projection == year_so_far.projection
    # A period without data has no value, not 0 %.
    march = evaluate("ONLINE_DOSSIER_SHARE", scope=ALL, year=2022, through=date(2022, 3, 1),
                     first=date(2022, 3, 1))  # fmt: skip
    assert march.value is None and len(march.trend) == 2
    # A stock (coverage) takes the state at the period's end: 2 of 28 by May, in any period.
    for first in (None, date(2022, 4, 1), may):
        coverage = evaluate("INSPECTION_COVERAGE", scope=ALL, year=2022, through=may, first=first)
        assert (coverage.numerator, coverage.denominator) == (2, 28)
    rows = per_agency("ONLINE_DOSSIER_SHARE", scope=ALL, year=2022, through=may,
                      first=date(2022, 4, 1))  # fmt: skip
    assert [(r["agency__code"], r["n"], r["d"]) for r in rows] == [("12-STP", 30, 50)]


def test_the_period_of_a_month_and_its_words():
    from cchc.indicators.periods import span

    june = date(2022, 6, 1)
    assert span("quy", 2022, june).months == (4, 6)
    assert span("quy", 2022, date(2022, 5, 1)).words == "từ tháng 04/2022 đến hết tháng 05/2022"
    assert span("quy", 2022, june).words == "trong quý II năm 2022"
    assert span("thang", 2022, june).words == "trong tháng 06/2022"
    assert span("nam", 2022, june).words == "từ tháng 01/2022 đến hết tháng 06/2022"
    assert span("bất kỳ", 2022, None).words == "trong năm 2022"  # unknown kind: the year


def test_dossier_indicators_refreshed_together_read_the_roll_up_once(run):
    monthly(run, "12-STP", date(2022, 1, 1), received=10, received_online=4, finished=8,
            finished_on_time=6, finished_late=1, finished_unknown_deadline=1, results_granted=7,
            results_digitized=2, with_fee=5, paid_online=1)  # fmt: skip
    codes = ["RESULT_DIGITISATION", "ONLINE_DOSSIER_SHARE", "ON_TIME_RATE"]
    with CaptureQueriesContext(connection) as queries:
        snapshots_refresh(agency_ids=None, years=[2022], codes=codes, months=[date(2022, 1, 1)])
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and
             "operations_dossiermonthly" in q["sql"]]  # fmt: skip
    # One aggregation, and one look-up of the last month with data (snapshots stop there).
    assert len(reads) == 2
    assert len([sql for sql in reads if 'MAX("operations_dossiermonthly"."month")' in sql]) == 1
    figures = {code: evaluate(code, scope=ALL, year=2022) for code in codes}
    # Digitised results of the granted ones; on time among those whose deadline is known.
    assert [(f.numerator, f.denominator) for f in figures.values()] == [(2, 7), (4, 10), (6, 7)]


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


def test_online_payment_follows_each_years_own_procedure_snapshot(run):
    """Refreshed over two years at once, a month's payments count when its procedure offered
    online payment in that month's year, not in the other one."""
    procedure = Procedure.objects.create(code="PAY", name="Thanh toán trực tuyến từ 2023")
    for year, offered in ((2022, False), (2023, True)):
        ProcedureSnapshot.objects.create(procedure=procedure, year=year, authority_tier="province",
                                         has_fee=True, online_payment=offered)  # fmt: skip
        monthly(run, "12-STP", date(year, 3, 1), procedure=procedure, with_fee=10, paid_online=4)
    snapshots_refresh(agency_ids=None, years=[2022, 2023], codes=["ONLINE_PAYMENT_SHARE"])
    by_year = {
        year: evaluate("ONLINE_PAYMENT_SHARE", scope=ALL, year=year) for year in (2022, 2023)
    }
    assert (by_year[2023].numerator, by_year[2023].denominator) == (4, 10)
    assert not by_year[2022].denominator  # no payment counted: not offered that year


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


def test_growth_rows_per_agency_carry_the_baseline_this_years_count_and_the_growth():
    province = agency("12")

    def stored(month, tier, n, d):
        IndicatorSnapshot.objects.create(indicator="ONLINE_SERVICE_GROWTH", agency=province,
                                         tier=tier, month=month, numerator=n, denominator=d)  # fmt: skip

    stored(date(2020, 12, 1), "district", 50, 200)  # not the baseline year
    stored(date(2021, 3, 1), "district", 90, 200)
    stored(date(2021, 6, 1), "district", 100, 200)  # the baseline year's last month
    stored(date(2021, 6, 1), "province", 0, 40)
    stored(date(2022, 2, 1), "district", 105, 220)
    stored(date(2022, 5, 1), "district", 110, 220)
    stored(date(2022, 5, 1), "province", 7, 40)  # baseline 0: no growth
    stored(date(2022, 5, 1), "commune", 5, 30)  # no baseline at all
    with CaptureQueriesContext(connection) as queries:
        rows = per_agency("ONLINE_SERVICE_GROWTH", scope=ALL, year=2022, baseline_year=2021)
    assert len(queries) == 3  # last month, this year's rows, the baselines: never one a row
    figures = {r["tier"]: (r["baseline"], r["n"], r["d"], r["value"]) for r in rows}
    assert figures == {
        "district": (100, 110, 220, Decimal("10.00")),
        "province": (0, 7, 40, None),
        "commune": (None, 5, 30, None),
    }
    # A row's figures are the headline's for that row alone.
    district = evaluate("ONLINE_SERVICE_GROWTH", scope=ALL, year=2022, tier="district",
                        baseline_year=2021)  # fmt: skip
    assert (district.baseline_value, district.value) == (100, Decimal("10.00"))
    default = per_agency("ONLINE_SERVICE_GROWTH", scope=ALL, year=2022)  # the year before
    assert {r["tier"]: r["baseline"] for r in default}["district"] == 100
    older = per_agency("ONLINE_SERVICE_GROWTH", scope=ALL, year=2022, baseline_year=2020)
    assert {r["tier"]: r["value"] for r in older}["district"] == Decimal("120.00")


def catalogue(year, tier, *, eligible, online):
    """`eligible` procedures of `tier` in `year`'s catalogue, the first `online` at level 4."""
    for i in range(eligible):
        procedure, _ = Procedure.objects.get_or_create(code=f"{tier}-{i}", defaults={"name": "TT"})
        ProcedureSnapshot.objects.create(procedure=procedure, year=year, authority_tier=tier,
                                         online_level="4" if i < online else "2")  # fmt: skip


@pytest.fixture
def growth_target():
    """Target 6a: district 8 → 11 of 20 (growth 37,5 %, share 55 %), commune 4 → 5 of 5
    (growth 25 %, share 100 %): ordered by growth and by share, the rows swap."""
    catalogue(2021, "district", eligible=20, online=8)
    catalogue(2022, "district", eligible=20, online=11)
    catalogue(2021, "commune", eligible=5, online=4)
    catalogue(2022, "commune", eligible=5, online=5)
    snapshots_refresh(agency_ids=None, years=[2021, 2022], codes=["ONLINE_SERVICE_GROWTH"])
    target = Target.objects.get(plan__year=2022, indicator_code="ONLINE_SERVICE_GROWTH")
    assert target.baseline_year == 2021
    return target


def agencies_table(body: str) -> tuple[str, list[list[str]]]:
    """The header and the rows' cell texts of the table "Theo cơ quan, đơn vị"."""
    table = body.split("Theo cơ quan, đơn vị")[1].split("</table>")[0]
    head, rows = table.split("<tbody>")
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows.split("<tr>")[1:]]
    return head, [[re.sub(r"<[^>]+>", "", c).strip() for c in row] for row in cells]


def test_growth_target_page_lists_agencies_by_growth_on_the_baseline_year(
    client, reform_office, growth_target
):
    client.force_login(reform_office)
    url = reverse("indicators:target_detail", args=[growth_target.pk])
    head, rows = agencies_table(client.get(url).content.decode())
    assert "Tăng so với năm 2021" in head and "Tỷ lệ" not in head
    assert "Năm 2021</th>" in head and "Năm 2022</th>" in head
    # Baseline, this year, eligible procedures, growth; not the district's share (55 %).
    # Beside the growth, the change of the share: 40 % → 55 % and 80 % → 100 %.
    assert {row[1]: row[2:] for row in rows} == {
        "Cấp huyện": ["8", "11", "20", "37,5%", "+15"],
        "Cấp xã": ["4", "5", "5", "25%", "+20"],
    }
    for order, tiers in [
        ("ty_le", ["Cấp xã", "Cấp huyện"]),
        ("ty_le_giam", ["Cấp huyện", "Cấp xã"]),
    ]:
        _head, rows = agencies_table(client.get(url, {"sap_xep": order}).content.decode())
        assert [row[1] for row in rows] == tiers


def test_growth_target_xlsx_has_the_baseline_and_this_years_counts_and_the_growth(
    client, reform_office, growth_target
):
    client.force_login(reform_office)
    url = reverse("indicators:target_agencies_xlsx", args=[growth_target.pk])
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    values = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    header = next(i for i, row in enumerate(values) if row[0] == "Mã cơ quan")
    assert values[header][3:] == ("Năm 2021", "Năm 2022", "TTHC đủ điều kiện",
                                  "Tăng so với năm 2021 (%)",
                                  "Thay đổi tỷ lệ (điểm phần trăm)")  # fmt: skip
    rows = {row[2]: row[3:] for row in values[header + 1 :]}
    assert rows == {"Cấp huyện": (8, 11, 20, 37.5, 15.0), "Cấp xã": (4, 5, 5, 25.0, 20.0)}


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
    # No inspection plan recorded for the year: no projection, and the card says why.
    assert march.projection is None and "kế hoạch kiểm tra" in march.forecast.note
    # No month after the latest inspection (September) is stored.
    assert year.through == date(2022, 9, 1)
    assert not IndicatorSnapshot.objects.filter(month__gt=date(2022, 9, 1)).exists()


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
