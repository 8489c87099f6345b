"""A round of assessment, the reform office's pages (403 for any other role, on GET and on
POST): opening assessments and their deadlines, refreshing computed criteria, assigning
appraisers. Each action has its own address; the page's main form (open, assign) posts to
the page itself, and an action whose form is refused renders the page again with it."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.core.services import ServiceError
from cchc.core.users import AuthenticatedHttpRequest
from cchc.core.views import call_service
from cchc.organizations.access import require_office
from cchc.organizations.scope import AgencyScope
from cchc.parindex import selectors
from cchc.parindex.models import AppraisalAssignment, Framework, ScoringType
from cchc.parindex.office_forms import AssignForm, DeadlineForm, OpenForm, assessed_agencies
from cchc.parindex.services import rounds
from cchc.parindex.views.common import (
    S,
    coloured,
    framework_or_404,
    header,
    office_action,
)

# --- opening, deadlines, computed criteria ------------------------------------------------


def _open_url(framework: Framework) -> str:
    return reverse("parindex:assessment_open", args=[framework.pk])


def _open_page(
    request: HttpRequest,
    framework: Framework,
    *,
    open_form: OpenForm | None = None,
    deadline_form: DeadlineForm | None = None,
    deadline_action: str = "",
) -> HttpResponse:
    """The page "Mở đợt, hạn tự chấm", with the form refused if any (`deadline_action` says
    which deadline form it is: one assessment's, "han", or every draft's, "han_tat_ca")."""
    rows = coloured(
        selectors.framework_assessments(framework=framework, scope=AgencyScope.everything())
    )
    computed = selectors.scorable_criteria(framework).filter(
        scoring_type=ScoringType.COMPUTED, indicator_code__gt=""
    )
    return render(
        request,
        "parindex/office_open.html",
        {
            **header(framework, "open", request),
            "open_form": open_form or OpenForm(framework=framework),
            "deadline_form": deadline_form or DeadlineForm(),
            "deadline_action": deadline_action,
            "rows": rows,
            "drafts": sum(1 for r in rows if r.status == S.DRAFT),
            "computed_count": computed.count(),
            "scored_count": selectors.scorable_criteria(framework).count(),
            "target_count": assessed_agencies(framework).count(),
        },
    )


@login_required
def assessment_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The page; its form opens assessments for the whole group or the agencies chosen."""
    require_office(request.user)
    framework = framework_or_404(pk)
    if request.method != "POST":
        return _open_page(request, framework)
    form = OpenForm(request.POST, framework=framework)
    if form.is_valid():
        chosen = list(form.cleaned_data["agencies"]) or None
        created = call_service(
            form, rounds.assessment_open, actor=request.user, framework=framework,
            deadline=form.cleaned_data["deadline"], agencies=chosen,
        )  # fmt: skip
        if created is not None:
            messages.success(
                request,
                _("Đã mở %(n)d phiếu đánh giá.") % {"n": len(created)}
                if created
                else _("Mọi cơ quan đã chọn đều đã có phiếu đánh giá; không mở thêm phiếu nào."),
            )
            return redirect(_open_url(framework))
    return _open_page(request, framework, open_form=form)


@office_action
def assessment_set_deadline(
    request: AuthenticatedHttpRequest, framework: Framework
) -> HttpResponse:
    """One draft's new deadline (the assessment named by the form, of this framework)."""
    form = DeadlineForm(request.POST)
    if form.is_valid():
        assessment = get_object_or_404(framework.assessments, pk=form.cleaned_data["assessment"])
        saved = call_service(
            form, rounds.assessment_set_deadline, actor=request.user,
            assessment=assessment, deadline=form.cleaned_data["deadline"],
        )  # fmt: skip
        if saved:
            messages.success(
                request,
                _("Đã đặt hạn tự chấm của %(a)s: %(d)s.")
                % {"a": saved.agency.name, "d": f"{saved.deadline:%d/%m/%Y}"},
            )
            return redirect(_open_url(framework))
    return _open_page(request, framework, deadline_form=form, deadline_action="han")


