"""The reform office's PAR INDEX pages (Chỉ số CCHC) and the section's landing page: import a
framework, read its criteria, open assessments and set deadlines, assign appraisers, import
survey points, record bonus and penalty points, compute, publish and export the results.

Tenancy:
- the landing page lists only assessments in the user's scope (404 without a membership);
- a framework's criteria are read by every role; its assessments table is filtered by scope;
- results: before publication a reader sees the results in its scope; a published result is
  public information and every role reads it (`selectors.results_visible`); the exports follow
  the same rule;
- every other page here is the reform office's: 403 for any other role, on GET and on POST
  (the services check the role again on every write)."""

from __future__ import annotations

import io
from collections import defaultdict
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cchc.core.formatting import format_number
from cchc.core.services import ServiceError
from cchc.core.tabular.columns import ImportRejected, RowError
from cchc.core.views import call_service
from cchc.core.xlsx import XLSX_TYPE, as_text, csv_response, xlsx_response
from cchc.indicators.registry import INDICATORS
from cchc.organizations.access import member, require_office
from cchc.organizations.models import Agency, AgencyLevel, Role
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import (
    PROVINCE_WIDE_ROLES,
    is_reform_office,
    province_of,
    scope_for,
)
from cchc.parindex import frameworks, selectors, surveys
from cchc.parindex.annex import annex_docx, notices, result_groups, subject
from cchc.parindex.models import (
    Adjustment,
    AppraisalAssignment,
    Assessment,
    AssessmentStatus,
    Framework,
    Result,
    ScoringType,
    SurveyScore,
)
from cchc.parindex.office_forms import (
    AdjustmentForm,
    AnnexForm,
    AssignForm,
    DeadlineForm,
    FrameworkImportForm,
    OpenForm,
    SurveyImportForm,
    assessed_agencies,
)
from cchc.parindex.services import checks, publication, rounds
from cchc.parindex.services import frameworks as framework_services
from cchc.parindex.services import results as result_services

S = AssessmentStatus
STATUS_COLOURS = {
    S.DRAFT: "secondary", S.SUBMITTED: "info", S.UNDER_APPRAISAL: "primary",
    S.RETURNED: "warning", S.APPRAISED: "success", S.FINALISED: "dark", S.PUBLISHED: "success",
}  # fmt: skip
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- access -------------------------------------------------------------------------------


def _framework(pk: int) -> Framework:
    return get_object_or_404(Framework, pk=pk)


def _read_only(request: HttpRequest) -> HttpResponse | None:
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    return None


def _coloured(assessments):
    for assessment in assessments:
        assessment.colour = STATUS_COLOURS.get(assessment.status, "secondary")
    return assessments


def _file_errors(exc: ServiceError) -> list[RowError]:
    """A rejected file's errors with their line and column (the importer's own list, kept as
    the cause of the service's error); other refusals as lines without a place."""
    cause = exc.__cause__
    if isinstance(cause, ImportRejected):
        return list(cause.errors)
    return [RowError(0, "", message) for message in exc.messages]


def _column_labels(columns) -> dict[str, str]:
    """How an error names a column: its key as in the template, with the Vietnamese name."""
    return {c.key: f"{c.key} ({c.aliases[0]})" if c.aliases else c.key for c in columns}


def _header(framework: Framework, tab: str, request: HttpRequest) -> dict:
    return {
        "framework": framework,
        "tab": tab,
        "office": is_reform_office(request.user),
        "group_label": framework.group_label,
    }


