"""The annex of the PAR INDEX results (phụ lục kèm theo quyết định công bố), a Word document
rendered from the province's template of kind "phu_luc_chi_so_cchc" (or the bundled one):
one table per group of agencies, the Decree 30/2020 letterhead of the province's UBND, built
from the results the reader may see. Also the results as an Excel table (`results_xlsx`), which
shares the subject line and notices. No request, no transaction: the view passes what the
reader asked for."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from cchc.core.formatting import format_number
from cchc.core.xlsx import build_xlsx
from cchc.organizations.models import Agency, AgencyLevel
from cchc.organizations.selectors import province_place
from cchc.parindex.models import AssessmentStatus, Framework, FrameworkGroup, Result, group_words
from cchc.reports.document_templates import template_for
from cchc.reports.docx_builder import (
    ReportDocument,
    ReportSection,
    ReportTable,
    build_report_docx,
    format_number_symbol,
)
from cchc.reports.models import DocumentKind

S = AssessmentStatus
# Rankings never show a group the framework's year does not have (`Framework.levels`).
GROUP_ORDER = (AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT, AgencyLevel.COMMUNE)
DRAFT_NUMBER = "/QĐ-UBND"


def result_groups(results: list[Result]) -> list[tuple[str, list[Result]]]:
    by_group: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_group[result.rank_group].append(result)
    return [
        (str(AgencyLevel(level).label), by_group[level])
        for level in GROUP_ORDER
        if by_group.get(level)
    ]


GROUP_PHRASES = {
    FrameworkGroup.DEPARTMENT: "các sở, ban, ngành",
    FrameworkGroup.DISTRICT: "Ủy ban nhân dân các huyện, thành phố",
    FrameworkGroup.COMMUNE: "Ủy ban nhân dân các xã, phường, thị trấn",
}


def subject(framework: Framework) -> str:
    # The group "all" names the levels of its year: no cấp huyện from 2026 (plans.tiers).
    whom = GROUP_PHRASES.get(FrameworkGroup(framework.group)) or group_words(
        framework.levels
    ).replace("UBND", "Ủy ban nhân dân")
    if framework.par_index:
        return f"Kết quả xác định Chỉ số cải cách hành chính năm {framework.year} của {whom}"
    return f"Kết quả đánh giá năm {framework.year} của {whom} theo {framework.title}"


def notices(framework: Framework, rows: list[Result]) -> list[str]:
    notices = []
    if any(r.assessment.status != S.PUBLISHED for r in rows) or not rows:
        notices.append("Kết quả tạm tính, chưa công bố.")
    if framework.illustrative:
        notices.append(
            "Bộ tiêu chí là ví dụ minh họa, không phải bộ tiêu chí chính thức do UBND tỉnh "
            "ban hành."
        )
    if any(r.assessment.synthetic for r in rows):
        notices.append("Số liệu là dữ liệu mô phỏng, không phải kết quả thật của các cơ quan.")
    return notices


def _shown(value, framework: Framework) -> str:
    """A total as the framework shows it: exact value, rounded half up to its display
    decimals only here, vi-VN ("17,967" → "17,97" with 2)."""
    return format_number(value, framework.display_places, fixed=True)


def _adjustment(result: Result, framework: Framework) -> str:
    parts = []
    if result.bonus:
        parts.append("+" + _shown(result.bonus, framework))
    if result.penalty:
        parts.append("−" + _shown(result.penalty, framework))
    return "; ".join(parts) or "0"


def _annex_section(heading: str, items: list[Result], framework: Framework) -> ReportSection:
    """One group's table of the annex. A portrait A4 page holds eight columns at the
    decree's 12 pt: the agency's own claim (self total) stays in the Excel file, bonus and
    penalty share a column, and the maximum becomes a sentence when every agency has the
    same one."""
    maxima = {r.maximum for r in items}
    same = len(maxima) == 1
    header = ["Xếp hạng", "Cơ quan", "Điểm thẩm định", "Điểm điều tra XHH",
              "Điểm thưởng (+), trừ (−)", "Tổng điểm", *([] if same else ["Điểm tối đa"]),
              "Chỉ số (%)", "Xếp loại"]  # fmt: skip
    rows = [
        [
            r.rank, r.assessment.agency.name, _shown(r.appraised_total, framework),
            _shown(r.survey_total, framework), _adjustment(r, framework),
            _shown(r.total, framework), *([] if same else [_shown(r.maximum, framework)]),
            "—" if r.index is None else _shown(r.index, framework) + "%",
            r.classification or "—",
        ]
        for r in items
    ]  # fmt: skip
    numbers = len(header) - 4
    note = (
        f"Điểm tối đa của mỗi cơ quan: {format_number(next(iter(maxima)), 3)} điểm."
        if same
        else "Điểm tối đa của từng cơ quan không tính các tiêu chí không áp dụng."
    )
    return ReportSection(
        heading=heading,
        paragraphs=[note],
        tables=[
            ReportTable(
                caption="", header=header, rows=rows,
                column_widths=[1, 4, *[1.25] * numbers, 1.2, 1.65],
                align=["center", "left", *["right"] * numbers, "right", "center"],
            )
        ],
    )  # fmt: skip


def _roman(number: int) -> str:
    return ["I", "II", "III", "IV", "V"][number - 1]


def annex_document(
    *,
    framework: Framework,
    rows: list[Result],
    province: Agency | None,
    number_symbol: str = "",
    day: date,
    signer: str = "",
) -> ReportDocument:
    """The annex's content: the province's UBND issues it (its name from the data), the
    decision's number and date in the note under the subject (a draft number when none or
    a malformed one is given), a table per group, the chairman's signature block."""
    number_symbol = number_symbol.strip() or DRAFT_NUMBER
    try:
        format_number_symbol(number_symbol)
    except ValueError:
        number_symbol = DRAFT_NUMBER
    place = province_place(province)
    number = number_symbol if not number_symbol.startswith("/") else "\u00a0" * 6 + number_symbol
    groups = result_groups(rows)
    sections = [
        _annex_section(f"{_roman(index)}. {label}" if len(groups) > 1 else "", items, framework)
        for index, (label, items) in enumerate(groups, start=1)
    ] or [ReportSection(heading="", paragraphs=["Chưa có kết quả."])]
    return ReportDocument(
        issuing_body=f"ỦY BAN NHÂN DÂN\nTỈNH {place}",
        number_symbol=number_symbol,
        place=place,
        date=day,
        title="PHỤ LỤC",
        subtitle=subject(framework),
        subject_note=(
            f"(Kèm theo Quyết định số {number} ngày {day:%d/%m/%Y} của Ủy ban nhân dân "
            f"tỉnh {place})"
        ),
        sections=sections,
        signing_authority="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        signer_name=signer.strip() or "." * 32,
        synthetic_notice=" ".join(notices(framework, rows)),
    )


