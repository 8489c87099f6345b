from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.views import call_service
from cchc.organizations import services
from cchc.organizations.access import require_office
from cchc.organizations.forms import (
    AgencyCreateForm,
    AgencyEndForm,
    AgencyRenameForm,
    AgencyTreeForm,
    MembershipMoveForm,
    SuccessionCorrectForm,
    SuccessionForm,
)
from cchc.organizations.models import Agency, AgencyLevel, AgencySuccession, Membership
from cchc.organizations.selectors import (
    agency_detail as select_agency_detail,
)
from cchc.organizations.selectors import (
    agency_tree,
    scope_for,
)


def get_visible_agency(request: HttpRequest, pk: int) -> Agency:
    """The agency `pk` if the user may see it; 404 otherwise — never 403, so that a
    user cannot tell another agency's page from a missing one."""
    try:
        return select_agency_detail(scope=scope_for(request.user), pk=pk)
    except Agency.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    """The tree as it stood on a chosen day (today by default), or every agency ever."""
    today = timezone.localdate()
    form = AgencyTreeForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    show_all = bool(data.get("tat_ca"))
    day = data.get("ngay") or today
    agencies = agency_tree(scope=scope_for(request.user), on=None if show_all else day)
    query = " ".join((data.get("q") or "").split())
    if query:
        needle = query.casefold()
        agencies = [
            a for a in agencies
            if needle in a.name.casefold() or needle in a.code.casefold()
            or needle in a.other_names.casefold()
        ]  # fmt: skip
    counts = {level: 0 for level in AgencyLevel.values}
    for agency in agencies:
        counts[agency.level] += 1
    return render(
        request,
        "organizations/agency_list.html",
        {
            "form": form,
            "agencies": agencies,
            "counts": [(AgencyLevel(k).label, v) for k, v in counts.items()],
            "query": query,
            "show_all": show_all,
            "day": day,
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
            "links": _links_of(agency),
        },
    )


@login_required
def agency_create(request: HttpRequest) -> HttpResponse:
    require_office(request.user, _("thực hiện thao tác này"))
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
    require_office(request.user, _("thực hiện thao tác này"))
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
    require_office(request.user, _("thực hiện thao tác này"))
    form = AgencyEndForm(
        request.POST or None, initial={"valid_to": timezone.localdate()}, editing=agency
    )
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
    require_office(request.user, _("thực hiện thao tác này"))
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


def _links_of(agency: Agency) -> dict:
    """The agency's place in the reorganisations: whom it succeeded, who succeeded it, each
    successor's share of its records when there are several, and each link's history."""
    before = list(agency.predecessions.all())
    after = list(agency.successions.all())
    total = sum(link.weight for link in after)
    for link in after:
        # Shown beside the link by the template: an attribute of the page's, not of the model.
        link.share_percent = round(100 * link.weight / total) if len(after) > 1 else None  # type: ignore[attr-defined]
    return {"before": before, "after": after}


@login_required
def succession_correct(request: HttpRequest, pk: int) -> HttpResponse:
    require_office(request.user, _("thực hiện thao tác này"))
    link = get_object_or_404(
        AgencySuccession.objects.select_related("predecessor", "successor"), pk=pk
    )
    initial = {
        "effective_on": link.effective_on, "kind": link.kind, "weight": link.weight,
        "legal_basis": link.legal_basis, "certainty": link.certainty, "note": link.note,
    }  # fmt: skip
    form = SuccessionCorrectForm(request.POST or None, initial=initial, editing=link)
    if request.method == "POST" and form.is_valid():
        data = form.data_without_version()
        if call_service(
            form, services.succession_correct, actor=request.user, link=link,
            version=form.read_version(), **data,
        ):  # fmt: skip
            messages.success(request, _("Đã điều chỉnh việc kế thừa."))
            return redirect("organizations:agency_detail", pk=link.predecessor_id)
    return render(
        request,
        "organizations/agency_form.html",
        {
            "form": form,
            "agency": link.predecessor,
            "title": _("Điều chỉnh: %(link)s") % {"link": link},
            "intro": _("Nguồn: %(source)s. Mọi điều chỉnh được ghi vào lịch sử cùng lý do.")
            % {"source": link.source_url or link.legal_basis or _("không ghi")},
            "history": link.history.select_related("history_user")[:10],
        },
    )


@login_required
def membership_move(request: HttpRequest, pk: int) -> HttpResponse:
    require_office(request.user, _("thực hiện thao tác này"))
    membership = get_object_or_404(Membership.objects.select_related("user", "agency"), pk=pk)
    form = MembershipMoveForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.membership_move, actor=request.user, membership=membership,
        agency=form.cleaned_data["agency"], reason=form.cleaned_data["reason"],
    ):  # fmt: skip
        messages.success(request, _("Đã chuyển tài khoản."))
        return redirect("organizations:agency_detail", pk=form.cleaned_data["agency"].pk)
    return render(
        request,
        "organizations/agency_form.html",
        {
            "form": form,
            "agency": membership.agency,
            "title": _("Chuyển tài khoản %(user)s")
            % {"user": membership.user.get_full_name() or membership.user.get_username()},
            "intro": _(
                "Tài khoản không bị xóa: lịch sử của nó ở “%(old)s” được giữ nguyên, việc "
                "chuyển và lý do được ghi lại."
            )
            % {"old": membership.agency},
        },
    )
