"""Issue 18's comparison with Decision 766 in a real browser: the reform office opens
“Đối chiếu 766”, downloads the template, uploads a published table with one bad value (refused
at its line and column, nothing stored), fixes it and uploads it again, then reads February's
figures beside ours — Sở Tư pháp's online share 37,5% against 45,5% published, −8 points,
flagged above the default 5 — and lowers the threshold to 4,5 so that the province's −5 points
are flagged too. Sở Tư pháp's officer then sees its own rows only. The figures are those of
tests/national/figures.py, computed by hand in tests/national/test_comparison.py."""

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cchc.national.models import ComparisonSetting, NationalFigure
from tests.browser.steps import login, logout
from tests.factories import make_user
from tests.national.figures import HEADER, PUBLISHED, store_our_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("CCHC_SCREENSHOTS", "var/test-artifacts"))


def _csv(rows) -> bytes:
    # As a spreadsheet saves it for Excel: BOM, ";" separators.
    lines = [";".join(HEADER)] + [";".join(row) for row in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def _upload(page, name: str, content: bytes) -> None:
    page.get_by_label("Tệp kết quả công bố (CSV, XLSX)").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Nạp tệp").click()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"n766-{name}.png", full_page=True)


def test_the_office_loads_the_published_table_sets_a_threshold_and_sees_the_flags(
    reference_data, page, live_server
):
    store_our_figures()
    make_user("vp", "12-SNV", "reform_office")
    make_user("stp", "12-STP", "agency_officer")
    login(page, live_server, "vp")
    page.locator("#nav").get_by_role("button", name="Chỉ tiêu").click()  # the menu opens
    page.locator("#nav").get_by_role("link", name="Đối chiếu 766").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bộ chỉ số 766")

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu Excel").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert [c.value for c in sheet[1]] == HEADER

    bad = [row[:] for row in PUBLISHED]
    bad[2][3] = "108,33"  # a share above 100: line 4 of the file (header on line 1)
    _upload(page, "ket-qua-766-loi.csv", _csv(bad))
    expect(page.get_by_text("Bị từ chối — không ghi gì")).to_be_visible()
    row = page.locator("tbody tr", has_text="108,33")
    expect(row.locator("td").nth(0)).to_have_text("4")
    expect(row.locator("td").nth(1)).to_have_text("Giá trị (%)")
    assert not NationalFigure.objects.exists()

    # Back, to load the fixed file.
    page.locator("#nav").get_by_role("button", name="Chỉ tiêu").click()  # the menu opens
    page.locator("#nav").get_by_role("link", name="Đối chiếu 766").click()
    _upload(page, "ket-qua-766.csv", _csv(PUBLISHED))
    expect(page.get_by_text("Đã nạp 6 dòng: thêm mới 6")).to_be_visible()
    page.get_by_role("link", name="Xem đối chiếu với số liệu của hệ thống").click()

    # The latest published month opens: February 2022.
    expect(page.get_by_role("heading", level=1)).to_contain_text("tháng 02/2022")
    stp = page.get_by_test_id("row-ONLINE_DOSSIER_SHARE-12-STP")
    expect(stp.locator("td").nth(1)).to_contain_text("37,5% (3/8)")
    expect(stp.locator("td").nth(2)).to_have_text("45,5%")
    expect(stp.locator("td").nth(3)).to_have_text("−8")
    expect(stp.locator("td").nth(4)).to_have_text("Vượt ngưỡng")
    province = page.get_by_test_id("row-ONLINE_DOSSIER_SHARE-12")
    expect(province.locator("td").nth(3)).to_have_text("−5")
    expect(province.locator("td").nth(4)).to_have_text("Trong ngưỡng")
    expect(page.get_by_test_id("threshold-summary")).to_contain_text(
        "1 dòng chênh lệch vượt ngưỡng"
    )
    _shot(page, "office-default-threshold")

    page.get_by_label("Ngưỡng chênh lệch (điểm phần trăm)").fill("4,5")
    page.get_by_role("button", name="Lưu ngưỡng").click()
    expect(page.get_by_text("Đã lưu ngưỡng chênh lệch.")).to_be_visible()
    expect(province.locator("td").nth(4)).to_have_text("Vượt ngưỡng")
    on_time = page.get_by_test_id("row-ON_TIME_RATE_766-12-STP")
    expect(on_time.locator("td").nth(4)).to_have_text("Vượt ngưỡng")
    expect(page.get_by_test_id("threshold-summary")).to_contain_text("4,5 điểm phần trăm")
    expect(page.get_by_test_id("threshold-summary")).to_contain_text(
        "3 dòng chênh lệch vượt ngưỡng"
    )
    assert str(ComparisonSetting.objects.get().threshold) == "4.50"
    _shot(page, "office-threshold-4-5")

    logout(page)
    login(page, live_server, "stp")
    page.locator("#nav").get_by_role("button", name="Chỉ tiêu").click()  # the menu opens
    page.locator("#nav").get_by_role("link", name="Đối chiếu 766").click()
    expect(page.get_by_test_id("row-ONLINE_DOSSIER_SHARE-12-STP")).to_be_visible()
    expect(page.get_by_test_id("row-ONLINE_DOSSIER_SHARE-12-SNV")).to_have_count(0)
    expect(page.get_by_test_id("row-ONLINE_DOSSIER_SHARE-12")).to_have_count(0)
    expect(page.get_by_role("button", name="Lưu ngưỡng")).to_have_count(0)
    _shot(page, "officer-own-rows")
