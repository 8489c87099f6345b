"""A report as a .docx in the layout of Decree 30/2020/NĐ-CP (công tác văn thư), Appendix I.

`build_report_docx(ReportDocument(...))` returns the bytes of a Word file: no ORM, no clock, no
disk. The caller (the report service) fills a `ReportDocument` from the period's data; the
officer edits the narrative in the page before generating. The layout rules and their places in
the decree are listed in docs/reports.md; in short:

- A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm (decree: 20–25, 20–25,
  30–35, 15–20); Times New Roman, black; body 14 pt, justified, first line indented 1,27 cm,
  6 pt between paragraphs, line spacing 1,15 (decree: single to 1,5 lines); page numbers
  centred in the top margin, 13 pt, not on the first page.
- Header: a borderless two-column table. Left: the parent body in regular capitals (13 pt),
  the issuing body in bold capitals (13 pt) with a short solid line under it (0,4 of the name's
  width; decree: 1/3 to 1/2), then "Số: 05/BC-STP" (13 pt). Right: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA
  VIỆT NAM" (bold capitals, 13 pt) and "Độc lập - Tự do - Hạnh phúc" (bold, 14 pt) with a solid
  line as long as the motto under it, then the place and date in italics (14 pt).
- "BÁO CÁO" bold capitals and the subject (trích yếu) bold, centred, 14 pt, with a short line
  under the subject.
- Closing: a borderless two-column table. Left: "Nơi nhận:" bold italic 12 pt and the recipients
  11 pt ("- …;" lines, the last "- Lưu: VT."). Right: the signing authority in bold capitals,
  room for the signature and seal, the signer's name in bold.

Lines are paragraph borders on small empty paragraphs whose indents give the line its length
(python-docx draws no shapes; a border survives every editor and converter). Text widths for
those lengths come from the Times New Roman advance widths below (Liberation Serif, which
LibreOffice substitutes, has the same metrics).

Figures in tables go through `cchc.core.formatting`: 1.234,5 and 30,5%; None shows "—".
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from cchc.core.formatting import format_number, format_percent
from cchc.core.text import without_accents

FONT = "Times New Roman"
LANGUAGE = "vi-VN"
MOTTO_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Page (mm) and type sizes (pt).
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20, 20, 30, 15
HEADER_DISTANCE = 10
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm
HEADER_COLUMNS = (62, TEXT_WIDTH - 62)  # issuing body | national name and motto
CLOSING_COLUMNS = (72, TEXT_WIDTH - 72)  # recipients | signature
BODY_SIZE = 14
AGENCY_SIZE = 13
NATION_SIZE = 13
MOTTO_SIZE = 14
NUMBER_SIZE = 13
DATE_SIZE = 14
TITLE_SIZE = 14
PAGE_NUMBER_SIZE = 13
TABLE_SIZE = 12
RECIPIENTS_HEADING_SIZE = 12
RECIPIENTS_SIZE = 11
SIGNATURE_SIZE = 14
FIRST_LINE_INDENT = Mm(12.7)
AGENCY_RULE_SHARE = 0.4  # decree: 1/3 to 1/2 of the name
SUBJECT_RULE_SHARE = 0.4  # decree: 1/3 to 1/2 of the subject line
SIGNATURE_SPACE_LINES = 4  # blank lines for the signature and the seal

# Advance widths of Times New Roman (1/1000 em) for ASCII 32–126; other letters are measured by
# their base letter (Ộ as O). Used only to size the rules under the names and the motto.
_WIDTHS_REGULAR = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
)  # fmt: skip
_WIDTHS_BOLD = (
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667,
    611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722,
    722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556,
    278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520,
)  # fmt: skip


def text_width_mm(text: str, size: float, *, bold: bool = False) -> float:
    """Approximate printed width of one line of Times New Roman text, in millimetres."""
    widths = _WIDTHS_BOLD if bold else _WIDTHS_REGULAR
    total = 0
    for char in text:
        base = without_accents(char)[:1] or char
        code = ord(base)
        total += widths[code - 32] if 32 <= code <= 126 else 600
    return total / 1000 * size * 25.4 / 72


# ---------------------------------------------------------------------------------------------
# The document, as plain data


@dataclass(frozen=True)
class Percent:
    """A share in a table cell, shown as "30,5%" (`places` decimals at most)."""

    value: Decimal | int | None
    places: int = 2


Cell = str | int | Decimal | Percent | None


@dataclass(frozen=True)
class ReportTable:
    """A table of the report: a caption above it, a header row, the rows.

    Cells are text, or numbers formatted the Vietnamese way (int and Decimal: 1.234,5 with at
    most 2 decimals; `Percent`: 30,5%; None: "—"). `column_widths` are relative weights (the
    table always spans the text width); `align` gives each column's alignment ("left",
    "center", "right"); by default a column is left-aligned when it holds text longer than 12
    characters and centred otherwise. A row of a single text is a group row: one merged cell,
    bold (e.g. the reform area above its tasks)."""

    caption: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    column_widths: Sequence[float] | None = None
    align: Sequence[str] | None = None


@dataclass(frozen=True)
class ReportSection:
    """A heading, its paragraphs, then its tables. `level` 1 is a part ("I. KẾT QUẢ …"),
    2 a numbered item ("1. Cải cách thể chế"), 3 a sub-item ("a) …", bold italic). The heading
    is written as given: the caller numbers it."""

    heading: str
    paragraphs: Sequence[str] = ()
    tables: Sequence[ReportTable] = ()
    level: int = 1


@dataclass(frozen=True)
class ReportDocument:
    """Everything a report shows. Texts appear as written, except the issuing body, its
    parent and the signing authority, which the builder puts in capitals as the decree wants;
    `\\n` in a name or the signing authority breaks the line there — "ỦY BAN NHÂN DÂN\\nTỈNH LAI
    CHÂU" is how a province heads its documents.

    `number_symbol` is "05/BC-STP"; without a number ("/BC-STP") the report is a draft and shows
    "Số:      /BC-STP" for the clerk to fill. `recipients` are the "Nơi nhận" lines without the
    dash and the semicolon; the archive line "- Lưu: VT." is added from `archive` ("VT" or
    e.g. "VT, NC"). `signing_authority` is "GIÁM ĐỐC" or "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC".
    `synthetic_notice`, when set, is printed in italics under the subject: the report's
    figures come from synthetic (demo) data. `subject_note`, when set, is printed in italics
    right under the subject, above its line: "(Kèm theo Quyết định số …)" of an annex."""

    issuing_body: str
    number_symbol: str
    place: str
    date: dt.date
    subtitle: str
    signing_authority: str
    signer_name: str
    issuing_body_parent: str = ""
    title: str = "BÁO CÁO"
    sections: Sequence[ReportSection] = ()
    recipients: Sequence[str] = ()
    archive: str = "VT"
    synthetic_notice: str = ""
    subject_note: str = ""


# ---------------------------------------------------------------------------------------------
# Texts of the header


def format_document_date(place: str, day: dt.date) -> str:
    """ "Lai Châu, ngày 14 tháng 3 năm 2022". Decree 30, App. I, II.4: days below 10 and the
    months 1 and 2 take a leading zero ("ngày 05 tháng 02 năm 2022"); months 3–12 do not."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


