"""Issue 21, in Chromium: the reform office downloads the periodic report's Word template,
uploads a broken edit (and reads what is wrong, in Vietnamese), uploads a good edit, and the
report it then generates carries the edit; it returns to the bundled template."""

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.steps import login
from tests.factories import make_user
from tests.reports.test_document_templates import edited

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDIT = "Kính gửi: Bộ Nội vụ (Vụ Cải cách hành chính)"
SHOTS = str(ARTIFACTS / "docs-journey-{}.png")  # the pages, to look at


def text_of(path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_the_office_edits_the_report_template_in_word(reference_data, page, live_server,
                                                      tmp_path):  # fmt: skip
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    make_user("vp", "12-SNV", "reform_office")
    login(page, live_server, "vp")
    page.locator("#nav").get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Mẫu văn bản").click()
    expect(page.get_by_role("heading", name=re.compile("Mẫu văn bản Word"))).to_be_visible()
    report = page.locator("section", has_text="Báo cáo định kỳ cải cách hành chính")
    expect(report.get_by_text("Đang dùng mẫu kèm theo hệ thống")).to_be_visible()
    page.screenshot(path=SHOTS.format(1), full_page=True)

    with page.expect_download() as download:
        report.get_by_role("link", name="Tải mẫu đang dùng").click()
    template = download.value.path().read_bytes()
    assert download.value.suggested_filename == "mau-bao_cao_dinh_ky.docx"

    # A broken edit: a condition opened and never closed.
    broken = tmp_path / "mau-loi.docx"
    broken.write_bytes(edited(template, replace=("{{ title }}", "{% if title %}{{ title }}")))
    report.get_by_label("Tệp mẫu (Word .docx)").set_input_files(str(broken))
    report.get_by_role("button", name="Tải lên mẫu đã sửa").click()
    report = page.locator("section", has_text="Báo cáo định kỳ cải cách hành chính")
    expect(report.get_by_text(re.compile("Mẫu văn bản không dùng được.*sai cú pháp Jinja"))) \
        .to_be_visible()  # fmt: skip
    expect(report.get_by_text("Đang dùng mẫu kèm theo hệ thống")).to_be_visible()
    page.screenshot(path=SHOTS.format(2), full_page=True)

    good = tmp_path / "mau-bao-cao-tinh.docx"
    good.write_bytes(edited(template, before_title=EDIT))
    report.get_by_label("Tệp mẫu (Word .docx)").set_input_files(str(good))
    report.get_by_role("button", name="Tải lên mẫu đã sửa").click()
    expect(page.get_by_text(re.compile("Đã nhận mẫu .* phiên bản 1"))).to_be_visible()
    report = page.locator("section", has_text="Báo cáo định kỳ cải cách hành chính")
    expect(report.get_by_text("Đang dùng mẫu của tỉnh, phiên bản 1")).to_be_visible()
    expect(report.get_by_role("cell", name="mau-bao-cao-tinh.docx")).to_be_visible()
    page.screenshot(path=SHOTS.format(3), full_page=True)

    # The province's report for quarter I of 2022, generated from the edited template.
    page.locator("#nav").get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_label("Năm").select_option(label="Năm 2022")
    page.locator("tr", has_text="quý I năm 2022").get_by_role("button", name="Soạn báo cáo") \
        .click()  # fmt: skip
    page.get_by_label("Họ tên người ký").fill("Trần Văn B")
    page.get_by_role("button", name="Tạo tệp báo cáo").click()
    expect(page.get_by_text("Đã tạo tệp báo cáo")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo (Word)").click()
    text = text_of(download.value.path())
    assert EDIT in text and "Trần Văn B" in text and "TỈNH LAI CHÂU" in text
    assert text.index(EDIT) < text.index("BÁO CÁO")

    # Back to the bundled template: the next report has no edit.
    page.locator("#nav").get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="Mẫu văn bản").click()
    report = page.locator("section", has_text="Báo cáo định kỳ cải cách hành chính")
    report.get_by_role("button", name="Trở về mẫu kèm theo hệ thống").click()
    expect(page.get_by_text(re.compile("trở về mẫu kèm theo hệ thống"))).to_be_visible()
    report = page.locator("section", has_text="Báo cáo định kỳ cải cách hành chính")
    expect(report.get_by_text("Đang dùng mẫu kèm theo hệ thống")).to_be_visible()
    page.screenshot(path=SHOTS.format(4), full_page=True)
    page.locator("#nav").get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_label("Năm").select_option(label="Năm 2022")
    page.locator("tr", has_text="quý I năm 2022").get_by_role("link").first.click()
    page.get_by_role("button", name="Tạo tệp báo cáo").click()
    expect(page.get_by_text("Đã tạo tệp báo cáo")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo (Word)").click()
    assert EDIT not in text_of(download.value.path())
