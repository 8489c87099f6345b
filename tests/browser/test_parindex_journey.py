"""PAR INDEX (Chỉ số CCHC) in a real browser, end to end: the reform office imports a framework
and opens Sở Tư pháp's assessment; the department self-scores, attaches evidence and submits;
the office assigns an appraiser, who appraises, asks for an explanation and — once answered —
completes the appraisal; the office finalises, computes and publishes, and the results page and
the Excel export show Sở Tư pháp's total, rank and classification.

CCHC_SHOTS=1 also saves full-page screenshots of the main pages to /tmp/parindex-shots/."""

import os
import re
import tempfile
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.steps import login, logout
from tests.factories import make_user
from tests.parindex.conftest import SMALL_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n% Ke hoach cai cach hanh chinh nam 2031\n"
SHOTS = Path(tempfile.gettempdir()) / "parindex-shots" if os.environ.get("CCHC_SHOTS") else None


def shot(page, name):
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def criterion(page, code, title):
    """A criterion's row on the assessment sheet (htmx swaps it; the locator finds it again)."""
    return page.locator("article.score-row").filter(
        has=page.get_by_role("heading", name=f"{code} {title}", exact=True)
    )


def to_landing(page):
    """The navigation bar's "Chỉ số CCHC" (the breadcrumbs have a link of that name too)."""
    page.locator("#nav").get_by_role("link", name="Chỉ số CCHC").click()


def open_own_assessment(page):
    """From the navigation bar to the one assessment the user's landing page lists."""
    to_landing(page)
    page.get_by_role("link", name="Mở phiếu").click()
    expect(
        page.get_by_role("heading", name="Phiếu đánh giá Chỉ số CCHC — Sở Tư pháp")
    ).to_be_visible()


