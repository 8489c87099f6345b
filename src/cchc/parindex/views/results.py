"""The results of a framework: what the reform office adds to the agencies' scores — survey
points (điều tra xã hội học), bonus and penalty — and the results page with its actions
(compute, publish) and exports (Excel, and the Word annex of the publication decision,
composed in `parindex.annex`).

Tenancy: before publication a reader sees the results in its scope; a published result is
public information and every role reads it (`selectors.results_visible`); the exports follow
the same rule. Survey points, bonus and penalty, computing and publishing are the reform
office's (403 for any other role, on GET and on POST; the services check the role again)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cchc.core.formatting import format_number
from cchc.core.services import ServiceError
from cchc.core.tabular.columns import RowError
from cchc.core.uploads import KINDS
from cchc.core.users import AuthenticatedHttpRequest
from cchc.core.views import call_service
from cchc.core.xlsx import XLSX_TYPE
from cchc.organizations.access import member, require_office
from cchc.organizations.models import Agency
from cchc.organizations.selectors import province_of, scope_for
from cchc.parindex import selectors, surveys
from cchc.parindex.annex import annex_docx, result_groups, results_xlsx
from cchc.parindex.models import (
    Adjustment,
    AdjustmentKind,
    Framework,
    Result,
    ScoringType,
    SurveyScore,
)
from cchc.parindex.office_forms import AdjustmentForm, AnnexForm, SurveyImportForm
from cchc.parindex.services import checks, publication
from cchc.parindex.services import results as result_services
from cchc.parindex.survey_template import survey_template
from cchc.parindex.views.common import (
    S,
    column_labels,
    file_errors,
    framework_or_404,
    header,
    office_action,
    read_only,
)

# --- survey points ------------------------------------------------------------------------


@login_required
def survey_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload survey points (all or nothing, errors by line and column); `?mau=xlsx|csv`
    downloads the sheet to fill, prefilled with the agencies and survey criteria."""
    require_office(request.user)
    framework = framework_or_404(pk)
    if request.method == "GET" and request.GET.get("mau") in {"xlsx", "csv"}:
        return survey_template(framework, request.GET["mau"])
    form = SurveyImportForm(request.POST or None, request.FILES or None)
    errors: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            load = result_services.survey_import(
                actor=request.user, framework=framework, content=upload.read(),
                file_name=upload.name, note=form.cleaned_data["note"],
            )  # fmt: skip
        except ServiceError as exc:
            errors = file_errors(exc)
        else:
            messages.success(
                request,
                _("Đã nạp điểm điều tra xã hội học: thêm %(c)d, cập nhật %(u)d, giữ nguyên %(n)d.")
                % {"c": load.created, "u": load.updated, "n": load.unchanged},
            )
            return redirect("parindex:survey_import", pk=framework.pk)
    criteria = list(selectors.scorable_criteria(framework).filter(scoring_type=ScoringType.SURVEY))
    points: dict[int, dict[int, object]] = defaultdict(dict)
    agencies: dict[int, Agency] = {}
    for survey in SurveyScore.objects.filter(criterion__framework=framework).select_related(
        "agency"
    ):
        points[survey.agency_id][survey.criterion_id] = survey.points
        agencies[survey.agency_id] = survey.agency
    table = [
        {"agency": agency, "cells": [points[agency.pk].get(c.pk) for c in criteria]}
        for agency in sorted(agencies.values(), key=lambda a: (a.level, a.code))
    ]
    return render(
        request,
        "parindex/office_survey.html",
        {
            **header(framework, "survey", request),
            "form": form,
            "errors": errors,
            "labels": column_labels(surveys.COLUMNS),
            "criteria": criteria,
            "table": table,
            "assessment_count": framework.assessments.count(),
        },
    )


# --- bonus and penalty --------------------------------------------------------------------


