"""Periodic reports: open one for an agency and period, edit its narrative, generate the
.docx (Decree 30/2020 layout) and .xlsx annex from the data of the period, submit it."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.concurrency import claim
from cchc.core.formatting import format_date
from cchc.core.services import ServiceError, audited_save, deny
from cchc.core.users import User
from cchc.core.xlsx import build_xlsx
from cchc.indicators.dashboard import synthetic_words, target_status
from cchc.organizations.access import DataKind
from cchc.organizations.access import may_write as access_may_write
from cchc.organizations.models import Agency, AgencyLevel
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import province_of, province_place
from cchc.plans.models import Plan
from cchc.plans.selectors import task_board
from cchc.reports.document_templates import template_for
from cchc.reports.docx_builder import (
    Cell,
    Percent,
    ReportDocument,
    ReportSection,
    ReportTable,
    build_report_docx,
)
from cchc.reports.models import DocumentKind, PeriodicReport, ReportStatus
from cchc.reports.periods import report_period

NARRATIVE_FIELDS = ("number_symbol", "overview", "results", "difficulties", "proposals",
                    "signing_authority", "signer_name")  # fmt: skip
STATUS_TEXT = {"met": "Đạt", "at_risk": "Đạt, có nguy cơ", "missed": "Chưa đạt",
               "pending": "Chưa đạt, dự báo đạt", "open": "Chưa đạt, chưa đủ cơ sở dự báo",
               "no_data": "Chưa có dữ liệu"}  # fmt: skip
TASK_TEXT = {"not_started": "Chưa triển khai", "in_progress": "Đang thực hiện",
             "done": "Hoàn thành", "done_late": "Hoàn thành quá hạn", "overdue": "Quá hạn"}  # fmt: skip


def may_write(actor: User, agency: Agency) -> bool:
    """An agency's officer writes its report; the reform office writes the province's
    (organizations.access)."""
    return access_may_write(actor, DataKind.REPORTS, agency)


def agency_scope(agency: Agency) -> AgencyScope:
    """The data an agency's report covers: the province all; a district also its communes."""
    if agency.level == AgencyLevel.PROVINCE:
        return AgencyScope.everything()
    ids = {agency.pk}
    if agency.level == AgencyLevel.DISTRICT:
        ids |= set(Agency.objects.filter(parent=agency).values_list("pk", flat=True))
    return AgencyScope.of(ids)


@transaction.atomic
def report_open(
    *, actor: User, agency: Agency, kind: str, year: int, number: int | None
) -> PeriodicReport:
    if not may_write(actor, agency):
        raise deny(_("Bạn không soạn báo cáo của cơ quan này."))
    report_period(kind, year, number, cutoff_day=settings.REPORT_CUTOFF_DAY)  # validates
    report, _created = PeriodicReport.objects.get_or_create(
        agency=agency, kind=kind, year=year, number=number or 0,
        defaults={"number_symbol": f"/BC-{symbol_of(agency)}"},
    )  # fmt: skip
    return report


def symbol_of(agency: Agency) -> str:
    """The issuing agency's part of a document's number ("05/BC-STP"): "UBND" for the
    province, the code's last part for a department ("12-STP" → "STP")."""
    if agency.level == AgencyLevel.PROVINCE:
        return "UBND"
    return agency.code.split("-")[-1] if "-" in agency.code else f"UBND{agency.code}"


def letterhead(agency: Agency, province_name: str) -> tuple[str, str]:
    """(parent line, issuing body) of a document `agency` issues, in the Decree 30/2020 way:
    the province's UBND alone; a department under "UBND TỈNH …"; a commune under its
    district's (or province's) UBND; a district's UBND on two lines."""
    if agency.level == AgencyLevel.PROVINCE:
        return "", f"ỦY BAN NHÂN DÂN\nTỈNH {province_name}"
    if agency.level == AgencyLevel.DEPARTMENT:
        parent = f"UBND TỈNH {province_name}"
    elif agency.level == AgencyLevel.COMMUNE and agency.parent is not None:
        parent = f"UBND {agency.parent.name}"  # a commune's district, or its province
    else:
        parent = ""
    body = (
        agency.name if agency.level != AgencyLevel.DISTRICT else f"ỦY BAN NHÂN DÂN\n{agency.name}"
    )
    return parent, body