_NUMBER_SYMBOL = re.compile(r"^(?:Số\s*:\s*)?(?P<number>\d*)\s*/\s*(?P<symbol>\S+)$")
DRAFT_NUMBER_BLANK = "\u00a0" * 6  # room for the clerk to write the number in


def format_number_symbol(number_symbol: str) -> str:
    """ "05/BC-STP" → "Số: 05/BC-STP" (Decree 30, App. I, II.3: numbers below 10 take a leading
    zero); "/BC-STP" (a draft) → "Số:" + blank + "/BC-STP". A leading "Số:" is accepted."""
    match = _NUMBER_SYMBOL.match(number_symbol.strip())
    if match is None:
        raise ValueError(
            f"Số, ký hiệu văn bản phải có dạng “05/BC-STP” hoặc “/BC-STP” (nhận {number_symbol!r})."
        )
    number, symbol = match["number"], match["symbol"]
    if not number:
        return f"Số:{DRAFT_NUMBER_BLANK}/{symbol}"
    return f"Số: {int(number):02d}/{symbol}"


def format_cell(value: Cell) -> str:
    """A table cell's text: numbers the Vietnamese way (1.234,5; 30,5%), None as "—"."""
    if isinstance(value, Percent):
        return format_percent(value.value, value.places)
    if value is None or isinstance(value, Decimal):
        return format_number(value, 2)
    if isinstance(value, bool | float):
        raise TypeError(
            f"Ô bảng nhận văn bản, số nguyên, Decimal hoặc Percent (nhận {value!r}); "
            "không dùng số thực dấu phẩy động."
        )
    if isinstance(value, int):
        return format_number(value, 0)
    return str(value)