@login_required
def adjustments(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The page; its form records a bonus or a penalty with its reason."""
    require_office(request.user)
    framework = framework_or_404(pk)
    form = AdjustmentForm(request.POST if request.method == "POST" else None, framework=framework)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form, result_services.adjustment_add, actor=request.user,
            assessment=data["assessment"], kind=data["kind"], points=data["points"],
            reason=data["reason"],
        ):  # fmt: skip
            messages.success(
                request,
                _("Đã ghi %(kind)s %(points)s điểm cho %(a)s.")
                % {
                    "kind": str(AdjustmentKind(data["kind"]).label).lower(),
                    "points": format_number(data["points"], 3),
                    "a": data["assessment"].agency.name,
                },
            )
            return redirect("parindex:adjustments", pk=framework.pk)
    items = list(
        Adjustment.objects.filter(assessment__framework=framework)
        .select_related("assessment__agency", "created_by")
        .order_by("assessment__agency__code", "kind", "pk")
    )
    for item in items:
        item.locked = item.assessment.status in checks.LOCKED
    return render(
        request,
        "parindex/office_adjustments.html",
        {**header(framework, "adjustments", request), "form": form, "items": items},
    )


@office_action
def adjustment_remove(request: AuthenticatedHttpRequest, framework: Framework) -> HttpResponse:
    """Remove one bonus or penalty (named by the form's `dieu_chinh`) of this framework."""
    adjustment = get_object_or_404(
        Adjustment.objects.select_related("assessment__agency"),
        assessment__framework=framework, pk=request.POST.get("dieu_chinh", ""),
    )  # fmt: skip
    try:
        result_services.adjustment_remove(actor=request.user, adjustment=adjustment)
    except ServiceError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã xóa %(kind)s của %(a)s.")
            % {
                "kind": adjustment.get_kind_display().lower(),
                "a": adjustment.assessment.agency.name,
            },
        )
    return redirect("parindex:adjustments", pk=framework.pk)


# --- results ------------------------------------------------------------------------------


def _visible_results(request: HttpRequest, framework: Framework) -> list[Result]:
    return list(selectors.results_visible(framework=framework, scope=scope_for(request.user)))


def _publication(framework: Framework) -> dict:
    counts = dict(framework.assessments.order_by().values_list("status").annotate(n=Count("pk")))
    total = sum(counts.values())
    closed = counts.get(S.FINALISED, 0) + counts.get(S.PUBLISHED, 0)
    return {
        "total": total,
        "closed": closed,
        "published": total > 0 and counts.get(S.PUBLISHED, 0) == total,
    }


@login_required
def results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The results table per group; the reform office's buttons compute and publish."""
    member(request)
    framework = framework_or_404(pk)
    if (response := read_only(request)) is not None:
        return response
    rows = _visible_results(request, framework)
    state = _publication(framework)
    return render(
        request,
        "parindex/results.html",
        {
            **header(framework, "results", request),
            "groups": result_groups(rows),
            "row_count": len(rows),
            "provisional": any(r.assessment.status != S.PUBLISHED for r in rows),
            "synthetic": any(r.assessment.synthetic for r in rows),
            "state": state,
            "sees_all": scope_for(request.user).sees_all,
            "places": framework.display_places,
            "today": timezone.localdate(),
        },
    )


def _results_action(
    request: HttpRequest, framework: Framework, service: Callable[..., list[Result]], done: str
) -> HttpResponse:
    try:
        computed = service(actor=request.user, framework=framework)
    except ServiceError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"n": len(computed)})
    return redirect(reverse("parindex:results", args=[framework.pk]))


@office_action
def results_compute(request: AuthenticatedHttpRequest, framework: Framework) -> HttpResponse:
    """Compute (again) every assessment's result; unchanged scores change nothing."""
    return _results_action(request, framework, result_services.results_compute,
                           _("Đã tính kết quả của %(n)d phiếu đánh giá."))  # fmt: skip


@office_action
def results_publish(request: AuthenticatedHttpRequest, framework: Framework) -> HttpResponse:
    """Publish the results (refused, with the service's message, until every assessment is
    finalised)."""
    return _results_action(request, framework, publication.results_publish,
                           _("Đã công bố kết quả của %(n)d cơ quan."))  # fmt: skip


@login_required
def results_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The results table as Excel (`xlsx`) or as the annex of the publication decision
    (`docx`, Decree 30/2020 layout). Same rows as the results page."""
    member(request)
    if fmt not in {"xlsx", "docx"}:
        raise Http404
    if (response := read_only(request)) is not None:
        return response
    framework = framework_or_404(pk)
    rows = _visible_results(request, framework)
    name = f"ket-qua-{slugify(framework.code)}-{framework.year}"
    if fmt == "xlsx":
        response = HttpResponse(results_xlsx(framework, rows), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    form = AnnexForm(request.GET)
    if not form.is_valid():  # what is left empty makes a draft; what is malformed is said
        messages.error(request, "Chưa tạo được phụ lục. " + " ".join(form.problems()))
        # Back to the results with what was typed, to correct rather than type again.
        back = reverse("parindex:results", args=[framework.pk])
        return redirect(f"{back}?{request.GET.urlencode()}#phu-luc")
    data = form.cleaned_data
    try:
        content = annex_docx(
            framework=framework, rows=rows, province=province_of(member(request).agency),
            number_symbol=data.get("so") or "", day=data.get("ngay") or timezone.localdate(),
            signer=data.get("ky") or "",
        )  # fmt: skip
    except ValueError as exc:  # the province's annex template fails on these results
        messages.error(request, str(exc))
        return redirect("parindex:results", pk=framework.pk)
    response = HttpResponse(content, content_type=KINDS["docx"])
    response["Content-Disposition"] = f'attachment; filename="phu-luc-{name}.docx"'
    return response
