import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from cchc.plans.models import Plan
from tests.factories import PASSWORD, make_user
from tests.html_forms import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/tai-khoan/dang-nhap/"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_officer_logs_in_and_reads_the_plan(reference_data, page, live_server):
    make_user("stp", "12-STP", "agency_officer")
    login(page, live_server, "stp")
    expect(
        page.get_by_role("heading", name="Kế hoạch cải cách hành chính tỉnh Lai Châu năm 2022")
    ).to_be_visible()
    expect(page.locator(".target-card")).to_have_count(8)
    expect(page.get_by_role("link", name="Sở Tư pháp", exact=True)).to_be_visible()

    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Kế hoạch cải cách hành chính tỉnh Lai Châu năm 2022").click()
    expect(page.get_by_text("Số 4345/KH-UBND · Lai Châu, ngày 23/12/2021")).to_be_visible()
    expect(page.get_by_text("Cấp tỉnh: ≥ 30%")).to_be_visible()
    # An agency officer reads the plan but is offered no editing.
    expect(page.get_by_role("link", name="Thêm chỉ tiêu")).to_have_count(0)


def test_reform_office_assigns_a_lead_agency(reference_data, page, live_server):
    make_user("vp", "12-SNV", "reform_office")
    login(page, live_server, "vp")
    plan = Plan.objects.get(year=2022)
    page.goto(f"{live_server.url}/ke-hoach/{plan.pk}/")
    page.locator("#nhiem-vu ~ div a[title='Sửa'], a[title='Sửa']").first.click()
    page.get_by_label("Cơ quan chủ trì").select_option(label="Sở Nội vụ (12-SNV)")
    page.get_by_label("Thời gian hoàn thành").fill("31/12/2022")
    page.get_by_label("Lý do sửa").fill("Giao Sở Nội vụ chủ trì")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu nhiệm vụ.")).to_be_visible()
    expect(page.locator("td", has_text="Sở Nội vụ").first).to_be_visible()
    expect(page.get_by_text("31/12/2022")).to_be_visible()


def test_a_save_over_a_newer_edit_is_refused_and_the_text_kept(reference_data, page, live_server):
    """Issue 16: the browser opens a task; meanwhile another account saves it (a second
    session); the browser's save is refused, says who saved, and keeps what was typed."""
    make_user("vp", "12-SNV", "reform_office")
    other = make_user("vp2", "12-SNV", "reform_office")
    task = Plan.objects.get(year=2022).tasks.order_by("area__order", "order").first()
    login(page, live_server, "vp")
    page.goto(f"{live_server.url}/ke-hoach/nhiem-vu/{task.pk}/sua/")
    page.get_by_label("Nội dung nhiệm vụ").fill("Bản sửa của trình duyệt")
    page.get_by_label("Lý do sửa").fill("Sửa câu chữ")

    second = Client()
    second.force_login(other)
    url = f"/ke-hoach/nhiem-vu/{task.pk}/sua/"
    assert submit(second, url, having="text", text="Bản sửa của phiên thứ hai",
                  reason="Sửa trước").status_code == 302  # fmt: skip

    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("alert")).to_contain_text("vừa được vp2 cập nhật lúc")
    expect(page.get_by_label("Nội dung nhiệm vụ")).to_have_value("Bản sửa của trình duyệt")
    task.refresh_from_db()
    assert task.text == "Bản sửa của phiên thứ hai"
