"""Issue 18, in Chromium: the reform office issues Sở Tư pháp a token for reporting task
progress; Sở Tư pháp's own system sends a report with a PDF through the API; the officer opens
the task's page and finds it, under the token's account, with the file to download."""

import pytest
from playwright.sync_api import expect

from cchc.api.models import ApiToken
from cchc.organizations.models import Agency
from cchc.plans.models import Plan, ReformArea, Task
from tests.browser.steps import login, logout
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 8


def test_an_agencys_system_reports_progress_that_its_officer_reads(
    reference_data, page, live_server
):
    make_user("vp", "12-SNV", "reform_office")
    make_user("stp", "12-STP", "agency_officer")
    task = Task.objects.create(
        plan=Plan.objects.get(year=2022), area=ReformArea.objects.get(code="procedures"),
        order=901, text="Rà soát, đơn giản hóa thủ tục lĩnh vực tư pháp",
        lead_agency=Agency.objects.get(code="12-STP"),
    )  # fmt: skip
    login(page, live_server, "vp")
    page.goto(f"{live_server.url}/api/ma-truy-cap/")
    page.get_by_label("Cơ quan").select_option(label="Sở Tư pháp (12-STP)")
    page.get_by_label("Mục đích").select_option(label="Báo cáo tiến độ nhiệm vụ")
    page.get_by_label("Tên gọi").fill("Phần mềm quản lý công việc của Sở Tư pháp")
    page.get_by_label("Hết hạn ngày").fill("31/12/2030")
    page.get_by_role("button", name="Cấp mã").click()
    text = page.get_by_test_id("issued").locator("code").inner_text()
    logout(page)

    # The agency's system: a report with its evidence, as multipart.
    url = f"{live_server.url}/api/v1/plans/2022/tasks/{task.pk}/reports/"
    auth = {"Authorization": f"Bearer {text}"}
    refused = page.request.post(url, headers=auth, multipart={
        "status": "in_progress", "percent": "40", "text": "Đã rà soát 12 thủ tục.",
        "files": {"name": "virus.pdf", "mimeType": "application/pdf", "buffer": b"MZ..."}})  # fmt: skip
    assert refused.status == 400
    assert "không phải các loại này" in refused.json()["errors"]["non_field_errors"][0]
    sent = page.request.post(url, headers=auth, multipart={
        "status": "in_progress", "percent": "40", "text": "Đã rà soát 12 thủ tục, đề xuất bãi bỏ 2.",
        "files": {"name": "bien-ban-ra-soat.pdf", "mimeType": "application/pdf", "buffer": PDF}})  # fmt: skip
    assert sent.status == 201, sent.text()
    account = ApiToken.objects.get().account.username

    # Sở Tư pháp's officer reads it on the task's page, and the board shows the progress.
    login(page, live_server, "stp")
    page.goto(f"{live_server.url}/ke-hoach/nhiem-vu/")
    row = page.get_by_role("row").filter(has_text="Rà soát, đơn giản hóa thủ tục lĩnh vực tư pháp")
    expect(row).to_contain_text("40%")
    row.get_by_role("link").first.click()
    report = page.get_by_role("listitem").filter(
        has_text="Đã rà soát 12 thủ tục, đề xuất bãi bỏ 2."
    )
    expect(report).to_contain_text(account)
    expect(report).to_contain_text("Đang thực hiện")
    with page.expect_download() as download:
        report.get_by_role("link", name="bien-ban-ra-soat.pdf").click()
    assert download.value.path().read_bytes() == PDF
    assert "virus.pdf" not in page.content()
