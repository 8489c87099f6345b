"""Issue 17: the leader (read-only) finds an agency's sent report from the Báo cáo page and
reads it, in Chromium: the department drafts, generates and sends its quarterly report; the
leader picks the year, opens the submission tracker, opens the sent report and downloads
its Word file. A draft stays out of the leader's sight."""

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.steps import login, logout
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASSESSMENT = "Sở Tư pháp đã hoàn thành 4/5 nhiệm vụ của quý; một nhiệm vụ chậm do thiếu biên chế."


def open_reports_of_2022(page):
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_label("Năm").select_option(label="Năm 2022")
    expect(page.get_by_role("heading", name=re.compile("năm 2022"))).to_be_visible()


def test_the_leader_reads_a_sent_report_and_never_a_draft(reference_data, page, live_server):
    make_user("stp", "12-STP", "agency_officer")
    make_user("snv", "12-SNV", "agency_officer")
    make_user("ld", "12", "leader")

    # Sở Tư pháp drafts, generates and sends its report for quarter II; Sở Nội vụ only drafts.
    login(page, live_server, "stp")
    open_reports_of_2022(page)
    page.locator("tr", has_text="quý II năm 2022").get_by_role(
        "button", name="Soạn báo cáo"
    ).click()
    page.get_by_label("I. Đánh giá chung").fill(ASSESSMENT)
    page.get_by_label("Họ tên người ký").fill("Nguyễn Văn A")
    page.get_by_role("button", name="Tạo tệp báo cáo").click()
    expect(page.get_by_text("Đã tạo tệp báo cáo")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())  # "Gửi báo cáo? Sau khi gửi …"
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_text("Đã gửi báo cáo.")).to_be_visible()
    logout(page)

    login(page, live_server, "snv")
    open_reports_of_2022(page)
    page.locator("tr", has_text="quý II năm 2022").get_by_role(
        "button", name="Soạn báo cáo"
    ).click()
    page.get_by_label("I. Đánh giá chung").fill("Bản nháp chưa gửi.")
    page.get_by_role("button", name="Lưu nội dung").click()
    expect(page.get_by_text("Đã lưu nội dung.")).to_be_visible()
    logout(page)

    # The leader: one report sent for quarter II, which opens and downloads.
    login(page, live_server, "ld")
    open_reports_of_2022(page)
    row = page.locator("tr", has_text="quý II năm 2022")
    sent_count = row.get_by_role("link")  # the leader drafts nothing: the tracker's count only
    expect(sent_count).to_have_text(re.compile(r"^1\W\d+$"))  # "1/28": one agency has sent
    sent_count.click()
    sent = page.locator("tr", has_text="Sở Tư pháp")
    expect(sent.get_by_text("Đã gửi")).to_be_visible()
    draft = page.locator("tr", has_text="Sở Nội vụ")
    expect(draft.get_by_text("Chưa gửi")).to_be_visible()
    expect(draft.get_by_role("link")).to_have_count(0)
    sent.get_by_role("link").click()
    expect(page.get_by_text(ASSESSMENT)).to_be_visible()
    expect(page.get_by_role("button", name="Lưu nội dung")).to_have_count(0)  # read-only
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo (Word)").click()
    document = Document(str(download.value.path()))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert ASSESSMENT in text and "quý II năm 2022" in text