def annex_docx(**fields) -> bytes:
    """The annex as the bytes of a .docx, rendered with the province's annex template."""
    document = annex_document(**fields)
    return build_report_docx(
        document, template_for(DocumentKind.PAR_INDEX_ANNEX, fields["province"])
    )


RESULT_HEADERS = [
    "Xếp hạng", "Cơ quan", "Điểm tự chấm", "Điểm thẩm định", "Điểm điều tra XHH", "Điểm thưởng",
    "Điểm trừ", "Tổng điểm", "Điểm tối đa", "Chỉ số (%)", "Xếp loại",
]  # fmt: skip


def results_xlsx(framework: Framework, rows: list[Result]) -> bytes:
    """The results table as an Excel workbook: every column, with the group and the agency
    code, and the notices. Exact values in the cells; Excel shows them to the framework's
    display decimals."""
    places = framework.display_places
    shown = "0." + "0" * places if places else "0"
    return build_xlsx(
        title=subject(framework),
        subtitle=f"{framework.title} — năm đánh giá {framework.year}",
        headers=["Nhóm", "Xếp hạng", "Mã cơ quan", *RESULT_HEADERS[1:]],
        rows=[
            [
                label,
                r.rank,
                r.assessment.agency.code,
                r.assessment.agency.name,
                r.self_total,
                r.appraised_total,
                r.survey_total,
                r.bonus,
                r.penalty,
                r.total,
                r.maximum,
                r.index,
                r.classification,
            ]
            for label, items in result_groups(rows)
            for r in items
        ],
        note=" ".join(notices(framework, rows)),
        number_formats=dict.fromkeys(range(4, 12), shown),
    )
