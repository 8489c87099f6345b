"""A report of a two-tier year (2026) says nothing of cấp huyện — in Word or in Excel — and the
reform office expects reports from the departments and the communes, not from districts; the
2022 report keeps its three tiers. Files are read back as a reader opens them."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.organizations.models import Agency
from cchc.plans import services
from cchc.plans.models import Plan
from cchc.reports.models import PeriodicReport
from tests.html_forms import submit
from tests.indicators.test_two_tier_figures import records
from tests.reports.test_report_pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_2026(reform_office):
    plan = services.plan_create(
        actor=reform_office, province=Agency.objects.get(code="12"), year=2026,
        title="Kế hoạch CCHC năm 2026", copy_targets_from=Plan.objects.get(year=2022),
    )  # fmt: skip
    for target in plan.targets.all():  # reworded by the office, as the copy asked
        target.source_text = target.quantity = f"Nội dung chỉ tiêu {target.label} năm 2026"
        target.scope_note = ""
        target.save()
    records(2026)
    return plan


def province_report(client, year: int) -> tuple[str, list[str]]:
    client.post(reverse("reports:report_open"), {"ky": "year", "nam": str(year), "so": ""})
    report = PeriodicReport.objects.get(year=year)
    submit(client, reverse("reports:report_detail", args=[report.pk]), having="overview",
           signing_authority="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", signer_name="Trần Văn B",
           thao_tac="tao")  # fmt: skip
    docx = client.get(reverse("reports:report_download", args=[report.pk, "docx"]))
    xlsx = client.get(reverse("reports:report_download", args=[report.pk, "xlsx"]))
    cells = [
        str(c)
        for row in load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.iter_rows(
            values_only=True
        )
        for c in row
        if c is not None
    ]
    return text_of(b"".join(docx.streaming_content)), cells


def test_the_2026_report_names_no_district_in_word_or_excel(client, reform_office, plan_2026):
    client.force_login(reform_office)
    text, cells = province_report(client, 2026)
    assert "năm 2026" in text
    assert "Cấp tỉnh: ≥ 50%; Cấp xã: ≥ 30%" in text  # target 8's thresholds, two tiers
    assert "huyện" not in text.lower()
    assert "Cấp tỉnh: ≥ 50%; Cấp xã: ≥ 30%" in cells
    assert not any("huyện" in c.lower() for c in cells)


def test_the_2022_report_keeps_the_district_tier(client, reform_office):
    client.force_login(reform_office)
    text, cells = province_report(client, 2022)
    assert "Cấp tỉnh: ≥ 50%; Cấp huyện: ≥ 40%; Cấp xã: ≥ 30%" in text
    assert "Cấp tỉnh: ≥ 50%; Cấp huyện: ≥ 40%; Cấp xã: ≥ 30%" in cells


def test_the_tracker_of_a_two_tier_year_expects_departments_and_communes(
    client, reform_office, plan_2026
):
    client.force_login(reform_office)
    page = client.get(reverse("reports:report_tracker"), {"ky": "year", "nam": "2026"})
    html = page.content.decode()
    assert Agency.objects.get(code="106-02").name in html
    assert Agency.objects.get(code="106").name not in html
    # Departments first, then the communes.
    names = [a.name for a, _r in page.context["rows"]]
    departments = Agency.objects.filter(level="department").count()
    assert {a.level for a, _r in page.context["rows"][:departments]} == {"department"}
    assert len(names) == departments + Agency.objects.filter(level="commune").count()
    listed = Agency.objects.filter(level__in=["department", "commune"]).count()
    index = client.get(reverse("reports:report_index"), {"nam": "2026"}).content.decode()
    assert f"0/{listed}" in index
    # 2022 as before: departments and districts report to the province.
    index = client.get(reverse("reports:report_index"), {"nam": "2022"}).content.decode()
    assert f"0/{Agency.objects.filter(level__in=['department', 'district']).count()}" in index


def test_an_illustrative_plans_report_says_so_in_word_and_excel(client, reform_office, plan_2026):
    """The demo's illustrative plan (`Plan.illustrative`) is never presented as the province's:
    its report says so under the subject, and its Excel annex in its note."""
    client.force_login(reform_office)
    Plan.objects.filter(pk=plan_2026.pk).update(illustrative=True)
    text, cells = province_report(client, 2026)
    assert "Kế hoạch năm 2026 là kế hoạch minh họa do bản dùng thử tạo" in text
    assert any("kế hoạch minh họa" in c for c in cells)
    plain, _cells = province_report(client, 2022)
    assert "minh họa" not in plain


def test_after_the_reorganisation_the_tracker_expects_todays_units(
    client, reform_office, reorganised
):
    """2026: the 38 communes formed on 01/07/2025 and the departments running, not the 106
    communes they replaced nor the merged departments."""
    services.plan_create(actor=reform_office, province=Agency.objects.get(code="12"), year=2026,
                         title="Kế hoạch CCHC năm 2026")  # fmt: skip
    client.force_login(reform_office)
    page = client.get(reverse("reports:report_tracker"), {"ky": "year", "nam": "2026"})
    codes = {a.code for a, _r in page.context["rows"]}
    communes = {c for c in codes if c.startswith("NQ1670-")}
    assert len(communes) == 38
    assert "106-02" not in codes and "12-SKHDT" not in codes and "12-SNNMT" in codes
    running = Agency.objects.filter(level__in=["department", "commune"]).active_on(
        date(2026, 12, 31)
    )
    assert codes == set(running.values_list("code", flat=True))
