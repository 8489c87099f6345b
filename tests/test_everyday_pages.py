"""What every user sees on the everyday pages: years written as years, headings in their
case, Vietnamese error pages, Vietnamese file names."""

import re

import pytest
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from cchc.organizations.models import Agency
from cchc.plans.models import Plan
from cchc.reports.models import PeriodicReport
from tests.parindex import tenancy_office as parindex_office

pytestmark = pytest.mark.django_db

# A year printed as a number with a thousands separator: "2.022", "2,022", "2 022".
LOCALIZED_YEAR = re.compile(r"(?<![\d.,])20\d[.,\u00a0 ]\d{2}\b|(?<![\d.,])2[.,\u00a0 ]0\d{2}\b")
YEAR_IN_LINK = re.compile(r"[?&](?:amp;)?nam=([^&\"'\s>]*)")


def _sent_report() -> PeriodicReport:
    return PeriodicReport.objects.create(
        agency=Agency.objects.get(code="12-STP"), kind="quarter", year=2022, number=4,
        status="submitted", submitted_at=timezone.now(),
    )  # fmt: skip


def _main_pages() -> list[str]:
    report = _sent_report()
    plan = Plan.objects.get(year=2022)
    framework = parindex_office.framework_pk()
    return [
        reverse("home") + "?nam=2022",
        reverse("indicators:dashboard") + "?nam=2022",
        reverse("plans:plan_list"),
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("plans:task_board") + "?nam=2022",
        reverse("plans:agency_plan", args=[plan.pk]),
        reverse("reports:report_index") + "?nam=2022",
        reverse("reports:report_tracker") + "?ky=quarter&nam=2022&so=4",
        reverse("reports:report_detail", args=[report.pk]),
        reverse("inspections:page") + "?nam=2022",
        reverse("parindex:index"),
        reverse("parindex:framework_detail", kwargs=framework),
        reverse("parindex:results", kwargs=framework),
    ]


def _headings(html: str) -> list[str]:
    found = re.findall(r"<(h[1-3]|title)\b[^>]*>(.*?)</\1>", html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for _tag, text in found]


def test_years_are_numbers_in_links_and_headings(client, reform_office):
    client.force_login(reform_office)
    for url in _main_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for year in YEAR_IN_LINK.findall(html):
            assert re.fullmatch(r"\d{4}", year), (url, year)
        for heading in _headings(html):
            assert not LOCALIZED_YEAR.search(heading), (url, heading)


def test_the_tracker_heading_keeps_its_case(client, reform_office):
    client.force_login(reform_office)
    html = client.get(reverse("reports:report_tracker") + "?ky=quarter&nam=2022&so=4")
    headings = _headings(html.content.decode())
    assert "Cơ quan đã gửi báo cáo CCHC quý IV năm 2022" in headings


def _boom(request):
    raise RuntimeError("lỗi thử")


# The product's routes plus one that fails, to see the 500 page (ROOT_URLCONF points here).
urlpatterns = [
    path("loi-thu/", _boom),
    path("", include("config.urls")),
]
ENGLISH = ["Not Found", "Forbidden", "Server Error", "CSRF", "Page not found", "Traceback"]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    return settings


def _vietnamese_page(response, status: int, words: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert words in html and '<html lang="vi">' in html
    for english in ENGLISH:
        assert english not in html, english
    return html


def test_a_missing_page_says_so_in_vietnamese(client, production, reform_office):
    client.force_login(reform_office)
    _vietnamese_page(client.get("/khong-co-trang-nay/"), 404, "Không tìm thấy trang")
    _vietnamese_page(client.get(reverse("reports:report_detail", args=[99999])), 404,
                     "Không tìm thấy trang")  # fmt: skip


def test_a_refusal_says_so_in_vietnamese(client, production, dept_officer):
    client.force_login(dept_officer)
    response = client.get(reverse("reports:report_tracker") + "?ky=quarter&nam=2022&so=1")
    _vietnamese_page(response, 403, "Không có quyền thực hiện")


def test_a_server_error_says_so_in_vietnamese(client, production):
    client.raise_request_exception = False
    _vietnamese_page(client.get("/loi-thu/"), 500, "Có lỗi xảy ra")


def test_a_stale_form_says_so_in_vietnamese_and_changes_nothing(production, dept_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dept_officer)
    response = client.post(
        reverse("reports:report_open"), {"ky": "quarter", "nam": "2022", "so": "1"}
    )
    html = _vietnamese_page(response, 403, "Phiên làm việc đã hết hạn hoặc biểu mẫu đã cũ")
    assert "tải lại trang" in html
    assert not PeriodicReport.objects.exists()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Sở Tư pháp", "so-tu-phap"),
        ("Báo cáo CCHC quý I năm 2022", "bao-cao-cchc-quy-i-nam-2022"),
        ("UBND huyện Tam Đường", "ubnd-huyen-tam-duong"),
        ("Đắk Lắk", "dak-lak"),
        ("Hồ sơ thủ tục hành chính (theo năm)", "ho-so-thu-tuc-hanh-chinh-theo-nam"),
        ("  Nguyễn Thị Ánh / A&B  ", "nguyen-thi-anh-a-b"),
        ("Văn bản QPPL và kết quả kiểm tra, rà soát", "van-ban-qppl-va-ket-qua-kiem-tra-ra-soat"),
        ("", ""),
    ],
)
def test_ascii_slug_of_vietnamese_text(text, slug):
    from cchc.core.formatting import ascii_slug

    assert ascii_slug(text) == slug


