from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.core.views import call_service
from cchc.organizations.models import Agency, AgencyLevel
from cchc.organizations.selectors import is_reform_office, membership_of, scope_for
from cchc.plans import selectors, services
from cchc.plans.forms import PlanCreateForm, PlanForm, TargetForm, TaskForm
from cchc.plans.models import Plan, Target, Task
from cchc.plans.services import PLAN_FIELDS


def _member_required(request: HttpRequest) -> None:
    """Plans are the province's published documents: anyone with a role reads them;
    an account without a role (not yet assigned to an agency) sees nothing."""
    if membership_of(request.user) is None:
        raise Http404


def _reform_office_required(request: HttpRequest) -> None:
    if not is_reform_office(request.user):
        raise PermissionDenied(_("Chỉ Văn phòng CCHC (Sở Nội vụ) được thay đổi kế hoạch."))


def _get(getter, **kwargs):
    try:
        return getter(**kwargs)
    except (Plan.DoesNotExist, Target.DoesNotExist, Task.DoesNotExist) as exc:
        raise Http404 from exc


@login_required
def home(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    plan_id = selectors.current_plan_id(today=timezone.localdate()) if membership else None
    plan = None
    context: dict = {"plan": None}
    if plan_id is not None:
        plan = _get(selectors.plan_detail, pk=plan_id)
        context.update(
            plan=plan,
            target_groups=selectors.target_groups(plan),
            areas=selectors.tasks_by_area(plan),
        )
    if membership is not None:
        agency = membership.agency
        communes = []
        if agency.level == AgencyLevel.DISTRICT and scope_for(request.user).contains(agency.pk):
            communes = list(Agency.objects.filter(parent=agency).order_by("code"))
        led, coordinated = selectors.agency_tasks(plan=plan, agency=agency) if plan else ([], [])
        context.update(
            agency=agency, communes=communes, led_tasks=led, coordinated_tasks=coordinated
        )
    return render(request, "plans/home.html", context)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    _member_required(request)
    return render(request, "plans/plan_list.html", {"plans": selectors.plan_list()})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    plan = _get(selectors.plan_detail, pk=pk)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "target_groups": selectors.target_groups(plan),
            "areas": selectors.tasks_by_area(plan),
        },
    )


def _province_of(request: HttpRequest) -> Agency:
    agency = membership_of(request.user).agency
    while agency.parent_id is not None:
        agency = agency.parent
    return agency


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    _reform_office_required(request)
    latest = selectors.plan_list().first()
    initial = {"year": latest.year + 1} if latest else {}
    if latest:
        initial.update(issuer=latest.issuer, place=latest.place, copy_targets_from=latest.pk)
    form = PlanCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = call_service(
            form,
            services.plan_create,
            actor=request.user,
            province=_province_of(request),
            copy_targets_from=data.pop("copy_targets_from"),
            **data,
        )
        if plan:
            messages.success(request, _("Đã tạo kế hoạch năm %(year)s.") % {"year": plan.year})
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": _("Tạo kế hoạch CCHC")})


@login_required
def plan_update(request: HttpRequest, pk: int) -> HttpResponse:
    _reform_office_required(request)
    plan = _get(selectors.plan_detail, pk=pk)
    initial = {name: getattr(plan, name) for name in PLAN_FIELDS}
    form = PlanForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form, services.plan_update, actor=request.user, plan=plan, **form.cleaned_data
        )
    ):
        messages.success(request, _("Đã lưu kế hoạch."))
        return redirect("plans:plan_detail", pk=plan.pk)
    return render(
        request, "plans/form.html", {"form": form, "plan": plan, "title": _("Sửa kế hoạch")}
    )


def _target_form_page(request: HttpRequest, plan: Plan, target: Target | None) -> HttpResponse:
    initial = TargetForm.initial_for(target) if target else {}
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.target_save,
            actor=request.user,
            plan=plan,
            target=target,
            thresholds=form.thresholds(),
            **form.target_fields(),
        )
        if saved:
            messages.success(request, _("Đã lưu chỉ tiêu %(label)s.") % {"label": saved.label})
            return redirect("plans:plan_detail", pk=plan.pk)
    title = _("Sửa chỉ tiêu %(label)s") % {"label": target.label} if target else _("Thêm chỉ tiêu")
    delete_url = reverse("plans:target_delete", args=[target.pk]) if target else None
    return render(
        request,
        "plans/target_form.html",
        {"form": form, "plan": plan, "title": title, "delete_url": delete_url},
    )


@login_required
def target_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    _reform_office_required(request)
    return _target_form_page(request, _get(selectors.plan_detail, pk=plan_pk), None)


@login_required
def target_update(request: HttpRequest, pk: int) -> HttpResponse:
    _reform_office_required(request)
    target = _get(selectors.target_detail, pk=pk)
    return _target_form_page(request, target.plan, target)


@login_required
@require_POST
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _reform_office_required(request)
    target = _get(selectors.target_detail, pk=pk)
    services.target_delete(actor=request.user, target=target)
    messages.success(request, _("Đã xóa chỉ tiêu %(label)s.") % {"label": target.label})
    return redirect("plans:plan_detail", pk=target.plan_id)


def plan_url(plan: Plan) -> str:
    return reverse("plans:plan_detail", kwargs={"pk": plan.pk})


def _task_form_page(request: HttpRequest, plan: Plan, task: Task | None) -> HttpResponse:
    initial = {}
    if task is not None:
        initial = {
            "area": task.area_id,
            "text": task.text,
            "output": task.output,
            "deadline": task.deadline,
            "lead_agency": task.lead_agency_id,
            "coordinating_agencies": [a.pk for a in task.coordinating_agencies.all()],
        }
    form = TaskForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.task_save,
            actor=request.user,
            plan=plan,
            task=task,
            **form.cleaned_data,
        )
        if saved:
            messages.success(request, _("Đã lưu nhiệm vụ."))
            return redirect(f"{plan_url(plan)}#nhiem-vu")
    title = _("Sửa nhiệm vụ") if task else _("Thêm nhiệm vụ")
    delete_url = reverse("plans:task_delete", args=[task.pk]) if task else None
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": plan, "title": title, "delete_url": delete_url},
    )


@login_required
def task_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    _reform_office_required(request)
    return _task_form_page(request, _get(selectors.plan_detail, pk=plan_pk), None)


@login_required
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    _reform_office_required(request)
    task = _get(selectors.task_detail, pk=pk)
    return _task_form_page(request, task.plan, task)


@login_required
@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _reform_office_required(request)
    task = _get(selectors.task_detail, pk=pk)
    services.task_delete(actor=request.user, task=task)
    messages.success(request, _("Đã xóa nhiệm vụ."))
    return redirect(f"{plan_url(task.plan)}#nhiem-vu")
