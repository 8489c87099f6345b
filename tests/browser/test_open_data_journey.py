"""Issue 18, open data, in Chromium as an anonymous visitor: the catalogue lists what the
reform office published, a table downloads by a click and reads back, the dossier facts
download as a zip of Parquet partitions; once the office withdraws the figures, they are gone
from the page."""

import zipfile

import polars as pl
import pytest
from playwright.sync_api import expect

from cchc.portal import services
from tests.browser.test_public_page_journey import check
from tests.portal.opendata_setup import publish_2022

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_downloads_the_published_tables(
    reference_data, reform_office, page, live_server, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    published = publish_2022(reform_office)
    page.goto(f"{live_server.url}/cong-khai/du-lieu-mo/")
    expect(page.get_by_role("heading", name="Dữ liệu mở cải cách hành chính")).to_be_visible()
    expect(page.get_by_role("heading", name="Năm 2022")).to_be_visible()
    expect(page.get_by_role("link", name="Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0)")).to_be_visible()  # fmt: skip
    # In the public page's frame (its navigation leads here), and as accessible as its pages.
    expect(page.get_by_role("navigation", name="Mục chính").get_by_role("link", name="Dữ liệu mở")).to_have_attribute("aria-current", "page")  # fmt: skip
    check(page, "catalogue")

    row = page.locator("tr", has_text="Chỉ tiêu CCHC theo cơ quan và tháng — năm 2022")
    with page.expect_download() as download:
        row.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "chi-tieu-theo-co-quan-2022.csv"
    path = tmp_path / "chi-tieu.csv"
    download.value.save_as(path)
    frame = pl.read_csv(path.read_bytes()[3:], infer_schema=False)
    assert "6c" in set(frame["ma_chi_tieu"])

    facts = page.locator("tr", has_text="Dữ liệu hồ sơ thủ tục hành chính")
    with page.expect_download() as download:
        facts.get_by_role("link", name="ZIP").click()
    archive = zipfile.ZipFile(download.value.path())
    assert "tu-dien-du-lieu.json" in archive.namelist()
    assert any(name.startswith("nam=2022/thang=03/") for name in archive.namelist())

    page.screenshot(path=tmp_path / "catalogue.png", full_page=True)
    services.release_withdraw(actor=reform_office, release=published, reason="Số liệu sai")
    page.reload()
    expect(page.locator("tr", has_text="Chỉ tiêu CCHC theo cơ quan và tháng")).to_have_count(0)
    expect(page.locator("tr", has_text="Kết quả Chỉ số cải cách hành chính")).to_have_count(1)
