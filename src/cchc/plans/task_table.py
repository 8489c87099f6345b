"""Reading a table of plan tasks — STT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Thời gian
hoàn thành, Sản phẩm — the way provinces lay out a plan's appendix ("Phụ lục").

One reader for both imports: the Word plan import (``document_parser``, from the tables
``docx_text`` finds) and the XLSX/CSV appendix import (``appendix``). Both find the header
row with the locator of every import (``core.tabular.reading.locate_header``, given the
column titles below); this module says which columns it names, tells group rows ("I. Cải
cách thể chế", which set the reform area of the rows below) from task rows, and reads
deadline phrases ("Quý III/2023", "Tháng 6/2023", "Trước 30/6/2023", "Thường xuyên"). It
also holds the one name normaliser both sides use to compare agency and reform-area names.
No database: resolving names to agencies and areas is the caller's job.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from cchc.core.tabular import reading as tabular
from cchc.core.text import without_accents

__all__ = [
    "COLUMNS",
    "HEADER_TITLES",
    "AreaRow",
    "TaskRow",
    "TaskTable",
    "agency_key",
    "area_key",
    "fold",
    "locate_header",
    "match_columns",
    "parse_deadline",
    "read_rows",
]

# Column keys and the title each one is reported under.
COLUMNS = {
    "stt": "STT",
    "text": "Nhiệm vụ",
    "lead": "Cơ quan chủ trì",
    "coordinating": "Cơ quan phối hợp",
    "output": "Sản phẩm",
    "deadline": "Thời gian hoàn thành",
}


def fold(text: object) -> str:
    """Lower case without accents or punctuation, single spaces ("Sở Tư pháp" → "so tu phap")."""
    text = without_accents(str(text).casefold())
    text = text.replace("&", " va ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return " ".join(text.split())


# Header titles as provinces write them, folded. The first column that matches wins.
_HEADER_ALIASES = {
    "stt": ("stt", "tt", "so tt", "so thu tu"),
    "text": ("nhiem vu", "noi dung nhiem vu", "noi dung", "ten nhiem vu", "nhiem vu giai phap"),
    "lead": (
        "co quan chu tri", "don vi chu tri", "co quan don vi chu tri", "chu tri",
        "co quan chu tri thuc hien", "don vi chu tri thuc hien", "co quan thuc hien",
    ),
    "coordinating": (
        "co quan phoi hop", "don vi phoi hop", "co quan don vi phoi hop", "phoi hop",
        "co quan phoi hop thuc hien",
    ),
    "output": ("san pham", "ket qua san pham", "san pham ket qua", "ket qua", "hinh thuc san pham",
               "san pham du kien", "ket qua dau ra"),
    "deadline": (
        "thoi gian hoan thanh", "thoi han hoan thanh", "thoi gian thuc hien", "thoi han",
        "thoi gian", "tien do hoan thanh", "thoi gian hoan thanh du kien",
    ),
}  # fmt: skip


# Every title a header may give a column, for a reader that looks for the header row
# (`core.tabular.reading.read_table`, whose comparison ignores accents, case and spacing).
HEADER_TITLES = [title for aliases in _HEADER_ALIASES.values() for title in aliases]


def match_columns(header: Sequence[object]) -> dict[str, int | None]:
    """Which column holds what: {"stt": 0, "text": 1, …}; None for a column the table lacks."""
    folded = [fold(h or "") for h in header]
    positions: dict[str, int | None] = {}
    for key, aliases in _HEADER_ALIASES.items():
        positions[key] = next((i for i, h in enumerate(folded) if h in aliases), None)
    return positions


def looks_like_task_header(header: Sequence[object]) -> bool:
    """A header naming the tasks and at least one of lead agency, deadline or output."""
    positions = match_columns(header)
    return positions["text"] is not None and any(
        positions[k] is not None for k in ("lead", "deadline", "output")
    )


@dataclass
class TaskTable:
    """A task table found in a document: its rows of cell texts, header row included, and the
    last paragraph written before it (a heading such as "1. Cải cách thể chế" or "PHỤ LỤC")."""

    rows: list[list[str]]
    heading: str = ""


def locate_header(
    rows: Sequence[Sequence[object]], *, within: int = 3
) -> tuple[dict[str, int | None], int] | None:
    """(column positions, index of the first body row) of a task table, or None when the
    table is not one. The header is found as in every import (`core.tabular.reading.
    locate_header`, which the XLSX/CSV appendix reads with too): the row among the first
    `within` naming most task columns (titles compared as `match_columns` compares them),
    a two-level header — "Cơ quan thực hiện" over
    "Chủ trì" | "Phối hợp" — read as one. It makes a task table when it names the tasks
    and one of lead agency, deadline or output."""
    if not rows:
        return None
    index, header = tabular.locate_header(rows, HEADER_TITLES, within=within, key=fold)
    if not looks_like_task_header(header):
        return None
    return match_columns(header), index + 1


# ------------------------------------------------------------------------ agency names

# Abbreviations plans use inside agency names, folded, expanded before comparing.
_ABBREVIATIONS = {
    "vp": "van phong",
    "tp": "thanh pho",
    "kh va dt": "ke hoach va dau tu",
    "khdt": "ke hoach va dau tu",
    "tt va tt": "thong tin va truyen thong",
    "tttt": "thong tin va truyen thong",
    "ld tb va xh": "lao dong thuong binh va xa hoi",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "nn va ptnt": "nong nghiep va phat trien nong thon",
    "nnptnt": "nong nghiep va phat trien nong thon",
    "gd va dt": "giao duc va dao tao",
    "gddt": "giao duc va dao tao",
    "tn va mt": "tai nguyen va moi truong",
    "tnmt": "tai nguyen va moi truong",
    "kh va cn": "khoa hoc va cong nghe",
    "khcn": "khoa hoc va cong nghe",
    "vh tt va dl": "van hoa the thao va du lich",
    "vhttdl": "van hoa the thao va du lich",
    "gtvt": "giao thong van tai",
}
_ABBREVIATION = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, _ABBREVIATIONS), key=len, reverse=True)) + r")\b"
)


def agency_key(name: object) -> str:
    """The key two spellings of one agency share: "Văn phòng UBND tỉnh", "Văn phòng Ủy ban
    nhân dân tỉnh" and "VP UBND tỉnh"; "UBND huyện Tam Đường" and "Huyện Tam Đường"."""
    text = fold(name)
    text = re.sub(r"\buy ban nhan dan\b", "ubnd", text)
    text = re.sub(r"\bhoi dong nhan dan\b", "hdnd", text)
    text = _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(0)], text)
    return text.removeprefix("ubnd ")


