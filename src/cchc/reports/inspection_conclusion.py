"""The conclusion of an inspection (kết luận kiểm tra công tác cải cách hành chính), a Word
document rendered from the province's template of kind "ket_luan_kiem_tra" (or the bundled
one) in the Decree 30/2020 layout. The reform office's agency issues it (its name, its
province's UBND above it, the place in the date line: all from the data); the body says
whom, when, by which team, what the inspection covered, what it found, the recommendations
and, once published on the portal, the conclusion the public reads. No request, no
transaction: the view passes the inspection the reader may see. It lives with the other
Word documents (the layers: `inspections` sits below `reports`, whose templates it uses)."""

from __future__ import annotations

from django.utils import timezone

from cchc.core.formatting import format_date
from cchc.core.seams import Seam
from cchc.inspections.models import Inspection
from cchc.organizations.models import Agency, AgencyLevel, Membership, Role
from cchc.organizations.selectors import province_of, province_place
from cchc.reports.document_templates import template_for
from cchc.reports.docx_builder import ReportDocument, ReportSection, build_report_docx
from cchc.reports.models import DocumentKind
from cchc.reports.services import letterhead, symbol_of

# The conclusion the public reads, when the portal (above this app) has published one.
public_conclusion = Seam("reports.inspection_public_conclusion", default=lambda inspection: "")

UNSIGNED = "." * 32  # the signer writes their name by hand


def issuer_of(inspection: Inspection) -> Agency | None:
    """The agency that issues the conclusion: the reform office's — the agency of the officer
    who recorded it, or else of the province's reform office (the first account with that
    role in the inspected agency's province); None when the data have none."""
    offices = Membership.objects.filter(role=Role.REFORM_OFFICE).select_related("agency__parent")
    if inspection.recorded_by_id is not None:
        recorder = offices.filter(user_id=inspection.recorded_by_id).first()
        if recorder is not None:
            return recorder.agency
    province = province_of(inspection.agency)
    for membership in offices.order_by("pk"):
        if province is None or province_of(membership.agency) == province:
            return membership.agency
    return None


def _covered(inspection: Inspection) -> str:
    parts = ["công tác cải cách hành chính"]
    if inspection.covers_organisation:
        parts.append("tổ chức bộ máy")
    if inspection.covers_discipline:
        parts.append("kỷ luật, kỷ cương hành chính")
    words = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]
    return f"Nội dung kiểm tra: {words}."


def conclusion_document(inspection: Inspection) -> ReportDocument:
    """The conclusion's content, from the inspection and the data around it."""
    agency = inspection.agency
    issuer = issuer_of(inspection)
    place = province_place(agency)
    if issuer is None:  # no reform office in the data: the province's UBND issues it
        parent, body, symbol = "", f"ỦY BAN NHÂN DÂN\nTỈNH {place}", "UBND"
    else:
        (parent, body), symbol = letterhead(issuer, place), symbol_of(issuer)
    team = inspection.team.strip()
    overview = [
        f"Ngày {format_date(inspection.inspected_on)}, "
        f"{team or 'Đoàn kiểm tra cải cách hành chính'} đã kiểm tra công tác cải cách hành "
        f"chính tại {agency.name}.",
        _covered(inspection),
    ]
    findings = [line.strip() for line in inspection.findings.splitlines() if line.strip()]
    recommendations = [
        f"{index}. {r.text}"
        + (f" (thời hạn khắc phục: {format_date(r.due_on)})" if r.due_on else "")
        for index, r in enumerate(inspection.recommendations.order_by("pk"), start=1)
    ]
    sections = [
        ReportSection("I. KHÁI QUÁT CUỘC KIỂM TRA", overview),
        ReportSection("II. KẾT QUẢ KIỂM TRA", findings or ["(Chưa ghi nhận kết quả, tồn tại.)"]),
        ReportSection(
            "III. KIẾN NGHỊ",
            recommendations or ["Không có kiến nghị khắc phục."],
        ),
    ]
    public = str(public_conclusion(inspection) or "").strip()
    if public:
        sections.append(
            ReportSection(
                "IV. KẾT LUẬN CÔNG KHAI",
                [line.strip() for line in public.splitlines() if line.strip()],
            )
        )
    return ReportDocument(
        issuing_body_parent=parent,
        issuing_body=body,
        number_symbol=f"/KL-{symbol}",
        place=place,
        date=timezone.localdate(),
        title="KẾT LUẬN",
        subtitle=f"Kiểm tra công tác cải cách hành chính tại {agency.name}",
        sections=sections,
        recipients=[agency.name, f"UBND tỉnh {place} (để báo cáo)"],
        signing_authority="GIÁM ĐỐC"
        if issuer is not None and issuer.level == AgencyLevel.DEPARTMENT
        else "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        signer_name=UNSIGNED,
        synthetic_notice=(
            "Cuộc kiểm tra từ dữ liệu mô phỏng, không phải cuộc kiểm tra thật."
            if inspection.synthetic
            else ""
        ),
    )


def conclusion_docx(inspection: Inspection) -> bytes:
    """The conclusion as the bytes of a .docx, rendered with the province's template."""
    return build_report_docx(
        conclusion_document(inspection),
        template_for(DocumentKind.INSPECTION_CONCLUSION, province_of(inspection.agency)),
    )


def file_name(inspection: Inspection) -> str:
    return f"ket-luan-kiem-tra-{inspection.agency.code}-{inspection.inspected_on:%Y%m%d}.docx"
