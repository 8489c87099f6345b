"""From an uploaded plan document to a plan: read the file, parse it into a draft the
reform office reviews, then save the reviewed draft in one transaction."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.services import ServiceError, audited_save
from cchc.organizations.models import Agency, AgencyLevel
from cchc.plans.document_parser import PlanParseError, parse_plan_text, plan_to_dict
from cchc.plans.docx_text import extract_docx_text
from cchc.plans.models import LegalBasis, Plan, ReformArea, Task
from cchc.plans.services import ThresholdInput, _require_reform_office, plan_create, target_save

MAX_BYTES = 10 * 1024 * 1024


def read_plan_file(*, file_name: str, content: bytes) -> dict:
    """Parse an uploaded .docx or UTF-8 text file into a JSON-safe draft (see
    document_parser.plan_to_dict). Raises PlanParseError with a Vietnamese message."""
    if not content:
        raise PlanParseError(_("Tệp rỗng: không có nội dung để đọc."))
    if len(content) > MAX_BYTES:
        raise PlanParseError(_("Tệp quá lớn (tối đa 10 MB)."))
    name = file_name.lower()
    if name.endswith(".docx"):
        text = extract_docx_text(content)
    elif name.endswith((".txt", ".text")):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PlanParseError(
                _("Tệp văn bản không ở mã UTF-8. Hãy lưu lại với mã UTF-8 hoặc dùng tệp .docx.")
            ) from exc
    else:
        raise PlanParseError(_("Chỉ nhận tệp Word (.docx) hoặc văn bản (.txt)."))
    return plan_to_dict(parse_plan_text(text))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Mn").split())


def match_area(title: str) -> ReformArea | None:
    """The reform area whose name the plan's section heading names (accents and case aside)."""
    folded = _fold(title)
    for area in ReformArea.objects.all():
        name = _fold(area.name)
        if name == folded or name in folded or folded in name:
            return area
    return None


def match_agency(name: str | None) -> Agency | None:
    """An agency by its name as a plan writes it ("Sở Nội vụ", "UBND huyện Tam Đường")."""
    if not name:
        return None
    wanted = _fold(name).replace("ubnd ", "").replace("uy ban nhan dan ", "")
    for agency in Agency.objects.exclude(level=AgencyLevel.COMMUNE):
        candidate = _fold(agency.name)
        if candidate == wanted or candidate.endswith(wanted) or wanted.endswith(candidate):
            return agency
    return None


@dataclass
class TaskAgencies:
    """The agencies a parsed task names, matched against the catalogue. A name that matches
    no agency is kept as written in `unmatched_lead` / `unmatched_coordinating` so the review
    page can warn about it instead of dropping it silently."""

    lead: Agency | None = None
    coordinating: list[Agency] = field(default_factory=list)
    unmatched_lead: str = ""
    unmatched_coordinating: list[str] = field(default_factory=list)


def match_task_agencies(item: dict) -> TaskAgencies:
    """Match a parsed task's lead and coordinating agency names (see plan_to_dict)."""
    result = TaskAgencies()
    lead_name = (item.get("lead_agency_name") or "").strip()
    if lead_name:
        result.lead = match_agency(lead_name)
        if result.lead is None:
            result.unmatched_lead = lead_name
    for name in item.get("coordinating_agency_names") or []:
        name = (name or "").strip()
        if not name:
            continue
        agency = match_agency(name)
        if agency is None:
            result.unmatched_coordinating.append(name)
        elif agency not in result.coordinating:
            result.coordinating.append(agency)
    return result


@dataclass
class DraftTarget:
    number: int
    part: str
    source_text: str
    quantity: str
    comparator: str
    unit: str
    kind: str
    baseline_year: int | None
    scope_note: str
    indicator_code: str
    thresholds: list[ThresholdInput]
    scope_levels: list[str] = field(default_factory=list)
    growth_measure: str = "relative"
    target_year: int | None = None


@dataclass
class DraftTask:
    area: ReformArea
    text: str
    output: str = ""
    deadline: date | None = None
    lead_agency: Agency | None = None
    coordinating_agencies: list[Agency] = field(default_factory=list)


@transaction.atomic
def plan_import_save(
    *,
    actor: AbstractBaseUser,
    province: Agency,
    header: dict,
    legal_bases: list[dict],
    targets: list[DraftTarget],
    tasks: list[DraftTask],
    source: str,
) -> Plan:
    """Create the reviewed plan with its legal bases, targets and tasks — all or nothing."""
    _require_reform_office(actor)
    if not targets and not tasks:
        raise ServiceError(_("Bản nháp không còn chỉ tiêu hay nhiệm vụ nào để lưu."))
    plan = plan_create(actor=actor, province=province, **header)
    plan.source = source[:500]
    audited_save(plan, actor=actor, reason=_("Nhập từ văn bản"))
    for order, basis in enumerate(legal_bases, start=1):
        audited_save(LegalBasis(plan=plan, order=order, **basis), actor=actor)
    for target in targets:
        fields = {k: v for k, v in target.__dict__.items() if k != "thresholds"}
        target_save(actor=actor, plan=plan, thresholds=target.thresholds, **fields)
    orders: dict[int, int] = {}
    for draft in tasks:
        orders[draft.area.pk] = orders.get(draft.area.pk, 0) + 1
        task = Task(
            plan=plan, area=draft.area, order=orders[draft.area.pk], text=draft.text,
            output=draft.output, deadline=draft.deadline, lead_agency=draft.lead_agency,
        )  # fmt: skip
        audited_save(task, actor=actor, reason=_("Nhập từ văn bản"))
        task.coordinating_agencies.set(draft.coordinating_agencies)
    return plan


def thresholds_from_draft(item: dict) -> dict:
    """Form initial values ("value_all", "value_province", …) from a parsed target."""
    initial = {}
    for threshold in item.get("thresholds", []):
        key = threshold.get("level") or "all"
        initial[f"value_{key}"] = Decimal(threshold["value"])
        if threshold.get("upper"):
            initial[f"upper_{key}"] = Decimal(threshold["upper"])
    return initial
