"""The public CCHC page (issue 18), read without logging in: what the reform office published,
and nothing else; withdrawn content is gone at once, cached pages included."""

from datetime import date
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from cchc.core.formatting import format_date
from cchc.plans.models import Plan
from cchc.portal import services
from cchc.portal.models import PublishedFigure
from tests.portal import publishing
from tests.portal.publishing import SNAPSHOTS, publish_everything

pytestmark = pytest.mark.django_db


def body(client, name, *args, status=200, **query):
    response = client.get(reverse(f"portal:{name}", args=args), query)
    assert response.status_code == status, response.status_code
    return response.content.decode()


def test_before_publication_the_home_page_says_nothing_is_published(client, reform_office):
    publishing.snapshots()  # data exist, but nothing is published
    page = body(client, "public_home")
    assert "Chưa có nội dung nào được công bố" in page
    assert "4345/KH-UBND" not in page and "Sở Tư pháp" not in page
    for name in ("public_plan", "public_tasks"):
        body(client, name, status=404)
    body(client, "public_target", "6c", status=404)


def test_the_home_page_shows_what_the_office_published(client, reform_office):
    published = publish_everything(reform_office)
    page = body(client, "public_home")
    assert "Chưa có nội dung nào được công bố" not in page
    assert "4345/KH-UBND" in page and "23/12/2021" in page
    # The local day of publication (Việt Nam, UTC+7): after 17:00 UTC it is already tomorrow.
    assert f"công bố ngày {format_date(published.figures.published_at)}" in page
    assert "Số liệu đến hết tháng 3/2022" in page
    # 6c through March, recomputed here from the rows written: Σ online / Σ received.
    online = sum(r[2] for r in SNAPSHOTS)
    received = sum(r[3] for r in SNAPSHOTS)
    share = f"{100 * online / received:.2f}".replace(".", ",")
    assert f"<strong>{share}%</strong>" in page and f"({online}/{received})" in page
    assert "Bộ chỉ số CCHC các sở (thử)" in page
    assert "Sở Tư pháp thực hiện tốt công tác cải cách hành chính." in page
    assert "ông A chậm hồ sơ" not in page  # the team's own findings stay private
    assert "12/CT-UBND" in page and "Hội nghị triển khai công tác CCHC năm 2022" in page


def test_the_figures_are_the_frozen_ones_not_the_working_tables(client, reform_office):
    publish_everything(reform_office)
    before = body(client, "public_target", "6c")
    from cchc.indicators.models import IndicatorSnapshot

    # a later correction of the working data, not published
    IndicatorSnapshot.objects.filter(agency__code="12-STP").update(numerator=10)
    assert body(client, "public_target", "6c") == before


def test_a_target_page_lists_agencies_and_months(client, reform_office):
    publish_everything(reform_office)
    page = body(client, "public_target", "6c")
    # Sở Tư pháp through March: (2+3+3)/(3×10) = 26,67 %; through January: 2/10 = 20 %.
    assert "Sở Tư pháp" in page and "<strong>26,67%</strong>" in page
    january = body(client, "public_target", "6c", thang="1/2022")
    assert '<strong>20%</strong> <span class="small muted">(2/10)</span>' in january
    body(client, "public_target", "6c", status=404, thang="4/2022")
    body(client, "public_target", "99z", status=404)


def test_tasks_by_area_with_status_counts(client, reform_office):
    published = publish_everything(reform_office)
    page = body(client, "public_tasks")
    tasks = published.figures.tasks.all()
    assert tasks.exists()
    first = tasks.order_by("area_order", "order").first()
    assert first.area in page and first.text[:40] in page
    count = tasks.filter(area=first.area).count()
    assert f'<td class="text-end">{count}</td>' in page


def test_a_ranking_shows_classes_and_points_per_area(client, reform_office):
    published = publish_everything(reform_office)
    page = body(client, "public_ranking", published.ranking.framework_id)
    # Sở Tư pháp: area 1 = 4 + 5 = 9, area 2 = 8, total 17 ≥ 16 → Tốt, rank 1.
    # Sở Tài chính: area 1 = 3 + 3,5 = 6,5, area 2 = 6, total 12,5 → Khá, rank 2.
    stp = page.index("Sở Tư pháp")
    stc = page.index("Sở Tài chính")
    assert stp < stc
    row = page[stp : page.index("</tr>", stp)]
    assert ">9,00<" in row and ">8,00<" in row and "<strong>17,00</strong>" in row
    assert "Tốt" in row and "85,00%" in row
    row = page[stc : page.index("</tr>", stc)]
    assert ">6,50<" in row and ">6,00<" in row and "<strong>12,50</strong>" in row
    assert "Khá" in row


