"""The bundled Word templates (Decree 30/2020/NĐ-CP, Appendix I), built with python-docx.

`build_template(kind)` returns the bytes of a .docx whose body is the decree's layout with
docxtpl's Jinja in place of the data: `{{ issuing_body }}`, `{{ place_date }}`,
`{%p for line in recipients %}` … (the names are listed in docs/reports.md, "Mẫu văn bản").
`scripts/build_document_templates.py` writes them to `cchc/data/document_templates/`; the
bytes are reproducible (fixed dates in the file and in the zip), and a test checks that the
bundled files are what this module builds. The reform office downloads one, edits it in Word
or LibreOffice and uploads it back (`cchc.reports.document_templates`).

The layout, and the values the decree allows, are in docs/reports.md. In short: A4 portrait,
margins 20/20/30/15 mm, Times New Roman black, body 14 pt justified with a 1,27 cm first-line
indent, 6 pt before and 1,15 lines; page numbers centred in the top margin from page 2; the
letterhead a borderless 2 × 2 table; "Nơi nhận" and the signature a borderless table.

Lines under the names, the motto and the subject are top borders of tiny empty paragraphs
(python-docx draws no shapes; a border survives every editor and converter). In a template
their length is fixed: the motto's line is as long as the motto; the issuing body's and the
subject's lines are sized for the usual names (`AGENCY_RULE_MM`, `SUBJECT_RULE_MM`), and a
province whose names are much longer or shorter drags the indents in Word.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from cchc.reports.docx_builder import (
    AGENCY_SIZE,
    BODY_SIZE,
    CLOSING_COLUMNS,
    DATE_SIZE,
    FIRST_LINE_INDENT,
    FONT,
    HEADER_COLUMNS,
    HEADER_DISTANCE,
    LANGUAGE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MOTTO,
    MOTTO_NATION,
    MOTTO_SIZE,
    NATION_SIZE,
    NUMBER_SIZE,
    PAGE_HEIGHT,
    PAGE_NUMBER_SIZE,
    PAGE_WIDTH,
    RECIPIENTS_HEADING_SIZE,
    RECIPIENTS_SIZE,
    SIGNATURE_SIZE,
    SIGNATURE_SPACE_LINES,
    TEXT_WIDTH,
    TITLE_SIZE,
    _clear_cell,
    _layout_table,
    _mark_size,
    _paragraph,
    text_width_mm,
)

# A fixed line under the issuing body: 1/3–1/2 of a department's name ("SỞ TƯ PHÁP" 27 mm,
# "SỞ NỘI VỤ" 24 mm at 13 pt bold); under the subject: 1/3–1/2 of a usual subject line.
AGENCY_RULE_MM = 12
SUBJECT_RULE_MM = 55
BUILT_AT = dt.datetime(2026, 1, 1, 8, 0)  # fixed: the bundled file is reproducible
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _set_fonts(rpr, *, size: float | None = None) -> None:
    """Times New Roman for every script on an rPr element, theme fonts removed, Vietnamese."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            element = rpr.find(qn(tag))
            if element is None:
                element = OxmlElement(tag)
                rpr.append(element)
            element.set(qn("w:val"), str(int(size * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _style_text(style, *, size: float, bold: bool = False, italic: bool = False) -> None:
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.color.rgb = RGBColor(0, 0, 0)  # black (a heading's theme colour goes)
    rpr = style.element.get_or_add_rPr()
    color = rpr.find(qn("w:color"))
    for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
        color.attrib.pop(qn(attribute), None)
    _set_fonts(rpr)


def _prepare_styles(document) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, size=BODY_SIZE)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    normal = styles["Normal"]
    _style_text(normal, size=BODY_SIZE)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    for level, italic in ((1, False), (2, False), (3, True)):
        heading = styles[f"Heading {level}"]
        _style_text(heading, size=BODY_SIZE, bold=True, italic=italic)
        fmt = heading.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = FIRST_LINE_INDENT
        fmt.left_indent = Mm(0)
        fmt.space_before = Pt(6)
        fmt.space_after = Pt(0)
        fmt.line_spacing = 1.15
        fmt.keep_with_next = True
    _style_text(styles["Header"], size=PAGE_NUMBER_SIZE)


def _rule(container, *, length_mm: float, width_mm: float, space_before: float = 3) -> None:
    """A solid horizontal line `length_mm` long, centred in a `width_mm` wide container: the
    top border of a tiny empty paragraph indented from both sides."""
    length_mm = max(5.0, min(length_mm, width_mm))
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    indent = (width_mm - length_mm) / 2
    fmt.left_indent = Mm(indent)
    fmt.right_indent = Mm(indent)
    fmt.first_line_indent = Mm(0)
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    _mark_size(paragraph, 1)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "single")
    top.set(qn("w:sz"), "6")  # 3/4 pt
    top.set(qn("w:space"), "0")
    top.set(qn("w:color"), "000000")
    borders.append(top)
    # pBdr must come before spacing/ind/jc in pPr's schema order.
    ppr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange",
    )  # fmt: skip


def _page_numbers(section) -> None:
    """Page numbers centred in the top margin, not on the first page (Decree 30, App. I, I.7)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field_ = OxmlElement("w:fldSimple")
    field_.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    _set_fonts(rpr, size=PAGE_NUMBER_SIZE)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field_.append(run)
    paragraph._p.append(field_)
    first = section.first_page_header.paragraphs[0]
    first.text = ""


# --- the template's parts ---------------------------------------------------------------------


def _jinja(container, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag (`{%p if … %}`): removed at render."""
    _paragraph(container, tag, size=8, align=WD_ALIGN_PARAGRAPH.LEFT)


