"""Plan, target and task edits keep who, when, why and what (README: "ai sửa gì, lúc nào,
vì sao"), shown on history pages; an edit without a reason is refused and changes nothing."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cchc.organizations.models import Agency
from cchc.plans import services
from cchc.plans.models import Plan, Target, Task
from cchc.plans.services import ThresholdInput
from tests.html_forms import page_form, submit

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    """The page's words, tags dropped and spaces squeezed: what a reader sees."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _rows(response) -> list[str]:
    """The lines of the history table, newest first, as a reader sees them."""
    table = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [_text(row) for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.DOTALL)]


@pytest.fixture
def office(reform_office):
    reform_office.first_name, reform_office.last_name = "Lò Thị", "Hoa"
    reform_office.save()
    client = Client()
    client.force_login(reform_office)
    return client


def _target() -> Target:
    return Plan.objects.get(year=2022).targets.get(number=4)


def test_a_target_edit_with_a_reason_is_in_its_history_with_old_and_new_values(office):
    target = _target()
    assert {t.tier: t.value for t in target.thresholds.all()}["commune"] == Decimal("15")
    old_quantity = target.quantity
    response = submit(
        office, reverse("plans:target_update", args=[target.pk]), having="quantity",
        value_commune="20", quantity="kết quả giải quyết TTHC được số hóa",
        reason="Theo Quyết định 12/QĐ-UBND điều chỉnh chỉ tiêu",
    )  # fmt: skip
    assert response.status_code == 302

    latest = _rows(office.get(reverse("plans:target_history", args=[target.pk])))[0]
    assert "Lò Thị Hoa Sửa Theo Quyết định 12/QĐ-UBND điều chỉnh chỉ tiêu" in latest
    assert f"Nội dung đo: {old_quantity} kết quả giải quyết TTHC được số hóa" in latest
    assert "Ngưỡng (Cấp xã): 15 20" in latest
    assert "Cấp tỉnh" not in latest and "Số thứ tự" not in latest  # unchanged: not listed


def test_a_target_edit_without_a_reason_is_refused_and_changes_nothing(office, reform_office):
    target = _target()
    before = (target.quantity, target.history.count())
    response = submit(office, reverse("plans:target_update", args=[target.pk]),
                      having="quantity", quantity="Đổi mà không nói lý do", reason="")  # fmt: skip
    assert response.status_code == 200
    assert "Hãy ghi lý do sửa" in response.content.decode()
    target.refresh_from_db()
    assert (target.quantity, target.history.count()) == before
    with pytest.raises(ValidationError, match="Hãy ghi lý do sửa"):
        services.target_save(
            actor=reform_office, plan=target.plan, target=target, reason="  ",
            thresholds=[ThresholdInput("", Decimal(50))], quantity="Qua dịch vụ",
        )  # fmt: skip
    target.refresh_from_db()
    assert (target.quantity, target.history.count()) == before


def test_a_task_edit_lists_the_agencies_changed(office):
    task = Plan.objects.get(year=2022).tasks.first()
    stp = Agency.objects.get(code="12-STP")
    url = reverse("plans:task_update", args=[task.pk])
    response = submit(office, url, having="text", coordinating_agencies=[str(stp.pk)],
                      deadline="31/12/2022", reason="Giao thêm cơ quan phối hợp")  # fmt: skip
    assert response.status_code == 302
    rows = _rows(office.get(reverse("plans:task_history", args=[task.pk])))
    latest = rows[0]
    assert "Lò Thị Hoa Sửa Giao thêm cơ quan phối hợp" in latest
    assert "Cơ quan phối hợp: — Sở Tư pháp" in latest
    assert "Thời gian hoàn thành: — 31/12/2022" in latest
    assert sum("Giao thêm cơ quan phối hợp" in row for row in rows) == 1  # one save, one line


def test_a_plan_edit_and_a_deleted_task_are_in_the_plan_history(office, dept_officer):
    plan = Plan.objects.get(year=2022)
    old_title = plan.title
    submit(office, reverse("plans:plan_update", args=[plan.pk]), having="title",
           title="Kế hoạch CCHC 2022 (sửa đổi)", reason="Sửa theo Kế hoạch 100/KH-UBND")  # fmt: skip
    task = plan.tasks.last()
    edit = office.get(reverse("plans:task_update", args=[task.pk]))
    delete = page_form(edit, having="xoa-reason")
    assert (
        office.post(delete.action, delete.data(**{"xoa-reason": "Trùng nhiệm vụ 3"})).status_code
        == 302
    )
    assert not Task.objects.filter(pk=task.pk).exists()

    reader = Client()
    reader.force_login(dept_officer)  # the plan is shared: every role reads its history
    text = _text(reader.get(reverse("plans:plan_history", args=[plan.pk])).content.decode())
    assert f"Tên kế hoạch: {old_title} Kế hoạch CCHC 2022 (sửa đổi)" in text
    assert "Sửa theo Kế hoạch 100/KH-UBND" in text
    deleted = text.split("Chỉ tiêu, nhiệm vụ đã xóa", 1)[1]
    assert "Lò Thị Hoa Trùng nhiệm vụ 3 Nhiệm vụ:" in deleted


def test_deleting_without_a_reason_is_refused(office):
    target = _target()
    edit = office.get(reverse("plans:target_update", args=[target.pk]))
    delete = page_form(edit, having="xoa-reason")
    response = office.post(delete.action, delete.data())
    assert response.status_code == 200 and "Hãy ghi lý do sửa" in response.content.decode()
    assert Target.objects.filter(pk=target.pk).exists()
