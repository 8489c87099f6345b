"""Issue 16, "data through": with data only up to 15 July 2022, every figure knows the last
month its sources hold data, the pages open on it and say it, no month after it is stored,
and the projections rest only on the months with data."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.indicators.dashboard import data_through, plan_statuses
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.selectors import evaluate
from cchc.indicators.services import snapshots_refresh
from cchc.inspections.models import Inspection, InspectionPlanItem
from cchc.operations.models import (
    DossierMonthly,
    ImportRun,
    Procedure,
    ProcedureSnapshot,
    StatSource,
)
from cchc.organizations.models import Agency, AgencyLevel
from cchc.organizations.scope import AgencyScope
from cchc.plans.models import Plan

pytestmark = pytest.mark.django_db
ALL = AgencyScope.everything()
JULY = date(2022, 7, 1)
# (received, received online) per month, January to July; the province reads 12-STP alone.
RECEIVED = [(100, 10), (80, 12), (120, 30), (100, 22), (90, 27), (110, 30), (50, 16)]


def counted_agencies():
    """Departments and district UBND: target 1's denominator (28 in the bundled data)."""
    return list(
        Agency.objects.filter(level__in=[AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT])
        .active_on(date(2022, 12, 31))
        .order_by("code")
    )


@pytest.fixture
def mid_july(reform_office):
    """Data as a province holds it on 15 July 2022: dossiers received to mid-July (and, as
    the roll-up writes them, rows of dossiers still open at the month ends after it), 10
    inspections by then, the catalogue loaded on 15 July."""
    run = ImportRun.objects.create(kind="dossier_stats", file_name="t.csv")
    procedure = Procedure.objects.create(code="P1", name="Thủ tục 1")
    stp = Agency.objects.get(code="12-STP")
    for month, (received, online) in enumerate(RECEIVED, start=1):
        DossierMonthly.objects.create(
            agency=stp, procedure=procedure, month=date(2022, month, 1),
            source=StatSource.IMPORTED, import_run=run, received=received,
            received_online=online, finished=received - 5, finished_on_time=received - 10,
        )  # fmt: skip
    for month in range(8, 13):  # open at the month end, nothing received or finished
        DossierMonthly.objects.create(
            agency=stp, procedure=procedure, month=date(2022, month, 1),
            source=StatSource.DOSSIERS, import_run=run, open_on_time=3, open_overdue=1,
        )  # fmt: skip
    inspections = ImportRun.objects.create(kind="inspections", file_name="k.xlsx")
    for index, agency in enumerate(counted_agencies()[:10]):
        Inspection.objects.create(
            agency=agency, inspected_on=date(2022, 2 + index % 6, 10), import_run=inspections
        )
    catalogue = ImportRun.objects.create(
        kind="procedures", file_name="dm.xlsx",
        started_at=datetime(2022, 7, 15, 2, tzinfo=UTC),
        finished_at=datetime(2022, 7, 15, 3, tzinfo=UTC),
    )  # fmt: skip
    ProcedureSnapshot.objects.create(
        procedure=procedure, year=2022, authority_tier="province", online_level="4",
        has_fee=True, online_payment=True, import_run=catalogue,
    )  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2022])
    return reform_office


def test_no_month_after_the_last_month_with_data_is_stored(mid_july):
    assert data_through(2022) == JULY
    later = IndicatorSnapshot.objects.filter(month__gt=JULY)
    assert sorted(set(later.values_list("indicator", flat=True))) == []


def test_dashboard_says_through_which_month_and_opens_on_it(client, mid_july):
    client.force_login(mid_july)
    body = client.get(reverse("indicators:dashboard")).content.decode()
    assert "số liệu đến hết tháng 7/2022" in body
    assert "trong năm 2022" not in body
    for kind in ("quy", "thang"):
        page = client.get(reverse("indicators:dashboard"), {"ky": kind}).content.decode()
        assert "trong tháng 07/2022" in page.lower(), kind  # Q3 so far is July alone
        assert '<option value="7" selected>' in page
        assert "12/2022" not in page


def test_target_1_verdict_agrees_between_the_value_and_its_forecast(mid_july):
    plan = Plan.objects.get(year=2022)
    statuses = {s.target.label: s for s in plan_statuses(plan, scope=ALL, through=JULY)}
    one = statuses["1"].overall
    assert (one.numerator, one.denominator) == (10, 28)  # 35.71 % ≥ 30 %
    assert one.met is True
    assert one.at_risk is not True
    assert statuses["1"].status == "met"


