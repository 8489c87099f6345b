from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cchc.core.users import AuthenticatedHttpRequest
from cchc.core.views import call_service
from cchc.inspections import selectors, services
from cchc.inspections.forms import CloseForm, InspectionForm
from cchc.inspections.models import Inspection, InspectionPlanItem, Recommendation
from cchc.inspections.planning import target_levels
from cchc.organizations.access import get_visible_or_404, member_required, require_office
from cchc.organizations.models import Agency, level_words
from cchc.organizations.selectors import is_reform_office, scope_for
from cchc.plans.models import Plan
from cchc.plans.selectors import year_asked, years_offered
from cchc.plans.tiers import levels_of_year

DEFAULT_SHARE = Decimal(30)


def _target(year: int) -> tuple[Decimal, frozenset[str]]:
    """The share target 1 of that year's plan asks for (30% in plan 4345/KH-UBND) and the
    agency levels it counts (its applicability: departments and district UBND, within the
    tiers of the year's plan — plans.tiers)."""
    plan = Plan.objects.filter(year=year).first()
    target = plan.targets.filter(indicator_code="INSPECTION_COVERAGE").first() if plan else None
    threshold = target.thresholds.first() if target else None
    share = threshold.value if threshold else DEFAULT_SHARE
    within = plan.agency_levels if plan else levels_of_year(year)
    return share, target_levels(target.scope_levels if target else None, within)


def _close_refused(request: HttpRequest, close: CloseForm) -> None:
    """The inline close form lives in a list: the refusal, and what the officer typed (so
    nothing is lost), go to the messages above the reloaded list."""
    refusals = [*close.non_field_errors(), *close.errors.get("version", [])]
    for message in refusals or [_("Hãy nhập ngày hoàn thành và kết quả khắc phục.")]:
        messages.error(request, message)
    note = request.POST.get("note", "").strip()
    if refusals and note:
        messages.info(request, _("Kết quả khắc phục bạn đã nhập (chưa lưu): “%(n)s”") % {"n": note})


def _here(year: int) -> str:
    return f"{reverse('inspections:page')}?nam={year}"


def _require_office(request: HttpRequest) -> None:
    """The reform office only (403): the same words as the service's refusal."""
    require_office(request.user, _("quản lý công tác kiểm tra"))


def _page(request: HttpRequest, year: int, form: InspectionForm | None = None) -> HttpResponse:
    today = timezone.localdate()
    office = is_reform_office(request.user)
    scope = scope_for(request.user)
    share, levels = _target(year)
    if office and form is None:
        form = InspectionForm()
    proposals, needed, done = ([], 0, 0)
    if office:
        proposals, needed, done = selectors.proposal(
            year=year, share=share, today=today, levels=levels
        )
    inspections = (
        Inspection.objects.visible_to(scope)
        .filter(inspected_on__year=year)
        .select_related("agency")
        .prefetch_related("recommendations")
        .order_by("-inspected_on")
    )
    return render(request, "inspections/page.html", {
        "year": year, "office": office, "form": form, "proposals": proposals, "needed": needed,
        "done": done, "share": share, "levels_words": level_words(levels),
        "inspections": inspections,
        "plan_items": InspectionPlanItem.objects.visible_to(scope).filter(year=year).select_related("agency"),
        "close_form": CloseForm(), "today": today, "years": years_offered(year),
    })  # fmt: skip


def _year(request: HttpRequest) -> int:
    return year_asked(request.GET.get("nam"), today=timezone.localdate())


@member_required
@require_GET
def inspections_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _page(request, _year(request))


@member_required
@require_POST
def plan_propose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Put the proposed agencies into the year's inspection plan."""
    _require_office(request)
    year = _year(request)
    share, levels = _target(year)
    proposals, _needed, _done = selectors.proposal(
        year=year, share=share, today=timezone.localdate(), levels=levels
    )
    for p in proposals:
        services.plan_add(actor=request.user, year=year, agency=Agency.objects.get(pk=p.candidate.agency_id),
                          reasons="; ".join(p.reasons))  # fmt: skip
    messages.success(
        request, _("Đã đưa %(n)s cơ quan vào kế hoạch kiểm tra.") % {"n": len(proposals)}
    )
    return redirect(_here(year))


@member_required
@require_POST
def inspection_record(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record an inspection; a refused one shows the page again with what was typed."""
    _require_office(request)
    year = _year(request)
    form = InspectionForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["recommendations"] = data["recommendations"].splitlines()
        if call_service(form, services.inspection_record, actor=request.user, **data):
            messages.success(request, _("Đã ghi nhận cuộc kiểm tra."))
            return redirect(_here(year))
    return _page(request, year, form)


@member_required
@require_POST
def recommendation_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Close a recommendation from the inline form of the list."""
    _require_office(request)
    year = _year(request)
    recommendation = get_visible_or_404(
        Recommendation.objects.all(), scope_for(request.user), pk=pk
    )
    close = CloseForm(request.POST, editing=recommendation)
    if close.is_valid() and call_service(close, services.recommendation_close, actor=request.user,
                                         recommendation=recommendation, version=close.read_version(),
                                         closed_on=close.cleaned_data["closed_on"], note=close.cleaned_data["note"]):  # fmt: skip
        messages.success(request, _("Đã ghi nhận hoàn thành kiến nghị."))
        return redirect(_here(year))
    _close_refused(request, close)
    return redirect(_here(year))
