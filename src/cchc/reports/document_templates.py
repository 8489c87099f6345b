"""The Word templates of a province: which one a document is rendered with, and the reform
office's upload of its own version and return to the bundled one.

A province's template is kept per kind (`DocumentKind`) in versions; the active one is used,
and with none active the bundled one (data/document_templates/<kind>.docx). An upload is
stored only after it rendered with sample data — a template that fails is refused with the
Jinja error and where it is, in Vietnamese — so a report never fails on a template at the
moment it is generated.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.documents import DocumentTemplateError
from cchc.core.services import ServiceError
from cchc.core.uploads import sniff
from cchc.core.users import User
from cchc.organizations.access import require_office
from cchc.organizations.models import Agency
from cchc.organizations.selectors import province_place
from cchc.reports.docx_builder import (
    Percent,
    ReportDocument,
    ReportSection,
    ReportTable,
    build_report_docx,
    bundled_template,
)
from cchc.reports.models import DocumentKind, DocumentTemplate

MAX_BYTES = 5 * 1024 * 1024  # a letterhead with a logo is well under 1 MB


def active_template(kind: str, province: Agency | None) -> DocumentTemplate | None:
    if province is None:
        return None
    return DocumentTemplate.objects.filter(kind=kind, province=province, active=True).first()


def template_for(kind: str, province: Agency | None) -> bytes:
    """The template a document of `kind` of `province` is rendered with: the province's
    active upload, or the bundled one."""
    uploaded = active_template(kind, province)
    return bytes(uploaded.content) if uploaded is not None else bundled_template(kind)


def sample_document(kind: str, province_name: str) -> ReportDocument:
    """Data to try a template with before it is accepted: every part of the layout filled
    (a parent body, a subject note, a notice, headings of the three levels, a table with a
    group row, two recipients, a signature on behalf)."""
    table = ReportTable(
        caption="Bảng 1. Kết quả thực hiện các chỉ tiêu",
        header=["STT", "Chỉ tiêu", "Kết quả", "Đánh giá"],
        rows=[
            ["I. Cải cách thủ tục hành chính"],
            [1, "Tỷ lệ hồ sơ giải quyết đúng hạn", Percent(Decimal("98.5")), "Đạt"],
        ],
        column_widths=[1, 6, 2, 2],
    )
    annex = kind == DocumentKind.PAR_INDEX_ANNEX
    if kind == DocumentKind.INSPECTION_CONCLUSION:
        return ReportDocument(
            issuing_body_parent=f"UBND tỉnh {province_name}",
            issuing_body="Sở Nội vụ",
            number_symbol="5/KL-SNV",
            place=province_name,
            date=date(2026, 3, 14),
            title="KẾT LUẬN",
            subtitle="Kiểm tra công tác cải cách hành chính tại Sở Tư pháp",
            sections=[
                ReportSection("I. KHÁI QUÁT CUỘC KIỂM TRA", ["Nội dung mẫu của cuộc kiểm tra."]),
                ReportSection("II. KẾT QUẢ KIỂM TRA", ["Nội dung mẫu."], [table]),
                ReportSection("1. Tồn tại, hạn chế", ["Nội dung mẫu."], level=2),
                ReportSection("a) Nội dung chi tiết", ["Nội dung mẫu."], level=3),
            ],
            recipients=["Sở Tư pháp", f"UBND tỉnh {province_name} (để báo cáo)"],
            signing_authority="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
            signer_name="Nguyễn Văn Mẫu",
            synthetic_notice="Dữ liệu mẫu để thử mẫu văn bản.",
        )
    return ReportDocument(
        issuing_body_parent="" if annex else f"UBND tỉnh {province_name}",
        issuing_body=f"ỦY BAN NHÂN DÂN\nTỈNH {province_name.upper()}" if annex else "Sở Tư pháp",
        number_symbol="5/QĐ-UBND" if annex else "5/BC-STP",
        place=province_name,
        date=date(2026, 3, 14),
        title="PHỤ LỤC" if annex else "BÁO CÁO",
        subtitle="Kết quả thực hiện công tác cải cách hành chính quý I năm 2026",
        subject_note="(Kèm theo Quyết định số 05/QĐ-UBND ngày 14/03/2026)" if annex else "",
        sections=[
            ReportSection("I. ĐÁNH GIÁ CHUNG", ["Nội dung mẫu của phần đánh giá chung."]),
            ReportSection("1. Kết quả thực hiện", ["Nội dung mẫu."], [table], level=2),
            ReportSection("a) Nội dung chi tiết", ["Nội dung mẫu."], level=3),
        ],
        recipients=["Sở Nội vụ", "Lãnh đạo cơ quan"],
        signing_authority="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn Mẫu",
        synthetic_notice="Dữ liệu mẫu để thử mẫu văn bản.",
    )


def check_template(kind: str, content: bytes, province_name: str) -> bytes:
    """The template rendered with sample data (the bytes of the result), or ServiceError with
    what is wrong, in Vietnamese."""
    if not content:
        raise ServiceError(_("Tệp rỗng."))
    if len(content) > MAX_BYTES:
        raise ServiceError(_("Tệp mẫu lớn hơn %(limit)s.") % {"limit": filesizeformat(MAX_BYTES)})
    if sniff(content) != "docx":
        raise ServiceError(
            _("Tệp không phải tệp Word .docx: hãy lưu mẫu với định dạng “Word (.docx)”.")
        )
    try:
        # In the render's child process, within its time: the rendering, the names of the
        # branches the sample does not take, and the result opened as a Word document.
        return build_report_docx(sample_document(kind, province_name), content, all_names=True)
    except DocumentTemplateError as exc:
        raise ServiceError(str(exc)) from exc
    except Exception as exc:  # any failure of a province's file is a refusal
        raise ServiceError(
            _("Mẫu văn bản không dùng được: văn bản tạo từ mẫu bị hỏng, Word không mở được.")
        ) from exc


def template_upload(
    *, actor: User, kind: str, province: Agency, file_name: str, content: bytes
) -> DocumentTemplate:
    """Store a province's template as its new active version, after it rendered with
    sample data; the previous versions are kept, inactive. The rendering is done before the
    write's transaction: on SQLite that transaction holds the one write lock, and a template
    taking long to render held every other writer up (an API report failed "database is
    locked" after 30 s)."""
    require_office(actor, _("thay mẫu văn bản"))
    kind = DocumentKind(kind)
    check_template(kind, content, _place(province))
    with transaction.atomic():
        versions = DocumentTemplate.objects.select_for_update().filter(kind=kind, province=province)
        last = versions.aggregate(last=Max("version"))["last"] or 0
        versions.filter(active=True).update(active=False)
        return DocumentTemplate.objects.create(
            kind=kind, province=province, version=last + 1, file_name=file_name[:255],
            content=content, uploaded_by=actor, uploaded_at=timezone.now(), active=True,
        )  # fmt: skip


@transaction.atomic
def template_revert(*, actor: User, kind: str, province: Agency) -> int:
    """Return to the bundled template: the province's versions stay, none active. Returns
    how many were active (0 or 1)."""
    require_office(actor, _("thay mẫu văn bản"))
    kind = DocumentKind(kind)
    return DocumentTemplate.objects.filter(kind=kind, province=province, active=True).update(
        active=False
    )


def _place(province: Agency) -> str:
    return province_place(province) or province.name
