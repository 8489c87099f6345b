"""The reform office's side of the public page (logged in): what is public now and what was
withdrawn and why; publishing the plan and its figures, PAR INDEX rankings, inspection
conclusions, directive documents and news. Only the reform office reaches these pages
(`DataKind.PUBLICATION`); the rules of what may be published are the services'."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cchc.core.services import ServiceError
from cchc.core.uploads import stored_download
from cchc.core.users import AuthenticatedHttpRequest
from cchc.core.views import call_service
from cchc.indicators import dashboard
from cchc.inspections.models import Inspection
from cchc.organizations.access import office_required
from cchc.organizations.selectors import scope_for
from cchc.parindex.models import AssessmentStatus, Framework
from cchc.plans.models import Plan
from cchc.plans.selectors import year_asked, years_offered
from cchc.portal import services
from cchc.portal.models import SUBJECT, DirectiveDocument, NewsItem, Release, ReleaseKind
from cchc.portal.office_forms import (
    DocumentForm,
    FiguresForm,
    InspectionConclusionForm,
    NewsForm,
    WithdrawForm,
)

RELATED = ("plan", "framework", "inspection__agency", "document", "news", "published_by",
           "withdrawn_by")  # fmt: skip


# The pages are the reform office's, as publishing is (`organizations.access`).
office_only = office_required(gettext_lazy("quản lý trang công khai"))


def _releases_of(**subject) -> list[Release]:
    """Every release of one subject, public first, then withdrawn, newest first."""
    rows = Release.objects.filter(**subject).select_related(*RELATED).order_by("-published_at")
    return sorted(rows, key=lambda r: not r.is_public)


def _refused(request: HttpRequest, exc: ServiceError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def manage_url(release: Release) -> str:
    """The office page where a release's subject is managed."""
    kind = ReleaseKind(release.kind)
    if kind in {ReleaseKind.PLAN, ReleaseKind.FIGURES}:
        return reverse("portal:office_plan", args=[release.plan_id])
    if kind is ReleaseKind.RANKING:
        return reverse("portal:office_rankings")
    if kind is ReleaseKind.INSPECTION:
        return reverse("portal:office_inspection", args=[release.inspection_id])
    if kind is ReleaseKind.DOCUMENT:
        return reverse("portal:office_document", args=[release.document_id])
    return reverse("portal:office_news", args=[release.news_id])


# --- overview and withdrawal ---------------------------------------------------------------


@office_only
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What is public now, grouped by kind (each with who published it and when, and a form
    to withdraw it), and what was withdrawn, with the reasons."""
    public = list(Release.objects.public().select_related(*RELATED))
    for release in public:
        release.manage_url = manage_url(release)
    groups = [
        (kind, [r for r in public if r.kind == kind]) for kind in ReleaseKind
    ]  # fmt: skip
    withdrawn = list(
        Release.objects.filter(withdrawn_at__isnull=False)
        .select_related(*RELATED)
        .order_by("-withdrawn_at", "-pk")[:200]
    )
    return render(request, "portal/office/overview.html", {
        "groups": groups, "public_count": len(public), "withdrawn": withdrawn,
        "withdraw_form": WithdrawForm(),
    })  # fmt: skip


@office_only
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take a release off the public page, with a reason. The overview's inline forms post
    here; a refusal (no reason) is shown on this page, next to the field."""
    release = get_object_or_404(Release.objects.select_related(*RELATED), pk=pk)
    if not release.is_public:
        messages.info(request, _("Nội dung này đã được gỡ trước đó."))
        return redirect("portal:office_overview")
    form = WithdrawForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            services.release_withdraw,
            actor=request.user,
            release=release,
            reason=form.cleaned_data["reason"],
        )
    ):
        messages.success(
            request,
            _("Đã gỡ khỏi trang công khai: %(what)s.") % {"what": release.get_kind_display()},
        )
        return redirect(reverse("portal:office_overview") + "#da-go")
    return render(request, "portal/office/withdraw.html", {"form": form, "release": release})


# --- the plan and its figures --------------------------------------------------------------


@office_only
def plans(request: AuthenticatedHttpRequest) -> HttpResponse:
    public = Release.objects.public()
    plan_list = list(Plan.objects.order_by("-year"))
    published = _public_ids(ReleaseKind.PLAN)
    figures: dict[int, list[date]] = {}
    for r in public.filter(kind=ReleaseKind.FIGURES).order_by("through"):
        figures.setdefault(r.plan_id, []).append(r.through)
    # Display attributes for the template, not fields of plans' Plan (hence the ignores).
    for each in plan_list:
        each.is_public = each.pk in published  # type: ignore[attr-defined]
        each.public_months = figures.get(each.pk, [])  # type: ignore[attr-defined]
    return render(request, "portal/office/plans.html", {"plans": plan_list})


