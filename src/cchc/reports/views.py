from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.core.formatting import ascii_slug
from cchc.core.uploads import KINDS
from cchc.core.users import AuthenticatedHttpRequest
from cchc.core.views import call_service
from cchc.core.xlsx import XLSX_TYPE
from cchc.inspections.models import Inspection
from cchc.organizations.access import get_visible_or_404, member, member_required, office_required
from cchc.organizations.models import Agency, AgencyLevel, Role
from cchc.organizations.selectors import (
    PROVINCE_WIDE_ROLES,
    province_of,
    scope_for,
)
from cchc.plans.selectors import year_asked, years_offered
from cchc.plans.tiers import reporting_levels, tiers_of_year
from cchc.reports import document_templates, inspection_conclusion, services
from cchc.reports.docx_builder import bundled_template
from cchc.reports.forms import NarrativeForm, TemplateUploadForm
from cchc.reports.models import DocumentKind, DocumentTemplate, PeriodicReport, ReportStatus
from cchc.reports.periods import periods_of_year, report_period

CONTENT_TYPES = {"docx": KINDS["docx"], "xlsx": XLSX_TYPE}


def _year(request: HttpRequest) -> int:
    return year_asked(request.GET.get("nam"), today=timezone.localdate())


def _reads_province(request: HttpRequest) -> bool:
    """The reform office and the leader follow every agency's reports; only the office
    writes (the province's report) — the leader reads."""
    return member(request).role in PROVINCE_WIDE_ROLES


def _reports_readable(request: HttpRequest):
    """Reports the user may open: those in scope; a leader, who reads and never writes,
    sees an agency's report once it is sent, not its draft."""
    reports = PeriodicReport.objects.visible_to(scope_for(request.user))
    if member(request).role == Role.LEADER:
        reports = reports.filter(status=ReportStatus.SUBMITTED)
    return reports


def _own_agency(request: HttpRequest) -> Agency | None:
    membership = member(request)
    if membership.role == Role.REFORM_OFFICE:
        return Agency.objects.filter(level=AgencyLevel.PROVINCE).first()
    if membership.role == Role.AGENCY_OFFICER:
        return membership.agency
    return None


@login_required
def report_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    member(request)
    year = _year(request)
    agency = _own_agency(request)
    mine = {}
    if agency is not None:
        mine = {
            (r.kind, r.number): r for r in PeriodicReport.objects.filter(agency=agency, year=year)
        }
    periods = [
        (p, mine.get((p.kind, p.number or 0)))
        for p in periods_of_year(year, cutoff_day=settings.REPORT_CUTOFF_DAY)
    ]
    tracker = []
    if _reads_province(request):
        reporting = Agency.objects.filter(level__in=reporting_levels(tiers_of_year(year)))
        for period, _report in periods:
            # The agencies running at the period's end report for it (after a reorganisation
            # the new units, not the ones they replaced).
            expected = reporting.active_on(period.end).count()
            submitted = (
                PeriodicReport.objects.filter(
                    kind=period.kind,
                    year=year,
                    number=period.number or 0,
                    status=ReportStatus.SUBMITTED,
                )
                .exclude(agency__level=AgencyLevel.PROVINCE)
                .count()
            )
            tracker.append((period, submitted, expected))
    return render(request, "reports/index.html", {
        "year": year, "agency": agency, "periods": periods, "tracker": tracker,
        "years": years_offered(year), "office": member(request).role == Role.REFORM_OFFICE,
    })  # fmt: skip


@login_required
@require_POST
def report_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _own_agency(request)
    if agency is None:
        raise PermissionDenied(_("Tài khoản của bạn không soạn báo cáo."))
    kind, year, number = (
        request.POST.get("ky", ""),
        request.POST.get("nam", ""),
        request.POST.get("so", ""),
    )
    try:
        report = services.report_open(
            actor=request.user, agency=agency, kind=kind, year=int(year),
            number=int(number) if number.isdigit() and int(number) else None,
        )  # fmt: skip
    except (ValueError, ValidationError) as exc:
        raise Http404 from exc
    return redirect("reports:report_detail", pk=report.pk)


