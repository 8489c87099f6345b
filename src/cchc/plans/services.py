"""Every write to plans, targets, tasks and their progress. The reform office writes plans;
agency officers report progress on their tasks. Each service runs
in one transaction and leaves history rows (who, when, before/after)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cchc.core.concurrency import claim
from cchc.core.services import ServiceError, audited_save, deny
from cchc.core.uploads import sniff, store_evidence
from cchc.organizations.access import DataKind, require_write
from cchc.organizations.models import Agency, AgencyLevel, Role, Tier
from cchc.organizations.selectors import membership_of
from cchc.plans.models import (
    Comparator,
    Plan,
    ProgressEvidence,
    ProgressReport,
    ProgressStatus,
    ReformArea,
    Target,
    TargetKind,
    TargetThreshold,
    Task,
)

PLAN_FIELDS = (
    "year", "number", "title", "issuer", "place", "issued_on", "effective_on", "signer",
    "purposes", "requirements",
)  # fmt: skip


def _require_reform_office(actor: AbstractBaseUser) -> None:
    require_write(actor, DataKind.PLAN, action=_("thay đổi kế hoạch"))


def _required_reason(reason: str) -> str:
    """An edit or a deletion of the published plan says why: the history keeps it."""
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError(_("Hãy ghi lý do sửa: lịch sử kế hoạch lưu ai sửa gì, lúc nào, vì sao."))
    return reason


@transaction.atomic
def plan_create(
    *,
    actor: AbstractBaseUser,
    province: Agency,
    copy_targets_from: Plan | None = None,
    **fields,
) -> Plan:
    """Create a plan for a year. With `copy_targets_from`, the targets and thresholds of
    that plan are copied as a starting point (their wording can then be edited)."""
    _require_reform_office(actor)
    if province.level != AgencyLevel.PROVINCE:
        raise ServiceError(_("Kế hoạch phải thuộc một tỉnh."))
    if Plan.objects.filter(province=province, year=fields["year"]).exists():
        raise ServiceError(
            _("Đã có kế hoạch CCHC năm %(year)s của %(province)s.")
            % {"year": fields["year"], "province": province}
        )
    plan = Plan(province=province, **{k: v for k, v in fields.items() if k in PLAN_FIELDS})
    audited_save(plan, actor=actor, reason=_("Tạo kế hoạch"))
    if copy_targets_from is not None:
        for source in copy_targets_from.targets.prefetch_related("thresholds"):
            thresholds = list(source.thresholds.all())
            source.pk, source.plan = None, plan
            source._state.adding = True
            audited_save(source, actor=actor, reason=_("Sao chép từ kế hoạch trước"))
            for threshold in thresholds:
                threshold.pk, threshold.target = None, source
                threshold._state.adding = True
                audited_save(threshold, actor=actor)
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: AbstractBaseUser,
    plan: Plan,
    reason: str,
    version: datetime | None = None,
    **fields,
) -> Plan:
    """Edit a plan's header, with the reason the history keeps; `version` is the plan's
    version the page was built from (None: not checked; core.concurrency)."""
    _require_reform_office(actor)
    reason = _required_reason(reason)
    claim(plan, version, subject=_("Kế hoạch"))
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    year = fields.get("year", plan.year)
    if Plan.objects.filter(province=plan.province, year=year).exclude(pk=plan.pk).exists():
        raise ServiceError(_("Đã có kế hoạch CCHC năm %(year)s.") % {"year": year})
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    audited_save(plan, actor=actor, reason=reason)
    return plan


@dataclass(frozen=True)
class ThresholdInput:
    tier: str  # "" for the whole scope, else a Tier value
    value: Decimal
    upper: Decimal | None = None


def _check_thresholds(comparator: str, thresholds: list[ThresholdInput]) -> None:
    if not thresholds:
        raise ServiceError(_("Chỉ tiêu cần ít nhất một ngưỡng."))
    tiers = [t.tier for t in thresholds]
    if len(set(tiers)) != len(tiers):
        raise ServiceError(_("Mỗi cấp chỉ có một ngưỡng."))
    if "" in tiers and len(tiers) > 1:
        raise ServiceError(_("Ngưỡng chung và ngưỡng theo cấp không dùng cùng nhau."))
    for t in thresholds:
        if t.tier and t.tier not in Tier.values:
            raise ServiceError(_("Cấp không hợp lệ: %(tier)s") % {"tier": t.tier})
        if comparator == Comparator.BETWEEN:
            if t.upper is None or t.upper < t.value:
                raise ServiceError(
                    _("Chỉ tiêu dạng khoảng cần ngưỡng trên không nhỏ hơn ngưỡng dưới.")
                )
        elif t.upper is not None:
            raise ServiceError(_("Chỉ nhập ngưỡng trên khi so sánh là “trong khoảng”."))


@transaction.atomic
def target_save(
    *,
    actor: AbstractBaseUser,
    plan: Plan,
    target: Target | None = None,
    thresholds: list[ThresholdInput],
    reason: str = "",
    version: datetime | None = None,
    **fields,
) -> Target:
    """Create (target=None) or update a target together with its thresholds. An update
    needs a reason, kept in the history of the target and its thresholds; `version` is the
    target's version the page was built from (None: not checked; core.concurrency)."""
    _require_reform_office(actor)
    if target is not None:
        reason = _required_reason(reason)
        claim(target, version, subject=_("Chỉ tiêu %(label)s") % {"label": target.label})
    reason = reason or _("Thêm chỉ tiêu")
    comparator = fields.get("comparator", target.comparator if target else Comparator.GTE)
    _check_thresholds(comparator, thresholds)
    if fields.get("kind") == TargetKind.GROWTH and not fields.get("baseline_year"):
        raise ServiceError(_("Chỉ tiêu tăng trưởng cần năm gốc để so sánh."))
    if target is None:
        target = Target(plan=plan)
    elif target.plan_id != plan.pk:
        raise ServiceError(_("Chỉ tiêu không thuộc kế hoạch này."))
    for name, value in fields.items():
        setattr(target, name, value)
    clash = Target.objects.filter(plan=plan, number=target.number, part=target.part)
    if clash.exclude(pk=target.pk).exists():
        raise ServiceError(_("Kế hoạch đã có chỉ tiêu %(label)s.") % {"label": target.label})
    audited_save(target, actor=actor, reason=reason)
    kept = []
    for item in thresholds:
        row = target.thresholds.filter(tier=item.tier).first() or TargetThreshold(
            target=target, tier=item.tier, value=item.value
        )
        if row.pk is None or (row.value, row.upper) != (item.value, item.upper):
            row.value, row.upper = item.value, item.upper
            audited_save(row, actor=actor, reason=reason)
        kept.append(row.pk)
    for stale in target.thresholds.exclude(pk__in=kept):
        _audited_delete(stale, actor=actor, reason=reason)
    return target


