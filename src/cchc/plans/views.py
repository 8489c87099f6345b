from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cchc.core.formatting import format_date
from cchc.core.uploads import stored_download
from cchc.core.users import AuthenticatedHttpRequest
from cchc.core.views import call_service
from cchc.core.xlsx import xlsx_response
from cchc.organizations.access import get_visible_or_404, member, require_office
from cchc.organizations.models import Agency, AgencyLevel
from cchc.organizations.selectors import is_reform_office, membership_of, scope_for
from cchc.plans import appendix, history, importing, selectors, services
from cchc.plans import tiers as plan_tiers
from cchc.plans.agency_names import AgencyNames
from cchc.plans.document_parser import PlanParseError
from cchc.plans.forms import (
    AppendixUploadForm,
    DeleteForm,
    LegalBasisFormSet,
    PlanCreateForm,
    PlanForm,
    PlanUploadForm,
    ProgressForm,
    TargetForm,
    TargetFormSet,
    TaskForm,
    TaskFormSet,
)
from cchc.plans.models import Plan, ReformArea, Target, Task
from cchc.plans.services import PLAN_FIELDS


def _member_required(request: HttpRequest) -> None:
    """Plans are the province's published documents: anyone with a role reads them;
    an account without a role (not yet assigned to an agency) sees nothing."""
    member(request)


def _get(getter, **kwargs):
    try:
        return getter(**kwargs)
    except (Plan.DoesNotExist, Target.DoesNotExist, Task.DoesNotExist) as exc:
        raise Http404 from exc


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    plan_id = selectors.current_plan_id(today=timezone.localdate()) if membership else None
    plan = None
    context: dict = {"plan": None}
    if plan_id is not None:
        plan = _get(selectors.plan_detail, pk=plan_id)
        context.update(
            plan=plan,
            target_groups=selectors.target_groups(plan),
            target_values=selectors.target_values(plan, request.user),
            figures_pending=selectors.figures_pending(),
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
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _member_required(request)
    return render(request, "plans/plan_list.html", {"plans": selectors.plan_list()})


@login_required
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    plan = _get(selectors.plan_detail, pk=pk)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "target_groups": selectors.target_groups(plan),
            "target_values": selectors.target_values(plan, request.user),
            "figures_pending": selectors.figures_pending(),
            "areas": selectors.tasks_by_area(plan),
        },
    )


def _province_of(request: HttpRequest) -> Agency:
    agency = member(request).agency
    while agency.parent is not None:
        agency = agency.parent
    return agency


@login_required
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    latest = selectors.plan_list().first()
    initial: dict[str, Any] = {"year": latest.year + 1} if latest else {}
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
            copy = plan.target_copy
            if copy is not None:
                messages.info(request, _(
                    "Đã sao chép %(n)s chỉ tiêu từ kế hoạch năm %(year)s."
                ) % {"n": copy.copied, "year": copy.source_year})  # fmt: skip
                for sentence in copy.sentences():
                    messages.warning(request, sentence)
            return redirect("plans:plan_detail", pk=plan.pk)
    # A new plan's tiers follow the year typed until the officer ticks one (static/cchc/app.js).
    form.fields["year"].widget.attrs.update({
        "data-tiers-follow-year": plan_tiers.TWO_LEVEL_SINCE.year + 1,
        "data-tiers-name": form["tiers"].html_name,
    })  # fmt: skip
    return render(request, "plans/form.html", {"form": form, "title": _("Tạo kế hoạch CCHC")})


@login_required
def plan_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    plan = _get(selectors.plan_detail, pk=pk)
    initial = {name: getattr(plan, name) for name in PLAN_FIELDS}
    form = PlanForm(request.POST or None, initial=initial, editing=plan)
    if (
        request.method == "POST"
        and form.is_valid()
        and call_service(
            form,
            services.plan_update,
            actor=request.user,
            plan=plan,
            **form.row_fields(),
            **form.edit_kwargs(),
        )
    ):
        messages.success(request, _("Đã lưu kế hoạch."))
        return redirect("plans:plan_detail", pk=plan.pk)
    return render(request, "plans/form.html", {
        "form": form, "plan": plan, "title": _("Sửa kế hoạch"),
        "history_url": reverse("plans:plan_history", args=[plan.pk]),
    })  # fmt: skip