@office_action
def deadlines_set(request: AuthenticatedHttpRequest, framework: Framework) -> HttpResponse:
    """Every draft's new deadline at once, all or nothing."""
    form = DeadlineForm(request.POST)
    form.fields["assessment"].required = False
    if not form.is_valid():
        return _open_page(request, framework, deadline_form=form, deadline_action="han_tat_ca")
    deadline = form.cleaned_data["deadline"]
    try:
        count = rounds.deadlines_set(actor=request.user, framework=framework, deadline=deadline)
    except ServiceError as exc:  # one submitted meanwhile: nothing changed
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã đặt hạn %(d)s cho %(n)d phiếu đang tự chấm.")
            % {"d": f"{deadline:%d/%m/%Y}", "n": count},
        )
    return redirect(_open_url(framework))


@office_action
def computed_scores_refresh(
    request: AuthenticatedHttpRequest, framework: Framework
) -> HttpResponse:
    """Recompute the points of computed criteria from the latest indicator values."""
    try:
        changed = rounds.computed_scores_refresh(actor=request.user, framework=framework)
    except ServiceError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã cập nhật điểm tính từ số liệu: %(n)d điểm thay đổi.") % {"n": changed},
        )
    return redirect(_open_url(framework))


# --- appraisers ---------------------------------------------------------------------------


@login_required
def assignments(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The page; its form assigns an appraiser to agencies (all or nothing: one refusal, e.g.
    an appraiser of the agency itself, and nobody is assigned)."""
    require_office(request.user)
    framework = framework_or_404(pk)
    form = AssignForm(request.POST if request.method == "POST" else None, framework=framework)
    if request.method == "POST" and form.is_valid():
        appraiser = form.cleaned_data["appraiser"]
        agencies = list(form.cleaned_data["agencies"])
        try:
            rounds.appraiser_assign_many(actor=request.user, appraiser=appraiser,
                                         agencies=agencies, framework=framework)  # fmt: skip
        except ServiceError as exc:
            form.add_error(None, _("Chưa phân công ai: sửa lựa chọn rồi làm lại."))
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Đã phân công %(who)s thẩm định %(n)d cơ quan.")
                % {"who": appraiser.get_full_name() or appraiser.username, "n": len(agencies)},
            )
            return redirect("parindex:assignments", pk=framework.pk)
    by_agency = selectors.assignments_by_agency(framework)
    assessed = {a.agency_id: a for a in framework.assessments.only("pk", "agency_id", "status")}
    agencies = [a for a in assessed_agencies(framework) if a.pk in assessed or a.pk in by_agency]
    rows = [
        {"agency": a, "assessment": assessed.get(a.pk), "assignments": by_agency.get(a.pk, [])}
        for a in agencies
    ]
    load: dict[str, int] = defaultdict(int)
    for items in by_agency.values():
        for assignment in items:
            load[assignment.appraiser.get_full_name() or assignment.appraiser.username] += 1
    return render(
        request,
        "parindex/office_assignments.html",
        {
            **header(framework, "assignments", request),
            "form": form,
            "rows": rows,
            "unassigned": sum(1 for r in rows if r["assessment"] and not r["assignments"]),
            "load": sorted(load.items()),
        },
    )


@office_action
def appraiser_unassign(request: AuthenticatedHttpRequest, framework: Framework) -> HttpResponse:
    """Remove one assignment (named by the form's `phan_cong`) of this framework."""
    assignment = get_object_or_404(
        AppraisalAssignment.objects.select_related("agency", "appraiser"),
        framework=framework, pk=request.POST.get("phan_cong", ""),
    )  # fmt: skip
    rounds.appraiser_unassign(actor=request.user, assignment=assignment)
    messages.success(
        request,
        _("Đã thôi phân công %(who)s thẩm định %(a)s.")
        % {"who": assignment.appraiser.username, "a": assignment.agency.name},
    )
    return redirect("parindex:assignments", pk=framework.pk)