def test_a_reopened_assessment_leaves_the_public_ranking(client, reform_office):
    from cchc.parindex.models import Assessment
    from cchc.parindex.services.publication import assessment_reopen

    published = publish_everything(reform_office)
    stc = Assessment.objects.get(framework=published.ranking.framework, agency__code="12-STC")
    assessment_reopen(actor=reform_office, assessment=stc, reason="Khiếu nại")
    page = body(client, "public_ranking", published.ranking.framework_id)
    assert "Sở Tư pháp" in page and "Sở Tài chính" not in page


def test_a_document_is_downloaded_under_its_name_while_public(client, reform_office):
    published = publish_everything(reform_office)
    url = reverse("portal:public_document_download", args=[published.document.document_id])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == publishing.PDF
    assert 'filename="chi-thi-12.pdf"' in response["Content-Disposition"]
    services.release_withdraw(
        actor=reform_office, release=published.document, reason="Hết hiệu lực"
    )
    assert client.get(url).status_code == 404


def test_a_never_published_document_or_news_answers_404(client, reform_office):
    document = publishing.document(reform_office, number="99/CV-UBND")
    news = publishing.news(reform_office, title="Bản nháp chưa đăng")
    assert (
        client.get(reverse("portal:public_document_download", args=[document.pk])).status_code
        == 404
    )
    assert client.get(reverse("portal:public_news_detail", args=[news.pk])).status_code == 404
    assert "Bản nháp chưa đăng" not in body(client, "public_news_feed")
    assert "99/CV-UBND" not in body(client, "public_documents")


def test_a_news_item_is_escaped_and_in_the_atom_feed(client, reform_office):
    published = publish_everything(reform_office)
    page = body(client, "public_news_detail", published.news.news_id)
    assert "<p>Đoạn thứ nhất &lt;b&gt;không in đậm&lt;/b&gt;.</p>" in page
    feed = body(client, "public_news_feed")
    assert feed.startswith("<?xml") and "http://www.w3.org/2005/Atom" in feed
    assert "Hội nghị triển khai công tác CCHC năm 2022" in feed
    assert reverse("portal:public_news_detail", args=[published.news.news_id]) in feed


def test_the_feed_hands_readers_a_news_item_as_the_text_typed(client, reform_office):
    """Outside review U: the summary is declared HTML, and the lead went in as typed, so a
    feed reader took "<50%" for a broken tag and "<img onerror=…>" for markup. Every entry's
    id is an absolute IRI (it was the page's path)."""
    news = services.news_save(
        actor=reform_office, title="Kết quả quý I",
        lead='Tỷ lệ <50% ở xã <img src=x onerror="alert(1)">', body="Nội dung",
    )  # fmt: skip
    services.news_publish(actor=reform_office, news=news)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(body(client, "public_news_feed"))  # noqa: S314 — our own feed
    entry = feed.find(f"{atom}entry")
    summary = entry.find(f"{atom}summary")
    assert summary.get("type") == "html"
    # What a reader renders: the text as typed, no element made of it.
    assert (
        summary.text == "<p>Tỷ lệ &lt;50% ở xã &lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>"
    )
    assert entry.find(f"{atom}id").text == "http://testserver" + reverse(
        "portal:public_news_detail", args=[news.pk]
    )


@pytest.mark.parametrize("kind", ["plan", "figures", "ranking", "inspection", "document", "news"])
def test_withdrawn_content_is_gone_from_every_page(client, reform_office, kind, locmem_cache):
    published = publish_everything(reform_office)
    pages = ("public_home", "public_inspections", "public_documents", "public_news_list")
    before = {name: body(client, name) for name in pages}
    release = getattr(published, kind)
    marker = {
        "plan": "4345/KH-UBND", "figures": "Số liệu đến hết tháng 3/2022",
        "ranking": "Bộ chỉ số CCHC các sở (thử)",
        "inspection": "thực hiện tốt công tác cải cách hành chính",
        "document": "12/CT-UBND", "news": "Hội nghị triển khai công tác CCHC năm 2022",
    }[kind]  # fmt: skip
    assert marker in before["public_home"]
    services.release_withdraw(actor=reform_office, release=release, reason="Công bố nhầm")
    for name in pages:  # served from the cache before; never after the withdrawal
        assert marker not in body(client, name), name
    if kind in ("plan", "figures"):
        body(client, "public_target", "6c", status=404)
    if kind == "ranking":
        body(client, "public_ranking", release.framework_id, status=404)
    if kind == "news":
        body(client, "public_news_detail", release.news_id, status=404)
        assert marker not in body(client, "public_news_feed")