@transaction.atomic
def report_update(
    *, actor: User, report: PeriodicReport, version: datetime | None = None, **fields
) -> PeriodicReport:
    """Save the narrative; `version` is the report's version the page was built from (None:
    not checked) — another writer's save since then refuses this one (core.concurrency)."""
    report = PeriodicReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if not may_write(actor, report.agency):
        raise deny(_("Bạn không soạn báo cáo của cơ quan này."))
    if report.status == ReportStatus.SUBMITTED:
        raise ServiceError(_("Báo cáo đã gửi, không sửa được nữa."))
    claim(report, version, subject=_("Nội dung báo cáo"))
    for name in NARRATIVE_FIELDS:
        if name in fields:
            setattr(report, name, fields[name])
    audited_save(report, actor=actor, reason=_("Sửa nội dung báo cáo"))
    return report


def _through(period_end: date, year: int) -> date:
    """Indicator snapshots are monthly: a report counts the complete months of the year before
    the cut-off day (e.g. Q1 with cut-off 14/3 → January–February)."""
    month = period_end.month - 1 if period_end.year == year else 12
    return date(year, max(month, 1), 1)


def _area_sections(rows) -> list[ReportSection]:
    """Part II by reform area: for each area, a sentence counting its tasks by status and the
    table of those tasks, filled from the task board of the period."""
    if not rows:
        return [
            ReportSection(
                "Nhiệm vụ theo lĩnh vực", ["Không có nhiệm vụ được giao chủ trì."], level=2
            )
        ]
    sections = []
    areas: dict = {}
    for row in rows:
        areas.setdefault(row.task.area, []).append(row)
    for number, (area, items) in enumerate(
        sorted(areas.items(), key=lambda a: a[0].order), start=1
    ):
        counts: dict[str, int] = {}
        for row in items:
            counts[row.status] = counts.get(row.status, 0) + 1
        summary = ", ".join(f"{n} {TASK_TEXT[s].lower()}" for s, n in counts.items())
        table = ReportTable(
            caption=f"Nhiệm vụ lĩnh vực {area.name.lower()}",
            header=["Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn", "Tiến độ", "Tình trạng"],
            rows=[
                [
                    r.task.text,
                    r.task.lead_agency.name if r.task.lead_agency else "—",
                    format_date(r.task.deadline) if r.task.deadline else "—",
                    Percent(r.percent, 0) if r.percent is not None else None,
                    TASK_TEXT[r.status],
                ]
                for r in items
            ],
            column_widths=[6, 2.5, 1.6, 1.2, 1.8],
        )
        sections.append(
            ReportSection(
                f"{number}. {area.name}",
                [f"Có {len(items)} nhiệm vụ: {summary}."],
                tables=[table],
                level=2,
            )
        )
    return sections


def _share(cell: Cell) -> float | None:
    """A target's result (a `Percent` cell) as the annex's number."""
    if isinstance(cell, Percent) and cell.value is not None:
        return float(cell.value)
    return None