def test_par_index_from_opening_to_published_results(reference_data, page, live_server):
    make_user("vp", "12-SNV", "reform_office")
    make_user("stp", "12-STP", "agency_officer")
    appraiser = make_user("tdinh", "12-SNV", "appraiser")
    appraiser.first_name, appraiser.last_name = "Hoàng Minh", "Tuấn"
    appraiser.save()
    page.on("dialog", lambda dialog: dialog.accept())  # the "Gửi phiếu …?" confirmations

    # 1. The reform office imports the framework and opens Sở Tư pháp's assessment.
    login(page, live_server, "vp")
    to_landing(page)
    shot(page, "01-landing-office-empty")
    page.get_by_role("link", name="Nhập bộ tiêu chí").click()
    page.get_by_label("Tệp bộ tiêu chí").set_input_files(
        {"name": "bo-tieu-chi.csv", "mimeType": "text/csv", "buffer": SMALL_CSV.encode()}
    )
    page.get_by_label("Mã bộ tiêu chí").fill("THU")
    page.get_by_label("Năm đánh giá").fill("2031")
    page.get_by_label("Đối tượng đánh giá").select_option(label="Sở, ban, ngành")
    page.get_by_label("Tên bộ tiêu chí").fill("Bộ tiêu chí thử")
    page.get_by_label("Ngưỡng xếp loại").fill("18 Xuất sắc\n15 Tốt\n10 Khá\nYếu")
    shot(page, "01b-framework-import")
    page.get_by_role("button", name="Nạp bộ tiêu chí").click()
    expect(page.get_by_text("Đã nạp bộ tiêu chí: thêm 8")).to_be_visible()
    shot(page, "02-framework-detail")

    page.locator(".nav-tabs").get_by_role("link", name="Mở đợt, hạn").click()
    page.get_by_label("Hạn gửi tự chấm").fill("31/01/2032")
    page.get_by_label("Chỉ mở cho các cơ quan").select_option(label="12-STP — Sở Tư pháp")
    page.get_by_role("button", name="Mở phiếu đánh giá").click()
    expect(page.get_by_text("Đã mở 1 phiếu đánh giá.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Sở Tư pháp Đang tự chấm"))).to_be_visible()
    shot(page, "03-open-assessments")
    logout(page)

    # 2. Sở Tư pháp self-scores, attaches its plan as evidence and submits.
    login(page, live_server, "stp")
    to_landing(page)
    expect(page.get_by_role("cell", name="31/01/2032")).to_be_visible()
    shot(page, "04-landing-agency")
    open_own_assessment(page)
    expect(page.get_by_role("button", name="Gửi phiếu để thẩm định")).to_be_disabled()
    for code, title, points in (
        ("1.1", "Ban hành kế hoạch CCHC", "3,5"),
        ("1.2", "Báo cáo định kỳ", "2,75"),
        ("2.1", "Kỷ luật hành chính", "5"),
    ):
        row = criterion(page, code, title)
        row.get_by_label("Điểm tự chấm").fill(points)
        row.get_by_role("button", name="Lưu tự chấm").click()
        expect(row.get_by_role("status")).to_have_text(f"Đã lưu tự chấm tiêu chí {code}.")
    plan = criterion(page, "1.1", "Ban hành kế hoạch CCHC")
    plan.get_by_label("Thêm tài liệu kiểm chứng").set_input_files(
        {"name": "ke-hoach-cchc-2031.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    plan.get_by_role("button", name="Tải lên").click()
    expect(plan.get_by_role("status")).to_contain_text("Đã thêm tài liệu “ke-hoach-cchc-2031.pdf”")
    expect(plan.get_by_role("link", name="ke-hoach-cchc-2031.pdf")).to_be_visible()
    expect(page.locator("#tien-do")).to_contain_text("3/3 tiêu chí")
    # The totals and the submit card follow the rows saved (sent out of band with each row).
    expect(page.get_by_role("row", name="Tổng điểm / tối đa áp dụng")).to_contain_text("11,25 / 20")
    expect(page.get_by_text("Đã chấm đủ các tiêu chí.")).to_be_visible()
    shot(page, "05-sheet-agency-self-scoring")
    page.get_by_role("button", name="Gửi phiếu để thẩm định").click()
    expect(page.get_by_text("Đã gửi phiếu tự chấm điểm để thẩm định.")).to_be_visible()
    expect(page.get_by_role("button", name="Lưu tự chấm")).to_have_count(0)
    logout(page)

    # 3. The reform office assigns an appraiser to Sở Tư pháp.
    login(page, live_server, "vp")
    to_landing(page)
    page.get_by_role("link", name="Bộ tiêu chí thử").click()
    page.locator(".nav-tabs").get_by_role("link", name="Phân công thẩm định").click()
    page.get_by_label("Thành viên tổ thẩm định").select_option(
        label="Hoàng Minh Tuấn (tdinh) — Sở Nội vụ"
    )
    page.get_by_label("Thẩm định các cơ quan").select_option(label="12-STP — Sở Tư pháp")
    page.get_by_role("button", name="Phân công").click()
    expect(page.get_by_text("Đã phân công Hoàng Minh Tuấn thẩm định 1 cơ quan.")).to_be_visible()
    expect(page.get_by_text("Mọi phiếu đánh giá đã có người thẩm định.")).to_be_visible()
    shot(page, "06-assignments")
    logout(page)

    # 4. The appraiser keeps 1.1, lowers 1.2 with a reason and asks about 2.1 …
    login(page, live_server, "tdinh")
    open_own_assessment(page)
    row = criterion(page, "1.1", "Ban hành kế hoạch CCHC")
    row.get_by_role("button", name="Lưu thẩm định").click()
    # The first appraisal moves the sheet to "under appraisal": htmx reloads the page, and the
    # confirmation comes back as the page's message (role alert) rather than the row's status.
    expect(
        page.get_by_role("alert").filter(has_text="Đã lưu điểm thẩm định tiêu chí 1.1.")
    ).to_be_visible()
    expect(row.get_by_text("Đã thẩm định: giữ điểm tự chấm 3,5")).to_be_visible()
    row = criterion(page, "1.2", "Báo cáo định kỳ")
    row.get_by_label("Điểm thẩm định").fill("2,5")
    row.get_by_label("Lý do điều chỉnh").fill("Báo cáo quý IV gửi chậm 5 ngày.")
    row.get_by_role("button", name="Lưu thẩm định").click()
    expect(row.get_by_role("status")).to_have_text("Đã lưu điểm thẩm định tiêu chí 1.2.")
    expect(page.get_by_role("row", name="Tổng điểm / tối đa áp dụng")).to_contain_text("11 / 20")
    row = criterion(page, "2.2", "Tỷ lệ hồ sơ đúng hạn")
    row.get_by_role("button", name="Lưu thẩm định").click()
    expect(row.get_by_role("status")).to_have_text("Đã lưu điểm thẩm định tiêu chí 2.2.")
    shot(page, "07-sheet-appraiser")
    row = criterion(page, "2.1", "Kỷ luật hành chính")
    row.get_by_text("Yêu cầu cơ quan giải trình tiêu chí này").click()
    row.get_by_label("Nội dung cần cơ quan giải trình").fill(
        "Đề nghị nêu rõ số cán bộ bị kỷ luật trong năm."
    )
    row.get_by_role("button", name="Trả lại để giải trình").click()
    expect(
        page.get_by_role("alert").filter(has_text="Đã trả lại tiêu chí 2.1 để cơ quan giải trình.")
    ).to_be_visible()
    expect(page.get_by_text("Chờ cơ quan giải trình").first).to_be_visible()
    logout(page)

    # … Sở Tư pháp answers …
    login(page, live_server, "stp")
    open_own_assessment(page)
    expect(page.get_by_text("Tổ thẩm định đề nghị cơ quan giải trình 1 tiêu chí")).to_be_visible()
    row = criterion(page, "2.1", "Kỷ luật hành chính")
    expect(row.get_by_text("Đề nghị nêu rõ số cán bộ bị kỷ luật trong năm.")).to_be_visible()
    row.get_by_label("Nội dung giải trình").fill("Trong năm không có cán bộ nào bị kỷ luật.")
    shot(page, "08-sheet-agency-answering")
    row.get_by_role("button", name="Gửi giải trình").click()
    expect(
        page.get_by_role("alert").filter(has_text="Đã gửi giải trình tiêu chí 2.1.")
    ).to_be_visible()
    logout(page)

    # … and the appraiser accepts 2.1 and completes the appraisal.
    login(page, live_server, "tdinh")
    open_own_assessment(page)
    row = criterion(page, "2.1", "Kỷ luật hành chính")
    expect(row.get_by_text("Trong năm không có cán bộ nào bị kỷ luật.", exact=True)).to_be_visible()
    row.get_by_role("button", name="Lưu thẩm định").click()
    expect(row.get_by_role("status")).to_have_text("Đã lưu điểm thẩm định tiêu chí 2.1.")
    page.get_by_role("button", name="Hoàn thành thẩm định").click()
    expect(
        page.get_by_text("Đã hoàn thành thẩm định phiếu đánh giá của Sở Tư pháp.")
    ).to_be_visible()
    logout(page)

    # 5. The reform office finalises, computes and publishes; the results show Sở Tư pháp.
    login(page, live_server, "vp")
    to_landing(page)
    page.get_by_role("link", name="Bộ tiêu chí thử").click()
    page.get_by_role("link", name="Mở phiếu").click()
    page.get_by_role("button", name="Chốt kết quả").click()
    expect(page.get_by_text("Đã chốt kết quả của Sở Tư pháp.")).to_be_visible()
    to_landing(page)
    page.get_by_role("row", name=re.compile("Bộ tiêu chí thử")).get_by_role(
        "link", name="Kết quả"
    ).click()
    page.get_by_role("button", name="Tính kết quả").click()
    expect(page.get_by_text("Đã tính kết quả của 1 phiếu đánh giá.")).to_be_visible()
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.get_by_text("Đã công bố kết quả của 1 cơ quan.")).to_be_visible()
    # 3,5 (kept) + 2,5 (appraised) + 5 (kept); no survey points nor indicator data: 11 of 20.
    result = page.get_by_role("row", name=re.compile("Sở Tư pháp"))
    expect(result.get_by_role("cell")).to_have_text(
        ["1", "Sở Tư pháp", "11,25", "11,00", "0,00", "0,00", "0,00", "11,00", "20,00", "55,00%", "Khá"]
    )  # fmt: skip
    shot(page, "09-results")
    if SHOTS is not None:
        to_landing(page)
        shot(page, "10-landing-office")
        page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    stp = next(r for r in rows if r and "12-STP" in r)
    assert stp[1] == 1 and stp[3] == "Sở Tư pháp" and stp[9] == 11 and stp[12] == "Khá"
