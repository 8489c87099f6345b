"""Every write to agencies and memberships. Each service checks the actor's role, runs in
one transaction and leaves a history row (who, when, before/after)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.concurrency import claim
from cchc.core.formatting import format_date
from cchc.core.services import ServiceError, audited_save
from cchc.core.users import User
from cchc.organizations.access import DataKind, require_write
from cchc.organizations.models import Agency, AgencyLevel, AgencySuccession, Membership
from cchc.organizations.reorganisation import PARENT_LEVELS

# A commune hangs from its district, or from the province once districts are gone (2025).
ALLOWED_PARENT_LEVELS = {AgencyLevel.PROVINCE: set(), **PARENT_LEVELS}


def _require_reform_office(actor: User) -> None:
    require_write(actor, DataKind.AGENCIES, action=_("thay đổi danh mục cơ quan"))


def _check_parent(level: str, parent: Agency | None) -> None:
    allowed = ALLOWED_PARENT_LEVELS[AgencyLevel(level)]
    if not allowed:
        if parent is not None:
            raise ServiceError(_("UBND tỉnh không trực thuộc cơ quan nào."))
        return
    if parent is None or parent.level not in allowed:
        names = ", ".join(str(AgencyLevel(v).label) for v in allowed)
        raise ServiceError(
            _("Cơ quan cấp “%(level)s” phải trực thuộc: %(names)s.")
            % {"level": AgencyLevel(level).label, "names": names}
        )


@transaction.atomic
def agency_create(
    *,
    actor: User,
    code: str,
    name: str,
    level: str,
    parent: Agency | None,
    valid_from: date | None = None,
    source: str = "",
) -> Agency:
    _require_reform_office(actor)
    code, name = code.strip(), " ".join(name.split())
    if Agency.objects.filter(code=code).exists():
        raise ServiceError(_("Mã “%(code)s” đã được dùng cho cơ quan khác.") % {"code": code})
    _check_parent(level, parent)
    agency = Agency(
        code=code, name=name, level=level, parent=parent, valid_from=valid_from, source=source
    )
    audited_save(agency, actor=actor, reason=_("Thêm cơ quan"))
    return agency


@transaction.atomic
def agency_rename(
    *, actor: User, agency: Agency, name: str, version: datetime | None = None
) -> Agency:
    """`version`: the agency's version the page was built from (None: not checked)."""
    _require_reform_office(actor)
    claim(agency, version, subject=str(agency))
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_("Tên cơ quan không được để trống."))
    old = agency.name
    agency.name = name
    audited_save(agency, actor=actor, reason=_("Đổi tên từ “%(old)s”") % {"old": old})
    return agency


@transaction.atomic
def agency_end(
    *, actor: User, agency: Agency, valid_to: date, version: datetime | None = None
) -> Agency:
    """The agency ceases after `valid_to` (its last day). Its data and history stay.
    `version`: the agency's version the page was built from (None: not checked)."""
    _require_reform_office(actor)
    claim(agency, version, subject=str(agency))
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if agency.valid_from and valid_to < agency.valid_from:
        raise ServiceError(_("Ngày kết thúc không được trước ngày bắt đầu hiệu lực."))
    open_children = Agency.objects.filter(parent=agency).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=valid_to)
    )
    if count := open_children.count():
        raise ServiceError(
            _(
                "Còn %(n)s đơn vị trực thuộc hoạt động sau ngày này; hãy kết thúc "
                "hoặc chuyển chúng trước."
            )
            % {"n": count}
        )
    agency.valid_to = valid_to
    audited_save(agency, actor=actor, reason=_("Kết thúc hoạt động"))
    return agency


@transaction.atomic
def agency_record_succession(
    *,
    actor: User,
    predecessors: list[Agency],
    successors: list[Agency],
    effective_on: date,
    legal_basis: str = "",
) -> list[AgencySuccession]:
    """Record that `predecessors` are succeeded by `successors` from `effective_on`: a merger
    (several → one), a split (one → several) or a rename under a new code (one → one).
    Predecessors still open are ended the day before; successors start that day if undated."""
    _require_reform_office(actor)
    if not predecessors or not successors:
        raise ServiceError(_("Cần ít nhất một cơ quan cũ và một cơ quan kế thừa."))
    overlap = {a.pk for a in predecessors} & {a.pk for a in successors}
    if overlap:
        raise ServiceError(_("Một cơ quan không thể vừa là cơ quan cũ vừa là cơ quan kế thừa."))
    last_day = date.fromordinal(effective_on.toordinal() - 1)
    rows = []
    for successor in successors:
        successor = Agency.objects.select_for_update().get(pk=successor.pk)
        if successor.valid_from is None or successor.valid_from > effective_on:
            successor.valid_from = effective_on
            audited_save(successor, actor=actor, reason=_("Bắt đầu hoạt động (kế thừa)"))
    for predecessor in predecessors:
        predecessor = Agency.objects.select_for_update().get(pk=predecessor.pk)
        if predecessor.valid_to is None or predecessor.valid_to > last_day:
            if predecessor.valid_from and predecessor.valid_from > last_day:
                raise ServiceError(
                    _("“%(name)s” bắt đầu hoạt động sau ngày kế thừa.") % {"name": predecessor}
                )
            predecessor.valid_to = last_day
            audited_save(predecessor, actor=actor, reason=_("Kết thúc hoạt động (kế thừa)"))
        for successor in successors:
            row = AgencySuccession.objects.filter(
                predecessor=predecessor, successor=successor
            ).first() or AgencySuccession(
                predecessor=predecessor, successor=successor, effective_on=effective_on
            )
            row.effective_on, row.legal_basis = effective_on, legal_basis
            audited_save(row, actor=actor, reason=_("Ghi nhận kế thừa"))
            rows.append(row)
    return rows


