"""A report or an annex as a .docx in the layout of Decree 30/2020/NĐ-CP (công tác văn thư),
rendered from a Word template.

`build_report_docx(ReportDocument(...), template=None)` returns the bytes of a Word file: no
ORM, no clock. The caller (the report service, the PAR INDEX annex) fills a `ReportDocument`
from the data; `document_context` turns it into what a template is rendered with (names in
capitals, "Số: 05/BC-STP", the place-and-date line, the "Nơi nhận" lines, the signing
authority on two lines) and `cchc.core.documents.render_docx` fills the template. The
letterhead, the title, the headings' styles, "Nơi nhận" and the signature live in the template
(`cchc.reports.bundled_templates` builds the bundled ones; a province uploads its own through
`cchc.reports.document_templates`). The data tables are built here: their columns come from
the data, and they fit their words (`text_width_mm`, Times New Roman advance widths;
Liberation Serif, which LibreOffice substitutes, has the same metrics).

Figures in tables go through `cchc.core.formatting`: 1.234,5 and 30,5%; None shows "—".
The layout and the decree's rules are in docs/reports.md.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from cchc.core.documents import BodyFragment, render_docx
from cchc.core.formatting import format_number, format_percent
from cchc.core.tabular.reading import quoted
from cchc.core.text import without_accents, xml_safe

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
            f"Số, ký hiệu văn bản phải có dạng “05/BC-STP” hoặc “/BC-STP” "
            f"(nhận {quoted(number_symbol)})."
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
    lines = xml_safe(text).split("\n")
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


# ---------------------------------------------------------------------------------------------
# Parts of the page


def _long_text(value: Cell) -> bool:
    return isinstance(value, str) and len(value) > 12


def _column_alignments(table: ReportTable, columns: int) -> list[str]:
    if table.align is not None:
        if len(table.align) != columns:
            raise ValueError(
                f"Bảng “{table.caption}”: cần {columns} kiểu căn lề cột (nhận {len(table.align)})."
            )
        return list(table.align)
    alignments = []
    for index in range(columns):
        long_text = any(len(row) == columns and _long_text(row[index]) for row in table.rows)
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
                cell, format_cell(values[0]), size=TABLE_SIZE, bold=True,
                align=WD_ALIGN_PARAGRAPH.LEFT, space_before=2, space_after=2,
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

    for section in report.sections:
        if section.level not in (1, 2, 3):
            raise ValueError(f"Cấp đề mục phải là 1, 2 hoặc 3 (nhận {section.level!r}).")


# ---------------------------------------------------------------------------------------------
# The data a template is rendered with


def table_fragment(table: ReportTable) -> BodyFragment:
    """A data table (its caption above it) as a fragment for `{{p table }}` in a template."""
    document = Document()
    document.element.body.clear_content()
    _data_table(document, table)
    return BodyFragment(document)


def document_context(report: ReportDocument) -> dict:
    """What a template of the Decree 30 layout is rendered with: the texts as the decree
    prints them (names and signing authority in capitals, "Số: 05/BC-STP", "Lai Châu, ngày
    14 tháng 3 năm 2022", "- …;" lines ending "- Lưu: VT."), the raw fields beside them for a
    template that words things its own way, and the sections with their tables as fragments.
    The names are listed in docs/reports.md ("Mẫu văn bản")."""
    _check(report)
    place = report.place.strip()
    return {
        "issuing_body_parent": report.issuing_body_parent.strip().upper(),
        "issuing_body": report.issuing_body.strip().upper(),
        "number_line": format_number_symbol(report.number_symbol),
        "number_symbol": report.number_symbol.strip(),
        "place": place,
        "date": report.date,
        "place_date": format_document_date(place, report.date),
        "title": report.title.strip(),
        "subtitle": report.subtitle.strip(),
        "subject_note": report.subject_note.strip(),
        "synthetic_notice": report.synthetic_notice.strip(),
        "sections": [
            {
                "heading": section.heading.strip(),
                "level": section.level,
                "paragraphs": [text.strip() for text in section.paragraphs if text.strip()],
                "tables": [table_fragment(table) for table in section.tables],
            }
            for section in report.sections
        ],
        "recipients": _recipient_lines(report.recipients, report.archive),
        "signing_authority": "\n".join(signing_authority_lines(report.signing_authority)),
        "signer_name": report.signer_name.strip(),
    }


BUNDLED_DIR = Path(__file__).resolve().parents[1] / "data" / "document_templates"
PERIODIC_REPORT = "bao_cao_dinh_ky"


def bundled_template(kind: str) -> bytes:
    """The bundled template of a kind (built by scripts/build_document_templates.py)."""
    return (BUNDLED_DIR / f"{kind}.docx").read_bytes()


def build_report_docx(
    report: ReportDocument, template: bytes | None = None, *, all_names: bool = False
) -> bytes:
    """The report as the bytes of a .docx: `template` (the province's, from
    `cchc.reports.document_templates.template_for`) or the bundled periodic report, rendered
    with the report's data. A template that fails raises `DocumentTemplateError` (a
    ValueError, in Vietnamese). `all_names`: also refuse a name the data lacks in a branch it
    does not take (the upload's check). The document is opened with python-docx and given
    its properties in the render's child process (`render_docx`'s `finish`): what a
    province's template produced is never parsed in the server process."""
    context = document_context(report)
    return render_docx(
        template or bundled_template(PERIODIC_REPORT),
        context,
        finish=partial(_with_properties, report=report, context=context),
        all_names=all_names,
    )


def _with_properties(data: bytes, *, report: ReportDocument, context: dict) -> bytes:
    """The rendered document with its core properties (title, author, dates…); opening it
    with python-docx is also the check that Word can open it."""
    document = Document(io.BytesIO(data))
    moment = dt.datetime.combine(report.date, dt.time(8, 0))
    properties = document.core_properties
    properties.title = xml_safe(f"{context['title']} {context['subtitle']}")
    properties.subject = xml_safe(context["subtitle"])
    properties.author = properties.last_modified_by = xml_safe(report.issuing_body).replace(
        "\n", " "
    )
    properties.language = LANGUAGE
    properties.comments = context["synthetic_notice"]
    properties.keywords = "CCHC"
    properties.created = properties.modified = properties.last_printed = moment
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