def _recipient_lines(recipients: Sequence[str], archive: str) -> list[str]:
    lines = []
    for recipient in recipients:
        text = recipient.strip().removeprefix("-").strip().rstrip(";.").strip()
        if text:
            lines.append(f"- {text};")
    lines.append(f"- Lưu: {archive.strip().rstrip('.') or 'VT'}.")
    return lines


# ---------------------------------------------------------------------------------------------
# Low-level formatting helpers


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


def _paragraph(
    container,
    text: str = "",
    *,
    size: float = BODY_SIZE,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    space_before: float = 0,
    space_after: float = 0,
    style: str | None = None,
):
    """A paragraph with one run per line of `text` (\\n becomes a line break)."""
    paragraph = container.add_paragraph(style=style)
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    lines = text.split("\n")
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
        if index < len(lines) - 1:
            run.add_break()
    _mark_size(paragraph, size)
    return paragraph


def _mark_size(paragraph, size: float) -> None:
    """The size of the paragraph mark, which sets the height of an empty paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            rpr.append(element)
        element.set(qn("w:val"), str(max(2, int(size * 2))))


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


_TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip


def _put(tbl_pr, element) -> None:
    """Set a child of tblPr, replacing any existing one, in the order the schema requires
    (Word refuses a file whose tblPr children are out of order)."""
    tag = element.tag
    existing = tbl_pr.find(tag)
    if existing is not None:
        tbl_pr.remove(existing)
    name = "w:" + tag.split("}")[1]
    successors = _TBLPR_ORDER[_TBLPR_ORDER.index(name) + 1 :]
    tbl_pr.insert_element_before(element, *successors)


def _layout_table(
    table, widths_mm: Sequence[float], *, borders: bool, cell_margin_mm: float
) -> None:
    """Fixed column widths (grid and every cell, for Word and LibreOffice alike), borders on
    or off, cell margins."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    width.set(qn("w:type"), "dxa")
    _put(tbl_pr, width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _put(tbl_pr, layout)
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        if borders:
            element.set(qn("w:val"), "single")
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        else:
            element.set(qn("w:val"), "nil")
        edges.append(element)
    _put(tbl_pr, edges)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(int(Mm(cell_margin_mm).twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    _put(tbl_pr, margins)
    grid = table._tbl.tblGrid
    for column, width_mm in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        column.set(qn("w:w"), str(int(Mm(width_mm).twips)))
    for row in table.rows:
        for cell, width_mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width_mm)


def _clear_cell(cell):
    """A new cell holds one empty paragraph; remove it so content starts at the top."""
    for paragraph in list(cell.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    return cell


def _lines_width(text: str, size: float, *, bold: bool, column_mm: float) -> float:
    return min(max(text_width_mm(line, size, bold=bold) for line in text.split("\n")), column_mm)


# ---------------------------------------------------------------------------------------------
# Parts of the page


def _header(document, report: ReportDocument) -> None:
    left_mm, right_mm = HEADER_COLUMNS
    table = document.add_table(rows=2, cols=2)
    _layout_table(table, HEADER_COLUMNS, borders=False, cell_margin_mm=0.5)
    inner_left, inner_right = left_mm - 1, right_mm - 1

    names = _clear_cell(table.cell(0, 0))
    if report.issuing_body_parent.strip():
        _paragraph(names, report.issuing_body_parent.strip().upper(), size=AGENCY_SIZE)
    body = report.issuing_body.strip().upper()
    _paragraph(names, body, size=AGENCY_SIZE, bold=True)
    width = _lines_width(body, AGENCY_SIZE, bold=True, column_mm=inner_left)
    _rule(names, length_mm=width * AGENCY_RULE_SHARE, width_mm=inner_left)

    motto = _clear_cell(table.cell(0, 1))
    _paragraph(motto, MOTTO_NATION, size=NATION_SIZE, bold=True)
    _paragraph(motto, MOTTO, size=MOTTO_SIZE, bold=True)
    width = text_width_mm(MOTTO, MOTTO_SIZE, bold=True)
    _rule(motto, length_mm=width, width_mm=inner_right)

    number = _clear_cell(table.cell(1, 0))
    _paragraph(number, format_number_symbol(report.number_symbol), size=NUMBER_SIZE, space_before=6)
    when = _clear_cell(table.cell(1, 1))
    _paragraph(
        when, format_document_date(report.place.strip(), report.date), size=DATE_SIZE,
        italic=True, space_before=6,
    )  # fmt: skip


def _title(document, report: ReportDocument) -> None:
    _paragraph(document, report.title.strip(), size=TITLE_SIZE, bold=True, space_before=18)
    subtitle = report.subtitle.strip()
    _paragraph(document, subtitle, size=TITLE_SIZE, bold=True)
    if report.subject_note.strip():
        _paragraph(document, report.subject_note.strip(), size=TITLE_SIZE, italic=True)
    width = _lines_width(subtitle, TITLE_SIZE, bold=True, column_mm=TEXT_WIDTH)
    _rule(document, length_mm=width * SUBJECT_RULE_SHARE, width_mm=TEXT_WIDTH)
    if report.synthetic_notice.strip():
        _paragraph(document, report.synthetic_notice.strip(), size=12, italic=True, space_before=6)
    document.add_paragraph().paragraph_format.space_after = Pt(6)


def _body_paragraph(document, text: str) -> None:
    paragraph = _paragraph(
        document, text, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, space_before=6
    )
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = FIRST_LINE_INDENT
    fmt.line_spacing = 1.15


def _column_alignments(table: ReportTable, columns: int) -> list[str]:
    if table.align is not None:
        if len(table.align) != columns:
            raise ValueError(
                f"Bảng “{table.caption}”: cần {columns} kiểu căn lề cột (nhận {len(table.align)})."
            )
        return list(table.align)
    alignments = []
    for index in range(columns):
        long_text = any(
            len(row) == columns and isinstance(row[index], str) and len(row[index]) > 12
            for row in table.rows
        )
        alignments.append("left" if long_text else "center")
    return alignments


ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


TABLE_CELL_MARGIN = 1.5  # mm, left and right of a data table's cell


def _fit_widths(table: ReportTable, weights: Sequence[float]) -> list[float]:
    """Column widths (mm) spanning the text width in proportion to `weights`, widened where
    needed so that no word is broken across lines ("STT", "30/06/2022"): a column narrower
    than its longest word takes what it needs from the others, in proportion."""
    columns = len(weights)
    needed = [0.0] * columns
    for index, text in enumerate(table.header):
        for word in str(text).split():
            needed[index] = max(needed[index], text_width_mm(word, TABLE_SIZE, bold=True))
    for row in table.rows:
        if len(row) != columns:
            continue
        for index, value in enumerate(row):
            for word in format_cell(value).split():
                needed[index] = max(needed[index], text_width_mm(word, TABLE_SIZE))
    minimum = [width + 2 * TABLE_CELL_MARGIN + 1 for width in needed]
    if sum(minimum) > TEXT_WIDTH:  # cannot be helped: words will break
        return [TEXT_WIDTH * w / sum(weights) for w in weights]
    fixed: dict[int, float] = {}
    while True:
        free = TEXT_WIDTH - sum(fixed.values())
        rest = [i for i in range(columns) if i not in fixed]
        total = sum(weights[i] for i in rest)
        widths = {i: free * weights[i] / total for i in rest}
        short = [i for i in rest if widths[i] < minimum[i]]
        if not short:
            return [fixed.get(i, widths.get(i, 0.0)) for i in range(columns)]
        fixed.update({i: minimum[i] for i in short})


def _data_table(document, table: ReportTable) -> None:
    columns = len(table.header)
    if columns == 0:
        raise ValueError(f"Bảng “{table.caption}” không có dòng tiêu đề.")
    for number, row in enumerate(table.rows, start=1):
        if len(row) != columns and not (len(row) == 1 and isinstance(row[0], str)):
            raise ValueError(
                f"Bảng “{table.caption}”, dòng {number}: có {len(row)} ô, cần {columns} ô "
                "(hoặc một ô chữ làm dòng nhóm)."
            )
    weights = list(table.column_widths or [1] * columns)
    if len(weights) != columns or any(w <= 0 for w in weights):
        raise ValueError(f"Bảng “{table.caption}”: độ rộng cột không hợp lệ.")
    widths = _fit_widths(table, weights)
    alignments = _column_alignments(table, columns)

    if table.caption.strip():
        caption = _paragraph(
            document, table.caption.strip(), size=BODY_SIZE - 1, bold=True,
            space_before=8, space_after=4,
        )  # fmt: skip
        caption.paragraph_format.keep_with_next = True
    grid = document.add_table(rows=1 + len(table.rows), cols=columns)
    _layout_table(grid, widths, borders=True, cell_margin_mm=TABLE_CELL_MARGIN)
    header = grid.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on every page
    tr_pr.append(repeat)
    for cell, text in zip(header.cells, table.header, strict=True):
        _clear_cell(cell)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = _paragraph(
            cell, str(text), size=TABLE_SIZE, bold=True, space_before=2, space_after=2
        )
        paragraph.paragraph_format.keep_with_next = True  # never alone at the foot of a page
    for row, values in zip(grid.rows[1:], table.rows, strict=True):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if len(values) == 1 and columns > 1:  # a group row ("I. Cải cách thể chế")
            cell = _clear_cell(row.cells[0].merge(row.cells[-1]))
            paragraph = _paragraph(
                cell, values[0], size=TABLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT,
                space_before=2, space_after=2,
            )  # fmt: skip
            paragraph.paragraph_format.keep_with_next = True
            continue
        for cell, value, alignment in zip(row.cells, values, alignments, strict=True):
            _clear_cell(cell)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _paragraph(
                cell, format_cell(value), size=TABLE_SIZE, align=ALIGN[alignment],
                space_before=2, space_after=2,
            )  # fmt: skip
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(4)
    _mark_size(spacer, 6)


def _sections(document, report: ReportDocument) -> None:
    for section in report.sections:
        if section.level not in (1, 2, 3):
            raise ValueError(f"Cấp đề mục phải là 1, 2 hoặc 3 (nhận {section.level!r}).")
        heading = section.heading.strip()
        if heading:
            paragraph = document.add_paragraph(heading, style=f"Heading {section.level}")
            _mark_size(paragraph, BODY_SIZE)
        for text in section.paragraphs:
            if text.strip():
                _body_paragraph(document, text.strip())
        for table in section.tables:
            _data_table(document, table)


# "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" typed on one line: the deputy's title starts the second line.
_ON_BEHALF_ONE_LINE = re.compile(r"^(KT\.\s.*?)\s+(PHÓ\s.*)$")


def signing_authority_lines(text: str) -> list[str]:
    """The signing authority as Decree 30 (App. I, II.7) prints it: in capitals, the
    authority ("KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN") on one line and the signer's title
    under it. Officers type it on two lines, with " / ", or — for a deputy signing on
    behalf (KT.) — on one line."""
    text = unicodedata.normalize("NFC", text).upper()
    lines = [" ".join(line.split()) for line in re.split(r"\r\n|\r|\n|\s/\s", text)]
    lines = [line for line in lines if line]
    if len(lines) == 1:
        match = _ON_BEHALF_ONE_LINE.match(lines[0])
        if match:
            lines = list(match.groups())
    return lines


def _closing(document, report: ReportDocument) -> None:
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
    for line in _recipient_lines(report.recipients, report.archive):
        _paragraph(recipients, line, size=RECIPIENTS_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT)

    signature = _clear_cell(table.cell(0, 1))
    authority = "\n".join(signing_authority_lines(report.signing_authority))
    _paragraph(signature, authority, size=SIGNATURE_SIZE, bold=True)
    for _ in range(SIGNATURE_SPACE_LINES):
        _paragraph(signature, "", size=SIGNATURE_SIZE)
    _paragraph(signature, report.signer_name.strip(), size=SIGNATURE_SIZE, bold=True)


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


def _check(report: ReportDocument) -> None:
    missing = [
        label
        for label, value in (
            ("tên cơ quan ban hành", report.issuing_body),
            ("số, ký hiệu", report.number_symbol),
            ("địa danh", report.place),
            ("tên loại văn bản", report.title),
            ("trích yếu", report.subtitle),
            ("quyền hạn, chức vụ người ký", report.signing_authority),
            ("họ tên người ký", report.signer_name),
        )
        if not str(value).strip()
    ]
    if missing:
        raise ValueError(f"Báo cáo còn thiếu: {', '.join(missing)}.")
    if not isinstance(report.date, dt.date) or isinstance(report.date, dt.datetime):
        raise ValueError(f"Ngày ban hành phải là một ngày (nhận {report.date!r}).")
    format_number_symbol(report.number_symbol)


def build_report_docx(report: ReportDocument) -> bytes:
    """The report as the bytes of a .docx file (Decree 30/2020 layout; see the module doc)."""
    _check(report)
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

    # The template's body starts with nothing; every part appends.
    _header(document, report)
    _title(document, report)
    _sections(document, report)
    _closing(document, report)

    moment = dt.datetime.combine(report.date, dt.time(8, 0))
    properties = document.core_properties
    properties.title = f"{report.title.strip()} {report.subtitle.strip()}"
    properties.subject = report.subtitle.strip()
    properties.author = properties.last_modified_by = report.issuing_body.replace("\n", " ")
    properties.language = LANGUAGE
    properties.comments = report.synthetic_notice.strip()
    properties.keywords = "CCHC"
    properties.created = properties.modified = moment
    properties.revision = 1
    properties.last_printed = moment
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