def _months_with_data(plan: Plan) -> list[date]:
    last = dashboard.data_through(plan.year)
    return [] if last is None else [date(plan.year, m, 1) for m in range(1, last.month + 1)]


@office_only
def plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Publish the plan, then its figures through a month; the service's refusal (synthetic
    data, no data yet, the plan not public) is shown above the form."""
    the_plan = get_object_or_404(Plan, pk=pk)
    months = _months_with_data(the_plan)
    form = FiguresForm(
        request.POST if request.POST.get("thao_tac") == "so_lieu" else None, months=months
    )
    if request.method == "POST":
        action = request.POST.get("thao_tac")
        here = reverse("portal:office_plan", args=[the_plan.pk])
        if action == "ke_hoach":
            try:
                services.plan_publish(actor=request.user, plan=the_plan)
            except ServiceError as exc:
                _refused(request, exc)
            else:
                messages.success(request, _("Đã công bố kế hoạch trên trang công khai."))
            return redirect(here)
        if action != "so_lieu":
            raise Http404
        if form.is_valid():
            through = form.cleaned_data["thang"]
            if call_service(form, services.figures_publish, actor=request.user, plan=the_plan,
                            through=through):  # fmt: skip
                messages.success(
                    request,
                    _("Đã công bố số liệu đến hết tháng %(m)02d/%(y)s.")
                    % {"m": through.month, "y": through.year},
                )
                return redirect(here)
    releases = _releases_of(plan=the_plan)
    return render(request, "portal/office/plan.html", {
        "plan": the_plan, "form": form, "months": months,
        "plan_releases": [r for r in releases if r.kind == ReleaseKind.PLAN],
        "figure_releases": [r for r in releases if r.kind == ReleaseKind.FIGURES],
        "plan_public": any(r.is_public and r.kind == ReleaseKind.PLAN for r in releases),
    })  # fmt: skip


# --- PAR INDEX rankings --------------------------------------------------------------------


@office_only
def rankings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The frameworks with assessments; those whose results are published in the system can
    be put on the public page."""
    if request.method == "POST":
        framework = get_object_or_404(Framework, pk=request.POST.get("bo_tieu_chi") or 0)
        try:
            services.ranking_publish(actor=request.user, framework=framework)
        except ServiceError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                _("Đã đưa kết quả “%(f)s” lên trang công khai.") % {"f": framework.title},
            )
        return redirect("portal:office_rankings")
    frameworks = list(
        Framework.objects.annotate(
            total=Count("assessments"),
            published=Count("assessments", filter=Q(assessments__status=AssessmentStatus.PUBLISHED)),
            synthetic=Count("assessments", filter=Q(assessments__synthetic=True)),
        )
        .filter(total__gt=0)
        .order_by("-year", "code")
    )  # fmt: skip
    public = {
        r.framework_id: r
        for r in Release.objects.public()
        .filter(kind=ReleaseKind.RANKING)
        .select_related("published_by")
    }
    # Display attributes for the template, not fields of parindex's Framework (the ignores).
    for framework in frameworks:
        framework.release = public.get(framework.pk)  # type: ignore[attr-defined]
        framework.results_published = framework.published == framework.total  # type: ignore[attr-defined]
    return render(request, "portal/office/rankings.html", {"frameworks": frameworks})


# --- inspection conclusions ----------------------------------------------------------------


@office_only
def inspections(request: AuthenticatedHttpRequest) -> HttpResponse:
    year = year_asked(request.GET.get("nam"), today=timezone.localdate())
    rows = list(
        Inspection.objects.visible_to(scope_for(request.user))
        .filter(inspected_on__year=year)
        .select_related("agency", "import_run")
        .order_by("-inspected_on", "agency__name")
    )
    public = {
        r.inspection_id: r
        for r in Release.objects.public().filter(
            kind=ReleaseKind.INSPECTION, inspection__in=[i.pk for i in rows]
        )
    }
    # A display attribute for the template, not a field of inspections' Inspection.
    for row in rows:
        row.release = public.get(row.pk)  # type: ignore[attr-defined]
    return render(request, "portal/office/inspections.html", {
        "inspections": rows, "year": year, "years": years_offered(year),
    })  # fmt: skip