# --- landing page -------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """By role: the frameworks by year (reform office, leaders), the agency's own assessments
    (agency officers; a district UBND also sees its communes'), the assessments assigned for
    appraisal and those of the own agency (appraisers). Only assessments in scope."""
    membership = member(request)
    if (response := _read_only(request)) is not None:
        return response
    scope = scope_for(request.user)
    province_wide = membership.role in PROVINCE_WIDE_ROLES
    context: dict = {
        "office": is_reform_office(request.user),
        "role": membership.role,
        "province_wide": province_wide,
    }
    assessments: list[Assessment] = []
    if province_wide:
        counts = selectors.status_counts(scope=scope)
        items = list(selectors.framework_list())
        synthetic = set(
            selectors.assessments(scope=scope)
            .filter(synthetic=True)
            .values_list("framework_id", flat=True)
            .distinct()
        )
        for framework in items:
            framework.synthetic = framework.pk in synthetic
            framework.statuses = [
                (label, STATUS_COLOURS[status], counts[framework.pk][status])
                for status, label in S.choices
                if counts.get(framework.pk, {}).get(status)
            ]
        context["years"] = [
            (year, list(group)) for year, group in groupby(items, key=lambda f: f.year)
        ]
    elif membership.role == Role.APPRAISER:
        assigned = _coloured(
            selectors.with_progress(selectors.appraiser_assessments(request.user).visible_to(scope))
        )
        own = _coloured(
            selectors.with_progress(
                selectors.assessments(scope=scope).filter(agency_id=membership.agency_id)
            ).order_by("-framework__year", "framework__code")
        )
        context.update(assigned=assigned, own=own)
        assessments = [*assigned, *own]
    else:
        own = _coloured(
            selectors.with_progress(selectors.assessments(scope=scope)).order_by(
                "-framework__year", "framework__code", "agency__level", "agency__code"
            )
        )
        context.update(own=own, district=membership.agency.level == AgencyLevel.DISTRICT)
        assessments = list(own)
    context["assessments"] = assessments
    return render(request, "parindex/index.html", context)


# --- frameworks ---------------------------------------------------------------------------

TEMPLATE_HEADER = [
    "code", "parent_code", "title", "max_points", "scoring_rule", "evidence_required",
    "source_url", "scoring_type", "step", "indicator_code", "full_at", "zero_at",
]  # fmt: skip
TEMPLATE_EXAMPLE = [
    ["1", "", "Công tác chỉ đạo, điều hành cải cách hành chính", "13",
     "Lĩnh vực 1: tổng điểm các tiêu chí thành phần.", "", "", "", "", "", "", ""],
    ["1.1", "1", "Ban hành kế hoạch CCHC năm của cơ quan", "2",
     "Đúng hạn, đủ nhiệm vụ: 2 điểm; chậm hoặc thiếu: 1 điểm; không ban hành: 0 điểm.",
     "Kế hoạch CCHC năm của cơ quan", "", "self_assessed", "0,5", "", "", ""],
    ["1.2", "1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "3", "Đủ điểm khi ≥ 100%, 0 điểm khi ≤ 80%.",
     "Tự động", "", "computed", "", "ON_TIME_RATE", "100", "80"],
    ["1.3", "1", "Mức độ hài lòng của người dân (điều tra xã hội học)", "3", "", "", "",
     "survey", "", "", "", ""],
]  # fmt: skip


@login_required
def framework_import(request: HttpRequest) -> HttpResponse:
    """Upload a framework file (CSV/XLSX) with what the file does not say; all or nothing,
    every error with its line and column. `?mau=csv` downloads a template. `?bo=<pk>`
    reloads that framework ("Nạp lại tệp" on its page), carrying its version (ADR 0013);
    the plain page only creates, so that no reload goes without a version."""
    require_office(request.user)
    if request.method == "GET" and request.GET.get("mau") == "csv":
        return csv_response([TEMPLATE_HEADER, *TEMPLATE_EXAMPLE], "mau-bo-tieu-chi.csv")
    reloading = _framework(_pk_param(request.GET.get("bo"))) if "bo" in request.GET else None
    initial = {} if reloading else {"year": timezone.localdate().year, "par_index": True}
    form = FrameworkImportForm(
        request.POST or None, request.FILES or None, initial=initial, editing=reloading
    )
    errors: list[RowError] = []
    existing = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            load = framework_services.framework_import(
                actor=request.user, spec=form.spec(), content=upload.read(),
                file_name=upload.name, version=form.read_version(), new_only=reloading is None,
            )  # fmt: skip
        except ServiceError as exc:
            if isinstance(exc.__cause__, ImportRejected):
                errors = _file_errors(exc)
            else:  # a refusal of the whole import, on top of the form as other pages do
                form.add_error(None, exc)
                if reloading is None:
                    existing = form.spec().existing()
        else:
            messages.success(
                request,
                _(
                    "Đã nạp bộ tiêu chí: thêm %(c)d, sửa %(u)d, xóa %(d)d, giữ nguyên %(n)d tiêu chí."
                )
                % {"c": load.created, "u": load.updated, "d": load.deleted, "n": load.unchanged},
            )
            for note in load.notes:
                messages.warning(request, note)
            return redirect("parindex:framework_detail", pk=load.framework.pk)
    return render(
        request,
        "parindex/framework_import.html",
        {
            "form": form,
            "reloading": reloading,
            "existing": existing,
            "errors": errors,
            "columns": frameworks.COLUMNS,
            "required_headers": frameworks.HEADER_REQUIRED,
            "labels": _column_labels(frameworks.COLUMNS),
        },
    )


def _pk_param(value: str | None) -> int:
    if not (value or "").isdigit():
        raise Http404
    return int(value)


def _scale(criterion) -> str:
    """The points scale of a computed criterion, as the page says it."""
    if criterion.full_at is None:
        return ""
    full = criterion.full_at
    zero = criterion.zero_at if criterion.zero_at is not None else 0
    up, down = (_("trở lên"), _("trở xuống")) if full >= zero else (_("trở xuống"), _("trở lên"))
    return _("đủ điểm từ %(full)s%% %(up)s, 0 điểm từ %(zero)s%% %(down)s, tuyến tính ở giữa") % {
        "full": format_number(full, 2), "zero": format_number(zero, 2), "up": up, "down": down,
    }  # fmt: skip


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The criteria tree (every role) and the assessments table (in the reader's scope)."""
    member(request)
    if (response := _read_only(request)) is not None:
        return response
    framework = _framework(pk)
    tree = selectors.criteria_tree(framework)
    summary: dict[str, list] = defaultdict(lambda: [0, 0])
    for criterion in tree:
        indicator = INDICATORS.get(criterion.indicator_code)
        criterion.indicator_title = indicator.title if indicator else ""
        criterion.scale = _scale(criterion)
        criterion.indent = f"{0.25 + 1.25 * criterion.depth:g}"
        criterion.scored = criterion.is_leaf and criterion.max_points is not None
        if criterion.scored:
            summary[criterion.scoring_type][0] += 1
            summary[criterion.scoring_type][1] += criterion.max_points
    unscored = [c.code for c in tree if c.is_leaf and c.max_points is None]
    rows = _coloured(
        selectors.framework_assessments(framework=framework, scope=scope_for(request.user))
    )
    return render(
        request,
        "parindex/framework_detail.html",
        {
            **_header(framework, "criteria", request),
            "tree": tree,
            "summary": [
                (label, *summary[kind]) for kind, label in ScoringType.choices if kind in summary
            ],
            "scored_count": sum(v[0] for v in summary.values()),
            "scored_max": sum((v[1] for v in summary.values()), 0),
            "unscored": unscored,
            "rows": rows,
        },
    )


# --- opening, deadlines, computed criteria ------------------------------------------------


@login_required
def assessment_open(request: HttpRequest, pk: int) -> HttpResponse:
    require_office(request.user)
    framework = _framework(pk)
    action = request.POST.get("thao_tac", "") if request.method == "POST" else ""
    open_form = OpenForm(request.POST if action == "mo" else None, framework=framework)
    deadline_form = DeadlineForm(request.POST if action in {"han", "han_tat_ca"} else None)
    url = reverse("parindex:assessment_open", args=[framework.pk])
    if action == "mo":
        if open_form.is_valid():
            chosen = list(open_form.cleaned_data["agencies"]) or None
            created = call_service(
                open_form, rounds.assessment_open, actor=request.user, framework=framework,
                deadline=open_form.cleaned_data["deadline"], agencies=chosen,
            )  # fmt: skip
            if created is not None:
                messages.success(
                    request,
                    _("Đã mở %(n)d phiếu đánh giá.") % {"n": len(created)}
                    if created
                    else _(
                        "Mọi cơ quan đã chọn đều đã có phiếu đánh giá; không mở thêm phiếu nào."
                    ),
                )
                return redirect(url)
    elif action == "han":
        if deadline_form.is_valid():
            assessment = get_object_or_404(
                framework.assessments, pk=deadline_form.cleaned_data["assessment"]
            )
            if call_service(
                deadline_form, rounds.assessment_set_deadline, actor=request.user,
                assessment=assessment, deadline=deadline_form.cleaned_data["deadline"],
            ):  # fmt: skip
                messages.success(
                    request,
                    _("Đã đặt hạn tự chấm của %(a)s: %(d)s.")
                    % {"a": assessment.agency.name, "d": f"{assessment.deadline:%d/%m/%Y}"},
                )
                return redirect(url)
    elif action == "han_tat_ca":
        deadline_form.fields["assessment"].required = False
        if deadline_form.is_valid():
            deadline = deadline_form.cleaned_data["deadline"]
            drafts = list(framework.assessments.select_related("agency").filter(status=S.DRAFT))
            try:
                with transaction.atomic():
                    for assessment in drafts:
                        rounds.assessment_set_deadline(
                            actor=request.user, assessment=assessment, deadline=deadline
                        )
            except ServiceError as exc:  # one submitted meanwhile: nothing changed
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("Đã đặt hạn %(d)s cho %(n)d phiếu đang tự chấm.")
                    % {"d": f"{deadline:%d/%m/%Y}", "n": len(drafts)},
                )
            return redirect(url)
    elif action == "cap_nhat":
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
        return redirect(url)
    elif request.method == "POST":
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
    rows = _coloured(
        selectors.framework_assessments(framework=framework, scope=AgencyScope.everything())
    )
    computed = selectors.scorable_criteria(framework).filter(
        scoring_type=ScoringType.COMPUTED, indicator_code__gt=""
    )
    return render(
        request,
        "parindex/office_open.html",
        {
            **_header(framework, "open", request),
            "open_form": open_form,
            "deadline_form": deadline_form,
            "deadline_action": action,
            "rows": rows,
            "drafts": sum(1 for r in rows if r.status == S.DRAFT),
            "computed_count": computed.count(),
            "scored_count": selectors.scorable_criteria(framework).count(),
            "target_count": assessed_agencies(framework).count(),
        },
    )


