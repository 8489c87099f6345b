"""The public CCHC information page (issue 18), read by anyone without logging in.

Every view reads through `portal.selectors`, i.e. through `Release.objects.public()`: what the
reform office has not published, or has withdrawn, answers 404 or is absent. The pages are
rendered once per public stamp and served from the cache (`portal.page_cache`); a document's
file is streamed, never cached."""

from __future__ import annotations

from datetime import date

from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from cchc.core.uploads import stored_download
from cchc.portal import selectors
from cchc.portal.page_cache import cached_page
from cchc.portal.templatetags.portal import news_body

HOME_ITEMS = 5  # news, documents and inspection conclusions listed on the home page


def _plan_and_figures() -> tuple:
    plan_release = selectors.plan_release()
    return plan_release, selectors.figures_release(plan_release)


def _plan_document(plan):
    """The plan's own text when the office published it as a directive document (same
    number), for the link "văn bản kế hoạch"."""
    if plan is None or not plan.number:
        return None
    return selectors.document_releases().filter(document__number=plan.number).first()


@cached_page
def home(request: HttpRequest) -> HttpResponse:
    plan_release, figures = _plan_and_figures()
    plan = plan_release.plan if plan_release else None
    documents = list(selectors.document_releases()[: HOME_ITEMS + 1])
    news = list(selectors.news_releases()[: HOME_ITEMS + 1])
    inspections = list(selectors.inspection_releases()[: HOME_ITEMS + 1])
    context = {
        "plan_release": plan_release,
        "plan": plan,
        "plan_document": _plan_document(plan),
        "figures": figures,
        "targets": selectors.target_lines(figures) if figures else [],
        "areas": selectors.task_areas(figures) if figures else [],
        "rankings": selectors.ranking_summaries(list(selectors.ranking_releases())),
        "inspections": inspections[:HOME_ITEMS],
        "more_inspections": len(inspections) > HOME_ITEMS,
        "documents": documents[:HOME_ITEMS],
        "more_documents": len(documents) > HOME_ITEMS,
        "news": news[:HOME_ITEMS],
        "more_news": len(news) > HOME_ITEMS,
        "status_labels": selectors.STATUS_LABELS_TASK,
        "statuses": selectors.STATUS_ORDER,
    }
    context["nothing"] = not any((plan_release, context["rankings"], inspections, documents, news))
    return render(request, "portal/public/home.html", context)


@cached_page
def plan_text(request: HttpRequest) -> HttpResponse:
    """The published plan as written: purposes, requirements, targets (the text, not figures)."""
    plan_release = selectors.plan_release()
    if plan_release is None:
        raise Http404
    plan = plan_release.plan
    assert plan is not None, "a plan release has its plan (Release's constraint)"
    return render(
        request,
        "portal/public/plan.html",
        {
            "plan_release": plan_release,
            "plan": plan,
            "plan_document": _plan_document(plan),
            "targets": list(plan.targets.prefetch_related("thresholds").order_by("number", "part")),
        },
    )


def _month(request: HttpRequest) -> date | None:
    raw = request.GET.get("thang", "")
    if not raw:
        return None
    try:
        month, year = (int(p) for p in raw.split("/"))
        return date(year, month, 1)
    except ValueError:
        raise Http404 from None


@cached_page
def target(request: HttpRequest, label: str) -> HttpResponse:
    """A target of the latest published figures: each agency for a month, the province month
    by month."""
    plan_release, figures = _plan_and_figures()
    if figures is None:
        raise Http404
    detail = selectors.target_detail(figures, label, _month(request))
    return render(
        request,
        "portal/public/target.html",
        {"plan": plan_release.plan, "figures": figures, "detail": detail},
    )


@cached_page
def tasks(request: HttpRequest) -> HttpResponse:
    plan_release, figures = _plan_and_figures()
    if figures is None:
        raise Http404
    return render(
        request,
        "portal/public/tasks.html",
        {
            "plan": plan_release.plan,
            "figures": figures,
            "areas": selectors.task_areas(figures),
            "status_labels": selectors.STATUS_LABELS_TASK,
            "statuses": selectors.STATUS_ORDER,
        },
    )


@cached_page
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    release = selectors.ranking_release(pk)
    return render(request, "portal/public/ranking.html", {"ranking": selectors.ranking(release)})


@cached_page
def inspections(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/public/inspections.html",
        {"inspections": list(selectors.inspection_releases())},
    )


@cached_page
def documents(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/public/documents.html", {"documents": list(selectors.document_releases())}
    )


def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """The document's file, under its original name, only while its release is public."""
    document = selectors.document_release(pk).document
    assert document is not None, "a document release has its document (Release's constraint)"
    if not document.stored_name:
        raise Http404
    return stored_download(
        stored_name=document.stored_name,
        original_name=document.original_name or f"van-ban-{document.pk}",
        content_type=document.content_type or "application/octet-stream",
    )


@cached_page
def news_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/public/news_list.html", {"news": list(selectors.news_releases())}
    )


@cached_page
def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = selectors.news_release(pk)
    return render(
        request, "portal/public/news_detail.html", {"release": release, "item": release.news}
    )


class NewsFeed(Feed):
    """The published news as an Atom feed (newest first)."""

    feed_type = Atom1Feed
    title = "Tin bài cải cách hành chính"
    subtitle = "Tin bài, thông báo về cải cách hành chính của tỉnh do Văn phòng CCHC công bố."
    language = "vi"

    def link(self) -> str:
        return reverse("portal:public_news_list")

    def items(self):
        return selectors.news_releases()[:30]

    def item_title(self, release) -> str:
        return release.news.title

    def item_description(self, release) -> str:
        # Atom's summary is declared HTML (Django's Atom1Feed): a news item is plain text, so
        # it goes as the escaped paragraphs its page shows. Given as it was typed, "<50%" read
        # as a broken tag and "<img onerror=…>" as markup in feed readers.
        return str(news_body(release.news.lead or release.news.body[:300]))

    def item_link(self, release) -> str:
        return reverse("portal:public_news_detail", args=[release.news_id])

    # No item_guid: Django then takes the entry's absolute link as its id (RFC 4287 wants an
    # absolute IRI; the path alone, given before, was relative).

    def item_pubdate(self, release):
        return release.published_at

    def item_updateddate(self, release):
        return max(release.published_at, release.news.updated_at)


news_feed = cached_page(NewsFeed())