def _attachment_name(response) -> str:
    disposition = response["Content-Disposition"]
    name = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert name.isascii()
    return name


def test_report_downloads_carry_vietnamese_names(client, dept_officer):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    report = PeriodicReport.objects.create(
        agency=Agency.objects.get(code="12-STP"), kind="quarter", year=2022, number=1,
        docx_path=default_storage.save("t/bc.docx", ContentFile(b"docx")),
        xlsx_path=default_storage.save("t/bc.xlsx", ContentFile(b"xlsx")),
    )  # fmt: skip
    client.force_login(dept_officer)
    docx = client.get(reverse("reports:report_download", args=[report.pk, "docx"]))
    xlsx = client.get(reverse("reports:report_download", args=[report.pk, "xlsx"]))
    assert _attachment_name(docx) == "bao-cao-cchc-quy-i-nam-2022-so-tu-phap.docx"
    assert _attachment_name(xlsx) == "bao-cao-cchc-quy-i-nam-2022-so-tu-phap-phu-luc.xlsx"


@pytest.mark.parametrize(
    ("kind", "fmt", "name"),
    [
        ("dossiers", "xlsx", "mau-ho-so-thu-tuc-hanh-chinh.xlsx"),
        ("work_records", "csv", "mau-ho-so-cong-viec-theo-thang.csv"),
        ("procedures", "xlsx", "mau-danh-muc-thu-tuc-hanh-chinh-theo-nam.xlsx"),
    ],
)
def test_import_templates_carry_vietnamese_names(client, dept_officer, kind, fmt, name):
    client.force_login(dept_officer)
    response = client.get(reverse("operations:import_template", kwargs={"kind": kind, "fmt": fmt}))
    assert _attachment_name(response) == name


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_pages_show_no_source_paths_or_indicator_codes(client, reform_office):
    from cchc.indicators.registry import INDICATORS

    plan = Plan.objects.get(year=2022)
    pages = [
        *_main_pages(),
        reverse(
            "indicators:target_detail", args=[plan.targets.exclude(indicator_code="").first().pk]
        ),
        reverse("organizations:agency_detail", args=[Agency.objects.get(code="12-STP").pk]),
        reverse("organizations:agency_list"),
    ]
    client.force_login(reform_office)
    codes = re.compile(r"\b(" + "|".join(map(re.escape, INDICATORS)) + r")\b")
    for url in pages:
        text = _visible_text(client.get(url).content.decode())
        assert not re.search(r"\b(src|docs)/[\w/.-]+", text), (
            url,
            re.search(r"\b(src|docs)/[\w/.-]+", text),
        )
        assert not codes.search(text), (url, codes.search(text))


def test_no_space_before_punctuation(client, reform_office):
    client.force_login(reform_office)
    for url in _main_pages():
        html = re.sub(
            r"<(script|style)\b.*?</\1>", " ", client.get(url).content.decode(), flags=re.S
        )
        # Inline tags (links, emphasis) are part of the sentence; block tags end it.
        html = re.sub(r"</?(a|strong|em|span|code|b|i|small|abbr)\b[^>]*>", "", html)
        text = " ".join(re.sub(r"<[^>]+>", "\n", html).split(" "))
        stray = re.findall(r"[^\s\n][ \u00a0]+[,.;:!?](?=\s|$)", text, flags=re.M)
        assert not stray, (url, stray)


def test_in_the_demo_refusals_and_stale_forms_are_vietnamese_too(settings, dept_officer):
    # The demo runs with DEBUG on, where Django's own CSRF page is English (its 404 and 500
    # debug pages are for developers and stay so).
    settings.DEBUG = True
    client = Client(enforce_csrf_checks=True)
    client.force_login(dept_officer)
    url = reverse("reports:report_open")
    response = client.post(url, {"ky": "quarter", "nam": "2022", "so": "1"})
    _vietnamese_page(response, 403, "Phiên làm việc đã hết hạn hoặc biểu mẫu đã cũ")
    tracker = client.get(reverse("reports:report_tracker") + "?ky=quarter&nam=2022&so=1")
    _vietnamese_page(tracker, 403, "Không có quyền thực hiện")
