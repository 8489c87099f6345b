from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.formatting import format_number
from cchc.core.users import AuthenticatedHttpRequest
from cchc.core.views import call_service
from cchc.national import selectors, services
from cchc.national.forms import ThresholdForm, UploadForm
from cchc.operations import services as import_services
from cchc.operations.models import ImportKind
from cchc.organizations.access import DataKind, get_visible_or_404, may_write, member, refusal
from cchc.organizations.models import Agency
from cchc.organizations.selectors import scope_for


def _agency(request: HttpRequest, scope) -> Agency | None:
    """The one agency asked for (`?co_quan=`): outside the scope, the same 404 as a missing one."""
    asked = request.GET.get("co_quan")
    if not asked:
        return None
    if not asked.isdigit():
        raise Http404
    return get_visible_or_404(Agency.objects, scope, pk=int(asked))


def _month(request: HttpRequest, published: list[date]) -> date:
    """The month asked for (`?nam=&thang=`), else the latest with a published figure, else
    this month."""
    year, month = request.GET.get("nam", ""), request.GET.get("thang", "")
    if year.isdigit() and month.isdigit() and 2000 <= int(year) <= 2100 and 1 <= int(month) <= 12:
        return date(int(year), int(month), 1)
    return published[0] if published else timezone.localdate().replace(day=1)


def signed(value) -> str:
    """A difference in percentage points as read aloud: "+3,25", "−1,5", "0"."""
    if value is None:
        return "—"
    text = format_number(abs(value), 2)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def _page(
    request: HttpRequest,
    *,
    threshold_form: ThresholdForm | None = None,
    upload_form: UploadForm | None = None,
) -> HttpResponse:
    """The comparison page for the month and agency of the query string, with the form
    refused if any."""
    scope = scope_for(request.user)
    agency = _agency(request, scope)
    setting = selectors.threshold_setting()
    if threshold_form is None:
        editing = setting if setting.pk else None
        threshold_form = ThresholdForm(initial={"threshold": setting.threshold}, editing=editing)
    published = selectors.published_months(scope)
    month = _month(request, published)
    blocks = selectors.comparison(
        scope=scope, month=month, threshold=setting.threshold,
        agency_id=agency.pk if agency else None,
    )  # fmt: skip
    for block in blocks:
        for row in block.rows:
            row.difference_text = signed(row.difference)
    years = sorted({m.year for m in published} | {month.year}, reverse=True)
    return render(
        request,
        "national/comparison.html",
        {
            "blocks": blocks,
            "month": month,
            "years": years,
            "months": range(1, 13),
            "published": published[:12],
            "agency": agency,
            "office": may_write(request.user, DataKind.NATIONAL_FIGURES),
            "setting": setting,
            "threshold_form": threshold_form,
            "upload_form": upload_form or UploadForm(),
            "flagged": sum(b.flagged for b in blocks),
            "synthetic": any(r.synthetic for b in blocks for r in b.rows),
            "template_kind": ImportKind.NATIONAL_766.value,
        },
    )


def _office_post(request: HttpRequest) -> HttpResponse | None:
    """An action of the reform office: a POST (405 otherwise) by the office (403 otherwise)."""
    member(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not may_write(request.user, DataKind.NATIONAL_FIGURES):
        raise PermissionDenied(refusal(DataKind.NATIONAL_FIGURES))
    return None


@login_required
def comparison_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Our figures beside the published Decision 766 figures (every role reads its own
    scope's rows; the reform office's forms post to `upload` and `threshold_set`)."""
    member(request)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    return _page(request)


@login_required
def threshold_set(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The threshold above which a difference is flagged; back to the page as it was asked
    (month, agency)."""
    if (response := _office_post(request)) is not None:
        return response
    setting = selectors.threshold_setting()
    form = ThresholdForm(request.POST, editing=setting if setting.pk else None)
    if form.is_valid() and call_service(
        form, services.threshold_set, actor=request.user,
        threshold=form.cleaned_data["threshold"], version=form.read_version(),
    ):  # fmt: skip
        messages.success(request, _("Đã lưu ngưỡng chênh lệch."))
        query = request.GET.urlencode()
        return redirect(reverse("national:comparison") + (f"?{query}" if query else ""))
    return _page(request, threshold_form=form)


@login_required
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A file of the published figures, loaded as an import run (the run's page follows it)."""
    if (response := _office_post(request)) is not None:
        return response
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        file = form.cleaned_data["file"]
        run = call_service(
            form, import_services.import_create, actor=request.user,
            kind=ImportKind.NATIONAL_766, file_name=file.name, content=file.read(),
        )  # fmt: skip
        if run:
            messages.info(request, _("Đã nhận tệp; hệ thống đang kiểm tra và nạp dữ liệu."))
            return redirect("operations:import_detail", pk=run.pk)
    return _page(request, upload_form=form)
