"""Issue 17's dossier search in a real browser: an official opens the dossier list from the
data page, searches by procedure words, channel and a date typed dd/mm/yyyy, pages forward
through what was found, and downloads the Excel file of exactly those dossiers."""

import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from cchc.operations.models import Dossier, ImportRun, Procedure
from cchc.organizations.models import Agency
from tests.browser.steps import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _dossiers() -> set[str]:
    """200 dossiers of Sở Tư pháp, one every 6 hours from 01/01/2022 08:00, for two
    procedures, every other one online; returns the codes the journey's search must find."""
    run = ImportRun.objects.create(kind="dossiers", file_name="t.csv")
    record = Procedure.objects.create(code="1.001", name="Cấp Phiếu lý lịch tư pháp")
    birth = Procedure.objects.create(code="2.002", name="Đăng ký khai sinh")
    stp = Agency.objects.get(code="12-STP")
    start = datetime(2022, 1, 1, 8, tzinfo=VN)
    for i in range(200):
        Dossier.objects.create(
            code=f"STP-{i:04d}", agency=stp, procedure=birth if i % 3 == 0 else record,
            channel=2 if i % 2 else 1, received_at=start + timedelta(hours=6 * i),
            status="processing", import_run=run,
        )  # fmt: skip
    return set(
        Dossier.objects.filter(
            procedure=record, channel=2, received_at__gte=datetime(2022, 1, 5, tzinfo=VN)
        ).values_list("code", flat=True)
    )


def _codes(page) -> list[str]:
    return page.locator("tbody tr td:first-child").all_inner_texts()


def test_search_the_dossiers_page_through_them_and_download_them(reference_data, page, live_server):
    make_user("vp", "12-SNV", "reform_office")
    expected = _dossiers()
    assert 50 < len(expected) < 100  # two pages

    login(page, live_server, "vp")
    page.get_by_role("link", name="Dữ liệu", exact=True).click()
    page.get_by_role("link", name="Tra cứu hồ sơ thủ tục hành chính").click()
    expect(page.get_by_text("200 hồ sơ.")).to_be_visible()

    page.get_by_label("Thủ tục").fill("ly lich tu phap")
    page.get_by_label("Kênh").select_option(label="Trực tuyến")
    page.get_by_label("Tiếp nhận từ ngày").fill("05/01/2022")
    page.get_by_role("button", name="Tìm").click()
    said = (
        f"{len(expected)} hồ sơ, thủ tục tìm theo “ly lich tu phap”, kênh trực tuyến, "
        "tiếp nhận từ ngày 05/01/2022."
    )
    expect(page.get_by_text(said)).to_be_visible()
    first = _codes(page)
    assert len(first) == 50 and set(first) <= expected
    assert first == sorted(first, reverse=True)  # newest first
    expect(page.get_by_role("link", name="Trước")).to_have_count(0)

    page.get_by_role("link", name="Sau").click()
    expect(page.get_by_role("link", name="Trang đầu")).to_be_visible()
    second = _codes(page)
    assert set(first) | set(second) == expected and not set(first) & set(second)
    expect(page.get_by_text(said)).to_be_visible()  # the search is kept while paging
    expect(page.get_by_label("Thủ tục")).to_have_value("ly lich tu phap")

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel").click()
    assert download.value.suggested_filename == "ho-so.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == f"Tất cả cơ quan trong phạm vi: {said[:-1]}"
    header = [row[0] for row in rows].index("Mã hồ sơ")
    found = rows[header + 1 :]
    assert {row[0] for row in found} == expected and len(found) == len(expected)
    assert {(row[1], row[3]) for row in found} == {("1.001", "Trực tuyến")}
    assert all(re.fullmatch(r"\d\d/\d\d/2022 \d\d:\d\d", row[4]) for row in found)
