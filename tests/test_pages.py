"""The reform office's journeys through the pages, and query budgets of the list pages."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.organizations.models import Agency, AgencySuccession
from cchc.plans.models import Plan, Target, Task
from tests.html_forms import page_form, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, reform_office):
    client.force_login(reform_office)
    return client


def test_home_shows_eight_target_cards_without_data(office):
    body = office.get(reverse("home")).content.decode()
    assert body.count('class="card h-100 target-card"') == 8
    assert "chưa có dữ liệu" in body
    assert "Cấp xã: <strong>≥ 15%</strong>" in body
    assert "tăng ≥ 10% so với năm 2021" in body
    assert "Công tác chỉ đạo điều hành" in body and "Cải cách thể chế" in body
    assert "Sở Nội vụ" in body


def test_home_of_district_officer_names_its_agency_and_communes(client, district_officer):
    client.force_login(district_officer)
    body = client.get(reverse("home")).content.decode()
    assert "Huyện Tam Đường" in body and "13 xã, phường, thị trấn trực thuộc" in body


def test_plan_detail_shows_header_in_vietnamese_formats(office):
    plan = Plan.objects.get(year=2022)
    body = office.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Số 4345/KH-UBND" in body and "ngày 23/12/2021" in body
    assert "Nghị quyết số 76/NQ-CP ngày 15/07/2021 của Chính phủ" in body
    assert "Người ký: Trần Tiến Dũng" in body
    assert "Năm 2022" in body and "2.022" not in body  # a year is not a quantity


def test_plan_list_shows_years_without_thousand_separator(office):
    body = office.get(reverse("plans:plan_list")).content.decode()
    assert "<td>2022</td>" in body


def test_create_rename_and_end_an_agency_through_the_pages(office):
    response = office.post(
        reverse("organizations:agency_create"),
        {"code": "106-99", "name": "Xã Thử Nghiệm", "level": "commune",
         "parent": Agency.objects.get(code="106").pk, "valid_from": "01/07/2025"},
    )  # fmt: skip
    agency = Agency.objects.get(code="106-99")
    assert response.url == reverse("organizations:agency_detail", args=[agency.pk])
    assert agency.valid_from == date(2025, 7, 1)
    submit(office, reverse("organizations:agency_rename", args=[agency.pk]), having="name",
           name="Xã Mới")  # fmt: skip
    submit(office, reverse("organizations:agency_end", args=[agency.pk]), having="valid_to",
           valid_to="31/12/2026")  # fmt: skip
    agency.refresh_from_db()
    assert (agency.name, agency.valid_to) == ("Xã Mới", date(2026, 12, 31))
    detail = office.get(reverse("organizations:agency_detail", args=[agency.pk])).content.decode()
    assert "Đã kết thúc hoạt động" not in detail  # still active until 31/12/2026
    assert "Đổi tên từ “Xã Thử Nghiệm”" in detail


def test_bad_agency_input_shows_error_and_writes_nothing(office):
    response = office.post(
        reverse("organizations:agency_create"),
        {"code": "106-98", "name": "Xã Sai", "level": "commune",
         "parent": Agency.objects.get(code="12").pk, "valid_from": "31/02/2025"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Agency.objects.filter(code="106-98").exists()
    assert "Nhập ngày hợp lệ" in response.content.decode() or "ngày" in str(
        response.context["form"].errors
    )


def test_succession_page_records_a_merger(office):
    old = Agency.objects.filter(code__in=["106-02", "106-03"])
    new = Agency.objects.get(code="106-04")
    response = office.post(
        reverse("organizations:agency_succession"),
        {"predecessors": [a.pk for a in old], "successors": [new.pk], "effective_on": "01/07/2025"},
    )
    assert response.status_code == 302
    assert AgencySuccession.objects.filter(successor=new).count() == 2
    listing = office.get(reverse("organizations:agency_list")).context["agencies"]
    assert "106-02" not in {a.code for a in listing}
    everything = office.get(reverse("organizations:agency_list"), {"tat_ca": "1"})
    assert "106-02" in {a.code for a in everything.context["agencies"]}


def test_create_plan_for_2023_copying_targets(office):
    response = office.post(
        reverse("plans:plan_create"),
        {"year": "2023", "title": "Kế hoạch cải cách hành chính tỉnh Lai Châu năm 2023",
         "issued_on": "20/12/2022", "copy_targets_from": Plan.objects.get(year=2022).pk},
    )  # fmt: skip
    plan = Plan.objects.get(year=2023)
    assert response.url == reverse("plans:plan_detail", args=[plan.pk])
    assert plan.issued_on == date(2022, 12, 20) and plan.targets.count() == 11


def test_edit_target_with_vietnamese_decimal(office):
    target = Plan.objects.get(year=2022).targets.get(number=4)
    url = reverse("plans:target_update", args=[target.pk])
    response = submit(office, url, having="quantity", value_commune="15,5", reason="Sửa ngưỡng")
    assert response.status_code == 302, response.context["form"].errors
    assert {t.tier: t.value for t in target.thresholds.all()}["commune"] == Decimal("15.5")
    body = office.get(reverse("home")).content.decode()
    assert "Cấp xã: <strong>≥ 15,5%</strong>" in body


def test_target_indicator_is_chosen_from_the_registry(office):
    target = Plan.objects.get(year=2022).targets.get(number=4)
    url = reverse("plans:target_update", args=[target.pk])
    page = office.get(url)
    field = page.context["form"].fields["indicator_code"]
    codes = [code for code, _label in field.choices]
    assert codes[0] == "" and "RESULT_DIGITISATION" in codes and "ON_TIME_RATE" in codes
    assert "RESULT_DIGITISATION — " in page.content.decode()
    data = page_form(page, having="quantity").data(indicator_code="KHONG_CO", reason="Đổi mã")
    refused = office.post(url, data)
    assert refused.status_code == 200 and refused.context["form"].errors["indicator_code"]
    target.refresh_from_db()
    assert target.indicator_code == "RESULT_DIGITISATION"


def test_a_code_the_registry_lacks_is_kept_when_the_target_is_edited(office):
    target = Plan.objects.get(year=2022).targets.get(number=4)
    Target.objects.filter(pk=target.pk).update(indicator_code="MA_CU")
    url = reverse("plans:target_update", args=[target.pk])
    page = office.get(url)
    assert ("MA_CU", "MA_CU (không có trong danh mục chỉ số)") in page.context["form"].fields[
        "indicator_code"
    ].choices
    data = page_form(page, having="quantity").data(reason="Sửa nguyên văn")
    assert office.post(url, data).status_code == 302
    target.refresh_from_db()
    assert target.indicator_code == "MA_CU"


def test_assign_lead_and_coordinators_to_a_task(office):
    task = Plan.objects.get(year=2022).tasks.first()
    snv, stp = Agency.objects.get(code="12-SNV"), Agency.objects.get(code="12-STP")
    response = submit(
        office, reverse("plans:task_update", args=[task.pk]), having="text",
        deadline="31/12/2022", lead_agency=str(snv.pk), coordinating_agencies=[str(stp.pk)],
        reason="Giao cơ quan chủ trì",
    )  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.lead_agency == snv and list(task.coordinating_agencies.all()) == [stp]
    assert task.deadline == date(2022, 12, 31)
    history = task.history.first()
    assert history.history_user.username == "vp"


def test_delete_task_needs_post(office):
    task = Plan.objects.get(year=2022).tasks.first()
    url = reverse("plans:task_delete", args=[task.pk])
    assert office.get(url).status_code == 405
    delete = page_form(
        office.get(reverse("plans:task_update", args=[task.pk])), having="xoa-reason"
    )
    assert delete.action == url
    assert office.post(url, delete.data(**{"xoa-reason": "Trùng"})).status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()


@pytest.mark.parametrize(
    ("route", "budget"),
    # home: 13 since its target cards say when their figures are being recomputed (one EXISTS).
    [("home", 13), ("plans:plan_list", 6), ("organizations:agency_list", 6)],
)
def test_page_query_budget(office, django_assert_max_num_queries, locmem_cache, route, budget):
    """Measured warm, as served: the target cards' values come from the figures cache
    (their cold cost is bounded in tests/indicators/test_summary.py)."""
    office.get(reverse(route))
    with django_assert_max_num_queries(budget):
        assert office.get(reverse(route)).status_code == 200


def test_plan_detail_query_budget_does_not_grow_with_tasks(
    office, django_assert_max_num_queries, locmem_cache
):
    plan = Plan.objects.get(year=2022)
    url = reverse("plans:plan_detail", args=[plan.pk])
    office.get(url)
    with django_assert_max_num_queries(14):
        office.get(url)
