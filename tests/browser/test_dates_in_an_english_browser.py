"""Issue 17: a browser set to English (it sends `Accept-Language: en-US`) types a deadline
as an official does, 10/11/2022, and the 10th of November is stored; a wrong date is refused
in Vietnamese, and the pages stay Vietnamese (ADR 0015)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from cchc.plans.models import Plan
from tests.browser.steps import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def english_page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_deadline_typed_in_an_english_browser_is_stored_as_typed(
    reference_data, english_page, live_server
):
    page = english_page
    make_user("vp", "12-SNV", "reform_office")
    task = Plan.objects.get(year=2022).tasks.order_by("area__order", "order").first()
    login(page, live_server, "vp")
    assert page.evaluate("navigator.language") == "en-US"
    edit = f"{live_server.url}/ke-hoach/nhiem-vu/{task.pk}/sua/"

    page.goto(edit)
    page.get_by_label("Thời gian hoàn thành").fill("31/02/2022")
    page.get_by_label("Lý do sửa").fill("Đặt hạn hoàn thành")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm")).to_be_visible()
    expect(page.get_by_text("Enter a valid date")).to_have_count(0)

    page.get_by_label("Thời gian hoàn thành").fill("10/11/2022")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu nhiệm vụ.")).to_be_visible()
    task.refresh_from_db()
    assert task.deadline == date(2022, 11, 10)

    page.goto(edit)
    expect(page.get_by_label("Thời gian hoàn thành")).to_have_value("10/11/2022")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
