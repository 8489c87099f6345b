"""The reform office's inspection work: plan the year's inspections, record an inspection,
follow its recommendations to closure. Every write checks the role and runs in one
transaction; a recorded inspection refreshes target 1's indicator."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.concurrency import claim
from cchc.core.services import ServiceError, audited_save
from cchc.core.users import User
from cchc.inspections.models import Inspection, InspectionPlanItem, Recommendation
from cchc.operations.imports.base import Affected, WriteResult
from cchc.operations.models import ImportKind
from cchc.operations.services import data_changed
from cchc.organizations.access import DataKind, require_write
from cchc.organizations.models import Agency, AgencyLevel


def _require_reform_office(actor: User) -> None:
    require_write(actor, DataKind.INSPECTIONS, action=_("quản lý công tác kiểm tra"))


@transaction.atomic
def plan_add(
    *,
    actor: User,
    year: int,
    agency: Agency,
    reasons: str = "",
    planned_month: int | None = None,
) -> InspectionPlanItem:
    _require_reform_office(actor)
    if agency.level not in (AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT, AgencyLevel.COMMUNE):
        raise ServiceError(_("Chỉ kiểm tra sở, ban, ngành và UBND cấp huyện, cấp xã."))
    item, _created = InspectionPlanItem.objects.get_or_create(
        year=year,
        agency=agency,
        defaults={"reasons": reasons, "planned_month": planned_month, "created_by": actor},
    )
    return item


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    agency: Agency,
    inspected_on: date,
    team: str = "",
    covers_organisation: bool = False,
    covers_discipline: bool = False,
    findings: str = "",
    recommendations: list[str] | tuple[str, ...] = (),
    due_on: date | None = None,
) -> Inspection:
    """Record an inspection entered on the page (its provenance is the officer who entered
    it, `recorded_by`; no import run) and its recommendations, then refresh target 1."""
    _require_reform_office(actor)
    if inspected_on > timezone.localdate():
        raise ServiceError(_("Ngày kiểm tra không được sau hôm nay."))
    if Inspection.objects.filter(agency=agency, inspected_on=inspected_on).exists():
        raise ServiceError(_("Đã có cuộc kiểm tra cơ quan này trong ngày này."))
    inspection = Inspection.objects.create(
        agency=agency, inspected_on=inspected_on, team=team, covers_organisation=covers_organisation,
        covers_discipline=covers_discipline, findings=findings, recorded_by=actor,
    )  # fmt: skip
    for text in recommendations:
        if text.strip():
            Recommendation.objects.create(inspection=inspection, text=text.strip(), due_on=due_on)
    affected = Affected(agency_ids={agency.pk}, years={inspected_on.year})
    transaction.on_commit(
        lambda: data_changed(
            run=None, kind=ImportKind.INSPECTIONS, result=WriteResult(created=1, affected=affected)
        )
    )
    return inspection


@transaction.atomic
def recommendation_close(
    *,
    actor: User,
    recommendation: Recommendation,
    closed_on: date,
    note: str,
    version: datetime | None = None,
) -> Recommendation:
    """`version`: the recommendation's version the page was built from (None: not checked);
    another officer's close since then refuses this one (core.concurrency)."""
    _require_reform_office(actor)
    if not note.strip():
        raise ServiceError(_("Hãy ghi kết quả khắc phục."))
    claim(recommendation, version, subject=_("Kiến nghị “%(text)s”") % {
        "text": recommendation.text[:80]})  # fmt: skip
    recommendation.closed_on, recommendation.closing_note = closed_on, note.strip()
    audited_save(recommendation, actor=actor, reason=_("Ghi nhận hoàn thành kiến nghị"))
    return recommendation