def _header(document) -> None:
    left_mm, right_mm = HEADER_COLUMNS
    table = document.add_table(rows=2, cols=2)
    _layout_table(table, HEADER_COLUMNS, borders=False, cell_margin_mm=0.5)
    inner_left, inner_right = left_mm - 1, right_mm - 1

    names = _clear_cell(table.cell(0, 0))
    _jinja(names, "{%p if issuing_body_parent %}")
    _paragraph(names, "{{ issuing_body_parent }}", size=AGENCY_SIZE)
    _jinja(names, "{%p endif %}")
    _paragraph(names, "{{ issuing_body }}", size=AGENCY_SIZE, bold=True)
    _rule(names, length_mm=AGENCY_RULE_MM, width_mm=inner_left)

    motto = _clear_cell(table.cell(0, 1))
    _paragraph(motto, MOTTO_NATION, size=NATION_SIZE, bold=True)
    _paragraph(motto, MOTTO, size=MOTTO_SIZE, bold=True)
    _rule(motto, length_mm=text_width_mm(MOTTO, MOTTO_SIZE, bold=True), width_mm=inner_right)

    number = _clear_cell(table.cell(1, 0))
    _paragraph(number, "{{ number_line }}", size=NUMBER_SIZE, space_before=6)
    when = _clear_cell(table.cell(1, 1))
    _paragraph(when, "{{ place_date }}", size=DATE_SIZE, italic=True, space_before=6)


def _title(document) -> None:
    _paragraph(document, "{{ title }}", size=TITLE_SIZE, bold=True, space_before=18)
    _paragraph(document, "{{ subtitle }}", size=TITLE_SIZE, bold=True)
    _jinja(document, "{%p if subject_note %}")
    _paragraph(document, "{{ subject_note }}", size=TITLE_SIZE, italic=True)
    _jinja(document, "{%p endif %}")
    _rule(document, length_mm=SUBJECT_RULE_MM, width_mm=TEXT_WIDTH)
    _jinja(document, "{%p if synthetic_notice %}")
    _paragraph(document, "{{ synthetic_notice }}", size=12, italic=True, space_before=6)
    _jinja(document, "{%p endif %}")
    document.add_paragraph().paragraph_format.space_after = Pt(6)


def _sections(document) -> None:
    """Parts I–IV as the data gives them: a heading (styles Heading 1–3), its paragraphs,
    its tables (built from the data: their columns depend on it)."""
    _jinja(document, "{%p for section in sections %}")
    for level in (1, 2, 3):
        test = "if" if level == 1 else "elif"
        condition = (
            f"section.heading and section.level == {level}" if level < 3 else ("section.heading")
        )
        _jinja(document, "{%p " + test + " " + condition + " %}")
        heading = document.add_paragraph("{{ section.heading }}", style=f"Heading {level}")
        _mark_size(heading, BODY_SIZE)
    _jinja(document, "{%p endif %}")
    _jinja(document, "{%p for text in section.paragraphs %}")
    paragraph = _paragraph(
        document, "{{ text }}", size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_before=6
    )
    paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    paragraph.paragraph_format.line_spacing = 1.15
    _jinja(document, "{%p endfor %}")
    _jinja(document, "{%p for table in section.tables %}")
    _paragraph(document, "{{p table }}", size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT)
    _jinja(document, "{%p endfor %}")
    _jinja(document, "{%p endfor %}")


def _closing(document) -> None:
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(6)
    table = document.add_table(rows=1, cols=2)
    _layout_table(table, CLOSING_COLUMNS, borders=False, cell_margin_mm=0.5)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))

    recipients = _clear_cell(table.cell(0, 0))
    _paragraph(
        recipients, "Nơi nhận:", size=RECIPIENTS_HEADING_SIZE, bold=True, italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )  # fmt: skip
    _jinja(recipients, "{%p for line in recipients %}")
    _paragraph(recipients, "{{ line }}", size=RECIPIENTS_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT)
    _jinja(recipients, "{%p endfor %}")

    signature = _clear_cell(table.cell(0, 1))
    _paragraph(signature, "{{ signing_authority }}", size=SIGNATURE_SIZE, bold=True)
    for _ in range(SIGNATURE_SPACE_LINES):
        _paragraph(signature, "", size=SIGNATURE_SIZE)
    _paragraph(signature, "{{ signer_name }}", size=SIGNATURE_SIZE, bold=True)


# The kinds of template and the title of the bundled file (its document properties).
TITLES = {
    "bao_cao_dinh_ky": "Mẫu báo cáo định kỳ cải cách hành chính",
    "phu_luc_chi_so_cchc": "Mẫu phụ lục kết quả Chỉ số cải cách hành chính",
    "ket_luan_kiem_tra": "Mẫu kết luận kiểm tra công tác cải cách hành chính",
}


def _reproducible(data: bytes) -> bytes:
    """The same bytes on every build: the zip's entries sorted names aside, dated BUILT_AT."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return buffer.getvalue()


def build_template(kind: str) -> bytes:
    """The bundled template of `kind` (a key of TITLES), as the bytes of a .docx."""
    title = TITLES[kind]
    document = Document()
    _prepare_styles(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    section.header_distance = section.footer_distance = Mm(HEADER_DISTANCE)
    section.gutter = Mm(0)
    _page_numbers(section)
    # python-docx's default template starts with an empty body; every part appends.
    _header(document)
    _title(document)
    _sections(document)
    _closing(document)
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = "CCHC"
    properties.language = LANGUAGE
    properties.keywords = "CCHC"
    properties.comments = ""
    properties.created = properties.modified = properties.last_printed = BUILT_AT
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible(buffer.getvalue())
