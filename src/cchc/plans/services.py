"""Every write to plans, targets, tasks and their progress. The reform office writes plans;
agency officers report progress on their tasks. Each service runs
in one transaction and leaves history rows (who, when, before/after)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cchc.core.concurrency import claim
from cchc.core.services import ServiceError, audited_save, deny
from cchc.core.uploads import remove_when_committed, sniff, store_evidence
from cchc.core.users import User
from cchc.organizations.access import DataKind, require_write
from cchc.organizations.models import LEVEL_WORDS, Agency, AgencyLevel, Role, Tier
from cchc.organizations.selectors import membership_of
from cchc.plans import tiers as plan_tiers
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
    "purposes", "requirements", "tiers", "illustrative",
)  # fmt: skip


def _require_reform_office(actor: User) -> None:
    require_write(actor, DataKind.PLAN, action=_("thay đổi kế hoạch"))


def _required_reason(reason: str) -> str:
    """An edit or a deletion of the published plan says why: the history keeps it."""
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError(_("Hãy ghi lý do sửa: lịch sử kế hoạch lưu ai sửa gì, lúc nào, vì sao."))
    return reason


@dataclass
class TargetCopy:
    """What copying last year's targets into a new plan did: the targets copied, the
    thresholds and applicability levels of tiers the new plan does not declare (dropped), and
    the targets left out because nothing of them remained in the new plan's tiers."""

    source_year: int
    year: int
    tiers: list[str]
    copied: int = 0
    dropped_thresholds: dict[str, int] = field(default_factory=dict)  # tier → count
    narrowed: dict[str, list[str]] = field(default_factory=dict)  # level → target labels
    skipped: list[str] = field(default_factory=list)  # target labels
    # Copied targets whose wording still names a tier the new plan lacks ("UBND cấp huyện"):
    # the text is the plan's own words, so the office rewrites it; the copy only says where.
    wording: list[str] = field(default_factory=list)  # target labels

    @property
    def dropped_anything(self) -> bool:
        return bool(self.dropped_thresholds or self.narrowed or self.skipped)

    def sentences(self) -> list[str]:
        """What the page says, e.g. "Bỏ 5 ngưỡng cấp huyện vì kế hoạch năm 2026 chỉ có cấp
        tỉnh và cấp xã."."""
        why = _("vì kế hoạch năm %(year)s chỉ có %(tiers)s") % {
            "year": self.year,
            "tiers": plan_tiers.words(self.tiers),
        }
        lines = [
            _("Bỏ %(n)s ngưỡng %(tier)s %(why)s.")
            % {"n": n, "tier": plan_tiers.TIER_WORDS[tier], "why": why}
            for tier, n in sorted(self.dropped_thresholds.items(), key=_tier_order)
        ]
        lines += [
            _("Bỏ %(level)s khỏi đối tượng áp dụng của chỉ tiêu %(labels)s %(why)s.")
            % {"level": LEVEL_WORDS[level], "labels": ", ".join(labels), "why": why}
            for level, labels in self.narrowed.items()
        ]
        if self.skipped:
            lines.append(
                _("Không sao chép chỉ tiêu %(labels)s: chỉ tiêu chỉ đặt cho cấp không còn trong "
                  "kế hoạch năm %(year)s.") % {"labels": ", ".join(self.skipped), "year": self.year}
            )  # fmt: skip
        if self.wording:
            lines.append(
                _("Lời văn của chỉ tiêu %(labels)s (chép từ kế hoạch năm %(source)s) còn nhắc "
                  "%(missing)s: hãy sửa lại cho kế hoạch năm %(year)s.")
                % {"labels": ", ".join(self.wording), "source": self.source_year,
                   "missing": self.missing_words, "year": self.year}
            )  # fmt: skip
        return lines

    @property
    def missing_words(self) -> str:
        return plan_tiers.words(t for t in plan_tiers.ALL_TIERS if t not in self.tiers)


def _tier_order(item: tuple[str, int]) -> int:
    return plan_tiers.ALL_TIERS.index(item[0])


