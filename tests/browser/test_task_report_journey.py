"""Issue 5's journey in a real browser: the reform office assigns a task, the lead agency
reports progress, then drafts and generates its quarterly report."""

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from cchc.plans.models import Plan
from tests.browser.steps import login, logout
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_assign_report_progress_generate_quarterly_report(reference_data, page, live_server):
    make_user("vp", "12-SNV", "reform_office")
    make_user("stp", "12-STP", "agency_officer")
    plan = Plan.objects.get(year=2022)
    task = plan.tasks.order_by("area__order", "order").first()

    # 1. The reform office assigns the task to Sở Tư pháp.
    login(page, live_server, "vp")
    page.goto(f"{live_server.url}/ke-hoach/nhiem-vu/{task.pk}/sua/")
    page.get_by_label("Cơ quan chủ trì").select_option(label="Sở Tư pháp (12-STP)")
    page.get_by_label("Thời gian hoàn thành").fill("30/06/2022")
    page.get_by_label("Lý do sửa").fill("Giao Sở Tư pháp chủ trì")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu nhiệm vụ.")).to_be_visible()
    logout(page)

    # 2. Sở Tư pháp finds it among its tasks and reports progress.
    login(page, live_server, "stp")
    page.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    page.get_by_role("link", name=re.compile("Thực hiện tự chấm điểm")).click()
    page.get_by_label("Tình trạng").select_option("in_progress")
    page.get_by_label("Tiến độ (%)").fill("60")
    page.get_by_label("Nội dung đã thực hiện, khó khăn, đề xuất").fill(
        "Đã xây dựng dự thảo báo cáo tự chấm điểm."
    )
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo tiến độ.")).to_be_visible()
    expect(page.locator(".list-group-item", has_text="Đã xây dựng dự thảo")).to_be_visible()

    # 3. It drafts the quarterly report and generates the Word file.
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.locator("tr", has_text="quý II năm 2022").get_by_role(
        "button", name="Soạn báo cáo"
    ).click()
    page.get_by_label("I. Đánh giá chung").fill("Sở đã triển khai đúng kế hoạch.")
    page.get_by_label("Họ tên người ký").fill("Nguyễn Văn A")
    page.get_by_role("button", name="Tạo tệp báo cáo").click()
    expect(page.get_by_text("Đã tạo tệp báo cáo")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo (Word)").click()
    document = Document(str(download.value.path()))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "quý II năm 2022" in text and "Sở đã triển khai đúng kế hoạch." in text
    assert "Thực hiện tự chấm điểm" in text and "60%" in text
