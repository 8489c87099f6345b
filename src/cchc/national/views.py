from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.formatting import format_number
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


@login_required
def comparison_page(request: HttpRequest) -> HttpResponse:
    """Our figures beside the published Decision 766 figures (the reform office loads them and
    sets the threshold here; every role reads its own scope's rows)."""
    member(request)
    scope = scope_for(request.user)
    agency = _agency(request, scope)
    office = may_write(request.user, DataKind.NATIONAL_FIGURES)
    setting = selectors.threshold_setting()
    editing = setting if setting.pk else None
    threshold_form = ThresholdForm(initial={"threshold": setting.threshold}, editing=editing)
    upload_form = UploadForm()
    if request.method == "POST":
        if not office:
            raise PermissionDenied(refusal(DataKind.NATIONAL_FIGURES))
        action = request.POST.get("thao_tac")
        if action == "nguong":
            threshold_form = ThresholdForm(request.POST, editing=editing)
            if threshold_form.is_valid() and call_service(
                threshold_form, services.threshold_set, actor=request.user,
                threshold=threshold_form.cleaned_data["threshold"],
                version=threshold_form.read_version(),
            ):  # fmt: skip
                messages.success(request, _("Đã lưu ngưỡng chênh lệch."))
                return redirect(request.get_full_path())
        elif action == "nap":
            upload_form = UploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                upload = upload_form.cleaned_data["file"]
                run = call_service(
                    upload_form, import_services.import_create, actor=request.user,
                    kind=ImportKind.NATIONAL_766, file_name=upload.name, content=upload.read(),
                )  # fmt: skip
                if run:
                    messages.info(request, _("Đã nhận tệp; hệ thống đang kiểm tra và nạp dữ liệu."))
                    return redirect("operations:import_detail", pk=run.pk)
        else:
            raise Http404
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
            "office": office,
            "setting": setting,
            "threshold_form": threshold_form,
            "upload_form": upload_form,
            "flagged": sum(b.flagged for b in blocks),
            "synthetic": any(r.synthetic for b in blocks for r in b.rows),
            "template_kind": ImportKind.NATIONAL_766.value,
        },
    )
