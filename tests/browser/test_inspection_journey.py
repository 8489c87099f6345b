"""Issue 21, in Chromium: the reform office puts the proposed agencies into the year's
inspection plan, records an inspection, closes one of its recommendations and downloads the
conclusion in Word; the inspected agency's officer downloads the same conclusion, and no
import run was made for an inspection typed on the page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.steps import login, logout
from tests.browser.test_document_template_journey import text_of
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FINDINGS = "Niêm yết thủ tục hành chính chưa đầy đủ"


def test_the_office_records_an_inspection_and_downloads_its_conclusion(
    reference_data, page, live_server
):
    from cchc.inspections.models import Inspection
    from cchc.operations.models import ImportRun

    office = make_user("vp", "12-SNV", "reform_office")
    make_user("stp", "12-STP", "agency_officer")
    login(page, live_server, "vp")
    page.locator("#nav").get_by_role("link", name="Kiểm tra", exact=True).click()
    expect(
        page.get_by_role("heading", name="Kiểm tra cải cách hành chính năm 2022")
    ).to_be_visible()

    page.get_by_role("button", name="Đưa các cơ quan này vào kế hoạch kiểm tra").click()
    expect(
        page.get_by_text(re.compile(r"Đã đưa \d+ cơ quan vào kế hoạch kiểm tra"))
    ).to_be_visible()

    page.get_by_label("Cơ quan được kiểm tra").select_option(label="Sở Tư pháp (12-STP)")
    page.get_by_label("Ngày kiểm tra").fill("15/06/2022")
    page.get_by_label("Đoàn kiểm tra").fill("Đoàn kiểm tra CCHC của UBND tỉnh")
    page.get_by_label("Kết hợp kiểm tra tổ chức bộ máy").check()
    page.get_by_label("Kết quả, tồn tại").fill(FINDINGS)
    page.get_by_label("Kiến nghị (mỗi dòng một kiến nghị)").fill(
        "Niêm yết đủ thủ tục\nRà soát quy trình"
    )
    page.get_by_label("Thời hạn khắc phục").fill("30/09/2022")
    page.get_by_role("button", name="Ghi nhận", exact=True).click()
    expect(page.get_by_text("Đã ghi nhận cuộc kiểm tra.")).to_be_visible()

    card = page.locator(".card", has_text=FINDINGS)
    item = card.locator("li", has_text="Niêm yết đủ thủ tục")
    item.get_by_label("Ngày hoàn thành").fill("20/09/2022")
    item.get_by_label("Kết quả khắc phục").fill("Đã niêm yết đủ")
    item.get_by_role("button", name="Đóng").click()
    expect(page.get_by_text("Đã ghi nhận hoàn thành kiến nghị.")).to_be_visible()
    expect(page.get_by_text("đã khắc phục 20/09/2022")).to_be_visible()

    card = page.locator(".card", has_text=FINDINGS)
    with page.expect_download() as download:
        card.get_by_role("link", name="Tải kết luận (Word)").click()
    assert download.value.suggested_filename == "ket-luan-kiem-tra-12-STP-20220615.docx"
    text = text_of(download.value.path())
    assert "UBND TỈNH LAI CHÂU\nSỞ NỘI VỤ" in text and "KẾT LUẬN" in text
    assert "Kiểm tra công tác cải cách hành chính tại Sở Tư pháp" in text and FINDINGS in text
    assert "1. Niêm yết đủ thủ tục (thời hạn khắc phục: 30/09/2022)" in text

    inspection = Inspection.objects.get()
    assert inspection.recorded_by == office and inspection.import_run is None
    assert not ImportRun.objects.exists()

    # The inspected agency reads its inspection and downloads the same conclusion.
    logout(page)
    login(page, live_server, "stp")
    page.locator("#nav").get_by_role("link", name="Kiểm tra", exact=True).click()
    card = page.locator(".card", has_text=FINDINGS)
    expect(card.get_by_role("button", name="Đóng")).to_have_count(0)
    with page.expect_download() as download:
        card.get_by_role("link", name="Tải kết luận (Word)").click()
    assert FINDINGS in text_of(download.value.path())
