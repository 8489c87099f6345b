from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.formatting import ascii_slug, format_number
from cchc.core.views import call_service
from cchc.core.xlsx import xlsx_response
from cchc.operations import selectors, services
from cchc.operations.forms import ImportForm
from cchc.operations.imports import IMPORTERS
from cchc.operations.models import Channel, DossierStatus, ImportStatus
from cchc.operations.rollups import FINISHED, SELECTIONS
from cchc.organizations.models import Agency
from cchc.organizations.selectors import is_reform_office, membership_of, scope_for

DOSSIER_LIMIT_XLSX = 50_000


def _runs(request: HttpRequest):
    if membership_of(request.user) is None:
        raise Http404
    return selectors.import_runs(
        scope=scope_for(request.user), reform_office=is_reform_office(request.user)
    )


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    runs = _runs(request)
    form = None
    kinds = services.importable_kinds(request.user)
    if kinds:
        form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            run = call_service(
                form,
                services.import_create,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
            )
            if run:
                messages.info(request, _("Đã nhận tệp; hệ thống đang kiểm tra và nạp dữ liệu."))
                return redirect("operations:import_detail", pk=run.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Tài khoản của bạn không được nạp dữ liệu."))
    return render(
        request,
        "operations/import_list.html",
        {
            "form": form,
            "runs": runs[:50],
            "importers": IMPORTERS,
            "template_links": True,
            "office_only": [i.title.lower() for k, i in IMPORTERS.items() if k not in kinds],
        },
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    runs = _runs(request)
    run = runs.filter(pk=pk).first()
    if run is None:
        raise Http404
    template = (
        "operations/_import_status.html"
        if request.headers.get("HX-Request")
        else "operations/import_detail.html"
    )
    return render(
        request,
        template,
        {
            "run": run,
            "running": run.status in {ImportStatus.QUEUED, ImportStatus.RUNNING}
            or run.figures_pending is not None,
            "step": services.write_step(run),
            "same_file": selectors.same_file_before(run, runs),
        },
    )


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    if membership_of(request.user) is None:
        raise Http404
    scope = scope_for(request.user)
    agency_id = request.GET.get("co_quan")
    agency = None
    if agency_id and agency_id.isdigit():
        agency = Agency.objects.visible_to(scope).filter(pk=int(agency_id)).first()
        if agency is None:
            raise Http404
    selection = _dossier_selection(request)
    qs = selectors.dossiers(scope=scope, agency_id=agency.pk if agency else None, **selection)
    description = selectors.dossiers_description(**selection)
    if request.GET.get("xuat") == "xlsx":
        total = qs.count()
        rows = qs[:DOSSIER_LIMIT_XLSX]
        return xlsx_response(
            filename="ho-so.xlsx",
            title="Hồ sơ thủ tục hành chính",
            subtitle=f"{agency.name if agency else 'Tất cả cơ quan trong phạm vi'}: "
            f"{format_number(total, 0)} {description}",
            note=_over_limit(total) or "",
            headers=[
                "Mã hồ sơ",
                "Mã thủ tục",
                "Cơ quan",
                "Kênh",
                "Tiếp nhận",
                "Hẹn trả",
                "Kết thúc",
                "Trạng thái",
                "Đúng hạn",
                "Số hóa KQ",
                "Dữ liệu mô phỏng",
            ],
            rows=_dossier_rows(rows),
        )
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    return render(
        request,
        "operations/dossier_list.html",
        {
            "page": page,
            "agency": agency,
            "description": description,
            "synthetic": qs.filter(import_run__synthetic=True).exists(),
            "over_limit": _over_limit(page.paginator.count),
        },
    )


def _dossier_rows(dossiers) -> list[list]:
    """The Excel rows of `dossiers` (at most DOSSIER_LIMIT_XLSX): read as values, not model
    instances, with each label translated once — 50.000 rows took 13 s as instances, most of
    it building four objects a row and translating the same few labels 100.000 times."""
    channels = {c.value: str(c.label) for c in Channel}
    statuses = {s.value: str(s.label) for s in DossierStatus}
    on_time = {True: "Có", False: "Không", None: ""}
    fields = ("code", "procedure__code", "agency__name", "channel", "received_at", "due_at",
              "finished_at", "status", "finished_on_time", "result_digitized",
              "import_run__synthetic")  # fmt: skip
    return [
        [code, procedure, agency, channels.get(channel, channel), _fmt(received), _fmt(due),
         _fmt(end), statuses.get(status, status),
         "Không xác định được hạn" if punctual is None and end and status in FINISHED
         else on_time[punctual],
         "Có" if digitised else "Không", "Có" if synthetic else ""]
        for (code, procedure, agency, channel, received, due, end, status, punctual,
             digitised, synthetic) in dossiers.values_list(*fields)
    ]  # fmt: skip


def _over_limit(total: int) -> str | None:
    """What the Excel file leaves out when the list is longer than it can hold."""
    if total <= DOSSIER_LIMIT_XLSX:
        return None
    return (
        f"Tệp Excel chỉ gồm {format_number(DOSSIER_LIMIT_XLSX, 0)} hồ sơ đầu tiên của danh sách "
        f"(mới nhất trước) trong số {format_number(total, 0)}; hãy thu hẹp khoảng tháng hoặc "
        "chọn một cơ quan để tải đủ."
    )


def _dossier_selection(request: HttpRequest) -> dict:
    """The drill-down's query (`?nam=2022&tu_thang=4&den_thang=6&loc=finished_on_time
    &thanh_toan_tt=1`) as arguments of `selectors.dossiers`; what is not understood is left out."""

    def number(name: str, low: int, high: int) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and low <= int(value) <= high else None

    year = number("nam", 1900, 2999)
    first, last = number("tu_thang", 1, 12), number("den_thang", 1, 12)
    months = None
    if year is not None and (first or last):
        months = (first or 1, last or 12)
        if months[0] > months[1]:
            months = None
    counted = request.GET.get("loc")
    return {
        "year": year,
        "months": months,
        "counted": counted if counted in SELECTIONS else None,
        "online_payment_only": request.GET.get("thanh_toan_tt") == "1",
    }


def _fmt(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    from cchc.operations.imports.templates import template_csv, template_xlsx

    if membership_of(request.user) is None or kind not in IMPORTERS or fmt not in ("xlsx", "csv"):
        raise Http404
    content = template_xlsx(kind) if fmt == "xlsx" else template_csv(kind)
    response = HttpResponse(
        content,
        content_type="text/csv; charset=utf-8" if fmt == "csv" else
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )  # fmt: skip
    name = f"mau-{ascii_slug(IMPORTERS[kind].title)}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