# --- appraisers ---------------------------------------------------------------------------


@login_required
def assignments(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign appraisers to agencies (all or nothing: one refusal, e.g. an appraiser of the
    agency itself, and nobody is assigned) and remove assignments."""
    require_office(request.user)
    framework = _framework(pk)
    action = request.POST.get("thao_tac", "") if request.method == "POST" else ""
    form = AssignForm(request.POST if action == "phan_cong" else None, framework=framework)
    url = reverse("parindex:assignments", args=[framework.pk])
    if action == "phan_cong":
        if form.is_valid():
            appraiser = form.cleaned_data["appraiser"]
            agencies = list(form.cleaned_data["agencies"])
            refused = []
            with transaction.atomic():
                for agency in agencies:
                    try:
                        rounds.appraiser_assign(actor=request.user, appraiser=appraiser,
                                                  agency=agency, framework=framework)  # fmt: skip
                    except ServiceError as exc:
                        refused += [f"{agency.name}: {m}" for m in exc.messages]
                if refused:
                    transaction.set_rollback(True)
            if not refused:
                messages.success(
                    request,
                    _("Đã phân công %(who)s thẩm định %(n)d cơ quan.")
                    % {"who": appraiser.get_full_name() or appraiser.username, "n": len(agencies)},
                )
                return redirect(url)
            form.add_error(None, _("Chưa phân công ai: sửa lựa chọn rồi làm lại."))
            for message in refused:
                form.add_error(None, message)
    elif action == "bo":
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
        return redirect(url)
    elif request.method == "POST":
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
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
            **_header(framework, "assignments", request),
            "form": form,
            "rows": rows,
            "unassigned": sum(1 for r in rows if r["assessment"] and not r["assignments"]),
            "load": sorted(load.items()),
        },
    )


# --- survey points ------------------------------------------------------------------------


def _survey_template(framework: Framework, fmt: str) -> HttpResponse:
    """The survey sheet to fill: one row per assessed agency and survey criterion."""
    criteria = list(selectors.scorable_criteria(framework).filter(scoring_type=ScoringType.SURVEY))
    agencies = [
        a.agency
        for a in framework.assessments.select_related("agency").order_by(
            "agency__level", "agency__code"
        )
    ]
    header = ["Mã cơ quan", "Mã tiêu chí", "Điểm", "Ghi chú", "Tên (tham khảo)",
              "Điểm tối đa (tham khảo)"]  # fmt: skip
    rows = [
        [a.code, c.code, "", "", f"{a.name} — {c.title[:80]}", format_number(c.max_points, 2)]
        for a in agencies
        for c in criteria
    ]
    name = f"mau-dieu-tra-{slugify(framework.code)}-{framework.year}"
    if fmt == "csv":
        return csv_response([header, *rows], f"{name}.csv")
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Điểm điều tra"
    sheet.append(header)
    for cell in sheet[1][:3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            as_text(cell)
    for letter, width in zip("ABCDEF", (14, 12, 10, 24, 70, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_col=2):
        for cell in row:
            cell.number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def survey_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload survey points (all or nothing, errors by line and column); `?mau=xlsx|csv`
    downloads the sheet to fill, prefilled with the agencies and survey criteria."""
    require_office(request.user)
    framework = _framework(pk)
    if request.method == "GET" and request.GET.get("mau") in {"xlsx", "csv"}:
        return _survey_template(framework, request.GET["mau"])
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
            errors = _file_errors(exc)
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
            **_header(framework, "survey", request),
            "form": form,
            "errors": errors,
            "labels": _column_labels(surveys.COLUMNS),
            "criteria": criteria,
            "table": table,
            "assessment_count": framework.assessments.count(),
        },
    )


