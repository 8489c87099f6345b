"""The reform office's publishing pages (issue 18): reached by the office only; each POST is
answered with a redirect and a Vietnamese message, or the page again with the error next to
the field; the services' refusals (synthetic data, no reason) are shown as they say them."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.indicators.models import IndicatorSnapshot
from cchc.inspections.models import Inspection
from cchc.operations.models import ImportRun
from cchc.organizations.models import Agency
from cchc.parindex.models import Assessment, Framework
from cchc.plans.models import Plan
from cchc.portal import services
from cchc.portal.models import DirectiveDocument, NewsItem, PublishedFigure, Release
from tests.factories import UserFactory
from tests.portal.tenancy_office import PDF
from tests.test_tenancy import PROVINCE_SHARED_WRITE

pytestmark = pytest.mark.django_db

OFFICE_ROUTES = sorted(r for r in PROVINCE_SHARED_WRITE if r.startswith("portal:office_"))
POST_ONLY = {"portal:office_document_publish", "portal:office_news_publish"}


def url_of(route: str) -> str:
    return reverse(route, kwargs=PROVINCE_SHARED_WRITE[route]())


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def office(client, reform_office):
    client.force_login(reform_office)
    return client


@pytest.fixture
def plan():
    return Plan.objects.get(year=2022)


@pytest.mark.parametrize("route", OFFICE_ROUTES)
def test_every_office_page_opens_for_the_office(office, route):
    response = office.get(url_of(route))
    assert response.status_code == (405 if route in POST_ONLY else 200)


@pytest.mark.parametrize("route", OFFICE_ROUTES)
def test_an_account_without_a_role_is_refused(client, route):
    url = url_of(route)
    client.force_login(UserFactory(username="khong-vai-tro"))
    before = Release.objects.count()
    assert client.get(url).status_code in {403, 405}
    assert client.post(url, {"reason": "x", "thao_tac": "ke_hoach"}).status_code == 403
    assert Release.objects.count() == before


def test_the_navigation_links_the_overview_for_the_office_only(client, reform_office, leader):
    client.force_login(reform_office)
    overview = reverse("portal:office_overview")
    assert f'href="{overview}"' in client.get(reverse("home")).content.decode()
    client.force_login(leader)
    assert f'href="{overview}"' not in client.get(reverse("home")).content.decode()


def snapshot(code, month, n, d, synthetic=False):
    IndicatorSnapshot.objects.create(
        indicator="ONLINE_DOSSIER_SHARE", agency=Agency.objects.get(code=code), tier="province",
        month=date(2022, month, 1), numerator=n, denominator=d, synthetic=synthetic,
    )  # fmt: skip


def test_the_plan_then_its_figures_are_published_from_the_plan_page(office, plan):
    snapshot("12-STP", 1, 3, 10)
    snapshot("12-STP", 2, 4, 10)
    url = reverse("portal:office_plan", args=[plan.pk])
    page = office.get(url).content.decode()
    assert '<option value="2022-02-01">02/2022</option>' in page  # the months with data
    assert "2022-03-01" not in page
    refused = office.post(url, {"thao_tac": "so_lieu", "thang": "2022-02-01"})
    assert refused.status_code == 200
    assert "Công bố kế hoạch trước khi công bố số liệu" in refused.content.decode()
    response = office.post(url, {"thao_tac": "ke_hoach"})
    assert response.status_code == 302 and response.url == url
    assert said(response)[-1] == "Đã công bố kế hoạch trên trang công khai."
    response = office.post(url, {"thao_tac": "so_lieu", "thang": "2022-02-01"})
    assert response.status_code == 302
    assert said(response)[-1] == "Đã công bố số liệu đến hết tháng 02/2022."
    release = Release.objects.public().get(kind="figures")
    assert release.through == date(2022, 2, 1)
    province = PublishedFigure.objects.get(
        release=release, target_label="6c", month="2022-02-01", agency=None, tier=""
    )
    # January to February: 3 + 4 online of 10 + 10
    assert (province.numerator, province.denominator) == (7, 20)
    page = office.get(url).content.decode()
    assert "Công bố số liệu" in page and "đến hết tháng 02/2022" in page


def test_synthetic_figures_are_refused_on_the_page_and_nothing_is_published(
    office, reform_office, plan
):
    services.plan_publish(actor=reform_office, plan=plan)
    snapshot("12-STP", 2, 3, 10, synthetic=True)
    url = reverse("portal:office_plan", args=[plan.pk])
    response = office.post(url, {"thao_tac": "so_lieu", "thang": "2022-02-01"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="alert alert-danger"' in body
    assert "Không công bố được: 6c có số liệu từ dữ liệu mô phỏng" in body
    assert not Release.objects.filter(kind="figures").exists()
    assert not PublishedFigure.objects.exists()


def test_an_illustrative_plan_offers_no_publication(office, plan):
    Plan.objects.filter(pk=plan.pk).update(illustrative=True)
    url = reverse("portal:office_plan", args=[plan.pk])
    assert "kế hoạch minh họa" in office.get(url).content.decode()
    response = office.post(url, {"thao_tac": "ke_hoach"})
    assert response.status_code == 302 and "minh họa" in said(response)[-1]
    assert not Release.objects.exists()


def test_withdrawing_needs_a_reason_shown_next_to_the_field(office, reform_office, plan):
    release = services.plan_publish(actor=reform_office, plan=plan)
    overview = office.get(reverse("portal:office_overview")).content.decode()
    withdraw = reverse("portal:office_withdraw", args=[release.pk])
    assert f'action="{withdraw}"' in overview and "vp" in overview
    response = office.post(withdraw, {"reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert 'class="invalid-feedback d-block">' in response.content.decode()
    release.refresh_from_db()
    assert release.is_public
    response = office.post(withdraw, {"reason": "Kế hoạch được thay thế"})
    assert response.status_code == 302
    assert response.url == reverse("portal:office_overview") + "#da-go"
    release.refresh_from_db()
    assert not release.is_public and release.withdraw_reason == "Kế hoạch được thay thế"
    overview = office.get(reverse("portal:office_overview"))
    assert overview.context["withdrawn"] == [release]
    assert "Kế hoạch được thay thế" in overview.content.decode()
    assert f'action="{withdraw}"' not in overview.content.decode()
    again = office.post(withdraw, {"reason": "Lần hai"})
    assert again.status_code == 302 and said(again)[-1] == "Nội dung này đã được gỡ trước đó."


def test_the_overview_reads_in_a_fixed_number_of_queries(
    office, reform_office, django_assert_max_num_queries
):
    def publish_news(n):
        for i in range(n):
            item = services.news_save(actor=reform_office, title=f"Tin {i}", body="Nội dung.")
            release = services.news_publish(actor=reform_office, news=item)
            if i % 2:
                services.release_withdraw(actor=reform_office, release=release, reason="Cũ")

    publish_news(2)
    with django_assert_max_num_queries(12) as few:
        office.get(reverse("portal:office_overview"))
    publish_news(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = office.get(reverse("portal:office_overview"))
    assert len(response.context["withdrawn"]) == 6


def _results_published_framework(synthetic=False) -> Framework:
    framework = Framework.objects.create(code="CS-2022", year=2022, group="department",
                                         title="Chỉ số CCHC các sở năm 2022")  # fmt: skip
    Assessment.objects.create(
        agency=Agency.objects.get(code="12-STP"), framework=framework, deadline=date(2023, 1, 31),
        status="published", synthetic=synthetic,
    )  # fmt: skip
    return framework


def test_a_ranking_goes_public_only_when_its_results_are_published(office):
    framework = _results_published_framework()
    Assessment.objects.filter(framework=framework).update(status="finalised")
    url = reverse("portal:office_rankings")
    assert "Đã công bố 0/1 cơ quan" in office.get(url).content.decode()
    response = office.post(url, {"bo_tieu_chi": framework.pk})
    assert response.status_code == 302 and "chưa được công bố trong hệ thống" in said(response)[-1]
    Assessment.objects.filter(framework=framework).update(status="published")
    response = office.post(url, {"bo_tieu_chi": framework.pk})
    assert said(response)[-1] == "Đã đưa kết quả “Chỉ số CCHC các sở năm 2022” lên trang công khai."
    assert Release.objects.public().get().framework == framework
    assert "Đang công khai" in office.get(url).content.decode()


def test_a_synthetic_ranking_is_refused(office):
    framework = _results_published_framework(synthetic=True)
    response = office.post(reverse("portal:office_rankings"), {"bo_tieu_chi": framework.pk})
    assert "mô phỏng" in said(response)[-1] and not Release.objects.exists()


def test_an_illustrative_framework_is_refused(office):
    framework = _results_published_framework()
    Framework.objects.filter(pk=framework.pk).update(illustrative=True)
    response = office.post(reverse("portal:office_rankings"), {"bo_tieu_chi": framework.pk})
    assert "minh họa" in said(response)[-1] and not Release.objects.exists()


def test_an_inspection_conclusion_is_written_and_published(office):
    run = ImportRun.objects.create(kind="inspections", file_name="kt.csv")
    inspection = Inspection.objects.create(
        agency=Agency.objects.get(code="12-STP"), inspected_on=date(2022, 5, 4), import_run=run,
        findings="Ông A chậm trả hồ sơ.",
    )  # fmt: skip
    listed = office.get(reverse("portal:office_inspections"), {"nam": "2022"})
    assert [i.pk for i in listed.context["inspections"]] == [inspection.pk]
    url = reverse("portal:office_inspection", args=[inspection.pk])
    page = office.get(url).content.decode()
    assert "Ông A chậm trả hồ sơ." in page and "nội bộ" in page
    empty = office.post(url, {"conclusion": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["conclusion"]
    response = office.post(url, {"conclusion": "Sở thực hiện tốt việc niêm yết thủ tục."})
    assert response.status_code == 302 and said(response)[-1] == "Đã công bố kết luận kiểm tra."
    release = Release.objects.public().get(kind="inspection")
    assert release.conclusion == "Sở thực hiện tốt việc niêm yết thủ tục."
    services.release_withdraw(actor=release.published_by, release=release, reason="Sửa lời")
    # the withdrawn wording is offered again, to be corrected
    form = office.get(url).context["form"]
    assert form.initial["conclusion"] == "Sở thực hiện tốt việc niêm yết thủ tục."


def test_a_synthetic_inspection_is_refused_on_its_page(office):
    run = ImportRun.objects.create(kind="inspections", file_name="kt.csv", synthetic=True)
    inspection = Inspection.objects.create(
        agency=Agency.objects.get(code="12-STP"), inspected_on=date(2022, 5, 4), import_run=run
    )
    url = reverse("portal:office_inspection", args=[inspection.pk])
    response = office.post(url, {"conclusion": "Tốt."})
    assert response.status_code == 200
    assert "Không công bố được: cuộc kiểm tra này" in response.content.decode()
    assert not Release.objects.exists()


DOCUMENT = {"number": "12/CT-UBND", "issued_on": "01/03/2022", "issuer": "UBND tỉnh",
            "title": "Chỉ thị về đẩy mạnh CCHC", "summary": "Giao các sở rà soát thủ tục."}  # fmt: skip


def test_a_document_is_uploaded_downloaded_and_published(office):
    url = reverse("portal:office_document_create")
    missing = office.post(url, DOCUMENT)
    assert missing.status_code == 200
    assert missing.context["form"].errors["file"] == ["Đính kèm tệp văn bản."]
    png = SimpleUploadedFile("anh.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 32)
    wrong = office.post(url, {**DOCUMENT, "file": png})
    assert wrong.context["form"].errors["file"] == ["Tệp “anh.pdf” không phải PDF hay Word."]
    assert not DirectiveDocument.objects.exists()
    response = office.post(url, {**DOCUMENT, "file": SimpleUploadedFile("chi-thi.pdf", PDF)})
    document = DirectiveDocument.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:office_document", args=[document.pk])
    assert document.issued_on == date(2022, 3, 1) and document.content_type == "application/pdf"
    download = office.get(reverse("portal:office_document_file", args=[document.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="chi-thi.pdf"' in download["Content-Disposition"]
    # edited without a new file: the stored one stays
    edit = office.post(response.url, {**DOCUMENT, "title": "Chỉ thị số 12 về CCHC"})
    assert edit.status_code == 302
    document.refresh_from_db()
    assert document.title == "Chỉ thị số 12 về CCHC" and document.original_name == "chi-thi.pdf"
    publish = reverse("portal:office_document_publish", args=[document.pk])
    assert office.get(publish).status_code == 405
    response = office.post(publish)
    assert said(response)[-1] == "Đã công bố văn bản 12/CT-UBND."
    assert Release.objects.public().get().document == document
    again = office.post(publish)
    assert "đang được công khai" in said(again)[-1] and Release.objects.count() == 1


def test_the_news_preview_escapes_the_body_and_saves_nothing(office):
    url = reverse("portal:office_news_create")
    body = "Đoạn một <script>alert(1)</script>\ndòng hai.\n\nĐoạn hai & hết."
    response = office.post(url, {"title": "Hội nghị", "lead": "", "body": body,
                                 "thao_tac": "xem_truoc"})  # fmt: skip
    assert response.status_code == 200 and not NewsItem.objects.exists()
    page = response.content.decode()
    assert ("<p>Đoạn một &lt;script&gt;alert(1)&lt;/script&gt;<br>dòng hai.</p>\n"
            "<p>Đoạn hai &amp; hết.</p>") in page  # fmt: skip
    assert "<script>alert(1)" not in page
    assert response.context["form"].initial["body"] == body and not response.context["form"].errors


def test_news_is_saved_published_and_edited_with_a_reason(office):
    url = reverse("portal:office_news_create")
    empty = office.post(url, {"title": "", "body": "", "thao_tac": "luu"})
    assert set(empty.context["form"].errors) == {"title", "body"}
    response = office.post(url, {"title": "Hội nghị CCHC", "lead": "Tóm tắt.",
                                 "body": "Nội dung.", "thao_tac": "luu"})  # fmt: skip
    news = NewsItem.objects.get()
    assert response.status_code == 302 and said(response)[-1] == "Đã lưu tin bài."
    edit = reverse("portal:office_news", args=[news.pk])
    assert "reason" not in office.get(edit).context["form"].fields  # a draft: no reason asked
    response = office.post(reverse("portal:office_news_publish", args=[news.pk]))
    assert said(response)[-1] == "Đã công bố tin bài “Hội nghị CCHC”."
    data = {"title": "Hội nghị CCHC năm 2022", "lead": "Tóm tắt.", "body": "Nội dung.",
            "thao_tac": "luu"}  # fmt: skip
    refused = office.post(edit, data)
    assert refused.context["form"].errors["reason"] == ["Tin bài đang công khai: nêu lý do sửa."]
    news.refresh_from_db()
    assert news.title == "Hội nghị CCHC"
    assert office.post(edit, {**data, "reason": "Thêm năm"}).status_code == 302
    news.refresh_from_db()
    assert news.title == "Hội nghị CCHC năm 2022"
    assert news.history.first().history_change_reason == "Thêm năm"


def _rows(reform_office, n):
    """n more documents, news items, inspections and PAR INDEX frameworks (half of each
    public)."""
    start = DirectiveDocument.objects.count()
    run = ImportRun.objects.create(kind="inspections", file_name="kt.csv")
    agencies = list(Agency.objects.order_by("code")[start : start + n])
    for i in range(start, start + n):
        document = services.document_save(
            actor=reform_office, number=f"{i}/CT-UBND", issued_on=date(2022, 3, 1),
            issuer="UBND tỉnh", title="Chỉ thị", content=PDF, original_name="ct.pdf",
        )  # fmt: skip
        news = services.news_save(actor=reform_office, title=f"Tin {i}", body="Nội dung.")
        inspection = Inspection.objects.create(
            agency=agencies[i - start], inspected_on=date(2022, 5, 4), import_run=run
        )
        framework = Framework.objects.create(
            code=f"CS-{i}", year=2022, group="all", title=f"Bộ {i}"
        )
        Assessment.objects.create(agency=agencies[i - start], framework=framework,
                                  deadline=date(2023, 1, 31), status="published")  # fmt: skip
        if i % 2:
            services.ranking_publish(actor=reform_office, framework=framework)
            services.document_publish(actor=reform_office, document=document)
            services.news_publish(actor=reform_office, news=news)
            services.inspection_publish(
                actor=reform_office, inspection=inspection, conclusion="Tốt."
            )


@pytest.mark.parametrize(
    "route", ["portal:office_documents", "portal:office_news_list", "portal:office_inspections",
              "portal:office_plans", "portal:office_rankings"],
)  # fmt: skip
def test_list_pages_do_not_query_per_row(office, reform_office, route, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(route) + "?nam=2022"
    _rows(reform_office, 2)
    with CaptureQueriesContext(connection) as before:
        office.get(url)
    _rows(reform_office, 6)
    with django_assert_num_queries(len(before.captured_queries)):
        response = office.get(url)
    listed = {"portal:office_documents": "documents", "portal:office_news_list": "items",
              "portal:office_inspections": "inspections", "portal:office_rankings": "frameworks"}.get(route)  # fmt: skip
    assert not listed or len(response.context[listed]) == 8