@transaction.atomic
def succession_correct(
    *,
    actor: User,
    link: AgencySuccession,
    effective_on: date,
    kind: str,
    weight: int,
    legal_basis: str,
    certainty: str,
    note: str,
    reason: str,
    version: datetime | None = None,
) -> AgencySuccession:
    """Correct a recorded link (a date, a weight, an inferred default the province has now
    checked), with the reason kept in its history. A new date is the predecessor's: every
    link of the predecessor moves with it, the predecessor ends the day before, and a
    successor that started on the old date starts on its links' earliest date."""
    _require_reform_office(actor)
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError(_("Hãy ghi lý do điều chỉnh."))
    if weight < 1:
        raise ServiceError(_("Tỷ trọng phải là số nguyên dương."))
    subject = _("Việc kế thừa “%(link)s”") % {"link": link}
    claim(link, version, subject=subject)
    link = (
        AgencySuccession.objects.select_for_update().select_related("predecessor").get(pk=link.pk)
    )
    predecessor = Agency.objects.select_for_update().get(pk=link.predecessor_id)
    old_day = link.effective_on
    if effective_on != old_day:
        if predecessor.valid_from and predecessor.valid_from >= effective_on:
            raise ServiceError(
                _("“%(name)s” bắt đầu hoạt động ngày %(day)s, không trước ngày hiệu lực mới.")
                % {"name": predecessor, "day": f"{format_date(predecessor.valid_from)}"}
            )
        last_day = effective_on - timedelta(days=1)
        open_children = Agency.objects.filter(parent=predecessor).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=last_day)
        )
        if count := open_children.count():
            raise ServiceError(
                _("Còn %(n)s đơn vị trực thuộc “%(name)s” hoạt động sau ngày %(day)s.")
                % {"n": count, "name": predecessor, "day": f"{format_date(last_day)}"}
            )
        siblings = AgencySuccession.objects.filter(predecessor=predecessor).exclude(pk=link.pk)
        for sibling in siblings:
            sibling.effective_on = effective_on
            audited_save(sibling, actor=actor, reason=_("Điều chỉnh ngày: %(r)s") % {"r": reason})
        predecessor.valid_to = last_day
        audited_save(
            predecessor, actor=actor, reason=_("Điều chỉnh ngày kết thúc: %(r)s") % {"r": reason}
        )
    link.effective_on, link.kind, link.weight = effective_on, kind, weight
    link.legal_basis, link.certainty, link.note = legal_basis.strip(), certainty, note.strip()
    audited_save(link, actor=actor, reason=_("Điều chỉnh: %(r)s") % {"r": reason})
    if effective_on != old_day:
        successors = Agency.objects.select_for_update().filter(
            predecessions__predecessor=predecessor, valid_from=old_day
        )
        for successor in successors:
            first = min(successor.predecessions.values_list("effective_on", flat=True))
            successor.valid_from = first
            audited_save(
                successor, actor=actor, reason=_("Điều chỉnh ngày bắt đầu: %(r)s") % {"r": reason}
            )
    return link


@transaction.atomic
def membership_move(
    *, actor: User, membership: Membership, agency: Agency, reason: str
) -> Membership:
    """Move an account to another agency (an officer of a dissolved district to the commune
    or department that took over its work). The account and its history stay; the move and
    its reason are recorded."""
    _require_reform_office(actor)
    reason = " ".join(reason.split())
    if not reason:
        raise ServiceError(_("Hãy ghi lý do chuyển tài khoản."))
    today = timezone.localdate()
    if not agency.is_active_on(today):
        raise ServiceError(_("“%(name)s” không còn hoạt động.") % {"name": agency})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.agency_id == agency.pk:
        raise ServiceError(_("Tài khoản đã thuộc “%(name)s”.") % {"name": agency})
    old = membership.agency
    membership.agency = agency
    audited_save(
        membership,
        actor=actor,
        reason=_("Chuyển từ “%(old)s”: %(reason)s") % {"old": old, "reason": reason},
    )
    return membership
