"""Issue 18, the reform office's side of the public page, in Chromium as the office works:
it writes a news item, previews it (the body shown escaped, in paragraphs) and publishes it;
uploads a directive document and publishes it; publishes the plan, then tries to publish
figures that come from synthetic data and reads the refusal; withdraws the news item with a
reason and finds it, with the reason, in the history.

CCHC_SHOTS=1 also saves full-page screenshots of each page, desktop and a 390-pixel phone,
to /tmp/office-shots/."""

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cchc.indicators.models import IndicatorSnapshot
from cchc.organizations.models import Agency
from cchc.portal.models import DirectiveDocument, NewsItem, PublishedFigure, Release
from tests.browser.steps import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n% Chi thi ve day manh cai cach hanh chinh\n%%EOF\n"
SHOTS = Path(tempfile.gettempdir()) / "office-shots" if os.environ.get("CCHC_SHOTS") else None


def shot(page, name):
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SHOTS / f"{name}-phone.png", full_page=True)
    page.set_viewport_size(size)


def tab(page, name):
    page.get_by_role("navigation", name="Quản lý trang công khai").get_by_role(
        "link", name=name
    ).click()


def test_the_office_publishes_and_withdraws(reference_data, page, live_server):
    make_user("vp", "12-SNV", "reform_office")
    # Figures of February 2022 that came from the demo generator, not from the province.
    IndicatorSnapshot.objects.create(
        indicator="ONLINE_DOSSIER_SHARE", agency=Agency.objects.get(code="12-STP"),
        tier="province", month=date(2022, 2, 1), numerator=3, denominator=10, synthetic=True,
    )  # fmt: skip
    login(page, live_server, "vp")
    page.locator("#nav").get_by_role("link", name="Trang công khai").click()
    expect(page.get_by_role("heading", name="Trang công khai", exact=True)).to_be_visible()
    shot(page, "01-overview-empty")

    # 1. A news item: written, previewed (nothing saved yet), saved, published.
    tab(page, "Tin bài")
    page.get_by_role("link", name="Viết tin bài").click()
    page.get_by_label("Tiêu đề").fill("Hội nghị sơ kết công tác CCHC 6 tháng")
    page.get_by_label("Tóm tắt").fill("UBND tỉnh sơ kết công tác cải cách hành chính.")
    page.get_by_label("Nội dung").fill(
        "Sáng 05/7, UBND tỉnh tổ chức hội nghị <b>sơ kết</b>.\n"
        "Chủ trì: Phó Chủ tịch UBND tỉnh.\n\n"
        "Hội nghị thống nhất các nhiệm vụ 6 tháng cuối năm."
    )
    page.get_by_role("button", name="Xem trước").click()
    preview = page.get_by_test_id("preview")
    expect(preview.locator(".news-body p")).to_have_count(2)
    expect(preview).to_contain_text("hội nghị <b>sơ kết</b>.")  # shown as typed, not bold
    expect(preview.locator(".news-body b")).to_have_count(0)
    expect(preview).to_contain_text("bản đang soạn, chưa lưu")
    assert not NewsItem.objects.exists()
    shot(page, "02-news-preview")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu tin bài.")).to_be_visible()
    page.get_by_role("button", name="Công bố tin bài").click()
    expect(
        page.get_by_text("Đã công bố tin bài “Hội nghị sơ kết công tác CCHC 6 tháng”.")
    ).to_be_visible()
    expect(page.get_by_label("Lý do sửa")).to_be_visible()  # an edit now needs a reason
    shot(page, "03-news-published")

    # 2. A directive document, uploaded then published; the office can download the file.
    tab(page, "Văn bản chỉ đạo")
    page.get_by_role("link", name="Thêm văn bản").click()
    page.get_by_label("Số, ký hiệu").fill("12/CT-UBND")
    page.get_by_label("Ngày ban hành").fill("01/03/2022")
    page.get_by_label("Cơ quan ban hành").fill("UBND tỉnh Lai Châu")
    page.get_by_label("Trích yếu").fill("Chỉ thị về đẩy mạnh cải cách hành chính")
    page.get_by_label("Tệp văn bản").set_input_files(
        {"name": "chi-thi-12.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    shot(page, "04-document-form")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu văn bản 12/CT-UBND.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="chi-thi-12.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    page.get_by_role("button", name="Công bố văn bản").click()
    expect(page.get_by_text("Đã công bố văn bản 12/CT-UBND.")).to_be_visible()
    assert Release.objects.public().get(kind="document").document == DirectiveDocument.objects.get()
    shot(page, "05-document-published")
    tab(page, "Văn bản chỉ đạo")
    shot(page, "06-documents")

    # 3. The plan, then its figures: synthetic figures are refused, nothing is published.
    tab(page, "Kế hoạch, số liệu")
    shot(page, "07-plans")
    page.get_by_role("link", name="4345/KH-UBND", exact=False).click()
    page.get_by_role("button", name="Công bố kế hoạch").click()
    expect(page.get_by_text("Đã công bố kế hoạch trên trang công khai.")).to_be_visible()
    page.get_by_label("Số liệu đến hết tháng").select_option(label="02/2022")
    page.get_by_role("button", name="Công bố số liệu").click()
    refusal = page.get_by_role("alert").filter(has_text="Không công bố được")
    expect(refusal).to_contain_text("6c có số liệu từ dữ liệu mô phỏng")
    assert not Release.objects.filter(kind="figures").exists()
    assert not PublishedFigure.objects.exists()
    shot(page, "08-figures-refused")

    # 4. The news item withdrawn with a reason: off the public list, in the history.
    tab(page, "Đang công khai")
    news = page.get_by_role("region", name="Tin bài CCHC")
    expect(news).to_contain_text("Hội nghị sơ kết công tác CCHC 6 tháng")
    shot(page, "09-overview-public")
    news.get_by_role("button", name="Gỡ").click()  # no reason: refused, next to the field
    expect(page.get_by_text("Nêu lý do gỡ khỏi trang công khai.")).to_be_visible()
    shot(page, "10-withdraw-refused")
    page.get_by_label("Lý do gỡ").fill("Thông tin hội nghị chưa được lãnh đạo duyệt")
    page.get_by_role("button", name="Gỡ").click()
    expect(page.get_by_text("Đã gỡ khỏi trang công khai: tin bài CCHC.")).to_be_visible()
    expect(page.get_by_role("region", name="Tin bài CCHC")).to_contain_text("Chưa công bố.")
    history = page.get_by_test_id("withdrawn")
    row = history.get_by_role("listitem").filter(has_text="Hội nghị sơ kết công tác CCHC 6 tháng")
    expect(row).to_contain_text("Thông tin hội nghị chưa được lãnh đạo duyệt")
    expect(row).to_contain_text("vp")
    shot(page, "11-overview-history")
    tab(page, "Chỉ số CCHC")
    shot(page, "12-rankings")
    tab(page, "Kết luận kiểm tra")
    shot(page, "13-inspections")
