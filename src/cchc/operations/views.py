from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.formatting import ascii_slug, format_number
from cchc.core.keyset import Cursor, KeysetPage, bounded_count, keyset_page
from cchc.core.users import AuthenticatedHttpRequest
from cchc.core.views import call_service
from cchc.core.xlsx import xlsx_response
from cchc.operations import selectors, services
from cchc.operations.forms import DossierSearchForm, ImportForm
from cchc.operations.imports import IMPORTERS
from cchc.operations.models import Channel, DossierStatus, ImportRun, ImportStatus
from cchc.operations.rollups import FINISHED
from cchc.organizations.access import get_visible_or_404, member
from cchc.organizations.models import Agency
from cchc.organizations.selectors import agency_tree, is_reform_office, scope_for

DOSSIER_LIMIT_XLSX = 50_000
DOSSIER_PAGE_SIZE = 50
# Counting stops here: past it the list says "hơn 10.000 hồ sơ" instead of counting ten
# million rows on every page (counting up to 50.000 cost a district's officer 64 ms a page
# against 10 ms on 10M dossiers: docs/benchmarks.md).
DOSSIER_COUNT_LIMIT = 10_000


def _runs(request: HttpRequest):
    member(request)
    return selectors.import_runs(
        scope=scope_for(request.user), reform_office=is_reform_office(request.user)
    )


@login_required
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
            "silence": services.silence(run),
            "same_file": selectors.same_file_before(run, runs),
            # Another run's figures still owed: "đã được tính lại" would not be the whole truth.
            "figures_pending": run.status == ImportStatus.DONE and selectors.figures_pending(),
        },
    )


@login_required
def dossier_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    member(request)
    scope = scope_for(request.user)
    agency = _agency_asked(request, scope)
    form = DossierSearchForm(request.GET, agencies=agency_tree(scope=scope))
    kept = form.kept()
    # Clearing the search keeps the list a number opened (its agency and selection).
    clear = [*kept, *([("co_quan", agency.pk)] if kept and agency else [])]
    context = {"form": form, "kept": kept, "agency": agency, "clear_url": f"?{urlencode(clear)}"}
    if not form.is_valid():
        return render(request, "operations/dossier_list.html", context)
    selection = form.selection()
    search = form.search()
    qs = selectors.dossiers(
        scope=scope, agency_id=agency.pk if agency else None, search=search, **selection
    )
    description = selectors.dossiers_description(search=search, **selection)
    if request.GET.get("xuat") == "xlsx":
        return _dossier_xlsx(qs, agency, description)
    paging_error = None
    try:
        page = keyset_page(qs, by=selectors.dossier_order(selection["counted"]),
                           size=DOSSIER_PAGE_SIZE, **_paging(request))  # fmt: skip
    except ValueError:
        paging_error = _("Liên kết phân trang không hợp lệ; danh sách được mở lại từ trang đầu.")
        page = keyset_page(qs, by=selectors.dossier_order(selection["counted"]),
                           size=DOSSIER_PAGE_SIZE)  # fmt: skip
    count, more = bounded_count(qs, DOSSIER_COUNT_LIMIT)
    runs = {d.import_run_id for d in page}
    return render(
        request,
        "operations/dossier_list.html",
        {
            **context,
            "searched": not search.empty,
            "page": page,
            "links": _page_links(request, page),
            "export_url": _query(request, xuat="xlsx"),
            "paging_error": paging_error,
            "count": count,
            "more": more,
            "description": description,
            "synthetic": ImportRun.objects.filter(pk__in=runs, synthetic=True).exists(),
            "over_limit": _over_limit(count, more=more),
        },
    )


def _agency_asked(request: HttpRequest, scope) -> Agency | None:
    """The agency of `?co_quan=`: outside the user's scope it answers 404, like a missing one
    (a value that is not a number is the form's to refuse)."""
    agency_id = request.GET.get("co_quan", "")
    if not agency_id.isdigit():
        return None
    agency = get_visible_or_404(Agency.objects, scope, pk=int(agency_id))
    return agency


PAGING = ("sau", "truoc", "trang", "xuat")


def _paging(request: HttpRequest) -> dict:
    """Which page `?sau=` (older than a row), `?truoc=` (newer than a row) or `?trang=cuoi`
    asks for; ValueError for a cursor that no page wrote."""
    if older := request.GET.get("sau"):
        return {"older_than": Cursor.parse(older)}
    if newer := request.GET.get("truoc"):
        return {"newer_than": Cursor.parse(newer)}
    return {"last": request.GET.get("trang") == "cuoi"}


def _query(request: HttpRequest, **params) -> str:
    """The current search with the page's own parameters replaced by `params`."""
    query = request.GET.copy()
    for name in PAGING:
        query.pop(name, None)
    query.update(params)
    return f"?{query.urlencode()}"


def _page_links(request: HttpRequest, page: KeysetPage) -> dict[str, str]:
    links: dict[str, str] = {}
    if page.has_newer:
        links.update(first=_query(request), newer=_query(request, truoc=page.newer_cursor))
    if page.has_older:
        links.update(older=_query(request, sau=page.older_cursor),
                     last=_query(request, trang="cuoi"))  # fmt: skip
    return links


def _dossier_xlsx(qs, agency: Agency | None, description: str) -> HttpResponse:
    total = qs.count()
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
        rows=_dossier_rows(qs[:DOSSIER_LIMIT_XLSX]),
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


def _over_limit(total: int, *, more: bool = False) -> str | None:
    """What the Excel file leaves out when the list is longer than it can hold; `more`: the
    list holds more than `total`, where counting stopped."""
    limit = format_number(DOSSIER_LIMIT_XLSX, 0)
    if more and total < DOSSIER_LIMIT_XLSX:  # counting stopped short of the file's limit
        return (
            f"Tệp Excel chỉ gồm tối đa {limit} hồ sơ đầu tiên của danh sách (mới nhất trước); "
            "nếu danh sách dài hơn, hãy thu hẹp điều kiện tìm kiếm hoặc chọn một cơ quan để "
            "tải đủ."
        )
    if total < DOSSIER_LIMIT_XLSX or (total == DOSSIER_LIMIT_XLSX and not more):
        return None
    return (
        f"Tệp Excel chỉ gồm {limit} hồ sơ đầu tiên của danh sách (mới nhất trước) trong số "
        f"{'hơn ' if more else ''}{format_number(total, 0)}; hãy thu hẹp điều kiện tìm kiếm "
        "hoặc chọn một cơ quan để tải đủ."
    )


def _fmt(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


@login_required
def import_template(request: AuthenticatedHttpRequest, kind: str, fmt: str) -> HttpResponse:
    from cchc.operations.imports.templates import template_csv, template_xlsx

    member(request)
    if kind not in IMPORTERS or fmt not in ("xlsx", "csv"):
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