def report_content(report: PeriodicReport) -> tuple[ReportDocument, dict]:
    """The document of the report, filled from the data of its period."""
    period = report.period
    agency = report.agency
    scope = agency_scope(agency)
    plan = Plan.objects.filter(year=report.year).first()
    target_rows: list[list[Cell]] = []
    task_rows, statuses = [], []
    through = _through(period.end, report.year)
    if plan is not None:
        for target in plan.targets.prefetch_related("thresholds").order_by("number", "part"):
            status = target_status(target, scope=scope, year=plan.year, through=through)
            value = status.overall.value if status.overall else None
            statuses.append(status)
            threshold = "; ".join(f"{t}: {x}" if t else x for t, x in target.threshold_lines())
            target_rows.append(
                [
                    target.label,
                    target.quantity[:1].upper() + target.quantity[1:],
                    threshold,
                    Percent(value),
                    STATUS_TEXT[status.status],
                ]
            )
        for row in task_board(plan=plan, scope=scope, today=min(period.end, timezone.localdate())):
            if agency.level != AgencyLevel.PROVINCE and row.role != "lead":
                continue
            task_rows.append(row)
    targets_table = ReportTable(
        caption=f"Kết quả thực hiện các chỉ tiêu (số liệu đến hết tháng {through:%m/%Y})",
        header=["Chỉ tiêu", "Nội dung", "Ngưỡng", "Kết quả", "Đánh giá"],
        rows=target_rows or [["—", "Chưa có kế hoạch năm này", "", None, ""]],
        column_widths=[1, 5, 3, 1.6, 2],
    )
    paragraphs = lambda text: [p.strip() for p in text.splitlines() if p.strip()]  # noqa: E731
    sections = [
        ReportSection(
            "I. ĐÁNH GIÁ CHUNG", paragraphs(report.overview) or ["(Chưa nhập nội dung.)"]
        ),
        ReportSection("II. KẾT QUẢ THỰC HIỆN", paragraphs(report.results), tables=[targets_table]),
        *_area_sections(task_rows),
        ReportSection(
            "III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
            paragraphs(report.difficulties) or ["(Chưa nhập nội dung.)"],
        ),
        ReportSection(
            "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ VÀ ĐỀ XUẤT, KIẾN NGHỊ",
            paragraphs(report.proposals) or ["(Chưa nhập nội dung.)"],
        ),
    ]
    province_name = province_place(agency)
    parent, body = letterhead(agency, province_name)
    if agency.level == AgencyLevel.PROVINCE:
        recipients = [
            "Bộ Nội vụ",
            "Thường trực Tỉnh ủy",
            "Thường trực HĐND tỉnh",
            "Chủ tịch, các PCT UBND tỉnh",
        ]
    else:
        recipients = ["Sở Nội vụ (Văn phòng CCHC)", "Lãnh đạo cơ quan"]
    document = ReportDocument(
        issuing_body_parent=parent,
        issuing_body=body,
        number_symbol=report.number_symbol or f"/BC-{symbol_of(agency)}",
        place=province_name,
        date=min(period.end, timezone.localdate()),
        subtitle=f"Kết quả thực hiện công tác cải cách hành chính {period.label}",
        sections=sections,
        recipients=recipients,
        signing_authority=report.signing_authority,
        signer_name=report.signer_name,
        # Names the targets whose own figures are synthetic, not the whole report; and says
        # when the year's plan is the demo's illustration, not one the province issued.
        synthetic_notice=" ".join(
            part
            for part in (
                (
                    f"Kế hoạch năm {plan.year} là kế hoạch minh họa do bản dùng thử tạo, không "
                    "phải kế hoạch UBND tỉnh ban hành."
                )
                if plan is not None and plan.illustrative
                else "",
                synthetic_words(statuses),
            )
            if part
        ),
    )
    annex = {
        "title": f"Phụ lục: {period.title} — {agency.name}",
        "subtitle": f"Số liệu chỉ tiêu đến hết tháng {through:%m/%Y}",
        "headers": ["Chỉ tiêu", "Nội dung", "Ngưỡng", "Kết quả (%)", "Đánh giá"],
        "rows": [[r[0], r[1], r[2], _share(r[3]), r[4]] for r in target_rows],
        "note": document.synthetic_notice,
    }
    return document, annex


def report_generate(*, actor: User, report: PeriodicReport) -> PeriodicReport:
    """The report's Word file and its annex, built from what the report holds, then stored.
    Built before the write's transaction (a province's template may take a while to render,
    and on SQLite the transaction holds the one write lock), written only if the report was
    not changed meanwhile."""
    report = PeriodicReport.objects.select_related("agency__parent").get(pk=report.pk)
    _may_generate(actor, report)
    document, annex = report_content(report)
    template = template_for(DocumentKind.PERIODIC_REPORT, province_of(report.agency))
    try:
        content = build_report_docx(document, template)
    except ValueError as exc:  # what the document still lacks, or what its template breaks
        raise ServiceError(str(exc)) from exc
    with transaction.atomic():
        built_from = report
        report = (
            PeriodicReport.objects.select_for_update(of=("self",))
            .select_related("agency__parent")
            .get(pk=report.pk)
        )
        _may_generate(actor, report)
        if report.updated_at != built_from.updated_at:
            raise ServiceError(_("Báo cáo vừa được sửa trong lúc tạo tệp: hãy tạo lại."))
        return _store_generated(report, content, annex)


def _may_generate(actor: User, report: PeriodicReport) -> None:
    if not may_write(actor, report.agency):
        raise deny(_("Bạn không soạn báo cáo của cơ quan này."))
    if report.status == ReportStatus.SUBMITTED:
        raise ServiceError(_("Báo cáo đã gửi, không tạo lại được."))


def _store_generated(report: PeriodicReport, content: bytes, annex: dict) -> PeriodicReport:
    stem = f"reports/{report.pk}/bao-cao-{report.kind}-{report.year}-{report.number}"
    for path in (report.docx_path, report.xlsx_path):
        if path:
            default_storage.delete(path)
    report.docx_path = default_storage.save(f"{stem}.docx", ContentFile(content))
    report.xlsx_path = default_storage.save(
        f"{stem}-phu-luc.xlsx", ContentFile(build_xlsx(**annex))
    )
    report.generated_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def report_submit(*, actor: User, report: PeriodicReport) -> PeriodicReport:
    report = PeriodicReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if not may_write(actor, report.agency):
        raise deny(_("Bạn không gửi báo cáo của cơ quan này."))
    if not report.generated_at:
        raise ServiceError(_("Hãy tạo tệp báo cáo trước khi gửi."))
    report.status, report.submitted_at, report.submitted_by = (
        ReportStatus.SUBMITTED,
        timezone.now(),
        actor,
    )
    report.save()
    return report
