from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.views import call_service
from cchc.organizations import services
from cchc.organizations.forms import (
    AgencyCreateForm,
    AgencyEndForm,
    AgencyRenameForm,
    SuccessionForm,
)
from cchc.organizations.models import Agency, AgencyLevel
from cchc.organizations.selectors import (
    agency_detail as select_agency_detail,
)
from cchc.organizations.selectors import (
    agency_tree,
    is_reform_office,
    scope_for,
)


def get_visible_agency(request: HttpRequest, pk: int) -> Agency:
    """The agency `pk` if the user may see it; 404 otherwise — never 403, so that a
    user cannot tell another agency's page from a missing one."""
    try:
        return select_agency_detail(scope=scope_for(request.user), pk=pk)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc


def _require_reform_office(request: HttpRequest) -> None:
    if not is_reform_office(request.user):
        raise PermissionDenied(_("Chỉ Văn phòng CCHC (Sở Nội vụ) được thực hiện thao tác này."))


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("tat_ca") == "1"
    today = timezone.localdate()
    agencies = agency_tree(scope=scope_for(request.user), on=None if show_all else today)
    query = " ".join(request.GET.get("q", "").split())
    if query:
        needle = query.casefold()
        agencies = [a for a in agencies if needle in a.name.casefold() or needle in a.code]
    counts = {level: 0 for level in AgencyLevel.values}
    for agency in agencies:
        counts[agency.level] += 1
    return render(
        request,
        "organizations/agency_list.html",
        {
            "agencies": agencies,
            "counts": [(AgencyLevel(k).label, v) for k, v in counts.items()],
            "query": query,
            "show_all": show_all,
            "today": today,
        },
    )


@login_required
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_visible_agency(request, pk)
    scope = scope_for(request.user)
    return render(
        request,
        "organizations/agency_detail.html",
        {
            "agency": agency,
            "visible_ids": scope.agency_ids,
            "is_active": agency.is_active_on(timezone.localdate()),
            "history": agency.history.select_related("history_user")[:20],
        },
    )


@login_required
def agency_create(request: HttpRequest) -> HttpResponse:
    _require_reform_office(request)
    form = AgencyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form, services.agency_create, actor=request.user, **form.cleaned_data
        )
        if created:
            messages.success(request, _("Đã thêm “%(name)s”.") % {"name": created.name})
            return redirect("organizations:agency_detail", pk=created.pk)
    return render(
        request,
        "organizations/agency_form.html",
        {"form": form, "title": _("Thêm cơ quan, đơn vị")},
    )


@login_required
def agency_rename(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_visible_agency(request, pk)
    _require_reform_office(request)
    form = AgencyRenameForm(request.POST or None, initial={"name": agency.name}, editing=agency)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            services.agency_rename,
            actor=request.user,
            agency=agency,
            name=form.cleaned_data["name"],
            version=form.read_version(),
        )
    ):
        messages.success(request, _("Đã đổi tên."))
        return redirect("organizations:agency_detail", pk=agency.pk)
    return render(
        request,
        "organizations/agency_form.html",
        {"form": form, "title": _("Đổi tên: %(name)s") % {"name": agency.name}, "agency": agency},
    )


@login_required
def agency_end(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_visible_agency(request, pk)
    _require_reform_office(request)
    form = AgencyEndForm(request.POST or None, initial={"valid_to": date.today()}, editing=agency)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            services.agency_end,
            actor=request.user,
            agency=agency,
            valid_to=form.cleaned_data["valid_to"],
            version=form.read_version(),
        )
    ):
        messages.success(request, _("Đã ghi nhận ngày kết thúc hoạt động."))
        return redirect("organizations:agency_detail", pk=agency.pk)
    return render(
        request,
        "organizations/agency_form.html",
        {
            "form": form,
            "title": _("Kết thúc hoạt động: %(name)s") % {"name": agency.name},
            "agency": agency,
        },
    )


@login_required
def agency_succession(request: HttpRequest) -> HttpResponse:
    _require_reform_office(request)
    form = SuccessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            services.agency_record_succession,
            actor=request.user,
            predecessors=list(data["predecessors"]),
            successors=list(data["successors"]),
            effective_on=data["effective_on"],
            legal_basis=data["legal_basis"],
        ):
            messages.success(request, _("Đã ghi nhận việc kế thừa."))
            return redirect("organizations:agency_list")
    return render(
        request,
        "organizations/agency_form.html",
        {
            "form": form,
            "title": _("Ghi nhận sáp nhập, chia tách, kế thừa"),
            "intro": _(
                "Các cơ quan cũ kết thúc hoạt động vào ngày trước ngày hiệu lực; dữ liệu và "
                "lịch sử của chúng được giữ nguyên."
            ),
        },
    )
