"""The figures of a two-tier plan (2026: cấp tỉnh and cấp xã) count no district UBND and show
no district tier, even where district rows exist in the data; the 2022 plan still does. The
expected values are summed here from the rows the test writes."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.indicators.dashboard import plan_statuses
from cchc.indicators.services import snapshots_refresh
from cchc.operations.models import ImportRun, WorkRecordStat
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.plans import services
from cchc.plans.models import Plan

pytestmark = pytest.mark.django_db
# agency code → (online, total) work records in each of January and February
ROWS = {"12-STP": (30, 50), "106": (10, 40), "106-02": (9, 10)}


def records(year: int) -> None:
    run = ImportRun.objects.create(kind="work_records", file_name="t.csv")
    for code, (online, total) in ROWS.items():
        for month in (1, 2):
            WorkRecordStat.objects.create(
                agency=Agency.objects.get(code=code), month=date(year, month, 1), total=total,
                online=online, import_run=run,
            )  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[year])


def work_records_status(plan):
    """Target 8 (hồ sơ công việc trên môi trường mạng), judged over everything."""
    statuses = plan_statuses(plan, scope=AgencyScope.everything(), through=None)
    return next(s for s in statuses if s.target.number == 8)


def percent(n: int, d: int) -> Decimal:
    return (Decimal(100) * n / d).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def plan_2026(reform_office):
    plan = services.plan_create(
        actor=reform_office, province=Agency.objects.get(code="12"), year=2026,
        title="Kế hoạch CCHC năm 2026", copy_targets_from=Plan.objects.get(year=2022),
    )  # fmt: skip
    # The reform office rewords what the copy pointed out (the 2022 wording names districts).
    for target in plan.targets.all():
        target.source_text = target.quantity = f"Nội dung chỉ tiêu {target.label} năm 2026"
        target.scope_note = ""
        target.save()
    records(2026)
    return plan


def test_a_two_tier_target_counts_no_district_and_judges_two_tiers(plan_2026):
    status = work_records_status(plan_2026)
    kept = [ROWS["12-STP"], ROWS["106-02"]]  # the district's row is left out
    n, d = sum(2 * o for o, _t in kept), sum(2 * t for _o, t in kept)
    assert status.overall.value.quantize(Decimal("0.01")) == percent(n, d)  # 78 / 120
    assert [label for label, _e in status.tiers] == ["Cấp tỉnh", "Cấp xã"]
    assert status.levels == {"department", "commune"}
    assert "huyện" not in status.levels_words


def test_the_same_data_under_the_2022_plan_still_counts_the_district():
    records(2022)
    status = work_records_status(Plan.objects.get(year=2022))
    n = sum(2 * o for o, _t in ROWS.values())
    d = sum(2 * t for _o, t in ROWS.values())
    assert status.overall.value.quantize(Decimal("0.01")) == percent(n, d)  # 98 / 200
    assert [label for label, _e in status.tiers] == ["Cấp tỉnh", "Cấp huyện", "Cấp xã"]


def test_the_two_tier_dashboard_and_target_page_show_no_district(client, reform_office, plan_2026):
    client.force_login(reform_office)
    dashboard = client.get(reverse("indicators:dashboard"), {"nam": "2026"}).content.decode()
    assert "Cấp tỉnh" in dashboard and "Cấp xã" in dashboard
    assert "huyện" not in dashboard
    target = plan_2026.targets.get(number=8)
    page = client.get(reverse("indicators:target_detail", args=[target.pk])).content.decode()
    district = Agency.objects.get(code="106").name
    assert Agency.objects.get(code="106-02").name in page
    assert district not in page and "huyện" not in page
    rows = client.get(reverse("indicators:target_agencies_xlsx", args=[target.pk]))
    assert rows.status_code == 200
    cells = [
        str(c) for row in load_workbook(BytesIO(rows.content)).active.iter_rows(values_only=True)
        for c in row if c is not None
    ]  # fmt: skip
    assert not any("huyện" in c.lower() for c in cells)
    assert Agency.objects.get(code="106-02").name in cells


def test_the_two_tier_plan_page_lists_no_district_threshold(client, reform_office, plan_2026):
    client.force_login(reform_office)
    html = client.get(reverse("plans:plan_detail", args=[plan_2026.pk])).content.decode()
    assert "Cấp tỉnh:" in html and "Cấp xã:" in html and "Cấp huyện" not in html
    assert "UBND cấp huyện" not in html