def test_target_1_projects_the_inspection_plan(mid_july):
    agencies = counted_agencies()
    # Planned: 3 already inspected (counted once) and 4 not yet inspected.
    for agency in agencies[7:14]:
        InspectionPlanItem.objects.create(year=2022, agency=agency, created_by=mid_july)
    result = evaluate("INSPECTION_COVERAGE", scope=ALL, year=2022, through=JULY)
    assert result.value == Decimal("35.71")  # 10 / 28
    assert result.forecast.value == Decimal("50.00")  # (10 + 4) / 28 if the plan is carried out
    assert result.forecast.low == result.forecast.high == Decimal("50.00")  # a condition
    assert "kế hoạch kiểm tra" in result.forecast.note


def test_monthly_rate_projection_rests_on_the_months_with_data(mid_july):
    result = evaluate("ONLINE_DOSSIER_SHARE", scope=ALL, year=2022)
    assert result.through == JULY
    n = sum(o for _r, o in RECEIVED)
    d = sum(r for r, _o in RECEIVED)
    assert (result.numerator, result.denominator) == (n, d)
    assert result.forecast.months == 7
    # A running rate is projected by its year-to-date value, with an interval that is not a
    # point: five months remain.
    assert result.forecast.value == result.value
    assert result.forecast.low < result.value < result.forecast.high


def test_target_1_verdict_is_the_same_on_opening_and_through_july(mid_july):
    """Below the threshold in July (7 of 28 = 25 %) with 3 more inspections planned: the page
    as it opens and the page through July give the same verdict (before, it opened on
    December and called 25 % "chưa đạt, dự báo không đạt", while July said "dự báo đạt")."""
    inspected = counted_agencies()[:10]
    Inspection.objects.filter(agency__in=inspected[7:]).delete()
    for agency in inspected[7:]:
        InspectionPlanItem.objects.create(year=2022, agency=agency, created_by=mid_july)
    snapshots_refresh(agency_ids=None, years=[2022], codes=["INSPECTION_COVERAGE"])
    plan = Plan.objects.get(year=2022)

    def target_1(through):
        return next(
            s for s in plan_statuses(plan, scope=ALL, through=through) if s.target.label == "1"
        )

    opening, july = target_1(data_through(2022)), target_1(JULY)
    assert (opening.overall.numerator, opening.overall.denominator) == (7, 28)
    assert opening.status == july.status == "pending"  # 25 % now, 35,71 % with the plan
    assert opening.overall.projection == july.overall.projection == Decimal("35.71")


def test_a_year_with_december_data_is_judged_as_the_years_result(mid_july, client):
    """Data through December: the value is the year's result. A target it misses is "Không
    đạt (số liệu cả năm)", not "chưa đủ cơ sở dự báo" or a forecast; none is projected."""
    stp = Agency.objects.get(code="12-STP")
    procedure = Procedure.objects.get(code="P1")
    run = ImportRun.objects.create(kind="dossier_stats", file_name="cuoi-nam.csv")
    DossierMonthly.objects.filter(month__gt=JULY).delete()
    for month in range(8, 13):  # 10 of 100 online each month: 6c stays below 20 %
        DossierMonthly.objects.create(
            agency=stp, procedure=procedure, month=date(2022, month, 1),
            source=StatSource.IMPORTED, import_run=run, received=100, received_online=10,
        )  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2022])
    december = date(2022, 12, 1)
    share = evaluate("ONLINE_DOSSIER_SHARE", scope=ALL, year=2022)
    online = sum(o for _r, o in RECEIVED) + 50
    received = sum(r for r, _o in RECEIVED) + 500
    assert (share.through, share.numerator, share.denominator) == (december, online, received)
    assert share.forecast.value is None and "cả năm" in share.forecast.note
    plan = Plan.objects.get(year=2022)
    statuses = {s.target.label: s for s in plan_statuses(plan, scope=ALL, through=december)}
    assert round(100 * online / received, 2) < 20
    assert statuses["6c"].status == "missed"
    assert statuses["6c"].verdict == ("Không đạt (số liệu cả năm)", "danger")
    client.force_login(mid_july)
    body = client.get(reverse("indicators:dashboard")).content.decode()
    assert "Không đạt (số liệu cả năm)" in body