def _visible_report(request: HttpRequest, pk: int) -> PeriodicReport:
    report = (
        _reports_readable(request)
        .select_related("agency__parent", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    editable = (
        services.may_write(request.user, report.agency) and report.status == ReportStatus.DRAFT
    )
    initial = {name: getattr(report, name) for name in services.NARRATIVE_FIELDS}
    form = NarrativeForm(request.POST or None, initial=initial, editing=report)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Bạn không sửa được báo cáo này."))
        action = request.POST.get("thao_tac", "luu")
        if form.is_valid() and call_service(form, services.report_update, actor=request.user,
                                            report=report, version=form.read_version(),
                                            **form.data_without_version()):  # fmt: skip
            if action == "tao" and call_service(
                form, services.report_generate, actor=request.user, report=report
            ):
                messages.success(request, _("Đã tạo tệp báo cáo (Word) và phụ lục (Excel)."))
                return redirect("reports:report_detail", pk=report.pk)
            if action == "gui" and call_service(
                form, services.report_submit, actor=request.user, report=report
            ):
                messages.success(request, _("Đã gửi báo cáo."))
                return redirect("reports:report_detail", pk=report.pk)
            if action == "luu":
                messages.success(request, _("Đã lưu nội dung."))
                return redirect("reports:report_detail", pk=report.pk)
    return render(
        request, "reports/detail.html", {"report": report, "form": form, "editable": editable}
    )


@login_required
def report_download(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> FileResponse:
    report = _visible_report(request, pk)
    path = {"docx": report.docx_path, "xlsx": report.xlsx_path}.get(fmt)
    if not path or not default_storage.exists(path):
        raise Http404
    name = ascii_slug(f"{report.period.title} {report.agency.name}")
    name += ".docx" if fmt == "docx" else "-phu-luc.xlsx"
    return FileResponse(default_storage.open(path, "rb"), as_attachment=True, filename=name,
                        content_type=CONTENT_TYPES[fmt])  # fmt: skip


@login_required
def report_tracker(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _reads_province(request):
        raise PermissionDenied(_("Chỉ Văn phòng CCHC và lãnh đạo tỉnh theo dõi việc gửi báo cáo."))
    try:
        number = request.GET.get("so", "")
        period = report_period(request.GET.get("ky", ""), int(request.GET.get("nam", "")),
                               int(number) if number.isdigit() and int(number) else None,
                               cutoff_day=settings.REPORT_CUTOFF_DAY)  # fmt: skip
    except ValueError as exc:
        raise Http404 from exc
    reports = {r.agency_id: r for r in _reports_readable(request).filter(
        kind=period.kind, year=period.year, number=period.number or 0)}  # fmt: skip
    levels = reporting_levels(tiers_of_year(period.year))
    # Departments first, then the UBND below the province (district, or commune from 2026).
    agencies = sorted(
        Agency.objects.filter(level__in=levels).active_on(period.end),
        key=lambda a: (levels.index(a.level), a.code),
    )
    rows = [(a, reports.get(a.pk)) for a in agencies]
    return render(request, "reports/tracker.html", {
        "period": period, "rows": rows, "sees_drafts": member(request).role != Role.LEADER,
    })  # fmt: skip


# --- Word templates (mẫu văn bản): the reform office's own versions ---------------------------


def _office_province(request: HttpRequest) -> Agency:
    province = province_of(member(request).agency)
    if province is None:
        raise Http404
    return province


def _kind(kind: str) -> DocumentKind:
    try:
        return DocumentKind(kind)
    except ValueError as exc:
        raise Http404 from exc


def _template_page(request: HttpRequest, forms_by_kind: dict | None = None) -> HttpResponse:
    province = _office_province(request)
    versions = DocumentTemplate.objects.filter(province=province).select_related("uploaded_by")
    kinds = []
    for kind in DocumentKind:
        own = [v for v in versions if v.kind == kind]
        kinds.append({
            "kind": kind, "label": kind.label, "active": next((v for v in own if v.active), None),
            "versions": own, "form": (forms_by_kind or {}).get(kind) or TemplateUploadForm(
                prefix=kind.value),
        })  # fmt: skip
    status = 400 if forms_by_kind else 200
    return render(request, "reports/templates.html", {"kinds": kinds, "province_name": province.name.split("(")[0].strip()},
                  status=status)  # fmt: skip


@office_required(_("thay mẫu văn bản"))
def template_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _template_page(request)


@office_required(_("thay mẫu văn bản"))
def template_download(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """The template in use (`?goc=1`: the bundled one), to edit in Word."""
    kind = _kind(kind)
    province = _office_province(request)
    active = None if request.GET.get("goc") else document_templates.active_template(kind, province)
    content = bytes(active.content) if active else bundled_template(kind)
    suffix = f"-phien-ban-{active.version}" if active else ""
    response = HttpResponse(content, content_type=CONTENT_TYPES["docx"])
    response["Content-Disposition"] = f'attachment; filename="mau-{kind.value}{suffix}.docx"'
    return response


@office_required(_("thay mẫu văn bản"))
@require_POST
def template_upload(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    form = TemplateUploadForm(request.POST, request.FILES, prefix=kind.value)
    if form.is_valid():
        upload = form.cleaned_data["tep"]
        saved = call_service(
            form, document_templates.template_upload, actor=request.user, kind=kind,
            province=_office_province(request), file_name=upload.name, content=upload.read(),
        )  # fmt: skip
        if saved:
            messages.success(
                request,
                _("Đã nhận mẫu “%(kind)s”, phiên bản %(version)d: văn bản tạo từ nay dùng mẫu này.")
                % {"kind": kind.label, "version": saved.version},
            )
            return redirect("reports:template_index")
    return _template_page(request, {kind: form})


@office_required(_("thay mẫu văn bản"))
@require_POST
def template_revert(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    kind = _kind(kind)
    document_templates.template_revert(
        actor=request.user, kind=kind, province=_office_province(request)
    )
    messages.success(
        request, _("Mẫu “%(kind)s” trở về mẫu kèm theo hệ thống.") % {"kind": kind.label}
    )
    return redirect("reports:template_index")


@member_required
def inspection_conclusion_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An inspection's conclusion as a Word document, for whoever may read the inspection
    (an agency officer: their own agency's only; another agency's is a 404). Reached from
    the inspection's line on the Kiểm tra page, where a refusal of the template goes back."""
    inspection = get_visible_or_404(
        Inspection.objects.select_related("agency__parent", "import_run"),
        scope_for(request.user),
        pk=pk,
    )
    try:
        content = inspection_conclusion.conclusion_docx(inspection)
    except ValueError as exc:  # the province's template fails on this inspection's data
        messages.error(request, str(exc))
        return redirect(f"{reverse('inspections:page')}?nam={inspection.inspected_on.year}")
    response = HttpResponse(content, content_type=CONTENT_TYPES["docx"])
    name = inspection_conclusion.file_name(inspection)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
