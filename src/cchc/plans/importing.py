"""From an uploaded plan document to a plan: read the file, parse it into a draft the
reform office reviews, then save the reviewed draft in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.services import ServiceError, audited_save
from cchc.core.users import User
from cchc.organizations.models import LEVEL_WORDS, Agency, AgencyLevel
from cchc.plans import tiers as plan_tiers
from cchc.plans.agency_names import AgencyNames
from cchc.plans.appendix import match_reform_area
from cchc.plans.document_parser import PlanParseError, parse_plan_text, plan_to_dict
from cchc.plans.docx_text import read_docx
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
    tables = []
    if name.endswith(".docx"):
        document = read_docx(content)
        text, tables = document.text, document.tables
    elif name.endswith((".txt", ".text")):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PlanParseError(
                _("Tệp văn bản không ở mã UTF-8. Hãy lưu lại với mã UTF-8 hoặc dùng tệp .docx.")
            ) from exc
    else:
        raise PlanParseError(_("Chỉ nhận tệp Word (.docx) hoặc văn bản (.txt)."))
    return plan_to_dict(parse_plan_text(text, tables=tables))


def match_area(title: str, areas: list[ReformArea] | None = None) -> ReformArea | None:
    """The reform area a section heading or group row names ("Công tác chỉ đạo, điều hành");
    compared by ``task_table.area_key``, as the appendix import does."""
    return match_reform_area(title, list(ReformArea.objects.all()) if areas is None else areas)


@dataclass
class TaskAgencies:
    """The agencies a parsed task names, matched against the catalogue. A name that matches
    no agency is kept as written in `unmatched_lead` / `unmatched_coordinating` so the review
    page can warn about it instead of dropping it silently."""

    lead: Agency | None = None
    coordinating: list[Agency] = field(default_factory=list)
    unmatched_lead: str = ""
    unmatched_coordinating: list[str] = field(default_factory=list)


def match_task_agencies(item: dict, names: AgencyNames | None = None) -> TaskAgencies:
    """Match a parsed task's lead and coordinating agency names (see plan_to_dict) the way the
    appendix import does (``AgencyNames``; communes aside, the review page cannot list them).
    A collective name ("Các sở, ban, ngành") as a coordinating agency means every agency of
    its level. Each unmatched name is kept once."""
    names = names or AgencyNames(exclude=(AgencyLevel.COMMUNE,))
    result = TaskAgencies()
    lead_name = (item.get("lead_agency_name") or "").strip()
    if lead_name:
        found = names.one(lead_name)
        if found and len(found) == 1:
            result.lead = found[0]
        else:
            result.unmatched_lead = lead_name
    for name in item.get("coordinating_agency_names") or []:
        name = (name or "").strip()
        if not name:
            continue
        found = names.one(name)
        if not found:
            found, unknown = names.many(name)
            for missing in unknown:
                if missing not in result.unmatched_coordinating and missing != lead_name:
                    result.unmatched_coordinating.append(missing)
        result.coordinating.extend(
            a for a in found if a not in result.coordinating and a != result.lead
        )
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
    actor: User,
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


def draft_tiers(draft: dict) -> list[str]:
    """The tiers the review page starts with: those in force in the draft's year, and any tier
    a threshold of the document names (a 2026 plan written with a cấp huyện threshold shows
    it, for the reform office to decide, rather than losing it)."""
    named = {
        threshold.get("level")
        for item in draft.get("targets", [])
        for threshold in item.get("thresholds", [])
        if threshold.get("level")
    }
    return plan_tiers.ordered(set(plan_tiers.default_tiers(draft.get("year"))) | named)


def draft_tier_warnings(draft: dict, tiers: list[str]) -> list[str]:
    """What the document names of a tier the review page does not tick: the applicability of
    a target ("UBND các huyện") in a two-tier year is dropped on saving, and says so here."""
    levels = plan_tiers.levels_of(tiers)
    named: dict[str, list[str]] = {}
    for item in draft.get("targets", []):
        for level in item.get("scope_levels") or []:
            if level not in levels:
                label = f"{item.get('number', '')}{item.get('part') or ''}"
                named.setdefault(level, []).append(label)
    return [
        _("Văn bản nêu %(level)s trong đối tượng áp dụng của chỉ tiêu %(labels)s, nhưng kế hoạch "
          "năm %(year)s có %(tiers)s: phần đó không được lưu (đánh dấu thêm cấp nếu cần).")
        % {"level": LEVEL_WORDS.get(level, level), "labels": ", ".join(labels),
           "year": draft.get("year"), "tiers": plan_tiers.words(tiers)}
        for level, labels in named.items()
    ]  # fmt: skip


def thresholds_from_draft(item: dict) -> dict:
    """Form initial values ("value_all", "value_province", …) from a parsed target."""
    initial = {}
    for threshold in item.get("thresholds", []):
        key = threshold.get("level") or "all"
        initial[f"value_{key}"] = Decimal(threshold["value"])
        if threshold.get("upper"):
            initial[f"upper_{key}"] = Decimal(threshold["upper"])
    return initial