def _checked_tiers(tiers: list[str] | tuple[str, ...]) -> list[str]:
    if plan_tiers.unknown(tiers):
        raise ServiceError(
            _("Cấp không hợp lệ: %(tier)s") % {"tier": ", ".join(plan_tiers.unknown(tiers))}
        )
    if not plan_tiers.ordered(tiers):
        raise ServiceError(_("Kế hoạch cần ít nhất một cấp (cấp tỉnh, cấp huyện, cấp xã)."))
    return plan_tiers.ordered(tiers)


@transaction.atomic
def plan_create(
    *,
    actor: User,
    province: Agency,
    copy_targets_from: Plan | None = None,
    tiers: list[str] | tuple[str, ...] | None = None,
    **fields,
) -> Plan:
    """Create a plan for a year, with the tiers it declares (`tiers`; by default those in
    force on 1 January of the year, plans.tiers.default_tiers). With `copy_targets_from`, the
    targets and thresholds of that plan are copied as a starting point (their wording can then
    be edited), mapped to the new plan's tiers: what the new plan's tiers lack is dropped, and
    `plan.target_copy` (a `TargetCopy`) says what was copied and dropped."""
    _require_reform_office(actor)
    if province.level != AgencyLevel.PROVINCE:
        raise ServiceError(_("Kế hoạch phải thuộc một tỉnh."))
    if Plan.objects.filter(province=province, year=fields["year"]).exists():
        raise ServiceError(
            _("Đã có kế hoạch CCHC năm %(year)s của %(province)s.")
            % {"year": fields["year"], "province": province}
        )
    tiers = _checked_tiers(plan_tiers.default_tiers(fields["year"]) if tiers is None else tiers)
    plan = Plan(
        province=province, tiers=tiers, **{k: v for k, v in fields.items() if k in PLAN_FIELDS}
    )
    audited_save(plan, actor=actor, reason=_("Tạo kế hoạch"))
    plan.target_copy = None
    if copy_targets_from is not None:
        plan.target_copy = _targets_copy(actor=actor, source=copy_targets_from, plan=plan)
    return plan


def _targets_copy(*, actor: User, source: Plan, plan: Plan) -> TargetCopy:
    """Copy `source`'s targets into `plan`, keeping only the tiers and levels `plan` declares.
    A target left with no threshold, or whose applicability named only dropped levels, is
    not copied: keeping it would change what it measures."""
    report = TargetCopy(source_year=source.year, year=plan.year, tiers=plan.tier_list)
    kept_tiers, kept_levels = set(plan.tier_list), plan.agency_levels
    missing = [plan_tiers.MENTIONS[t] for t in plan_tiers.ALL_TIERS if t not in kept_tiers]
    for target in source.targets.prefetch_related("thresholds").order_by("number", "part"):
        thresholds = [t for t in target.thresholds.all() if not t.tier or t.tier in kept_tiers]
        dropped = [t.tier for t in target.thresholds.all() if t.tier and t.tier not in kept_tiers]
        levels = [level for level in target.scope_levels if level in kept_levels]
        lost = [level for level in target.scope_levels if level not in kept_levels]
        if not thresholds or (target.scope_levels and not levels):
            report.skipped.append(target.label)
            continue
        for tier in dropped:
            report.dropped_thresholds[tier] = report.dropped_thresholds.get(tier, 0) + 1
        for level in lost:
            report.narrowed.setdefault(level, []).append(target.label)
        if missing and any(
            pattern.search(text)
            for pattern in missing
            for text in (target.source_text, target.quantity, target.scope_note)
        ):
            report.wording.append(target.label)
        target.pk, target.plan, target.scope_levels = None, plan, levels
        target._state.adding = True
        audited_save(target, actor=actor, reason=_("Sao chép từ kế hoạch trước"))
        for threshold in thresholds:
            threshold.pk, threshold.target = None, target
            threshold._state.adding = True
            audited_save(threshold, actor=actor)
        report.copied += 1
    return report