def test_a_correction_is_a_new_release_the_page_follows(client, reform_office, locmem_cache):
    published = publish_everything(reform_office)
    assert "Số liệu đến hết tháng 3/2022" in body(client, "public_home")
    services.release_withdraw(actor=reform_office, release=published.figures, reason="Sửa số")
    plan = Plan.objects.get(year=2022)
    services.figures_publish(actor=reform_office, plan=plan, through=date(2022, 2, 1))
    page = body(client, "public_home")
    assert "Số liệu đến hết tháng 2/2022" in page and "tháng 3/2022" not in page


def test_an_edited_news_item_is_not_served_stale(client, reform_office, locmem_cache):
    published = publish_everything(reform_office)
    assert "Đoạn thứ hai." in body(client, "public_news_detail", published.news.news_id)
    services.news_save(actor=reform_office, news=published.news.news, title="Hội nghị CCHC",
                       body="Nội dung đã sửa.", reason="Sửa nội dung")  # fmt: skip
    page = body(client, "public_news_detail", published.news.news_id)
    assert "Nội dung đã sửa." in page and "Đoạn thứ hai." not in page


def test_a_cached_page_costs_one_query(
    client, reform_office, locmem_cache, django_assert_num_queries
):
    publish_everything(reform_office)
    first = client.get(reverse("portal:public_home"))
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(1):
        again = client.get(reverse("portal:public_home"))
    assert again["X-Cache"] == "hit" and again.content == first.content


def test_the_public_pages_have_a_query_budget(client, reform_office, django_assert_max_num_queries):
    published = publish_everything(reform_office)
    for name, args in (("public_home", ()), ("public_ranking", (published.ranking.framework_id,)),
                       ("public_target", ("6c",)), ("public_tasks", ())):  # fmt: skip
        with django_assert_max_num_queries(20):
            body(client, name, *args)


def test_published_figures_come_from_no_synthetic_snapshot(client, reform_office):
    """The service refuses synthetic data; the page therefore never has any to show."""
    publishing.snapshots([("12-STC", 1, 5, 10)], synthetic=True)
    services.plan_publish(actor=reform_office, plan=Plan.objects.get(year=2022))
    with pytest.raises(services.ServiceError):
        services.figures_publish(
            actor=reform_office, plan=Plan.objects.get(year=2022), through=date(2022, 1, 1)
        )
    assert not PublishedFigure.objects.exists()
    assert "Chưa công bố số liệu chỉ tiêu" in body(client, "public_home")


def test_a_tiered_target_is_published_per_tier_with_its_threshold(client, reform_office):
    """Target 4 sets 30 % (province tier), 20 % (district), 15 % (commune): each tier's row
    keeps its tier and requirement, and the page shows them."""
    published = publish_everything(reform_office)
    rows = PublishedFigure.objects.filter(
        release=published.figures, target_label="4", agency=None, month=date(2022, 3, 1)
    ).exclude(tier="")
    assert {(f.tier, f.threshold) for f in rows} == {
        ("province", 30),
        ("district", 20),
        ("commune", 15),
    }
    page = body(client, "public_home")
    assert "Cấp huyện: " in page and "(yêu cầu ≥ 20%)" in page


def test_made_up_query_parameters_are_served_from_the_cache(client, reform_office, locmem_cache):
    publish_everything(reform_office)
    assert client.get(reverse("portal:public_home"))["X-Cache"] == "miss"
    assert client.get(reverse("portal:public_home"), {"n": "12345"})["X-Cache"] == "hit"
    target = reverse("portal:public_target", args=["6c"])
    march = client.get(target, {"thang": "3/2022"})
    january = client.get(target, {"thang": "1/2022", "x": "1"})
    assert march["X-Cache"] == january["X-Cache"] == "miss"  # the month is part of the key
    assert march.content != january.content


def test_the_plan_text_is_linked_when_published_as_a_document(client, reform_office):
    publish_everything(reform_office)
    assert "Tải văn bản kế hoạch" not in body(client, "public_home")
    document = publishing.document(reform_office, number="4345/KH-UBND")
    services.document_publish(actor=reform_office, document=document)
    link = reverse("portal:public_document_download", args=[document.pk])
    for name in ("public_home", "public_plan"):
        page = body(client, name)
        assert "Tải văn bản kế hoạch" in page and link in page


def test_the_home_page_sums_up_each_ranking_by_group_and_class(client, reform_office):
    publish_everything(reform_office)
    page = body(client, "public_home")
    # Sở Tư pháp 17 points (Tốt), Sở Tài chính 12,5 (Khá): see tests/portal/publishing.py.
    assert "Sở, ban, ngành: 2 cơ quan — Tốt 1, Khá 1" in page