def area_key(title: object) -> str:
    """Key of a reform-area heading: "Công tác chỉ đạo, điều hành" = "Công tác chỉ đạo điều
    hành"; "Xây dựng, phát triển …" = "Xây dựng và phát triển …"; a "I." or "1." prefix and
    the word "và" do not count."""
    text = re.sub(r"^\s*(?:[IVXLC]+|\d{1,2})\s*[.)]\s*", "", str(title))
    return " ".join(w for w in fold(text).split() if w != "va")


# -------------------------------------------------------------------------- deadlines

_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"(?:\s*(?:/|-|năm|nam)\s*(?P<y>\d{4}))?"
_ALL_YEAR = re.compile(
    r"^(?:thường xuyên|thuong xuyen|cả năm|ca nam|hằng năm|hàng năm|hang nam|trong năm|trong nam"
    r"|năm|nam)(?:\s+(?P<y>\d{4}))?$",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    r"^(?:hoàn thành\s+)?(?:trước|truoc|chậm nhất|cham nhat|trong|đến|den|hạn)\s*(?:ngày|ngay)?\s*",
    re.IGNORECASE,
)
_MONTH = re.compile(rf"^(?:tháng|thang)\s*(?P<m>\d{{1,2}}){_YEAR}$", re.IGNORECASE)
_MONTH_NUMERIC = re.compile(r"^(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})$")
_QUARTER = re.compile(rf"^(?:quý|quy)\s*(?P<q>IV|I{{1,3}}|[1-4]){_YEAR}$", re.IGNORECASE)
_HALF = re.compile(
    r"^(?P<n>6|sáu|sau)\s*tháng\s*(?P<part>đầu|cuối)\s*năm(?:\s*(?P<y>\d{4}))?$", re.IGNORECASE
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(value: object, *, year: int | None = None) -> date | None:
    """The date a deadline cell means. A month or quarter means its last day ("Tháng 6/2023" →
    30/6/2023, "Quý III/2023" → 30/9/2023); "Trước 30/6/2023" means 30/6/2023; "Thường
    xuyên", "Cả năm", "Trong năm" mean the end of ``year`` (the plan's year; without it, no
    deadline). A month or quarter without a year takes ``year``. Empty → None; anything else
    raises ValueError with the cell as written."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = " ".join(unicodedata.normalize("NFC", str(value)).split()).strip(" .;")
    text = _BEFORE.sub("", raw).strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    if match := _ALL_YEAR.match(text):
        found = int(match["y"]) if match["y"] else year
        return date(found, 12, 31) if found else None
    if match := _MONTH.match(text) or _MONTH_NUMERIC.match(text):
        found = int(match["y"]) if match["y"] else year
        if found and 1 <= int(match["m"]) <= 12:
            return _month_end(found, int(match["m"]))
    if match := _QUARTER.match(text):
        found = int(match["y"]) if match["y"] else year
        if found:
            return _month_end(found, _QUARTERS[match["q"].upper()] * 3)
    if match := _HALF.match(text):
        found = int(match["y"]) if match["y"] else year
        if found:
            return _month_end(found, 6 if match["part"].lower() == "đầu" else 12)
    raise ValueError(raw)


# ------------------------------------------------------------------------------- rows

_ROMAN = re.compile(r"^(?P<num>[IVXLC]+)\s*[.)]?(?:\s+(?P<title>\S.*))?$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# The STT of a group row that has no Roman numeral: none, or a capital letter ("A", "B.").
_HEADING_NUMBER = re.compile(r"^(?:[A-ZĐ][.)]?)?$")
# A row of column numbers under the header: "(1)", "(2)", … or "1", "2", ….
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")


def _roman_value(numeral: str) -> int:
    total = 0
    for index, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


@dataclass
class AreaRow:
    """A group row: the reform area of the task rows below it."""

    line: int
    number: int  # the Roman numeral's value; 0 when the row has none
    title: str  # as written, without the numeral
    # Columns a task would fill (lead, deadline, …) that hold something on this group row:
    # never dropped silently — the appendix refuses the row, the document reader warns.
    filled: tuple[str, ...] = ()


@dataclass
class TaskRow:
    """A task row, its cells as written (agency names are resolved by the caller)."""

    line: int
    text: str
    lead: str
    coordinating: str
    output: str
    deadline: str


def _cell(text: object) -> str:
    return " ".join(str(text if text is not None else "").split())


def read_rows(
    positions: dict[str, int | None],
    rows: Sequence[Sequence[object]],
    *,
    first_line: int = 2,
    lines: Sequence[int] | None = None,
) -> Iterator[AreaRow | TaskRow]:
    """Group rows and task rows of a table body, in order. ``lines`` are the rows' line
    numbers in the file (for messages); without, they count from ``first_line``. Empty rows
    and a row of column numbers are skipped."""

    def cell(raw: Sequence[object], key: str) -> str:
        index = positions[key]
        if index is None or index >= len(raw) or raw[index] is None:
            return ""
        value = raw[index]
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return value.isoformat()
        return str(value).strip()

    numbers = lines if lines is not None else range(first_line, first_line + len(rows))
    for line, raw in zip(numbers, rows, strict=True):
        stt, text, lead = _cell(cell(raw, "stt")), cell(raw, "text"), _cell(cell(raw, "lead"))
        if not stt and not text and not any(_cell(c) for c in raw):
            continue
        if all(_COLUMN_NUMBER.match(_cell(c)) for c in raw if _cell(c)):
            continue
        # Columns a task fills, other than its text: on a group row, never dropped silently.
        filled = tuple(
            COLUMNS[key] for key in ("lead", "coordinating", "output", "deadline")
            if _cell(cell(raw, key))
        )  # fmt: skip
        roman = _ROMAN.match(stt)
        if roman:
            title = text or roman["title"] or ""
            yield AreaRow(line, _roman_value(roman["num"]), _cell(title), filled)
            continue
        if not stt and (numbered := _ROMAN.match(_cell(text))) and numbered["title"]:
            # "II. Cải cách thủ tục hành chính" written in the task column, no STT.
            yield AreaRow(line, _roman_value(numbered["num"]), numbered["title"], filled)
            continue
        if text and not filled and _HEADING_NUMBER.match(stt):
            # A row of text alone, numbered by nothing or by a capital letter: a group
            # ("Cải cách thể chế", "A. Nhiệm vụ chung"). Anything else is a task, a sub-task
            # ("1.1", "a)", "-") included, even without lead agency, output or deadline.
            yield AreaRow(line, 0, _cell(text))
            continue
        yield TaskRow(
            line,
            text,
            lead,
            cell(raw, "coordinating").strip(),
            cell(raw, "output").strip(),
            _cell(cell(raw, "deadline")),
        )