# --- bonus and penalty --------------------------------------------------------------------


@login_required
def adjustments(request: HttpRequest, pk: int) -> HttpResponse:
    require_office(request.user)
    framework = _framework(pk)
    action = request.POST.get("thao_tac", "") if request.method == "POST" else ""
    form = AdjustmentForm(request.POST if action == "them" else None, framework=framework)
    url = reverse("parindex:adjustments", args=[framework.pk])
    if action == "them":
        if form.is_valid():
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
                        "kind": dict(form.fields["kind"].choices)[data["kind"]].lower(),
                        "points": format_number(data["points"], 3),
                        "a": data["assessment"].agency.name,
                    },
                )
                return redirect(url)
    elif action == "xoa":
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
        return redirect(url)
    elif request.method == "POST":
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
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
        {**_header(framework, "adjustments", request), "form": form, "items": items},
    )


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
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results table per group; the reform office computes and publishes here."""
    member(request)
    framework = _framework(pk)
    url = reverse("parindex:results", args=[framework.pk])
    if request.method == "POST":
        action = request.POST.get("thao_tac", "")
        if action not in {"tinh", "cong_bo"}:
            return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
        service = (
            result_services.results_compute if action == "tinh" else publication.results_publish
        )
        try:
            computed = service(actor=request.user, framework=framework)
        except ServiceError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                (_("Đã tính kết quả của %(n)d phiếu đánh giá.") if action == "tinh"
                 else _("Đã công bố kết quả của %(n)d cơ quan."))
                % {"n": len(computed)},
            )  # fmt: skip
        return redirect(url)
    if (response := _read_only(request)) is not None:
        return response
    rows = _visible_results(request, framework)
    state = _publication(framework)
    return render(
        request,
        "parindex/results.html",
        {
            **_header(framework, "results", request),
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


RESULT_HEADERS = [
    "Xếp hạng", "Cơ quan", "Điểm tự chấm", "Điểm thẩm định", "Điểm điều tra XHH", "Điểm thưởng",
    "Điểm trừ", "Tổng điểm", "Điểm tối đa", "Chỉ số (%)", "Xếp loại",
]  # fmt: skip


@login_required
def results_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The results table as Excel (`xlsx`) or as the annex of the publication decision
    (`docx`, Decree 30/2020 layout). Same rows as the results page."""
    member(request)
    if fmt not in {"xlsx", "docx"}:
        raise Http404
    if (response := _read_only(request)) is not None:
        return response
    framework = _framework(pk)
    rows = _visible_results(request, framework)
    name = f"ket-qua-{slugify(framework.code)}-{framework.year}"
    if fmt == "xlsx":
        # Exact values in the cells; Excel shows them to the framework's display decimals.
        places = framework.display_places
        shown = "0." + "0" * places if places else "0"
        return xlsx_response(
            filename=f"{name}.xlsx",
            title=subject(framework),
            subtitle=f"{framework.title} — năm đánh giá {framework.year}",
            headers=["Nhóm", "Xếp hạng", "Mã cơ quan", *RESULT_HEADERS[1:]],
            rows=[
                [
                    label,
                    r.rank,
                    r.assessment.agency.code,
                    r.assessment.agency.name,
                    r.self_total,
                    r.appraised_total,
                    r.survey_total,
                    r.bonus,
                    r.penalty,
                    r.total,
                    r.maximum,
                    r.index,
                    r.classification,
                ]
                for label, items in result_groups(rows)
                for r in items
            ],
            note=" ".join(notices(framework, rows)),
            number_formats=dict.fromkeys(range(4, 12), shown),
        )
    form = AnnexForm(request.GET)
    form.is_valid()  # what is missing or malformed is left out: a draft number, today
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
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="phu-luc-{name}.docx"'
    return response