@office_only
def inspection(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Write the conclusion the public reads and publish it; a published one is changed by
    withdrawing it (with a reason) and publishing the new wording."""
    the_inspection = get_object_or_404(
        Inspection.objects.visible_to(scope_for(request.user)).select_related(
            "agency", "import_run"
        ),
        pk=pk,
    )
    releases = _releases_of(inspection=the_inspection)
    current = next((r for r in releases if r.is_public), None)
    last = releases[0].conclusion if releases else ""
    form = InspectionConclusionForm(request.POST or None, initial={"conclusion": last})
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            services.inspection_publish,
            actor=request.user,
            inspection=the_inspection,
            conclusion=form.cleaned_data["conclusion"],
        )
    ):
        messages.success(request, _("Đã công bố kết luận kiểm tra."))
        return redirect("portal:office_inspection", pk=the_inspection.pk)
    return render(request, "portal/office/inspection.html", {
        "inspection": the_inspection, "form": form, "current": current, "releases": releases,
    })  # fmt: skip


# --- directive documents -------------------------------------------------------------------


def _public_ids(kind: ReleaseKind) -> set[int]:
    field = f"{SUBJECT[kind]}_id"
    return set(Release.objects.public().filter(kind=kind).values_list(field, flat=True))


@office_only
def documents(request: AuthenticatedHttpRequest) -> HttpResponse:
    public = _public_ids(ReleaseKind.DOCUMENT)
    rows = list(DirectiveDocument.objects.select_related("created_by")[:500])
    for row in rows:
        row.is_public = row.pk in public
    return render(request, "portal/office/documents.html", {"documents": rows})


def _document_form(request: HttpRequest, document: DirectiveDocument | None) -> HttpResponse:
    initial = {}
    if document is not None:
        initial = {f: getattr(document, f) for f in ("number", "issued_on", "issuer", "title",
                                                     "summary")}  # fmt: skip
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial,
                        has_file=document is not None)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        content, name = upload if upload else (None, "")
        saved = call_service(form, services.document_save, actor=request.user, document=document,
                             content=content, original_name=name, **data)  # fmt: skip
        if saved:
            messages.success(request, _("Đã lưu văn bản %(n)s.") % {"n": saved.number})
            return redirect("portal:office_document", pk=saved.pk)
    releases = _releases_of(document=document) if document else []
    return render(request, "portal/office/document.html", {
        "form": form, "document": document, "releases": releases,
        "is_public": any(r.is_public for r in releases),
    })  # fmt: skip


@office_only
def document_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _document_form(request, None)


@office_only
def document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _document_form(request, get_object_or_404(DirectiveDocument, pk=pk))


@office_only
def document_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The stored file, for the office (the public reaches it only through a release)."""
    doc = get_object_or_404(DirectiveDocument, pk=pk)
    if not doc.stored_name:
        raise Http404
    return stored_download(stored_name=doc.stored_name, original_name=doc.original_name,
                           content_type=doc.content_type)  # fmt: skip


@office_only
@require_POST
def document_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(DirectiveDocument, pk=pk)
    try:
        services.document_publish(actor=request.user, document=doc)
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Đã công bố văn bản %(n)s.") % {"n": doc.number})
    return redirect("portal:office_document", pk=doc.pk)


# --- news ----------------------------------------------------------------------------------


@office_only
def news_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    public = _public_ids(ReleaseKind.NEWS)
    rows = list(NewsItem.objects.select_related("created_by")[:500])
    for row in rows:
        row.is_public = row.pk in public
    return render(request, "portal/office/news_list.html", {"items": rows})


def _news_form(request: HttpRequest, news: NewsItem | None) -> HttpResponse:
    """The editor: "Xem trước" shows the item as the public page will (nothing is saved);
    "Lưu" saves. An item already public asks why it is edited."""
    releases = _releases_of(news=news) if news else []
    public = any(r.is_public for r in releases)
    initial = {"title": news.title, "lead": news.lead, "body": news.body} if news else {}
    form = NewsForm(request.POST or None, initial=initial, public=public)
    previewing = request.POST.get("thao_tac") == "xem_truoc"
    shown = {k: request.POST.get(k, "") for k in ("title", "lead", "body")}
    if request.method != "POST":
        shown = initial
    elif previewing:  # the draft stays in the form, unsaved and without errors
        form = NewsForm(None, initial=shown | {"reason": request.POST.get("reason", "")},
                        public=public)  # fmt: skip
    elif form.is_valid():
        saved = call_service(form, services.news_save, actor=request.user, news=news,
                             **form.cleaned_data)  # fmt: skip
        if saved:
            messages.success(request, _("Đã lưu tin bài."))
            return redirect("portal:office_news", pk=saved.pk)
    return render(request, "portal/office/news.html", {
        "form": form, "news": news, "releases": releases, "is_public": public,
        "preview": shown, "previewing": previewing,
    })  # fmt: skip


@office_only
def news_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _news_form(request, None)


@office_only
def news(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _news_form(request, get_object_or_404(NewsItem, pk=pk))


@office_only
@require_POST
def news_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(NewsItem, pk=pk)
    try:
        services.news_publish(actor=request.user, news=item)
    except ServiceError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Đã công bố tin bài “%(t)s”.") % {"t": item.title})
    return redirect("portal:office_news", pk=item.pk)
