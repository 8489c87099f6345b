from datetime import date

import pytest
from django.urls import reverse

from cchc.indicators.selectors import evaluate
from cchc.inspections.models import Inspection, InspectionPlanItem, Recommendation
from cchc.operations.models import ImportRun
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.plans.models import Plan
from tests.html_forms import page_forms

pytestmark = pytest.mark.django_db


def test_propose_plan_record_and_close(
    client, reform_office, dept_officer, django_capture_on_commit_callbacks
):
    client.force_login(reform_office)
    url = reverse("inspections:page") + "?nam=2022"
    page = client.get(url)
    assert page.context["needed"] == 9 and len(page.context["proposals"]) == 9  # 30% of 28
    forms = page_forms(page.content.decode())
    propose = next(f for f in forms if f.action.startswith(reverse("inspections:plan_propose")))
    client.post(propose.action, propose.data())
    assert InspectionPlanItem.objects.filter(year=2022).count() == 9
    record = next(f for f in forms if "inspected_on" in f.fields)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(record.action, {
            **record.data(), "agency": Agency.objects.get(code="12-STP").pk,
            "inspected_on": "15/06/2022", "team": "Đoàn 1", "covers_organisation": "on",
            "findings": "Niêm yết thủ tục chưa đầy đủ",
            "recommendations": "Niêm yết đủ thủ tục\nCập nhật quy trình nội bộ", "due_on": "30/09/2022",
        })  # fmt: skip
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.recommendations.count() == 2
    # Entered on the page: the officer is its provenance, and no import run is made for it.
    assert inspection.recorded_by == reform_office and inspection.import_run is None
    assert not ImportRun.objects.exists()
    coverage = evaluate("INSPECTION_COVERAGE", scope=AgencyScope.everything(), year=2022)
    assert (coverage.numerator, coverage.denominator) == (1, 28)
    first = inspection.recommendations.first()
    close = next(f for f in page_forms(client.get(url).content.decode())
                 if f.action.startswith(reverse("inspections:recommendation_close", args=[first.pk])))  # fmt: skip
    client.post(close.action, close.data(closed_on="20/09/2022", note="Đã niêm yết"))
    first.refresh_from_db()
    assert first.closed_on == date(2022, 9, 20)
    # The inspected agency sees its inspection and recommendations, read only.
    client.force_login(dept_officer)
    body = client.get(url).content.decode()
    assert "Niêm yết đủ thủ tục" in body and "Đóng</button>" not in body
    assert client.post(reverse("inspections:plan_propose") + "?nam=2022").status_code == 403


def test_other_agencies_do_not_see_an_inspection(client, reform_office, commune_officer):
    run = ImportRun.objects.create(kind="inspections", file_name="x")
    Inspection.objects.create(
        agency=Agency.objects.get(code="12-STP"),
        inspected_on=date(2022, 3, 1),
        findings="Bí mật",
        import_run=run,
    )
    client.force_login(commune_officer)
    assert "Bí mật" not in client.get(reverse("inspections:page") + "?nam=2022").content.decode()
    assert Recommendation.objects.visible_to(AgencyScope.of([1])).count() == 0


def test_the_page_opens_on_the_current_plans_year_and_offers_the_others(client, dept_officer):
    """Like the home page and the reports: without ?nam= the year of the current plan (2022,
    the only plan here, whatever today's date), with a selector of the plans' years."""
    Plan.objects.create(
        year=2021, title="Kế hoạch CCHC năm 2021", province=Agency.objects.get(code="12")
    )
    client.force_login(dept_officer)
    page = client.get(reverse("inspections:page"))
    assert page.context["year"] == 2022
    body = page.content.decode()
    assert '<option value="2022" selected>Năm 2022</option>' in body
    assert '<option value="2021" >Năm 2021</option>' in body
    assert client.get(reverse("inspections:page") + "?nam=2021").context["year"] == 2021


def test_the_proposal_follows_target_ones_applicability(client, reform_office):
    """Target 1 naming communes too: the proposal's share is of departments, districts and
    communes, and the page says so; the bundled target (no communes) stays at 28."""
    client.force_login(reform_office)
    url = reverse("inspections:page") + "?nam=2022"
    page = client.get(url)
    assert "tính trên: sở, ban, ngành; UBND cấp huyện." in page.content.decode()
    target = Plan.objects.get(year=2022).targets.get(indicator_code="INSPECTION_COVERAGE")
    target.scope_levels = ["department", "district", "commune"]
    target.save()
    counted = Agency.objects.filter(level__in=["department", "district", "commune"]).count()
    page = client.get(url)
    assert page.context["needed"] == -(-counted * 30 // 100)  # 30 %, rounded up
    assert "UBND cấp xã" in page.content.decode()
    levels = [Agency.objects.get(pk=p.candidate.agency_id).level for p in page.context["proposals"]]
    # More are needed than there are departments and districts (28): communes are proposed.
    assert levels.count("commune") >= page.context["needed"] - 28 > 0