def _target_form_page(
    request: HttpRequest, plan: Plan, target: Target | None, delete_form: DeleteForm | None = None
) -> HttpResponse:
    initial = TargetForm.initial_for(target) if target else {}
    data = request.POST if request.method == "POST" and delete_form is None else None
    form = TargetForm(data, initial=initial, editing=target, tiers=plan.tier_list)
    if data is not None and form.is_valid():
        saved = call_service(
            form,
            services.target_save,
            actor=request.user,
            plan=plan,
            target=target,
            thresholds=form.thresholds(),
            **form.target_fields(),
            **form.edit_kwargs(),
        )
        if saved:
            messages.success(request, _("Đã lưu chỉ tiêu %(label)s.") % {"label": saved.label})
            return redirect("plans:plan_detail", pk=plan.pk)
    title = _("Sửa chỉ tiêu %(label)s") % {"label": target.label} if target else _("Thêm chỉ tiêu")
    return render(request, "plans/target_form.html", {
        "form": form, "plan": plan, "title": title, **_delete_context(
            target, delete_form, "plans:target_delete", "plans:target_history"),
    })  # fmt: skip


def _delete_context(
    row, delete_form, delete_route: str, history_route: str, consequence: str = ""
) -> dict:
    """The edit page's delete form (reason, version), what else the deletion removes, and the
    history link; none when adding."""
    if row is None:
        return {}
    return {
        "delete_url": reverse(delete_route, args=[row.pk]),
        "delete_form": delete_form or DeleteForm(editing=row, prefix="xoa"),
        "delete_consequence": consequence,
        "history_url": reverse(history_route, args=[row.pk]),
    }


def _task_deletion_consequence(task: Task | None) -> str:
    """What deleting the task takes with it: the agencies' progress reports and their files."""
    if task is None:
        return ""
    reports, files = selectors.task_reports_and_files(task)
    if not reports:
        return ""
    said = _("Xóa nhiệm vụ sẽ xóa cả %(reports)s báo cáo tiến độ của các cơ quan") % {
        "reports": reports
    }
    if files:
        said += _(" và %(files)s tệp kiểm chứng kèm theo (tệp bị xóa hẳn)") % {"files": files}
    return said + _("; nội dung các báo cáo vẫn còn trong lịch sử thay đổi.")


