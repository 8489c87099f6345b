"""The reform office creates the 2026 plan in Chromium: typing the year unticks cấp huyện,
the copy of the 2022 targets says what it dropped, and the new target's form offers a
threshold for cấp tỉnh and cấp xã only."""

import pytest
from playwright.sync_api import expect

from cchc.plans.models import Plan
from tests.browser.steps import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_2026_plan_is_created_with_two_tiers(reference_data, page, live_server):
    make_user("vp", "12-SNV", "reform_office")
    login(page, live_server, "vp")
    page.goto(f"{live_server.url}/ke-hoach/them/")
    district = page.get_by_label("Cấp huyện", exact=True)
    expect(district).to_be_checked()  # the year offered first is 2023: three tiers
    page.get_by_label("Năm kế hoạch").fill("2026")
    expect(district).not_to_be_checked()
    expect(page.get_by_label("Cấp tỉnh", exact=True)).to_be_checked()
    expect(page.get_by_label("Cấp xã", exact=True)).to_be_checked()
    page.get_by_label("Tên kế hoạch").fill("Kế hoạch cải cách hành chính tỉnh Lai Châu năm 2026")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_text("Đã sao chép 11 chỉ tiêu từ kế hoạch năm 2022.")).to_be_visible()
    expect(
        page.get_by_text("Bỏ 2 ngưỡng cấp huyện vì kế hoạch năm 2026 chỉ có cấp tỉnh và cấp xã.")
    ).to_be_visible()
    expect(page.locator("#cap-ke-hoach")).to_contain_text("cấp tỉnh và cấp xã")
    expect(page.locator(".threshold", has_text="Cấp huyện")).to_have_count(0)
    plan = Plan.objects.get(year=2026)
    assert plan.tiers == ["province", "commune"]

    page.get_by_role("link", name="Thêm chỉ tiêu").click()
    thresholds = page.get_by_role("group", name="Ngưỡng")
    expect(thresholds.get_by_label("Cấp tỉnh", exact=True)).to_be_visible()
    expect(thresholds.get_by_label("Cấp xã", exact=True)).to_be_visible()
    expect(thresholds.get_by_label("Cấp huyện", exact=True)).to_have_count(0)
    expect(page.get_by_label("UBND cấp huyện")).to_have_count(0)
    page.get_by_label("Số thứ tự trong kế hoạch").fill("9")
    page.get_by_label("Nguyên văn chỉ tiêu").fill(
        "Tối thiểu 25,5% thủ tục hành chính cấp xã được số hóa kết quả."
    )
    page.get_by_label("Nội dung đo").fill("thủ tục cấp xã được số hóa kết quả")
    thresholds.get_by_label("Cấp xã", exact=True).fill("25,5")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu chỉ tiêu 9.")).to_be_visible()
    expect(page.locator(".threshold", has_text="Cấp xã: ≥ 25,5%").first).to_be_visible()
    assert [t.tier for t in plan.targets.get(number=9).thresholds.all()] == ["commune"]