@transaction.atomic
def plan_update(
    *,
    actor: User,
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
    if fields.get("tiers") is None:
        fields.pop("tiers", None)  # not given: the plan keeps its tiers
    else:
        fields["tiers"] = _checked_tiers(fields["tiers"])
        _check_tiers_unused(plan, fields["tiers"])
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    audited_save(plan, actor=actor, reason=reason)
    return plan


def _check_tiers_unused(plan: Plan, tiers: list[str]) -> None:
    """A tier leaves a plan only when no target uses it any more: its thresholds and levels
    would otherwise be judged and counted on a tier the plan says it does not have."""
    targets = list(plan.targets.prefetch_related("thresholds").order_by("number", "part"))
    for tier in (t for t in plan.tier_list if t not in tiers):
        levels = set(plan_tiers.LEVELS_OF_TIER[tier])
        users = [
            target.label
            for target in targets
            if any(t.tier == tier for t in target.thresholds.all())
            or levels & set(target.scope_levels)
        ]
        if users:
            raise ServiceError(
                _("Chưa bỏ được %(tier)s: chỉ tiêu %(labels)s còn ngưỡng hoặc đối tượng áp dụng "
                  "%(tier)s. Hãy sửa các chỉ tiêu đó trước.")
                % {"tier": plan_tiers.TIER_WORDS[tier], "labels": ", ".join(users)}
            )  # fmt: skip


@dataclass(frozen=True)
class ThresholdInput:
    tier: str  # "" for the whole scope, else a Tier value
    value: Decimal
    upper: Decimal | None = None


def _check_plan_tiers(plan: Plan, thresholds: list[ThresholdInput], scope_levels) -> None:
    """A target sets thresholds and names levels only of the tiers its plan declares."""
    for item in thresholds:
        if item.tier and item.tier in Tier.values and item.tier not in plan.tier_list:
            raise ServiceError(
                _("Kế hoạch năm %(year)s chỉ có %(tiers)s: không đặt ngưỡng %(tier)s.")
                % {"year": plan.year, "tiers": plan.tier_words,
                   "tier": plan_tiers.TIER_WORDS[item.tier]}
            )  # fmt: skip
    for level in scope_levels or ():
        if level not in plan.agency_levels:
            raise ServiceError(
                _("Kế hoạch năm %(year)s chỉ có %(tiers)s: đối tượng áp dụng không gồm %(level)s.")
                % {"year": plan.year, "tiers": plan.tier_words,
                   "level": LEVEL_WORDS.get(level, level)}
            )  # fmt: skip


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
    actor: User,
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
    _check_plan_tiers(
        plan, thresholds, fields.get("scope_levels", target.scope_levels if target else ())
    )
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


def _audited_delete(instance, *, actor: User, reason: str) -> None:
    instance._history_user = actor
    instance._change_reason = reason
    instance.delete()


@transaction.atomic
def target_delete(
    *, actor: User, target: Target, reason: str, version: datetime | None = None
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
    actor: User,
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
def task_delete(*, actor: User, task: Task, reason: str, version: datetime | None = None) -> None:
    """Delete a task with the agencies' progress reports on it (their text stays in the
    history) and the reports' evidence files, removed from storage once the deletion commits:
    no row serves them any more, and they were left on disk before."""
    _require_reform_office(actor)
    reason = _required_reason(reason)
    claim(task, version, subject=_("Nhiệm vụ"))
    files = list(
        ProgressEvidence.objects.filter(report__task=task).values_list("stored_name", flat=True)
    )
    _audited_delete(task, actor=actor, reason=reason)
    remove_when_committed(files)


def task_parties(task: Task) -> tuple[int | None, set[int]]:
    return task.lead_agency_id, set(task.coordinating_agencies.values_list("pk", flat=True))


@transaction.atomic
def task_report_progress(
    *,
    actor: User,
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
    membership = membership_of(actor)  # not None: it may write
    if membership is None or membership.agency_id not in {lead_id, *coordinator_ids}:
        raise deny(_("Cơ quan của bạn không chủ trì hay phối hợp nhiệm vụ này."))
    agency_id = membership.agency_id
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
    stored_names: list[str] = []
    try:
        for name, content in files:
            stored = store_evidence(content=content, original_name=name, folder=f"tasks/{task.pk}")
            stored_names.append(stored.stored_name)
            ProgressEvidence.objects.create(report=report, **stored.__dict__)
    except BaseException:  # the report is rolled back: so are the files stored for it
        for stored_name in stored_names:
            default_storage.delete(stored_name)
        raise
    return report


@transaction.atomic
def own_task_add(
    *,
    actor: User,
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