def _audited_delete(instance, *, actor: AbstractBaseUser, reason: str) -> None:
    instance._history_user = actor
    instance._change_reason = reason
    instance.delete()


@transaction.atomic
def target_delete(
    *, actor: AbstractBaseUser, target: Target, reason: str, version: datetime | None = None
) -> None:
    _require_reform_office(actor)
    reason = _required_reason(reason)
    claim(target, version, subject=_("Chỉ tiêu %(label)s") % {"label": target.label})
    for threshold in target.thresholds.all():
        _audited_delete(threshold, actor=actor, reason=reason)
    _audited_delete(target, actor=actor, reason=reason)


@transaction.atomic
def task_save(
    *,
    actor: AbstractBaseUser,
    plan: Plan,
    task: Task | None = None,
    area: ReformArea,
    text: str,
    output: str = "",
    deadline: date | None = None,
    lead_agency: Agency | None = None,
    coordinating_agencies: list[Agency] | tuple[Agency, ...] = (),
    reason: str = "",
    version: datetime | None = None,
) -> Task:
    """Create (task=None) or update a task. Lead and coordinating agencies are distinct
    roles: the lead cannot also be listed as a coordinator. An update needs a reason, kept
    in the history; `version` is the task's version the page was built from (None: not
    checked; core.concurrency)."""
    _require_reform_office(actor)
    if task is not None:
        reason = _required_reason(reason)
        claim(task, version, subject=_("Nhiệm vụ"))
    reason = reason or _("Thêm nhiệm vụ")
    text = text.strip()
    if not text:
        raise ServiceError(_("Nội dung nhiệm vụ không được để trống."))
    if lead_agency is not None and lead_agency in coordinating_agencies:
        raise ServiceError(_("Cơ quan chủ trì không đồng thời là cơ quan phối hợp."))
    if task is None:
        task = Task(plan=plan)
    elif task.plan_id != plan.pk:
        raise ServiceError(_("Nhiệm vụ không thuộc kế hoạch này."))
    if task.pk is None or task.area_id != area.pk:
        last = Task.objects.filter(plan=plan, area=area).aggregate(m=Max("order"))["m"]
        task.order = (last or 0) + 1
    task.area, task.text, task.output = area, text, output
    task.deadline, task.lead_agency = deadline, lead_agency
    task.illustrative = False  # the reform office's own assignment, no longer the demo's
    audited_save(task, actor=actor, reason=reason)
    task.coordinating_agencies.set(coordinating_agencies)
    return task


