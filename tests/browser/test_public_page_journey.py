"""Issue 18, in Chromium as an anonymous visitor reads the public CCHC page: before the reform
office publishes, the page says nothing is published; after, the visitor reads the plan, the
figures, the tasks, the ranking, a conclusion, a document and the news; after a withdrawal
the figures are gone. axe-core (vendored, tests/browser/vendor) checks every page against the
WCAG 2.0/2.1 A and AA rules: zero violations. Screenshots: /tmp/public-*.png."""

import itertools
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cchc.portal import services
from tests.factories import make_user
from tests.portal.publishing import publish_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = Path("/tmp")  # noqa: S108 - screenshots for a person to look at


def axe_violations(page) -> list[str]:
    # Evaluated by the browser's debugger, which the page's Content-Security-Policy does not
    # govern: a <script> tag holding axe would be refused like any script written into a page.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => `${v.id}: ${v.help} — ` +
                v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }""",
        WCAG_AA,
    )
    return found


def check(page, what: str) -> None:
    assert axe_violations(page) == [], what
    assert page.locator("html").get_attribute("lang") == "vi"
    # Headings in order: one h1, and no level skipped going down.
    levels = page.eval_on_selector_all("h1, h2, h3, h4", "hs => hs.map(h => +h.tagName[1])")
    assert levels.count(1) == 1 and levels[0] == 1, what
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (what, levels)


def test_an_anonymous_visitor_reads_what_the_office_published(reference_data, page, live_server):
    office = make_user("vp", "12-SNV", "reform_office")
    home = f"{live_server.url}/cong-khai/"

    page.goto(home)
    expect(page.get_by_text("Chưa có nội dung nào được công bố")).to_be_visible()
    assert "/tai-khoan/dang-nhap/" not in page.url
    check(page, "home, nothing published")
    # The skip link is the first thing a keyboard reaches, and it leads to the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Bỏ qua, đến nội dung chính")).to_be_focused()
    page.screenshot(path=SHOTS / "public-empty.png", full_page=True)

    published = publish_everything(office)
    page.reload()
    expect(
        page.get_by_role("heading", name="Kế hoạch cải cách hành chính năm 2022")
    ).to_be_visible()
    expect(page.get_by_text("Số liệu đến hết tháng 3/2022")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="6c.")
    expect(row).to_contain_text("18,33%")  # (2+3+3+1+1+1)/60, see tests/portal/publishing.py
    expect(
        page.get_by_text("Sở Tư pháp thực hiện tốt công tác cải cách hành chính.")
    ).to_be_visible()
    check(page, "home, published")
    page.screenshot(path=SHOTS / "public-desktop.png", full_page=True)

    # The target's page: each agency, month by month.
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chỉ tiêu 6c")
    expect(page.get_by_role("row").filter(has_text="Sở Tư pháp")).to_contain_text("26,67%")
    page.get_by_label("Xem đến hết tháng").select_option("1/2022")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("row").filter(has_text="Sở Tư pháp")).to_contain_text("20%")
    check(page, "target")
    page.screenshot(path=SHOTS / "public-target.png", full_page=True)

    page.goto(home)
    page.get_by_role("link", name="Xem nội dung kế hoạch").click()
    expect(page.get_by_role("heading", name="Chỉ tiêu")).to_be_visible()
    check(page, "plan text")

    page.goto(home)
    page.get_by_role("link", name="Xem danh sách nhiệm vụ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nhiệm vụ cải cách hành chính")
    check(page, "tasks")

    page.goto(home)
    page.get_by_role("link", name="Bộ chỉ số CCHC các sở (thử)").click()
    ranked = page.get_by_role("row").filter(has_text="Sở Tư pháp")
    expect(ranked).to_contain_text("17,00")
    expect(ranked).to_contain_text("Tốt")
    check(page, "ranking")
    page.screenshot(path=SHOTS / "public-ranking.png", full_page=True)

    page.goto(home)
    page.get_by_role("link", name="Hội nghị triển khai công tác CCHC năm 2022").click()
    expect(page.get_by_text("Đoạn thứ nhất <b>không in đậm</b>.")).to_be_visible()
    check(page, "news item")

    for name in ("Kiểm tra", "Văn bản", "Tin bài", "Trang chủ"):
        page.get_by_role("navigation", name="Mục chính").get_by_role("link", name=name).click()
        check(page, name)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về văn bản 12/CT-UBND").click()
    assert download.value.suggested_filename == "chi-thi-12.pdf"

    # On a phone (390 px): nothing wider than the screen but the tables' own scroll areas.
    phone = page.context.browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, device_scale_factor=2,
        is_mobile=True, has_touch=True,
    )  # fmt: skip
    small = phone.new_page()
    small.goto(home)
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    card = small.locator("article").filter(has_text="6c.")
    expect(card).to_contain_text("18,33%")  # a card, not a table to scroll
    expect(small.locator("table", has_text="6c.")).to_be_hidden()
    check(small, "home on a phone")
    small.screenshot(path=SHOTS / "public-phone.png", full_page=True)
    # Printed: no navigation, links say where they lead.
    small.set_viewport_size({"width": 800, "height": 1100})
    small.emulate_media(media="print")
    expect(small.get_by_role("navigation", name="Mục chính")).to_be_hidden()
    after = small.evaluate(
        "getComputedStyle(document.querySelector('main a[href]'), '::after').content"
    )
    assert "/cong-khai/" in after
    small.screenshot(path=SHOTS / "public-print.png", full_page=True)
    phone.close()

    # Withdrawn, the figures are gone from the page at once.
    services.release_withdraw(actor=office, release=published.figures, reason="Số liệu sai")
    page.goto(home)
    expect(page.get_by_text("Chưa công bố số liệu chỉ tiêu của kế hoạch.")).to_be_visible()
    expect(page.get_by_text("Số liệu đến hết tháng 3/2022")).to_have_count(0)
    expect(page.get_by_text("18,33%")).to_have_count(0)
    response = page.goto(f"{live_server.url}/cong-khai/chi-tieu/6c/")
    assert response.status == 404


def test_the_accessibility_check_finds_what_it_looks_for(page):
    """The axe run above can fail: on a page with a nameless image, pale text and no
    language, it reports them."""
    page.set_content(
        '<html><body><main><img src="x.png"><p style="color:#bbb">Chữ nhạt</p></main></body></html>'
    )
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "color-contrast" in found and "html-has-lang" in found
