import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc.organizations.models import Agency
from cchc.plans import services
from cchc.plans.models import Plan, ReformArea

pytestmark = pytest.mark.django_db


def test_agency_plan_lists_led_coordinated_and_own_tasks(client, reform_office, dept_officer):
    plan = Plan.objects.get(year=2022)
    first, second = list(plan.tasks.order_by("pk")[:2])
    stp = Agency.objects.get(code="12-STP")
    services.task_save(
        actor=reform_office,
        plan=plan,
        task=first,
        area=first.area,
        text=first.text,
        lead_agency=stp,
        reason="Giao cơ quan chủ trì",
    )
    services.task_save(actor=reform_office, plan=plan, task=second, area=second.area, text=second.text, reason="Giao cơ quan",
                       lead_agency=Agency.objects.get(code="12-SNV"), coordinating_agencies=[stp])  # fmt: skip
    client.force_login(dept_officer)
    url = reverse("plans:agency_plan", args=[plan.pk])
    response = client.post(url, {"area": ReformArea.objects.get(code="procedures").pk,
                                 "text": "Rà soát quy trình nội bộ cấp phiếu lý lịch tư pháp",
                                 "deadline": "30/09/2022"})  # fmt: skip
    assert response.status_code == 302
    tasks = client.get(url).context["tasks"]
    assert [t.pk for t in tasks["lead"]] == [first.pk]
    assert [t.pk for t in tasks["coordinating"]] == [second.pk]
    own = tasks["own"][0]
    assert own.owner == stp and own.lead_agency == stp and own.deadline == date(2022, 9, 30)
    # Not part of the province plan's task list.
    assert own not in [
        t
        for area in client.get(reverse("plans:plan_detail", args=[plan.pk])).context["areas"]
        for t in area.tasks
    ]
    sheet = load_workbook(io.BytesIO(client.get(url, {"xuat": "xlsx"}).content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert (
        "Nhiệm vụ riêng" in cells and "Rà soát quy trình nội bộ cấp phiếu lý lịch tư pháp" in cells
    )


def test_only_the_agency_officer_adds_own_tasks(client, leader):
    plan = Plan.objects.get(year=2022)
    client.force_login(leader)
    url = reverse("plans:agency_plan", args=[plan.pk])
    assert client.post(url, {"area": 1, "text": "x"}).status_code == 403


def test_text_pasted_with_control_characters_is_kept_clean_and_exported(client, dept_officer):
    """Text pasted from Word carries characters a person cannot see (its line break is a
    vertical tab); one of them stored made the agency plan's Excel download an error page.
    Every form keeps typed text to what a file can hold (`core.forms.typed_text`)."""
    plan = Plan.objects.get(year=2022)
    client.force_login(dept_officer)
    url = reverse("plans:agency_plan", args=[plan.pk])
    response = client.post(url, {"area": ReformArea.objects.get(code="procedures").pk,
                                 "text": "Rà soát\x0bquy trình\x01 nội bộ\ufffe",
                                 "deadline": "30/09/2022"})  # fmt: skip
    assert response.status_code == 302
    own = client.get(url).context["tasks"]["own"][0]
    assert own.text == "Rà soát\nquy trình nội bộ"
    download = client.get(url, {"xuat": "xlsx"})
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert "Rà soát\nquy trình nội bộ" in [
        c for row in sheet.iter_rows(values_only=True) for c in row
    ]
