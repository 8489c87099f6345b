"""The report .docx in the layout of Decree 30/2020/NĐ-CP: read back with python-docx and,
where LibreOffice is installed (mandatory in CI), converted to PDF and read back again."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from cchc.core import documents
from cchc.core.documents import DocumentTemplateError
from cchc.reports.docx_builder import (
    FONT,
    PERIODIC_REPORT,
    Percent,
    ReportDocument,
    ReportSection,
    ReportTable,
    build_report_docx,
    bundled_template,
    format_cell,
    format_document_date,
    format_number_symbol,
    text_width_mm,
)
from cchc.reports.periods import report_period
from tests.reports.libreoffice import text_through_libreoffice

SIGNER = "Nguyễn Văn An"


def targets_table() -> ReportTable:
    return ReportTable(
        caption="Bảng 1. Kết quả thực hiện các chỉ tiêu CCHC",
        header=["STT", "Chỉ tiêu", "Ngưỡng", "Kết quả", "Đánh giá"],
        rows=[
            [1, "Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn", "≥ 98%", Percent(Decimal("99.12")), "Đạt"],
            [2, "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến mức độ 4", "≥ 30%", Percent(Decimal("30.50")), "Đạt"],
            [3, "Tỷ lệ hồ sơ trực tuyến mức độ 3, 4", "≥ 20%", Percent(Decimal("12.25")), "Chưa đạt"],
            [4, "Số hồ sơ tiếp nhận trong kỳ", "—", 12345, "—"],
            [5, "Tỷ lệ cơ quan được kiểm tra", "≥ 30%", Percent(None), "Chưa có dữ liệu"],
        ],
        column_widths=[8, 62, 18, 18, 20],
        align=["center", "left", "center", "center", "center"],
    )  # fmt: skip


def tasks_table() -> ReportTable:
    return ReportTable(
        caption="Bảng 2. Tình hình thực hiện nhiệm vụ",
        header=["STT", "Nhiệm vụ", "Thời hạn", "Tiến độ", "Tình trạng"],
        rows=[
            ["I. Cải cách thể chế"],
            [1, "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", "30/06/2022", Percent(60), "Đang thực hiện"],
            [2, "Kiểm tra việc thi hành pháp luật về xử lý vi phạm hành chính", "31/03/2022", Percent(100), "Hoàn thành"],
            ["II. Cải cách thủ tục hành chính"],
            [3, "Công bố danh mục TTHC thực hiện toàn trình", "28/02/2022", Percent(80), "Quá hạn"],
        ],
        column_widths=[8, 70, 18, 16, 24],
    )  # fmt: skip


def sample_report(**changes) -> ReportDocument:
    period = report_period("quarter", 2022, 1)
    fields = {
        "issuing_body_parent": "UBND tỉnh Lai Châu",
        "issuing_body": "Sở Tư pháp",
        "number_symbol": "5/BC-STP",
        "place": "Lai Châu",
        "date": date(2022, 3, 14),
        "subtitle": f"Kết quả thực hiện công tác cải cách hành chính {period.label}",
        "sections": [
            ReportSection(
                "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
                ["Sở đã ban hành kế hoạch triển khai, phân công nhiệm vụ cho các phòng."],
            ),
            ReportSection("II. KẾT QUẢ THỰC HIỆN"),
            ReportSection(
                "1. Kết quả thực hiện các chỉ tiêu",
                ["Kết quả như sau:"],
                [targets_table()],
                level=2,
            ),
            ReportSection("2. Tình hình thực hiện nhiệm vụ", [], [tasks_table()], level=2),
        ],
        "recipients": ["Sở Nội vụ", "- Giám đốc, các Phó Giám đốc Sở;", "Các phòng thuộc Sở"],
        "archive": "VT, VP",
        "signing_authority": "KT. Giám đốc\nPhó Giám đốc",
        "signer_name": SIGNER,
        "synthetic_notice": "Số liệu mô phỏng, chỉ dùng để trình diễn.",
    }
    return ReportDocument(**(fields | changes))


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return build_report_docx(sample_report())


@pytest.fixture(scope="module")
def document(docx_bytes):
    return Document(io.BytesIO(docx_bytes))


def all_paragraphs(document):
    """Body paragraphs and the paragraphs of every table cell, in document order."""
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            yield from (p for p in document.paragraphs if p._p is block)
        elif block.tag == qn("w:tbl"):
            table = next(t for t in document.tables if t._tbl is block)
            seen = set()  # a merged cell appears once per column it spans
            for row in table.rows:
                for cell in row.cells:
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)
                    yield from cell.paragraphs


def texts(document) -> list[str]:
    return [p.text for p in all_paragraphs(document) if p.text.strip()]


def paragraph(document, text: str):
    return next(p for p in all_paragraphs(document) if p.text == text)


def test_the_report_reads_back(document):
    lines = texts(document)
    for expected in [
        "UBND TỈNH LAI CHÂU",
        "SỞ TƯ PHÁP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-STP",
        "Lai Châu, ngày 14 tháng 3 năm 2022",
        "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính quý I năm 2022",
        "Số liệu mô phỏng, chỉ dùng để trình diễn.",
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
        "Bảng 1. Kết quả thực hiện các chỉ tiêu CCHC",
        "30,5%",
        "99,12%",
        "12,25%",
        "12.345",
        "—",
        "Chưa đạt",
        "I. Cải cách thể chế",
        "Quá hạn",
        "Nơi nhận:",
        "- Sở Nội vụ;",
        "- Giám đốc, các Phó Giám đốc Sở;",
        "- Các phòng thuộc Sở;",
        "- Lưu: VT, VP.",
        "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        SIGNER,
    ]:
        assert expected in lines, expected
    # Order of the parts on the page.
    order = [lines.index(t) for t in ("SỞ TƯ PHÁP", "BÁO CÁO", "30,5%", "Nơi nhận:", SIGNER)]
    assert order == sorted(order)
    assert lines[-1] == SIGNER
    assert lines.index("- Lưu: VT, VP.") == lines.index("Nơi nhận:") + 4


def test_page_is_a4_with_the_decree_margins(document):
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)  # stored in twentieths of a point
    assert abs(section.page_height - Mm(297)) < Mm(0.1)

    def mm(length):  # Word stores twentieths of a point: 15 mm is 850 twips, 14.993 mm
        return round(length / Mm(1), 1)

    assert 20 <= mm(section.top_margin) <= 25
    assert 20 <= mm(section.bottom_margin) <= 25
    assert 30 <= mm(section.left_margin) <= 35
    assert 15 <= mm(section.right_margin) <= 20


def test_times_new_roman_everywhere(document, docx_bytes):
    normal = document.styles["Normal"]
    assert normal.font.name == FONT and Pt(13) <= normal.font.size <= Pt(14)
    for style in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        fonts = document.styles[style].element.rPr.find(qn("w:rFonts"))
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {FONT}
        assert fonts.get(qn("w:asciiTheme")) is None
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == FONT and fonts.get(qn("w:asciiTheme")) is None
    # No run names another font.
    for p in all_paragraphs(document):
        for run in p.runs:
            assert run.font.name in (None, FONT)


def run_of(document, text: str):
    return paragraph(document, text).runs[0]


@pytest.mark.parametrize(
    ("text", "size", "bold", "italic"),
    [
        ("UBND TỈNH LAI CHÂU", 13, None, None),
        ("SỞ TƯ PHÁP", 13, True, None),
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, True, None),
        ("Độc lập - Tự do - Hạnh phúc", 14, True, None),
        ("Số: 05/BC-STP", 13, None, None),
        ("Lai Châu, ngày 14 tháng 3 năm 2022", 14, None, True),
        ("BÁO CÁO", 14, True, None),
        ("Kết quả thực hiện công tác cải cách hành chính quý I năm 2022", 14, True, None),
        ("Số liệu mô phỏng, chỉ dùng để trình diễn.", 12, None, True),
        ("Nơi nhận:", 12, True, True),
        ("- Sở Nội vụ;", 11, None, None),
        (SIGNER, 14, True, None),
    ],
)
def test_the_decree_type_sizes_and_styles(document, text, size, bold, italic):
    run = run_of(document, text)
    assert run.font.size == Pt(size)
    assert bool(run.font.bold) is bool(bold) and bool(run.font.italic) is bool(italic)


def test_signing_authority_is_bold_capitals_on_two_lines(document):
    authority = paragraph(document, "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
    assert all(run.font.bold for run in authority.runs)
    assert authority.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_body_is_justified_with_a_first_line_indent(document):
    body = paragraph(
        document, "Sở đã ban hành kế hoạch triển khai, phân công nhiệm vụ cho các phòng."
    )
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Mm(10) <= body.paragraph_format.first_line_indent <= Mm(12.7)
    assert body.paragraph_format.space_before >= Pt(6)
    assert 1 <= body.paragraph_format.line_spacing <= 1.5
    heading = paragraph(document, "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    assert heading.style.name == "Heading 1" and heading.style.font.bold
    assert paragraph(document, "BÁO CÁO").alignment == WD_ALIGN_PARAGRAPH.CENTER


def rule_lengths(cell_or_document, width_mm: float) -> list[float]:
    """Lengths (mm) of the border lines drawn by empty paragraphs in a container."""
    lengths = []
    for p in cell_or_document.paragraphs:
        ppr = p._p.pPr
        if ppr is not None and ppr.find(qn("w:pBdr")) is not None:
            indent = p.paragraph_format.left_indent + p.paragraph_format.right_indent
            lengths.append(width_mm - indent / Mm(1))
    return lengths


def test_header_is_a_borderless_two_column_table_with_the_rules(document):
    header = document.tables[0]
    assert len(header.columns) == 2
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}
    left = header.cell(0, 0)
    left_width = left.width / Mm(1) - 1
    [agency_rule] = rule_lengths(left, left_width)
    name = text_width_mm("SỞ TƯ PHÁP", 13, bold=True)
    assert name / 3 <= agency_rule <= name / 2  # decree: 1/3 to 1/2 of the name
    right = header.cell(0, 1)
    [motto_rule] = rule_lengths(right, right.width / Mm(1) - 1)
    motto = text_width_mm("Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    assert motto_rule == pytest.approx(motto, abs=0.5)  # as long as the motto
    assert header.cell(1, 0).text == "Số: 05/BC-STP"
    assert header.cell(1, 1).text == "Lai Châu, ngày 14 tháng 3 năm 2022"
    [subject_rule] = rule_lengths(document, 165)
    subject = text_width_mm(
        "Kết quả thực hiện công tác cải cách hành chính quý I năm 2022", 14, bold=True
    )
    assert subject / 3 <= subject_rule <= subject / 2


def test_data_tables_have_borders_a_repeated_header_and_unbroken_words(document):
    targets, tasks = document.tables[1], document.tables[2]
    borders = targets._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"single"}
    assert targets.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in targets.rows[0].cells] == [
        "STT", "Chỉ tiêu", "Ngưỡng", "Kết quả", "Đánh giá"
    ]  # fmt: skip
    assert [c.text for c in targets.rows[2].cells] == [
        "2", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến mức độ 4", "≥ 30%", "30,5%", "Đạt"
    ]  # fmt: skip
    # The group row is one merged cell; the columns fit "STT" and "30/06/2022".
    assert len({c._tc for c in tasks.rows[1].cells}) == 1
    assert tasks.rows[1].cells[0].text == "I. Cải cách thể chế"
    widths = [Twips(int(col.get(qn("w:w")))) / Mm(1) for col in tasks._tbl.tblGrid]
    assert sum(widths) == pytest.approx(165, abs=0.5)
    assert widths[0] > text_width_mm("STT", 12, bold=True) + 3
    assert widths[2] > text_width_mm("30/06/2022", 12) + 3


def test_page_numbers_from_the_second_page(document):
    section = document.sections[0]
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert 'w:instr="PAGE"' in header_xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_a_draft_has_a_blank_number_and_no_notice_without_synthetic_data():
    document = Document(
        io.BytesIO(
            build_report_docx(
                sample_report(number_symbol="/BC-STP", synthetic_notice="", issuing_body_parent="")
            )
        )
    )
    lines = texts(document)
    assert "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-STP" in lines
    assert not any("mô phỏng" in line for line in lines)
    assert lines[0] == "SỞ TƯ PHÁP"  # no parent body: the issuing body heads the left column


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 3, 14), "Lai Châu, ngày 14 tháng 3 năm 2022"),
        (date(2022, 2, 5), "Lai Châu, ngày 05 tháng 02 năm 2022"),
        (date(2022, 1, 1), "Lai Châu, ngày 01 tháng 01 năm 2022"),
        (date(2022, 12, 9), "Lai Châu, ngày 09 tháng 12 năm 2022"),
        (date(2022, 9, 30), "Lai Châu, ngày 30 tháng 9 năm 2022"),
        (date(2022, 10, 10), "Lai Châu, ngày 10 tháng 10 năm 2022"),
    ],
)
def test_document_date_leading_zeros(day, expected):
    assert format_document_date("Lai Châu", day) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5/BC-STP", "Số: 05/BC-STP"),
        ("15/BC-STP", "Số: 15/BC-STP"),
        ("123/BC-UBND", "Số: 123/BC-UBND"),
        ("Số: 7/BC-UBND", "Số: 07/BC-UBND"),
        ("/BC-STP", "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-STP"),
        (" /BC-SNV ", "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SNV"),
    ],
)
def test_number_and_symbol(value, expected):
    assert format_number_symbol(value) == expected


@pytest.mark.parametrize("value", ["BC-STP", "", "5/", "năm/BC"])
def test_a_malformed_number_and_symbol_is_refused(value):
    with pytest.raises(ValueError, match="Số, ký hiệu"):
        format_number_symbol(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Percent(Decimal("30.5")), "30,5%"),
        (Percent(Decimal("30.50")), "30,5%"),
        (Percent(Decimal("66.666"), places=1), "66,7%"),
        (Percent(100), "100%"),
        (Percent(None), "—"),
        (Decimal("1234.5"), "1.234,5"),
        (12345, "12.345"),
        (0, "0"),
        (None, "—"),
        ("Đạt", "Đạt"),
    ],
)
def test_cells_are_formatted_the_vietnamese_way(value, expected):
    assert format_cell(value) == expected


@pytest.mark.parametrize("value", [1.5, True])
def test_floats_and_booleans_are_refused_in_cells(value):
    with pytest.raises(TypeError, match="Ô bảng"):
        format_cell(value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signer_name": " "}, "họ tên người ký"),
        ({"issuing_body": ""}, "tên cơ quan ban hành"),
        ({"number_symbol": "BC-STP"}, "Số, ký hiệu"),
        (
            {"sections": [ReportSection("x", [], [ReportTable("Bảng", ["A", "B"], [[1, 2, 3]])])]},
            "dòng 1: có 3 ô, cần 2 ô",
        ),
        ({"sections": [ReportSection("x", level=4)]}, "Cấp đề mục"),
    ],
)
def test_incomplete_reports_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        build_report_docx(sample_report(**changes))


# --- LibreOffice: the file opens and its figures survive a conversion to PDF ------------------


def test_libreoffice_opens_it_and_the_pdf_carries_the_figures(docx_bytes, tmp_path):
    text = text_through_libreoffice(docx_bytes, tmp_path, "bao-cao-quy-1-2022")
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/BC-STP",
        "BÁO CÁO",
        "quý I năm 2022",
        "30,5%",
        "99,12%",
        "12,25%",
        "12.345",
        "Nơi nhận:",
        "- Lưu: VT, VP.",
        "PHÓ GIÁM ĐỐC",
        SIGNER,
    ]:
        assert expected in text, expected


@pytest.mark.parametrize(
    "typed",
    [
        "KT. Giám đốc\nPhó Giám đốc",
        "KT. Giám đốc\r\nPhó Giám đốc",  # a textarea posts CRLF
        "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
        "KT. giám đốc phó giám đốc",  # typed on one line: the deputy's title starts "Phó"
        "  KT.  GIÁM ĐỐC  \n\n  PHÓ GIÁM ĐỐC ",
    ],
)
def test_a_signature_on_behalf_is_two_lines_however_it_is_typed(typed):
    document = Document(io.BytesIO(build_report_docx(sample_report(signing_authority=typed))))
    authority = paragraph(document, "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
    assert all(run.font.bold for run in authority.runs)
    assert authority.alignment == WD_ALIGN_PARAGRAPH.CENTER


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Giám đốc", "GIÁM ĐỐC"),
        ("Q. Giám đốc", "Q. GIÁM ĐỐC"),
        ("TM. Ủy ban nhân dân / Chủ tịch", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"),
        ("TL. Giám đốc\nChánh Văn phòng", "TL. GIÁM ĐỐC\nCHÁNH VĂN PHÒNG"),
    ],
)
def test_other_signing_authorities_keep_their_lines(typed, expected):
    document = Document(io.BytesIO(build_report_docx(sample_report(signing_authority=typed))))
    assert paragraph(document, expected).runs[0].font.bold


def test_a_control_character_in_the_data_neither_breaks_nor_mangles_the_report():
    """One character XML cannot hold (a vertical tab pasted from Word, U+0001, U+FFFE) made
    docxtpl's XML unreadable: every "<", ">" and "&" of the report came out mangled
    ("<b>&amp;" as "bamp;"); in a table cell, python-docx refused it (an error page). Such
    characters are dropped, a vertical tab is a line break."""
    pasted = "Dòng một\x0bdòng hai\x01\x07 hết\ufffe."
    table = ReportTable("Bảng\x02 1", ["STT", "Nhiệm vụ\x1f"], [[1, "Rà soát\x0b<b>&amp;"]])
    report = sample_report(sections=[
        ReportSection("I. ĐÁNH GIÁ CHUNG", [pasted, "So sánh a <b>&amp; c"], [table]),
    ])  # fmt: skip
    lines = texts(Document(io.BytesIO(build_report_docx(report))))
    assert "Dòng một\ndòng hai hết." in lines and "So sánh a <b>&amp; c" in lines
    assert {"Bảng 1", "Nhiệm vụ", "Rà soát\n<b>&amp;"} <= set(lines)


def test_the_document_properties_are_set(document):
    """Set in the render's child process now, with the rest of what opens the document."""
    properties = document.core_properties
    assert properties.title.startswith("BÁO CÁO ")
    assert properties.author == "Sở Tư pháp" and properties.language == "vi-VN"
    assert properties.keywords == "CCHC" and properties.revision == 1
    assert properties.created.replace(tzinfo=None) == datetime(2022, 3, 14, 8, 0)


def test_a_template_that_renders_too_much_is_refused_before_the_server_opens_it(monkeypatch):
    """python-docx parsed a 34 MB document.xml (a million paragraphs) in the server process
    to set its properties: what a template renders is now checked, and opened, in the
    render's child."""
    monkeypatch.setattr(documents, "UNPACKED_MAX", 1024 * 1024)
    source = zipfile.ZipFile(io.BytesIO(bundled_template(PERIODIC_REPORT)))
    loop = (
        "<w:p><w:r><w:t>{%p for i in range(400) %}</w:t></w:r></w:p>"
        + "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 100
        + "<w:p><w:r><w:t>{%p endfor %}</w:t></w:r></w:p>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:sectPr", loop + b"<w:sectPr", 1)
            target.writestr(info.filename, data)
    with pytest.raises(DocumentTemplateError, match="văn bản tạo từ mẫu khi giải nén lớn hơn 1"):
        build_report_docx(sample_report(), buffer.getvalue())