@transaction.atomic
def task_delete(
    *, actor: AbstractBaseUser, task: Task, reason: str, version: datetime | None = None
) -> None:
    _require_reform_office(actor)
    reason = _required_reason(reason)
    claim(task, version, subject=_("Nhiệm vụ"))
    _audited_delete(task, actor=actor, reason=reason)


def task_parties(task: Task) -> tuple[int | None, set[int]]:
    return task.lead_agency_id, set(task.coordinating_agencies.values_list("pk", flat=True))


@transaction.atomic
def task_report_progress(
    *,
    actor: AbstractBaseUser,
    task: Task,
    status: str,
    percent: int,
    text: str,
    completed_on: date | None = None,
    files: list[tuple[str, bytes]] | tuple = (),
) -> ProgressReport:
    """The lead agency reports the task's progress; a coordinating agency adds its
    contribution, with evidence files. Only officers of those agencies may report (the reform
    office follows). Every file is checked before anything is written."""
    require_write(actor, DataKind.TASK_PROGRESS)
    lead_id, coordinator_ids = task_parties(task)
    agency_id = membership_of(actor).agency_id
    if agency_id != lead_id and agency_id not in coordinator_ids:
        raise deny(_("Cơ quan của bạn không chủ trì hay phối hợp nhiệm vụ này."))
    text = text.strip()
    if not text:
        raise ServiceError(_("Hãy ghi nội dung đã thực hiện."))
    if not 0 <= percent <= 100:
        raise ServiceError(_("Tiến độ phải từ 0 đến 100%."))
    if status == ProgressStatus.DONE:
        percent = 100
        if completed_on is None:
            raise ServiceError(_("Nhiệm vụ hoàn thành cần ngày hoàn thành."))
    else:
        completed_on = None
        if percent == 100:
            raise ServiceError(_("Tiến độ 100% thì chọn tình trạng “Hoàn thành”."))
    report = ProgressReport(
        task=task, agency_id=agency_id, is_lead=agency_id == lead_id, status=status,
        percent=percent, text=text, completed_on=completed_on, reported_by=actor,
    )  # fmt: skip
    for name, content in files:
        if not sniff(content) or len(content) > settings.EVIDENCE_MAX_BYTES or not content:
            store_evidence(
                content=content, original_name=name, folder="check"
            )  # raises, in Vietnamese
    audited_save(report, actor=actor, reason=_("Báo cáo tiến độ"))
    for name, content in files:
        stored = store_evidence(content=content, original_name=name, folder=f"tasks/{task.pk}")
        ProgressEvidence.objects.create(report=report, **stored.__dict__)
    return report


@transaction.atomic
def own_task_add(
    *,
    actor: AbstractBaseUser,
    plan: Plan,
    area: ReformArea,
    text: str,
    output: str = "",
    deadline: date | None = None,
) -> Task:
    """An agency adds a task of its own to its implementing plan; it leads it itself."""
    membership = membership_of(actor)
    if membership is None or membership.role != Role.AGENCY_OFFICER:
        raise deny(_("Chỉ cán bộ đầu mối của cơ quan thêm nhiệm vụ vào kế hoạch của cơ quan."))
    text = text.strip()
    if not text:
        raise ServiceError(_("Nội dung nhiệm vụ không được để trống."))
    last = Task.objects.filter(plan=plan, area=area).aggregate(m=Max("order"))["m"]
    task = Task(
        plan=plan, area=area, order=(last or 0) + 1, text=text, output=output, deadline=deadline,
        lead_agency=membership.agency, owner=membership.agency,
    )  # fmt: skip
    audited_save(task, actor=actor, reason=_("Thêm nhiệm vụ của cơ quan"))
    return task