@login_required
def target_create(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    return _target_form_page(request, _get(selectors.plan_detail, pk=plan_pk), None)


@login_required
def target_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    target = _get(selectors.target_detail, pk=pk)
    return _target_form_page(request, target.plan, target)


@login_required
@require_POST
def target_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    target = _get(selectors.target_detail, pk=pk)
    form = DeleteForm(request.POST, editing=target, prefix="xoa")
    if form.is_valid():
        call_service(form, services.target_delete, actor=request.user, target=target,
                     **form.edit_kwargs())  # fmt: skip
    if form.is_valid():  # still: the service did not refuse
        messages.success(request, _("Đã xóa chỉ tiêu %(label)s.") % {"label": target.label})
        return redirect("plans:plan_detail", pk=target.plan_id)
    return _target_form_page(request, target.plan, target, delete_form=form)


def plan_url(plan: Plan) -> str:
    return reverse("plans:plan_detail", kwargs={"pk": plan.pk})


def _task_form_page(
    request: HttpRequest, plan: Plan, task: Task | None, delete_form: DeleteForm | None = None
) -> HttpResponse:
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
    data = request.POST if request.method == "POST" and delete_form is None else None
    form = TaskForm(data, initial=initial, editing=task)
    if data is not None and form.is_valid():
        saved = call_service(
            form,
            services.task_save,
            actor=request.user,
            plan=plan,
            task=task,
            **form.row_fields(),
            **form.edit_kwargs(),
        )
        if saved:
            messages.success(request, _("Đã lưu nhiệm vụ."))
            return redirect(f"{plan_url(plan)}#nhiem-vu")
    title = _("Sửa nhiệm vụ") if task else _("Thêm nhiệm vụ")
    return render(request, "plans/form.html", {
        "form": form, "plan": plan, "title": title,
        **_delete_context(task, delete_form, "plans:task_delete", "plans:task_history",
                          _task_deletion_consequence(task)),
    })  # fmt: skip


@login_required
def task_create(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    return _task_form_page(request, _get(selectors.plan_detail, pk=plan_pk), None)


@login_required
def task_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    task = _get(selectors.task_detail, pk=pk)
    return _task_form_page(request, task.plan, task)


@login_required
@require_POST
def task_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    task = _get(selectors.task_detail, pk=pk)
    form = DeleteForm(request.POST, editing=task, prefix="xoa")
    if form.is_valid():
        call_service(form, services.task_delete, actor=request.user, task=task,
                     **form.edit_kwargs())  # fmt: skip
    if form.is_valid():  # still: the service did not refuse
        messages.success(request, _("Đã xóa nhiệm vụ."))
        return redirect(f"{plan_url(task.plan)}#nhiem-vu")
    return _task_form_page(request, task.plan, task, delete_form=form)


def _history_page(request: HttpRequest, plan: Plan, title: str, entries, **extra) -> HttpResponse:
    return render(
        request,
        "plans/history.html",
        {"plan": plan, "title": title, "entries": entries, **extra},
    )


@login_required
def plan_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who changed the plan's header, when, why and how; and the targets and tasks deleted."""
    _member_required(request)
    plan = _get(selectors.plan_detail, pk=pk)
    return _history_page(
        request, plan, _("Lịch sử thay đổi kế hoạch"), history.plan_history(plan),
        deleted=history.deleted_rows(plan, scope_for(request.user)),
    )  # fmt: skip


@login_required
def target_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _member_required(request)
    target = _get(selectors.target_detail, pk=pk)
    title = _("Lịch sử thay đổi chỉ tiêu %(label)s") % {"label": target.label}
    return _history_page(
        request, target.plan, title, history.target_history(target.pk), subject=str(target)
    )


@login_required
def task_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Like the task's page: an agency's own task only within that agency's scope."""
    _member_required(request)
    task = _get(selectors.task_for, pk=pk, scope=scope_for(request.user))
    return _history_page(
        request, task.plan, _("Lịch sử thay đổi nhiệm vụ"), history.task_history(task.pk),
        subject=task.text,
    )  # fmt: skip


DRAFT_KEY = "plan_import_draft"


@login_required
def plan_import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            draft = importing.read_plan_file(file_name=upload.name, content=upload.read())
        except PlanParseError as exc:
            form.add_error("file", str(exc))
        else:
            draft["file_name"] = upload.name
            request.session[DRAFT_KEY] = draft
            return redirect("plans:plan_import_review")
    return render(
        request,
        "plans/form.html",
        # The page only reads the file into a draft: its button says so, not "Lưu".
        {"form": form, "title": _("Nhập kế hoạch từ văn bản"), "multipart": True,
         "submit_label": _("Đọc văn bản")},
    )  # fmt: skip


def _draft_initial(draft: dict) -> dict:
    header = {k: draft.get(k) for k in ("year", "number", "title", "issuer", "place", "signer")}
    header["issued_on"] = draft.get("issued_on") and date.fromisoformat(draft["issued_on"])
    header["effective_on"] = header["issued_on"]
    header["purposes"] = draft.get("purposes", "")
    header["requirements"] = "\n".join(draft.get("requirements", []))
    header["tiers"] = importing.draft_tiers(draft)
    bases = [
        {**b, "issued_on": b.get("issued_on") and date.fromisoformat(b["issued_on"])}
        for b in draft.get("legal_bases", [])
    ]
    targets = []
    for item in draft.get("targets", []):
        row = {k: item.get(k) for k in (
            "number", "part", "source_text", "quantity", "comparator", "unit", "kind",
            "baseline_year", "target_year", "scope_note", "indicator_code",
        )}  # fmt: skip
        row["indicator_code"] = row["indicator_code"] or ""
        row["scope_levels"] = list(item.get("scope_levels") or [])
        row.update(importing.thresholds_from_draft(item))
        targets.append(row)
    tasks = []
    names = AgencyNames(exclude=(AgencyLevel.COMMUNE,))
    areas = list(ReformArea.objects.all())
    for item in draft.get("tasks", []):
        area = importing.match_area(item.get("area_title", ""), areas)
        agencies = importing.match_task_agencies(item, names)
        tasks.append({
            "area": area.pk if area else None, "text": item["text"],
            "output": item.get("output") or "",
            "deadline": item.get("deadline") and date.fromisoformat(item["deadline"]),
            "lead_agency": agencies.lead.pk if agencies.lead else None,
            "coordinating_agencies": [a.pk for a in agencies.coordinating],
            # Not form fields: names the catalogue lacks, shown as warnings beside the task.
            "unmatched_lead": agencies.unmatched_lead,
            "unmatched_coordinating": agencies.unmatched_coordinating,
        })  # fmt: skip
    return {"header": header, "bases": bases, "targets": targets, "tasks": tasks}


def _kept(formset) -> list:
    """Forms the officer kept: filled in (blank extra rows have no data) and not dropped."""
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


@login_required
def plan_import_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    draft = request.session.get(DRAFT_KEY)
    if not draft:
        messages.info(request, _("Chưa có bản nháp: hãy tải văn bản kế hoạch lên trước."))
        return redirect("plans:plan_import_upload")
    initial = _draft_initial(draft)
    data = request.POST if request.method == "POST" else None
    header = PlanForm(data, initial=initial["header"], prefix="plan")
    bases = LegalBasisFormSet(data, initial=initial["bases"], prefix="cc")
    # The threshold inputs of the draft's tiers and of those ticked in the header: unticking a
    # tier never hides a value typed for it (the service then refuses it, saying why).
    tiers = set(initial["header"]["tiers"]) | set(data.getlist("plan-tiers") if data else ())
    targets = TargetFormSet(
        data, initial=initial["targets"], prefix="ct",
        form_kwargs={"tiers": plan_tiers.ordered(tiers)},
    )  # fmt: skip
    tasks = TaskFormSet(data, initial=initial["tasks"], prefix="nv")
    if request.method == "POST" and all(f.is_valid() for f in (header, bases, targets, tasks)):
        plan = call_service(
            header,
            importing.plan_import_save,
            actor=request.user,
            province=_province_of(request),
            header=header.cleaned_data,
            legal_bases=[
                {k: v for k, v in f.cleaned_data.items() if k != "DELETE"} for f in _kept(bases)
            ],
            targets=[
                importing.DraftTarget(
                    thresholds=f.thresholds(),
                    **{k: v for k, v in f.target_fields().items() if k != "DELETE"},
                )
                for f in _kept(targets)
            ],
            tasks=[
                importing.DraftTask(**{k: v for k, v in f.cleaned_data.items() if k != "DELETE"})
                for f in _kept(tasks)
            ],
            source=_("Nhập từ tệp %(name)s") % {"name": draft.get("file_name", "")},
        )
        if plan:
            del request.session[DRAFT_KEY]
            messages.success(request, _("Đã lưu kế hoạch năm %(year)s.") % {"year": plan.year})
            return redirect("plans:plan_detail", pk=plan.pk)
    return render(
        request,
        "plans/import_review.html",
        {
            "header": header,
            "bases": bases,
            "targets": targets,
            "tasks": tasks,
            "formsets": [bases, targets, tasks],
            "warnings": draft.get("warnings", [])
            + importing.draft_tier_warnings(draft, initial["header"]["tiers"]),
            "unmatched_agency_count": sum(
                bool(t["unmatched_lead"]) + len(t["unmatched_coordinating"])
                for t in initial["tasks"]
            ),
            "file_name": draft.get("file_name", ""),
        },
    )


TASK_STATUS_LABELS = {
    "not_started": _lazy("Chưa triển khai"),
    "in_progress": _lazy("Đang thực hiện"),
    "done": _lazy("Hoàn thành"),
    "done_late": _lazy("Hoàn thành quá hạn"),
    "overdue": _lazy("Quá hạn"),
}
TASK_STATUS_STYLE = {
    "not_started": "secondary",
    "in_progress": "info",
    "done": "success",
    "done_late": "warning",
    "overdue": "danger",
}


@login_required
def task_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    _member_required(request)
    asked = request.GET.get("ke_hoach")
    plan_id = (
        int(asked)
        if asked and asked.isdigit()
        else selectors.current_plan_id(today=timezone.localdate())
    )
    plan = Plan.objects.filter(pk=plan_id).first() if plan_id is not None else None
    if plan is None:
        raise Http404
    today = timezone.localdate()
    scope = scope_for(request.user)
    rows = selectors.task_board(plan=plan, scope=scope, today=today)
    since = None
    silent = []
    if is_reform_office(request.user):
        since = date(today.year, today.month, 1)
        silent = selectors.not_reported_since(plan=plan, since=since)
    return render(
        request,
        "plans/task_board.html",
        {
            "plan": plan,
            "rows": rows,
            "styles": TASK_STATUS_STYLE,
            "labels": TASK_STATUS_LABELS,
            "silent": silent,
            "since": since,
            "plans": Plan.objects.order_by("-year"),
            "illustrative": any(r.task.illustrative or r.synthetic for r in rows),
        },
    )


@login_required
def task_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = member(request)
    scope = scope_for(request.user)
    task = _get(selectors.task_for, pk=pk, scope=scope)
    lead_id, coordinator_ids = services.task_parties(task)
    can_report = membership.role == "agency_officer" and (
        membership.agency_id == lead_id or membership.agency_id in coordinator_ids
    )
    last = task.reports.filter(agency_id=membership.agency_id).order_by("-created_at").first()
    initial = {"status": last.status, "percent": last.percent} if last else {}
    form = (
        ProgressForm(request.POST or None, request.FILES or None, initial=initial)
        if can_report
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Cơ quan của bạn không chủ trì hay phối hợp nhiệm vụ này."))
        if form.is_valid() and call_service(
            form,
            services.task_report_progress,
            actor=request.user,
            task=task,
            **{k: v for k, v in form.cleaned_data.items() if k != "files"},
            files=[(f.name, f.read()) for f in form.cleaned_data["files"]],
        ):
            messages.success(request, _("Đã gửi báo cáo tiến độ."))
            return redirect("plans:task_progress", pk=task.pk)
    return render(
        request,
        "plans/task_progress.html",
        {
            "task": task,
            "plan": task.plan,
            "reports": selectors.task_reports(task=task, scope=scope),
            "form": form,
            "is_lead": membership.agency_id == lead_id,
        },
    )


@login_required
def task_appendix_import(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    require_office(request.user, _("thay đổi kế hoạch"))
    plan = _get(selectors.plan_detail, pk=plan_pk)
    form = AppendixUploadForm(request.POST or None, request.FILES or None)
    errors: list[appendix.AppendixError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        rows, errors = appendix.parse_appendix(
            upload.read(),
            upload.name,
            default_area=form.cleaned_data["default_area"],
            year=plan.year,
        )
        if not errors:
            saved = appendix.appendix_save(actor=request.user, plan=plan, rows=rows)
            messages.success(request, _(
                "Đã nạp phụ lục: thêm %(c)s, cập nhật %(u)s, giữ nguyên %(n)s nhiệm vụ."
            ) % {"c": saved.created, "u": saved.updated, "n": saved.unchanged})  # fmt: skip
            return redirect(f"{plan_url(plan)}#nhiem-vu")
    return render(
        request,
        "plans/appendix_import.html",
        {"form": form, "plan": plan, "errors": errors, "title": _("Nhập phụ lục nhiệm vụ")},
    )


class OwnTaskForm(TaskForm):
    """An agency's own task: it leads it itself, so no agency fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["lead_agency"]
        del self.fields["coordinating_agencies"]


@login_required
def agency_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An agency's implementing plan for the province plan `pk` (kế hoạch triển khai)."""
    membership = member(request)
    plan = _get(selectors.plan_detail, pk=pk)
    scope = scope_for(request.user)
    agency = membership.agency
    wanted = request.GET.get("co_quan")
    if wanted and wanted.isdigit():
        agency = get_visible_or_404(Agency.objects, scope, pk=int(wanted))
    form = None
    if membership.role == "agency_officer" and agency.pk == membership.agency_id:
        form = OwnTaskForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k in {"area", "text", "output", "deadline"}
            }
            if call_service(form, services.own_task_add, actor=request.user, plan=plan, **data):
                messages.success(request, _("Đã thêm nhiệm vụ vào kế hoạch của cơ quan."))
                return redirect(f"{reverse('plans:agency_plan', args=[plan.pk])}")
    elif request.method == "POST":
        raise PermissionDenied(
            _("Chỉ cán bộ đầu mối của cơ quan thêm nhiệm vụ vào kế hoạch của cơ quan.")
        )
    tasks = selectors.agency_plan(plan=plan, agency=agency)
    if request.GET.get("xuat") == "xlsx":
        rows = [
            [group, t.area.name, t.text, t.lead_agency.name if t.lead_agency else "",
             "; ".join(a.name for a in t.coordinating_agencies.all()), t.output,
             format_date(t.deadline) if t.deadline else ""]
            for group, key in (("Chủ trì", "lead"), ("Phối hợp", "coordinating"), ("Nhiệm vụ riêng", "own"))
            for t in tasks[key]
        ]  # fmt: skip
        return xlsx_response(
            filename=f"ke-hoach-trien-khai-{agency.code}-{plan.year}.xlsx",
            title=f"Kế hoạch triển khai CCHC năm {plan.year} — {agency.name}",
            subtitle=f"Triển khai {plan.title}" + (f" ({plan.number})" if plan.number else ""),
            headers=[
                "Vai trò",
                "Lĩnh vực",
                "Nhiệm vụ",
                "Chủ trì",
                "Phối hợp",
                "Sản phẩm",
                "Thời hạn",
            ],
            rows=rows,
        )
    return render(
        request,
        "plans/agency_plan.html",
        {"plan": plan, "agency": agency, "tasks": tasks, "form": form},
    )


@login_required
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """An evidence file, for those who may read its report (and its task) — 404 otherwise."""
    from cchc.plans.models import ProgressEvidence, ProgressReport

    scope = scope_for(request.user)
    member(request)
    evidence = (
        ProgressEvidence.objects.filter(pk=pk, report__in=ProgressReport.objects.visible_to(scope))
        .select_related("report__task")
        .first()
    )
    if evidence is None:
        raise Http404
    _get(selectors.task_for, pk=evidence.report.task_id, scope=scope)
    return stored_download(stored_name=evidence.stored_name, original_name=evidence.original_name,
                           content_type=evidence.content_type)  # fmt: skip
