"""Read a provincial administrative-reform (CCHC) plan into a structured draft.

Each Vietnamese province issues a yearly "Kế hoạch cải cách hành chính" as a Word
document. The reform office uploads it, and this module turns its plain text (see
``docx_text.extract_docx_text``) into a :class:`ParsedPlan` that a person then
reviews. Nothing here touches Django or a database. The module only reads text.

How it works
------------
1. **Normalise.** NFC (Word and macOS often produce NFD Vietnamese), CRLF to LF,
   NBSP/tabs to spaces, invisible characters removed, one paragraph per line.
   Lines that only mark an elision ("[...]", "…") or draw a rule ("-----") are dropped.
2. **Split the document.** Roman-numeral headings ("II. MỘT SỐ CHỈ TIÊU …") split
   it into sections. Everything before the first heading is the preamble (header
   block, title, "Căn cứ …" sentence). Inside a section, "1.", "2." lines are
   sub-headings or numbered items, and "-", "+", "•" lines are bullets.
3. **Header.** The number comes from "Số: …", the place and date from
   "Lai Châu, ngày 23 tháng 12 năm 2021", the issuer from "ỦY BAN NHÂN DÂN / TỈNH …",
   the title from the "KẾ HOẠCH" heading and the line after it. The signer comes from a
   "Người ký …" metadata line, else from the name closing the signature block ("TM. ỦY BAN
   NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / (Đã ký) / Trần Tiến Dũng"). Other metadata
   lines ("Số hiệu", "Ngày ban hành", …) are only a fallback.
4. **Targets.** The section whose heading contains "CHỈ TIÊU". Each numbered item
   is cut into sentences and then into clauses (at ";" and ", trong số đó,"). A
   clause with no number is glued back onto its neighbour. In each clause, the
   percentages (or counts after words such as "tối thiểu") are found. Their wording
   gives the comparator, and the surrounding words give the measured quantity, the
   agencies it applies to ("sở, ban, ngành tỉnh, UBND các huyện" → department, district),
   the year it is due ("đến hết năm 2025") and a suggested indicator code.
5. **Tasks.** The section whose heading contains "NHIỆM VỤ". Each bullet is a task.
   An agency is recorded only when the text names it explicitly. Then the rows of the
   document's task tables (``tables``), read by ``task_table`` as the XLSX appendix is.

What counts as a target (the rule for result-reporting sentences)
----------------------------------------------------------------------------
A percentage or count becomes a target only when both of these hold:

* the clause does not report a result: it has no "đã" followed by đạt / tăng /
  giảm / vượt / hoàn thành (so "đã ban hành" in "văn bản … đã ban hành" is fine), and
* the number uses target wording. That means one of these: a comparator word
  (tối thiểu, ít nhất, từ, trên, hơn, vượt, dưới, không quá, tối đa, …), "trở lên" or
  "trở xuống", a range, a number at the start of its clause ("100% …", "Tăng 10% …"),
  or "phấn đấu" / "đảm bảo" / "bảo đảm" earlier in the clause.

So "Năm 2021, tỷ lệ hồ sơ đúng hạn đạt 95,2%" and "năm 2021 đã tăng 10%" give no
target. A numbered item that gives no target produces a Vietnamese warning instead.

Limits
------
* The text must carry its own numbering. If Word's automatic numbering was used,
  the "1." and "-" markers are not part of the text, so items are not found.
* Per-level thresholds use the tiers tỉnh / huyện / xã. A per-level list must name as many
  levels as it has values. Otherwise the levels are left empty and a warning is added.
* Applicability (``scope_levels``) and the target year are read from a fixed set of words
  (docs/plan-import.md); anything else is left empty for the reviewer.
* A reduction ("giảm tối thiểu 10%") is returned as kind "growth" with a negative
  value and a flipped comparator (change ≤ -10%).
* Count targets cover a single number after a comparator word ("tối thiểu 02 cuộc").
  Count ranges are not recognised.
* Agency names are cut at a known verb or punctuation. An unusual sentence can
  leave a name too long or too short. That is why the draft is reviewed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from cchc.plans.task_table import (
    AreaRow,
    TaskTable,
    locate_header,
    parse_deadline,
    read_rows,
)

__all__ = [
    "DEFAULT_INDICATOR_CATALOGUE",
    "LegalBasisRef",
    "ParsedPlan",
    "ParsedTarget",
    "ParsedTask",
    "PlanParseError",
    "Threshold",
    "extract_agencies",
    "match_indicator",
    "normalise_text",
    "parse_legal_basis",
    "parse_plan_text",
    "parse_target_item",
    "plan_to_dict",
]


class PlanParseError(ValueError):
    """The text cannot be read as a plan at all. The message is Vietnamese, for the user."""


# --------------------------------------------------------------------------- results


@dataclass
class LegalBasisRef:
    text: str  # the fragment as written, without "Căn cứ"
    doc_type: str | None  # "Nghị quyết", "Kế hoạch", …
    number: str | None  # "76/NQ-CP"
    issued_on: date | None
    issuer: str | None  # "Chính phủ", "UBND tỉnh", …
    title: str  # the rest: "ban hành Chương trình …", "về …"


@dataclass
class Threshold:
    level: str | None  # "province" | "district" | "commune" | None (whole plan)
    value: Decimal
    upper: Decimal | None = None  # only for comparator "between"


@dataclass
class ParsedTarget:
    number: int  # item number in the plan (1..N)
    part: str  # "" when the item has one quantity, else "a", "b", "c", …
    source_text: str  # the whole numbered item, without its "N." prefix
    quantity: str  # short Vietnamese description of what is measured
    comparator: str  # "gte" | "gt" | "lte" | "lt" | "between"
    thresholds: list[Threshold]
    unit: str  # "percent" | "count"
    kind: str  # "share" (a level to reach) | "growth" (a change vs baseline_year)
    baseline_year: int | None
    scope_note: str  # "bao gồm cả …", "không bao gồm …", "trừ …"; "" if none
    indicator_code: str | None  # a suggestion from the wording; the reviewer confirms it
    # Agencies the target applies to (đối tượng áp dụng), AgencyLevel values in the order
    # "department", "district", "commune"; [] when the wording names none.
    scope_levels: list[str] = field(default_factory=list)
    # The year the target is to be met by ("đến hết năm 2025"); None when not written.
    target_year: int | None = None


@dataclass
class ParsedTask:
    area_number: int  # 0 when bullets come before any "1." sub-heading
    area_title: str
    text: str
    lead_agency_name: str | None
    coordinating_agency_names: list[str] = field(default_factory=list)
    output: str = ""  # "Sản phẩm" of a task table; "" for a task written as a bullet
    deadline: date | None = None  # "Thời gian hoàn thành" of a task table, read as a date


@dataclass
class ParsedPlan:
    number: str | None
    doc_type: str | None
    issuer: str | None
    place: str | None
    issued_on: date | None
    title: str | None
    year: int | None
    signer: str | None
    legal_bases: list[LegalBasisRef] = field(default_factory=list)
    purposes: str = ""
    requirements: list[str] = field(default_factory=list)
    targets: list[ParsedTarget] = field(default_factory=list)
    tasks: list[ParsedTask] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def plan_to_dict(plan: ParsedPlan) -> dict[str, Any]:
    """A JSON-safe dict of the plan (Decimal → str, date → ISO string), e.g. for a JSONField."""

    def convert(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list):
            return [convert(v) for v in value]
        if hasattr(value, "__dataclass_fields__"):
            return {name: convert(getattr(value, name)) for name in value.__dataclass_fields__}
        return value

    return convert(plan)


# ------------------------------------------------------------------ indicator catalogue

# Order matters: the first code whose phrases all match wins (see match_indicator).
# A phrase may offer alternatives separated by "|".
DEFAULT_INDICATOR_CATALOGUE: dict[str, tuple[str, ...]] = {
    "INSPECTION_COVERAGE": (
        "kiểm tra cải cách hành chính|kiểm tra công tác cải cách hành chính|kiểm tra cchc",
    ),
    "PAR_INDEX_COVERAGE": (
        "chỉ số cải cách hành chính|chỉ số cchc",
        "đánh giá|xếp loại|xếp hạng",
    ),
    "LEGAL_REVIEW_COVERAGE": ("văn bản quy phạm pháp luật|văn bản qppl", "kiểm tra|rà soát"),
    "RESULT_DIGITISATION": (
        "số hóa kết quả giải quyết thủ tục hành chính|số hóa kết quả giải quyết tthc"
        "|kết quả giải quyết thủ tục hành chính còn hiệu lực được số hóa"
        "|kết quả giải quyết thủ tục hành chính được số hóa",
    ),
    "ONLINE_PAYMENT_PROCEDURES": ("thủ tục", "nghĩa vụ tài chính", "thanh toán trực tuyến"),
    "ONLINE_PAYMENT_SHARE": ("giao dịch thanh toán trực tuyến",),
    "ONLINE_SERVICE_GROWTH": ("dịch vụ công trực tuyến mức độ 3", "tăng"),
    "PORTAL_INTEGRATION_GROWTH": ("tích hợp", "cổng dịch vụ công quốc gia"),
    "ONLINE_DOSSIER_SHARE": (
        "hồ sơ",
        "giải quyết trực tuyến|tiếp nhận trực tuyến|nộp trực tuyến|hồ sơ trực tuyến"
        "|tiếp nhận hồ sơ trực tuyến",
    ),
    "SYSTEMS_CONNECTED": (
        "kết nối",
        "cổng dịch vụ công quốc gia|hệ thống thông tin báo cáo quốc gia",
    ),
    "WORK_RECORDS_ONLINE": ("hồ sơ công việc", "môi trường mạng"),
    # Last: "đúng hạn" is also written of other things ("báo cáo đúng hạn").
    "ON_TIME_RATE": (
        "hồ sơ|thủ tục hành chính|tthc",
        "giải quyết đúng hạn|giải quyết trước hạn, đúng hạn|giải quyết đúng và trước hạn"
        "|giải quyết trước và đúng hạn|trả kết quả đúng hạn",
    ),
}


def _old_style_tone_table() -> list[tuple[str, str]]:
    """Pairs that map old-style tone placement to new style ("hoá" → "hóa", "uỷ" → "ủy").

    Both spellings are common in Vietnamese documents. Accent-sensitive matching would
    otherwise miss "số hoá" when the catalogue says "số hóa".
    """
    tones = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    pairs = []
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for tone in tones:
            old = first + unicodedata.normalize("NFC", second + tone)
            new = unicodedata.normalize("NFC", first + tone) + second
            pairs.append((old, new))
    return pairs


_TONE_PAIRS = _old_style_tone_table()


def _match_key(text: str) -> str:
    key = unicodedata.normalize("NFC", text).lower()
    for old, new in _TONE_PAIRS:
        key = re.sub(old + r"(?!\w)", new, key)
    return re.sub(r"\s+", " ", key)


def match_indicator(text: str, catalogue: Mapping[str, Sequence[str]] | None = None) -> str | None:
    """Return the first catalogue code whose phrases ALL occur in ``text``, else None.

    Matching ignores case and extra whitespace but keeps accents ("so" ≠ "số"). Old and new
    tone placement ("hoá"/"hóa") are treated alike. A phrase "a|b" matches if either a or b
    occurs. The catalogue's own order decides between codes that both match.
    """
    catalogue = DEFAULT_INDICATOR_CATALOGUE if catalogue is None else catalogue
    haystack = _match_key(text)
    for code, phrases in catalogue.items():
        if not phrases:
            continue
        if all(
            any(_match_key(alt.strip()) in haystack for alt in phrase.split("|"))
            for phrase in phrases
        ):
            return code
    return None


# ----------------------------------------------------------------------- normalising

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u3000\t\v\f"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def normalise_text(text: str) -> str:
    """NFC, LF line ends, plain spaces, single spaces inside lines, lines stripped."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text)
    text = text.translate(_SPACES).translate(_INVISIBLE)
    return "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))


_ELISION = re.compile(r"^[\[(]?\s*(?:\.{3,}|…)\s*[\])]?$")
_RULE = re.compile(r"^[-_=*.·–—]{3,}$")


def _content_lines(text: str) -> tuple[list[str], bool]:
    """Non-empty lines without rules and elision markers, plus whether an elision was seen."""
    lines, elided = [], False
    for line in text.split("\n"):
        if not line or _RULE.match(line):
            continue
        if _ELISION.match(line):
            elided = True
            continue
        lines.append(line)
    return lines, elided


# Words that start an organisation's or a system's name: such names keep their capital.
_ORGANISATION_WORDS = (
    r"Sở|Ban(?!\s+hành)|Văn phòng|Thanh tra|UBND|HĐND|Ủy|Uỷ|Công an|Bộ|Đài|Trung tâm|Bảo hiểm|Cục"
    r"|Chi cục|Kho bạc|Ngân hàng|Liên đoàn|Tỉnh đoàn|Hội|Trường|Báo|Viện|Tòa|Toà|Mặt trận"
    r"|Quỹ|Tổng cục|Chủ tịch"
)
_ORGANISATION_START = re.compile(rf"^(?:{_ORGANISATION_WORDS}|Cổng|Hệ thống)(?!\w)")


# ----------------------------------------------------------------- document structure

_ROMAN_NUMERALS = (
    "I II III IV V VI VII VIII IX X",
    "XI XII XIII XIV XV XVI XVII XVIII XIX XX",
)
_ROMAN = {numeral: value for value, numeral in enumerate(" ".join(_ROMAN_NUMERALS).split(" "), 1)}
_SECTION = re.compile(r"^(?P<num>[IVX]{1,5})[.)]\s+(?P<title>\S.*)$")
_NUMBERED = re.compile(r"^(?P<num>\d{1,2})[.)]\s+(?P<rest>\S.*)$")
_BULLET = re.compile(r"^[-–—+•*·▪◦●]\s*(?=\S)")
_LETTERED = re.compile(r"^[a-zđ]\)\s+(?=\S)")
# The signature block ends the body: "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", or
# a bare "CHỦ TỊCH" / "PHÓ CHỦ TỊCH" line.
_SIGNATURE = re.compile(
    r"^(?:Nơi nhận\b|(?:TM|KT|TL|TUQ|Q)\.\s*[^\W\d_]|(?:PHÓ\s+)?CHỦ\s+TỊCH\s*$)"
)


@dataclass
class _Section:
    number: int
    title: str
    lines: list[str]


def _split_sections(lines: list[str]) -> tuple[list[str], list[_Section]]:
    preamble: list[str] = []
    sections: list[_Section] = []
    for line in lines:
        if _SIGNATURE.match(line):
            break
        match = _SECTION.match(line)
        if match and match["num"] in _ROMAN and match["title"][0].isupper():
            sections.append(_Section(_ROMAN[match["num"]], match["title"], []))
        elif sections:
            sections[-1].lines.append(line)
        else:
            preamble.append(line)
    return preamble, sections


def _find_section(sections: list[_Section], keyword: str) -> _Section | None:
    return next((s for s in sections if keyword in s.title.lower()), None)


def _numbered_blocks(lines: list[str]) -> list[tuple[int, str, list[str]]]:
    """(number, heading text, following lines) for each "N." line. Earlier lines are dropped."""
    blocks: list[tuple[int, str, list[str]]] = []
    for line in lines:
        match = _NUMBERED.match(line)
        if match:
            blocks.append((int(match["num"]), match["rest"], []))
        elif blocks:
            blocks[-1][2].append(line)
    return blocks


def _bullet_items(lines: list[str]) -> list[str]:
    """Group lines into bullet items. A bullet continues until the next bullet."""
    items: list[list[str]] = []
    for line in lines:
        bullet = _BULLET.match(line)
        if bullet:
            items.append([line[bullet.end() :]])
        elif items:
            items[-1].append(line)
        else:
            items.append([line])
    return ["\n".join(item) for item in items]


# ------------------------------------------------------------------------ dates, header

_DATE = re.compile(
    r"(?P<d>\d{1,2})\s*(?:[/.-]\s*(?P<m1>\d{1,2})\s*[/.-]\s*(?P<y1>\d{4})"
    r"|\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4}))"
)


def _make_date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _date_from_match(match: re.Match[str]) -> date | None:
    return _make_date(match["d"], match["m1"] or match["m2"], match["y1"] or match["y2"])


_METADATA = re.compile(
    r"^(?P<key>Số hiệu|Ngày ban hành|Loại văn bản|Người ký|Cơ quan ban hành)"
    r"\s*:?\s+(?P<value>\S.*)$"
)
_NUMBER_LINE = re.compile(r"(?:^|\s)Số\s*:\s*(?P<num>\d[^\s,;]*)")
_PLACE_DATE = re.compile(r",\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})")
_ISSUER_HEAD = re.compile(r"^(?:(?:ỦY|UỶ) BAN NHÂN DÂN|UBND)(?:\s+(?P<rest>.+))?$")
_ADMIN_UNIT = re.compile(
    r"^(?P<unit>TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\s+(?P<name>.+)$"
)
_TITLE_HEAD = re.compile(r"^KẾ HOẠCH\b")
# Acronyms that stay upper case when an all-caps title is sentence-cased.
_ACRONYMS = {"UBND", "HĐND", "CCHC", "PAR", "INDEX", "CNTT", "ISO", "TCVN"}


def _metadata(preamble: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in preamble:
        match = _METADATA.match(line)
        if match:
            found.setdefault(match["key"], match["value"].strip())
    return found


def _issuer_from_header(preamble: list[str]) -> tuple[str | None, str | None]:
    """("Ủy ban nhân dân tỉnh Lai Châu", "Lai Châu") from the all-caps header block."""
    for index, line in enumerate(preamble):
        match = _ISSUER_HEAD.match(line)
        if not match:
            continue
        rest = match["rest"] or (preamble[index + 1] if index + 1 < len(preamble) else "")
        unit = _ADMIN_UNIT.match(rest.strip())
        if unit:
            name = unit["name"].strip().title()
            return f"Ủy ban nhân dân {unit['unit'].lower()} {name}", name
    return None, None


def _place_and_date(preamble: list[str]) -> tuple[str | None, date | None]:
    for line in preamble:
        match = _PLACE_DATE.search(line)
        if not match:
            continue
        # The place is the run of capitalised words just before ", ngày" ("Lai Châu").
        words = line[: match.start()].split()
        place_words: list[str] = []
        for word in reversed(words):
            if word[:1].isupper() or word == "-":
                place_words.insert(0, word)
            else:
                break
        if place_words and place_words[0].startswith("Số"):
            place_words = []
        while place_words and (place_words[0] == "-" or any(ch.isdigit() for ch in place_words[0])):
            place_words.pop(0)  # "Số: 4345/KH-UBND Lai Châu, ngày …" on one line
        place = " ".join(place_words) or None
        return place, _make_date(match["d"], match["m"], match["y"])
    return None, None


# In a title, the words after "tỉnh", "thành phố", … up to "năm", "giai đoạn", … are a
# place name ("tỉnh lai châu năm 2022" → "tỉnh Lai Châu năm 2022").
_TITLE_STOP = r"(?!(?:năm|giai|đến|về|trong|và|theo|của|nhằm|để|thực)(?!\w))"
_TITLE_PLACE = re.compile(
    r"(?<!\w)(?<!cấp )(?P<unit>tỉnh|thành phố|huyện|quận|thị xã)\s+"
    rf"(?P<name>{_TITLE_STOP}[^\W\d_]+(?:\s+(?:-\s+)?{_TITLE_STOP}[^\W\d_]+){{0,3}})(?!\w)"
)


def _sentence_case(title: str, proper_names: Sequence[str]) -> str:
    words = [w if w in _ACRONYMS else w.lower() for w in title.split()]
    text = " ".join(words)
    for name in proper_names:
        text = re.sub(rf"(?<!\w){re.escape(name.lower())}(?!\w)", name, text)
    text = _TITLE_PLACE.sub(lambda m: f"{m['unit']} {m['name'].title()}", text)
    return text[:1].upper() + text[1:]


def _lower_first_word(text: str) -> str:
    """Drop a sentence-initial capital ("Tỷ lệ …" → "tỷ lệ …") unless it starts a name."""
    first = text.split(" ", 1)[0]
    if first[1:].islower() and not _ORGANISATION_START.match(text):
        return text[:1].lower() + text[1:]
    return text


def _is_all_caps(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _title_from_heading(preamble: list[str], proper_names: Sequence[str]) -> str | None:
    """The "KẾ HOẠCH" heading plus the all-caps line(s) after it, sentence-cased."""
    for index, line in enumerate(preamble):
        if not (_TITLE_HEAD.match(line) and _is_all_caps(line)):
            continue
        parts = [line]
        subtitle = ""
        for following in preamble[index + 1 :]:
            if _is_all_caps(following):
                parts.append(following)
            elif len(parts) == 1 and not re.match(r"^(?:Căn cứ|Thực hiện)\b", following):
                # A mixed-case subtitle right under the heading: "Cải cách hành chính năm 2023".
                subtitle = _lower_first_word(following)
                break
            else:
                break
        return " ".join(filter(None, [_sentence_case(" ".join(parts), proper_names), subtitle]))
    return None


# ------------------------------------------------------------------------ legal bases

_DOC_TYPES = (
    "Nghị quyết liên tịch",
    "Thông tư liên tịch",
    "Nghị quyết",
    "Nghị định",
    "Quyết định",
    "Thông tư",
    "Chỉ thị",
    "Kế hoạch",
    "Bộ luật",
    "Luật",
    "Pháp lệnh",
    "Hiến pháp",
    "Chương trình",
    "Công văn",
    "Văn bản",
    "Hướng dẫn",
    "Thông báo",
    "Kết luận",
    "Đề án",
)
_DOC_TYPE = re.compile(r"(?<!\w)(?P<type>" + "|".join(_DOC_TYPES) + r")(?!\w)")
# Laws are cited by name, without a number.
_NAMED_TYPES = {"Luật", "Bộ luật", "Hiến pháp", "Pháp lệnh"}
_DOC_NUMBER = re.compile(r"^\s*số\s*:?\s*(?P<num>\d[^\s,;]*)")
_DOC_DATE = re.compile(r"^\s*(?:ban hành\s+)?ngày\s+" + _DATE.pattern)
_DOC_ISSUER = re.compile(r"^\s*của\s+")
# The issuer ends where the title starts (lower-case verbs, so "Ban Chấp hành" is safe).
_ISSUER_END = re.compile(
    r"\s(?=(?:về|ban hành|quy định|hướng dẫn|phê duyệt|sửa đổi|bổ sung|triển khai|thực hiện"
    r"|tiếp tục|đẩy mạnh|tăng cường|công bố|giao|ngày)(?!\w))"
)
# ", Ủy ban nhân dân tỉnh ban hành Kế hoạch … như sau:" ends the "Căn cứ" sentence.
_BASES_TAIL = re.compile(
    r"[,;]\s*[^,;]{0,80}?(?<!\w)(?:ban hành|xây dựng|triển khai)\s+[Kk]ế hoạch(?!\w)[^;]*$"
)


def parse_legal_basis(fragment: str) -> LegalBasisRef | None:
    """One cited document ("Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ …").

    Returns None when the fragment names no document ("Căn cứ tình hình thực tế …").
    """
    text = normalise_text(fragment).strip(" ;,.:")
    text = re.sub(r"^(?:Căn cứ|căn cứ|Thực hiện|và)\s+", "", text)
    match = next(
        (
            m
            for m in _DOC_TYPE.finditer(text)
            if m["type"] in _NAMED_TYPES or re.match(r"\s*(?:số|ngày)\s", text[m.end() :])
        ),
        None,
    )
    if not match:
        return None
    rest = text[match.end() :]
    number = issued_on = issuer = None
    name = ""

    if found := _DOC_NUMBER.match(rest):
        number, rest = found["num"].rstrip("."), rest[found.end() :]
    elif match["type"] in _NAMED_TYPES:
        # "Luật Tổ chức chính quyền địa phương ngày 19/6/2015": the name runs to "ngày".
        cut = re.search(r"\s(?:ngày|số|của)\s", rest)
        name, rest = (rest[: cut.start()], rest[cut.start() :]) if cut else (rest, "")
    for _ in range(2):  # the date and the issuer come in either order
        if not issued_on and (found := _DOC_DATE.match(rest)):
            issued_on, rest = _date_from_match(found), rest[found.end() :]
        elif not issuer and (found := _DOC_ISSUER.match(rest)):
            rest = rest[found.end() :]
            end = _ISSUER_END.search(rest)
            issuer, rest = (rest[: end.start()], rest[end.start() :]) if end else (rest, "")
            issuer = issuer.strip(" ,")
    title = " ".join(part.strip(" ,") for part in (name, rest) if part.strip(" ,"))
    return LegalBasisRef(
        text=text,
        doc_type=match["type"],
        number=number,
        issued_on=issued_on,
        issuer=issuer or None,
        title=title,
    )


def _legal_bases(preamble: list[str], warnings: list[str]) -> list[LegalBasisRef]:
    refs = []
    for line in preamble:
        if not re.match(r"^(?:Căn cứ|Thực hiện)\s", line):
            continue
        paragraph = _BASES_TAIL.sub("", line)
        for fragment in _split_outside_parens(paragraph, ";"):
            if not fragment.strip(" ,.;:"):
                continue
            ref = parse_legal_basis(fragment)
            if ref:
                refs.append(ref)
            elif line.startswith("Căn cứ"):
                warnings.append(f"Không nhận ra văn bản căn cứ: “{_short(fragment)}”.")
    return refs


# --------------------------------------------------------------------- text splitting


def _paren_depths(text: str) -> list[int]:
    depths, depth = [], 0
    for ch in text:
        if ch == ")":
            depth = max(depth - 1, 0)
        depths.append(depth)
        if ch == "(":
            depth += 1
    return depths


def _split_outside_parens(text: str, separator: str) -> list[str]:
    depths = _paren_depths(text)
    pieces, start = [], 0
    for index, ch in enumerate(text):
        if ch == separator and depths[index] == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return pieces


def _sentences(text: str) -> list[str]:
    """Split at line breaks and at ". X" (X upper case) outside parentheses."""
    depths = _paren_depths(text)
    sentences, start = [], 0
    for match in re.finditer(r"\n|(?<=[.!?])\s+(?=\S)", text):
        if depths[match.start()] != 0:
            continue
        following = text[match.end() :]
        if match.group() != "\n" and not (
            following[0].isupper() or re.match(rf"{_NUM}\s*%", following)
        ):
            continue
        sentences.append(text[start : match.start()])
        start = match.end()
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


_CLAUSE_SEPARATOR = re.compile(r";|,\s*trong\s+(?:số\s+)?đó\s*,?", re.IGNORECASE)


def _clauses(sentence: str) -> list[str]:
    """Split at ";" and ", trong số đó," but glue back pieces without a number.

    "100% các cơ quan …; UBND các huyện …; UBND các xã … được đánh giá" lists subjects
    with ";", so pieces that carry no threshold belong to their neighbour.
    """
    depths = _paren_depths(sentence)
    pieces: list[tuple[str, str]] = []  # (separator before, piece)
    start, separator = 0, ""
    for match in _CLAUSE_SEPARATOR.finditer(sentence):
        if depths[match.start()] == 0:
            pieces.append((separator, sentence[start : match.start()]))
            start, separator = match.end(), match.group()
    pieces.append((separator, sentence[start:]))

    clauses: list[str] = []
    pending = ""  # pieces without a number before the first one that has one
    for separator, piece in pieces:
        if _has_quantity(piece):
            if clauses and not pending and not _has_quantity(clauses[-1]):
                clauses[-1] += separator + piece
            else:
                clauses.append(pending + piece)
                pending = ""
        elif clauses:
            clauses[-1] += separator + piece
        else:
            pending += piece + separator
    if pending:
        clauses.append(pending)
    return [c.strip() for c in clauses if c.strip()]


# ----------------------------------------------------------------- threshold wording

_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
_PERCENT_RANGE = re.compile(
    rf"(?<![\w.,])(?:từ\s+)?(?P<lo>{_NUM})\s*%?\s*(?:-|–|—|đến|tới)\s*(?P<hi>{_NUM})\s*%",
    re.IGNORECASE,
)
_PERCENT = re.compile(rf"(?<![\w.,])(?P<val>{_NUM})\s*%")
_AT_LEAST_TAIL = re.compile(r"\s*trở\s+(?P<dir>lên|xuống)(?!\w)", re.IGNORECASE)

# Comparator words, longest first where one contains another ("không dưới" vs "dưới").
_MODIFIERS = (
    (r"không\s+vượt\s+quá", "lte"),
    (r"không\s+quá", "lte"),
    (r"tối\s+đa", "lte"),
    (r"không\s+cao\s+hơn", "lte"),
    (r"không\s+nhiều\s+hơn", "lte"),
    (r"không\s+thấp\s+hơn", "gte"),
    (r"không\s+dưới", "gte"),
    (r"không\s+ít\s+hơn", "gte"),
    (r"tối\s+thiểu", "gte"),
    (r"ít\s+nhất", "gte"),
    (r"từ", "gte"),
    (r"cao\s+hơn", "gt"),
    (r"nhiều\s+hơn", "gt"),
    (r"vượt\s+quá", "gt"),
    (r"vượt", "gt"),
    (r"trên", "gt"),
    (r"hơn", "gt"),
    (r"thấp\s+hơn", "lt"),
    (r"ít\s+hơn", "lt"),
    (r"dưới", "lt"),
)
_MODIFIER_WORDS = "|".join(f"(?P<m{i}>{pattern})" for i, (pattern, _) in enumerate(_MODIFIERS))
_FILLER = r"(?:\s+(?:tương\s+ứng|lần\s+lượt|là|ở\s+mức|mức|khoảng))*"
_MODIFIER_TAIL = re.compile(rf"(?<!\w)(?:{_MODIFIER_WORDS}){_FILLER}\s*$", re.IGNORECASE)
# "cắt giảm 20 thủ tục" (cut 20 procedures) is not a decrease of a measured value.
_GROWTH_TAIL = re.compile(
    r"(?<!\w)(?<!cắt )(?P<verb>tăng|giảm)(?:\s+thêm)?(?:\s+(?:được|đạt))?\s*$", re.IGNORECASE
)
_VERB_TAIL = re.compile(r"(?:(?<!\w)(?:đạt|là|ở\s+mức|mức|bằng|chiếm|lên)|[:,])\s*$", re.IGNORECASE)
_LEADING_FILLER = re.compile(
    r"^(?:và|hoặc|trong\s+(?:số\s+)?đó|phấn\s+đấu|đảm\s+bảo|bảo\s+đảm|cần|phải|đưa|nâng|đạt"
    r"|hoàn\s+thành\s+việc"
    r"|hoàn\s+thành|có|(?:đến|trong|vào)\s+(?:hết\s+|cuối\s+)?năm\s+\d{4}|năm\s+\d{4})"
    r"(?!\w)[\s,:]*",
    re.IGNORECASE,
)
# "cần đưa tỷ lệ … đạt 55%", "phải đạt", "nâng tỷ lệ … lên 60%" set a level to reach, too;
# "nâng cao chất lượng" and "hồ sơ phải bổ sung" do not.
_TARGET_MARKER = re.compile(
    r"(?<!\w)(?:phấn\s+đấu|đảm\s+bảo|bảo\s+đảm|cần|phải\s+đạt|(?:đưa|nâng)\s+tỷ\s+lệ)(?!\w)",
    re.IGNORECASE,
)
# "đã đạt", "đã tăng" … report a result; "đã ban hành" (a relative clause) does not.
_REPORTED = re.compile(
    r"(?<!\w)đã\s+(?:đạt|tăng|giảm|vượt|hoàn\s+thành|thực\s+hiện\s+được)(?!\w)", re.IGNORECASE
)
_COUNT = re.compile(
    rf"(?<!\w)(?:{_MODIFIER_WORDS})\s+(?P<val>\d{{1,4}})(?![\d.,/%-])\s+(?P<noun>[^\W\d_]+)",
    re.IGNORECASE,
)
_LEVEL = re.compile(
    r"(?:(?:tại|ở|thuộc|của)\s+)?cấp\s+(?P<a>tỉnh|huyện|xã)(?!\w)"
    r"|(?:tại|ở)\s+(?P<b>tỉnh|huyện|xã)(?!\w)",
    re.IGNORECASE,
)
_LEVEL_NAMES = {"tỉnh": "province", "huyện": "district", "xã": "commune"}
_LIST_GLUE = re.compile(r"\s*(?:,\s*(?:và\s+)?|và\s+|;\s*)", re.IGNORECASE)

# Scope notes: exclusions and inclusions, in parentheses or after a comma.
_SCOPE_PAREN = re.compile(
    r"\(\s*(?P<note>(?:không\s+bao\s+gồm|chưa\s+bao\s+gồm|bao\s+gồm|không\s+kể|kể\s+cả"
    r"|ngoại\s+trừ|loại\s+trừ|trừ)(?!\w)[^()]*)\)",
    re.IGNORECASE,
)
_SCOPE_INLINE = re.compile(
    r"(?:,|\s-)\s*(?P<note>(?:ngoại\s+trừ|trừ|không\s+bao\s+gồm|không\s+kể)(?!\w)[^;()]*?)"
    r"(?=\s*(?:[.;]\s*$|$))",
    re.IGNORECASE,
)
_BASELINE = re.compile(
    r"[,(]?\s*so\s+với\s+(?:(?:cùng\s+kỳ\s+)?năm\s+(?P<year>\d{4})|cùng\s+kỳ|năm\s+trước)\s*\)?",
    re.IGNORECASE,
)
_PURPOSE = re.compile(r"[\s,]+(?:để|nhằm)\s.*$", re.IGNORECASE)
_TIME_TAIL = re.compile(
    r"[\s,]*(?:(?:trong|vào|đến|tới|trước)\s+)?(?:hết\s+|cuối\s+)?năm\s+\d{4}\s*$", re.IGNORECASE
)


def _has_quantity(text: str) -> bool:
    return bool(_PERCENT.search(text) or _COUNT.search(text))


def _decimal(raw: str) -> Decimal:
    return Decimal(raw.replace(",", "."))


@dataclass
class _Expr:
    start: int
    end: int  # includes a following "trở lên" / "trở xuống"
    value: Decimal
    upper: Decimal | None
    tail: str | None  # "lên" | "xuống" | None


@dataclass
class _Group:
    exprs: list[_Expr]
    style: str = "single"  # "single" | "list" (30%, 20%, 15%) | "levels" (50% X tại tỉnh, …)
    # For "levels": the tier of each expression, and whether its level word comes "before"
    # ("cấp huyện từ 20% đến 30%, cấp xã …") or "after" ("50% hồ sơ tại tỉnh, …") it.
    levels: list[str] = field(default_factory=list)
    level_side: str = ""

    @property
    def start(self) -> int:
        return self.exprs[0].start

    @property
    def end(self) -> int:
        return self.exprs[-1].end


@dataclass
class _Draft:
    quantity: str
    comparator: str
    thresholds: list[Threshold]
    unit: str
    growth: str | None  # "tăng" | "giảm" | None
    baseline_year: int | None
    scope_note: str
    clause: str
    sentence: int
    scope_levels: list[str] = field(default_factory=list)
    target_year: int | None = None
    alone: bool = True  # the only target of its clause


def _find_exprs(core: str) -> tuple[list[_Expr], str]:
    """Percentages (ranges first) or, if there are none, counts after a comparator word."""
    exprs: list[_Expr] = []
    taken: list[tuple[int, int]] = []
    for match in _PERCENT_RANGE.finditer(core):
        exprs.append(
            _Expr(match.start(), match.end(), _decimal(match["lo"]), _decimal(match["hi"]), None)
        )
        taken.append(match.span())
    for match in _PERCENT.finditer(core):
        if any(a <= match.start() < b for a, b in taken):
            continue
        exprs.append(_Expr(match.start(), match.end(), _decimal(match["val"]), None, None))
    unit = "percent"
    if not exprs:
        unit = "count"
        for match in _COUNT.finditer(core):
            value = int(match["val"])
            if 1900 <= value <= 2100 or match["noun"].lower() in {"đến", "tới"}:
                continue  # a year or a range of years, not a count
            start = match.start("val")
            exprs.append(_Expr(start, match.end("val"), Decimal(value), None, None))
    exprs.sort(key=lambda e: e.start)
    for expr in exprs:
        if tail := _AT_LEAST_TAIL.match(core, expr.end):
            expr.end, expr.tail = tail.end(), tail["dir"].lower()
    return exprs, unit


def _group_exprs(core: str, exprs: list[_Expr]) -> list[_Group]:
    groups: list[_Group] = []
    for expr in exprs:
        previous = groups[-1] if groups else None
        if (
            previous
            and (expr.upper is None) == (previous.exprs[-1].upper is None)
            and _LIST_GLUE.fullmatch(core[previous.end : expr.start])
        ):
            previous.exprs.append(expr)
            previous.style = "list"
        else:
            groups.append(_Group([expr]))
    # "50% hồ sơ tại tỉnh, 40% hồ sơ tại cấp huyện và 30% … tại cấp xã" or "cấp huyện từ 20%
    # đến 30%, cấp xã từ 10% đến 20%": one target with a threshold per level.
    if (
        len(groups) >= 2
        and all(g.style == "single" for g in groups)
        and len({g.exprs[0].upper is None for g in groups}) == 1
        and (found := _levels_of_groups(core, groups))
    ):
        levels, side = found
        return [_Group([g.exprs[0] for g in groups], "levels", levels, side)]
    return groups


def _levels_of_groups(core: str, groups: list[_Group]) -> tuple[list[str], str] | None:
    """The level word written next to each group, all on the same side, if each has one."""
    sides: dict[str, tuple[list[str], int]] = {}
    for side in ("after", "before"):
        levels, distance = [], 0
        for index, group in enumerate(groups):
            if side == "after":
                end = groups[index + 1].start if index + 1 < len(groups) else len(core)
                found = _LEVEL.search(core, group.end, end)
                gap = found.start() - group.end if found else 0
            else:
                start = groups[index - 1].end if index else 0
                before = list(_LEVEL.finditer(core, start, group.start))
                found = before[-1] if before else None  # the nearest one
                gap = group.start - found.end() if found else 0
            if found is None:
                break
            levels.append(_level_of(found))
            distance += gap
        if len(levels) == len(groups) and len(set(levels)) == len(levels):
            sides[side] = (levels, distance)
    if not sides:
        return None
    side = min(sides, key=lambda name: sides[name][1])
    return sides[side][0], side


def _level_of(match: re.Match[str]) -> str:
    return _LEVEL_NAMES[(match["a"] or match["b"]).lower()]


def _modifier(pre: str) -> tuple[str | None, str]:
    """(comparator of the word that ends ``pre``, ``pre`` without that word)."""
    match = _MODIFIER_TAIL.search(pre)
    if not match:
        return None, pre
    index = next(i for i in range(len(_MODIFIERS)) if match[f"m{i}"])
    return _MODIFIERS[index][1], pre[: match.start()]


def _strip_tails(pre: str) -> tuple[str, str | None]:
    """Remove comparator, growth verb and "đạt"-like verbs from the end of ``pre``."""
    growth = None
    text = pre
    while True:
        before = text
        _, text = _modifier(text)
        if found := _GROWTH_TAIL.search(text):
            growth = growth or found["verb"].lower()
            text = text[: found.start()]
        text = _VERB_TAIL.sub("", text).rstrip()
        if text == before:
            return text, growth


def _subject(pre: str) -> tuple[str, str | None]:
    """The measured quantity written before the number, and any growth verb."""
    text, growth = _strip_tails(pre)
    text = text.strip(" ,;:")
    while (found := _LEADING_FILLER.match(text)) and found.end() > 0:
        text = text[found.end() :]
    return text.strip(" ,;:"), growth


def _clean_quantity(text: str) -> str:
    text = _PURPOSE.sub("", text.strip(" ,;:."))
    text = _TIME_TAIL.sub("", text.strip(" ,;:."))
    text = re.sub(r"\s+([,;.])", r"\1", text).strip(" ,;:.-")
    while (found := _LEADING_FILLER.match(text)) and found.end() > 0:
        text = text[found.end() :]
    # Sentence-initial capitals ("Tỷ lệ …") are not part of the description. Organisation
    # names ("Cổng Dịch vụ công", "Sở Nội vụ") keep theirs.
    return _lower_first_word(text.strip())


def _extract_scope(clause: str) -> tuple[list[str], str]:
    notes: list[str] = []

    def keep(match: re.Match[str]) -> str:
        notes.append(match["note"].strip(" ,.;"))
        return ""

    core = _SCOPE_PAREN.sub(keep, clause)
    core = _SCOPE_INLINE.sub(keep, core)
    return notes, core


def _tidy(text: str) -> str:
    text = re.sub(r"\s{2,}", " ", text)
    return re.sub(r"\s+([,;.)])", r"\1", text).strip()


# Who a target applies to (đối tượng áp dụng), from the words naming agencies. Matched on
# lower-case text; "department" covers the provincial tier ("cấp tỉnh", "tại tỉnh").
_SCOPE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        r"sở,\s*(?:ban,\s*)?ngành|các\s+sở(?!\w)|cấp\s+sở|cấp\s+tỉnh|(?:tại|ở)\s+tỉnh(?!\w)"
        r"|cơ\s+quan\s+chuyên\s+môn\s+(?:thuộc|của)\s+(?:ubnd|ủy\s+ban\s+nhân\s+dân)\s+tỉnh",
        ("department",),
    ),
    (
        r"cấp\s+huyện|(?:tại|ở)\s+huyện(?!\w)|các\s+huyện|quận,\s*huyện"
        r"|(?:ubnd|ủy\s+ban\s+nhân\s+dân)\s+huyện",
        ("district",),
    ),
    (
        r"(?:cấp|tại|ở|các|(?:ubnd|ủy\s+ban\s+nhân\s+dân))\s+xã(?!\w)(?!\s+hội)|xã,\s*phường",
        ("commune",),
    ),
    # "các sở, ngành, địa phương", "cơ quan, đơn vị, địa phương": localities are districts
    # and communes.
    (
        r"(?:sở|ngành|đơn\s+vị|cơ\s+quan),\s*địa\s+phương|các\s+địa\s+phương",
        ("district", "commune"),
    ),
    # "UBND các cấp", "các cấp, các ngành" (but not "các cấp ủy", the Party committees).
    (r"các\s+cấp(?!\s*ủy)(?!\w)|(?:3|ba)\s+cấp(?!\w)", ("department", "district", "commune")),
)
_SCOPE_PATTERN = re.compile(
    "|".join(f"(?P<s{i}>{pattern})" for i, (pattern, _) in enumerate(_SCOPE_WORDS))
)
# "Hệ thống thông tin một cửa điện tử cấp tỉnh", "Chỉ số năng lực cạnh tranh cấp tỉnh": a
# "cấp …" after a system or an index describes it, not the agencies the target applies to.
_NOT_AGENCY = re.compile(r"hệ\s+thống|cổng|chỉ\s+số|năng\s+lực\s+cạnh\s+tranh|phần\s+mềm")
_LEVEL_ORDER = ("department", "district", "commune")


def _scope_levels(text: str) -> list[str]:
    """AgencyLevel values named in ``text`` ("sở, ban, ngành tỉnh, UBND các huyện" →
    department, district), in canonical order; [] when it names none."""
    key = _match_key(text)
    found: set[str] = set()
    for match in _SCOPE_PATTERN.finditer(key):
        piece_start = max(key.rfind(ch, 0, match.start()) for ch in ",;()") + 1
        if match.group().startswith("cấp") and _NOT_AGENCY.search(key, piece_start, match.start()):
            continue
        index = next(i for i in range(len(_SCOPE_WORDS)) if match[f"s{i}"])
        found.update(_SCOPE_WORDS[index][1])
    return [level for level in _LEVEL_ORDER if level in found]


def _merge_levels(scope: list[str], tiers: list[str | None]) -> list[str]:
    """Per-level thresholds name their levels too (the provincial tier is the departments)."""
    wanted = set(scope) | {"department" if t == "province" else t for t in tiers if t}
    return [level for level in _LEVEL_ORDER if level in wanted]


# "đến hết năm 2025", "vào năm 2020", "trong năm 2022", "Năm 2025, …": the year the target
# is to be met. "so với năm 2021" (a baseline) and "Chỉ số CCHC năm 2021" are not.
_TARGET_YEAR = re.compile(
    r"(?:(?<!\w)(?:(?:đến|tới)\s+(?:hết\s+|cuối\s+)?|vào\s+(?:cuối\s+)?|trong\s+|hết\s+|cuối\s+)"
    r"|^\s*)năm\s+(?P<year>(?:19|20)\d{2})(?!\d)(?!\s*-)",
    re.IGNORECASE,
)


def _target_year(clause: str) -> int | None:
    years = {int(m["year"]) for m in _TARGET_YEAR.finditer(clause)}
    return years.pop() if len(years) == 1 else None


def _is_target_wording(group: _Group, comparator: str | None, at_start: bool, pre: str) -> bool:
    """Rule 2 of the module docstring: is this number worded as a target to reach?"""
    first, last = group.exprs[0], group.exprs[-1]
    return bool(
        comparator or first.upper is not None or last.tail or at_start or _TARGET_MARKER.search(pre)
    )


def _analyse_clause(clause: str, sentence: int) -> tuple[list[_Draft], list[str]]:
    """Drafts for the targets in one clause, plus the problems found (Vietnamese)."""
    notes, core = _extract_scope(clause)
    target_year = _target_year(clause)
    baseline_year = None
    if found := _BASELINE.search(core):
        # "so với cùng kỳ" names no year: baseline stays None and a warning follows.
        baseline_year = int(found["year"]) if found["year"] else None
        core = core[: found.start()] + core[found.end() :]
    core = _tidy(core)
    exprs, unit = _find_exprs(core)
    if not exprs:
        return [], []
    if _REPORTED.search(core):
        return [], [f"câu báo cáo kết quả đã đạt, không phải chỉ tiêu: “{_short(clause)}”"]

    groups = _group_exprs(core, exprs)
    first_subject, _ = _subject(core[: groups[0].start])
    threshold_first = first_subject == ""
    drafts, problems = [], []
    for index, group in enumerate(groups):
        pre_start = groups[index - 1].end if index else 0
        pre = core[pre_start : group.start]
        next_start = groups[index + 1].start if index + 1 < len(groups) else len(core)
        comparator, _ = _modifier(pre)
        subject, growth = _subject(pre)
        at_start = subject == "" and (index == 0 or threshold_first)
        if not _is_target_wording(group, comparator, at_start, pre):
            problems.append(
                "câu không có từ ngữ chỉ tiêu (tối thiểu, trở lên, 100% …) nên được coi là "
                f"báo cáo kết quả, không phải chỉ tiêu: “{_short(clause)}”"
            )
            continue
        comparator = _comparator(group, comparator, problems)
        thresholds = _thresholds(group, core, problems)
        if threshold_first or not subject:
            after = core[group.end : next_start]
            if index + 1 < len(groups):
                after, _ = _strip_tails(after)
            quantity = _quantity_after(group, core, after)
        else:
            quantity = subject
            if group.level_side == "before" and (level := _LEVEL.search(quantity)):
                quantity = quantity[: level.start()]  # "tỷ lệ … cấp huyện từ 20% …"
        included = [n for n in notes if not re.match(r"(?:không|chưa|trừ|ngoại|loại)", n)]
        scope = _scope_levels(" ; ".join([core[pre_start:next_start], *included]))
        scope = _merge_levels(scope, [t.level for t in thresholds])
        if growth == "giảm":
            comparator, thresholds = _as_reduction(comparator, thresholds)
        drafts.append(
            _Draft(
                quantity=quantity,
                comparator=comparator,
                thresholds=thresholds,
                unit=unit,
                growth=growth,
                baseline_year=baseline_year,
                scope_note="; ".join(notes),
                clause=clause,
                sentence=sentence,
                scope_levels=scope,
                target_year=target_year,
                alone=len(groups) == 1,
            )
        )
    return drafts, problems


def _comparator(group: _Group, word: str | None, problems: list[str]) -> str:
    if group.exprs[0].upper is not None:
        return "between"
    tail = group.exprs[-1].tail
    if tail == "xuống" and word in (None, "gte"):
        return "lte"  # "từ 5% trở xuống"
    if tail == "lên" and word in ("lt", "lte"):
        problems.append("từ so sánh mâu thuẫn với “trở lên”; đã giữ từ so sánh đứng trước số")
    return word or "gte"  # "100% …", "X% trở lên", "phấn đấu đạt X%"


def _thresholds(group: _Group, core: str, problems: list[str]) -> list[Threshold]:
    levels: list[str | None] = [None] * len(group.exprs)
    if group.style == "levels":
        levels = list(group.levels)
    elif group.style == "list":
        found: list[str] = []
        for match in _LEVEL.finditer(core, group.end):
            level = _level_of(match)
            if level not in found:
                found.append(level)
        if len(found) >= len(group.exprs):
            levels = list(found[: len(group.exprs)])
        else:
            problems.append("danh sách nhiều giá trị nhưng không đủ cấp (tỉnh, huyện, xã)")
    return [
        Threshold(level, e.value, e.upper) for level, e in zip(levels, group.exprs, strict=True)
    ]


def _quantity_after(group: _Group, core: str, after: str) -> str:
    """The quantity written after the number(s)."""
    if group.style == "levels":
        # Common noun before the first level marker + the predicate after the last one.
        first_seg = core[group.exprs[0].end : group.exprs[1].start]
        first_level = _LEVEL.search(first_seg)
        noun = first_seg[: first_level.start()] if first_level else first_seg
        last_level = _LEVEL.search(core, group.end)
        tail = core[last_level.end() :] if last_level else ""
        return f"{noun.strip(' ,')} {tail.strip(' ,')}"
    if group.style == "list":
        cut = re.search(r"(?<!\w)đối\s+với(?!\w)", after) or _LEVEL.search(after)
        return after[: cut.start()] if cut else after
    return after


def _as_reduction(comparator: str, thresholds: list[Threshold]) -> tuple[str, list[Threshold]]:
    """ "giảm tối thiểu 10%" means a change of at most -10%."""
    flipped = {"gte": "lte", "gt": "lt", "lte": "gte", "lt": "gt", "between": "between"}
    result = []
    for t in thresholds:
        if t.upper is not None:
            result.append(Threshold(t.level, -t.upper, -t.value))
        else:
            result.append(Threshold(t.level, -t.value, None))
    return flipped[comparator], result


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_target_item(
    text: str,
    number: int = 1,
    *,
    indicator_catalogue: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[ParsedTarget], list[str]]:
    """Targets in one numbered item of the targets section, plus Vietnamese warnings.

    ``text`` is the item without its "N." prefix. Several quantities become parts
    "a", "b", "c" in reading order. One quantity gets part "".
    """
    text = normalise_text(text).strip()
    drafts: list[_Draft] = []
    problems: list[str] = []
    for sentence_index, sentence in enumerate(_sentences(text)):
        for clause in _clauses(sentence):
            found, issues = _analyse_clause(clause, sentence_index)
            drafts.extend(found)
            problems.extend(issues)

    # "(so với năm 2021)" written once applies to every growth quantity in its sentence.
    for draft in drafts:
        if draft.growth and draft.baseline_year is None:
            draft.baseline_year = next(
                (
                    d.baseline_year
                    for d in drafts
                    if d.sentence == draft.sentence and d.baseline_year is not None
                ),
                None,
            )

    # A year written once ("Đến hết năm 2025, 100% …; 80% …") holds for its sentence, and a
    # lead-in without a number ("Đến năm 2025:" above the bullets) for the whole item.
    for draft in drafts:
        if draft.target_year is None:
            draft.target_year = next(
                (
                    d.target_year
                    for d in drafts
                    if d.sentence == draft.sentence and d.target_year is not None
                ),
                None,
            )
    first_sentence = min((d.sentence for d in drafts), default=0)
    lead_years = {
        year
        for index, sentence in enumerate(_sentences(text))
        if index < first_sentence and (year := _target_year(sentence))
    }
    if len(lead_years) == 1:
        for draft in drafts:
            draft.target_year = draft.target_year or next(iter(lead_years))

    warnings = [f"Chỉ tiêu {number}: {problem}." for problem in problems]
    if not drafts and not problems:
        warnings.append(
            f"Chỉ tiêu {number}: không nhận ra giá trị định lượng (tỷ lệ % hoặc số lượng): "
            f"“{_short(text)}”."
        )
    targets = []
    for index, draft in enumerate(drafts):
        if draft.growth and draft.baseline_year is None:
            warnings.append(f"Chỉ tiêu {number}: chỉ tiêu tăng/giảm nhưng không rõ năm so sánh.")
        quantity = _clean_quantity(draft.quantity)
        # The indicator is read from the part's own words, so that "không quá 1% trễ hạn"
        # does not inherit the on-time rate of the part before it in the same clause.
        code = match_indicator(f"{draft.growth or ''} {quantity}", indicator_catalogue)
        if code is None and draft.alone:
            code = match_indicator(draft.clause, indicator_catalogue)
        targets.append(
            ParsedTarget(
                number=number,
                part="" if len(drafts) == 1 else chr(ord("a") + index),
                source_text=text,
                quantity=quantity,
                comparator=draft.comparator,
                thresholds=draft.thresholds,
                unit=draft.unit,
                kind="growth" if draft.growth else "share",
                baseline_year=draft.baseline_year if draft.growth else None,
                scope_note=draft.scope_note,
                indicator_code=code,
                scope_levels=draft.scope_levels,
                target_year=draft.target_year,
            )
        )
    # One warning per problem: two numbers of one sentence may hit the same one.
    return targets, list(dict.fromkeys(warnings))


def _targets(
    section: _Section,
    catalogue: Mapping[str, Sequence[str]] | None,
    warnings: list[str],
) -> list[ParsedTarget]:
    blocks = _numbered_blocks(section.lines)
    if not blocks:
        # Some plans list their targets as bullets: number them in order.
        blocks = [(i, item, []) for i, item in enumerate(_bullet_items(section.lines), 1)]
    targets = []
    for number, heading, rest in blocks:
        # Sub-bullets ("1. Phấn đấu:" / "- 100% hồ sơ …") are clauses of the item: drop their
        # markers so that "100% …" still starts its clause.
        lines = [heading, *(_BULLET.sub("", line) for line in rest)]
        found, problems = parse_target_item("\n".join(lines), number, indicator_catalogue=catalogue)
        targets.extend(found)
        warnings.extend(problems)
    return targets


# -------------------------------------------------------------------------- agencies

_AGENCY_START = re.compile(
    rf"(?<!\w)(?:{_ORGANISATION_WORDS}|[Cc]ác\s+(?:sở|cơ\s+quan|đơn\s+vị|địa\s+phương|ban|huyện|xã))(?!\w)"
)
_LABELLED_LEAD = re.compile(
    r"(?:(?<!\w)(?:[Cc]ơ quan|[Đđ]ơn vị)\s+)?(?<!\w)[Cc]hủ trì\s*:\s*(?P<names>[^;\n()]+?)\s*"
    r"(?=[;\n()]|\.(?:\s|$)|$)"
)
# Partners may be listed with ";" ("Các sở, ban, ngành; UBND các huyện"), so the list only
# ends at a line break, a bracket, a full stop or the next label.
_LABELLED_PARTNERS = re.compile(
    r"(?:(?<!\w)(?:[Cc]ơ quan|[Đđ]ơn vị)\s+)?(?<!\w)[Pp]hối hợp\s*:\s*(?P<names>[^\n()]+?)\s*"
    r"(?=[\n()]|\.(?:\s|$)|;\s*(?:[Tt]hời gian|[Cc]ơ quan|[Cc]hủ trì|[Kk]ết quả|[Ss]ản phẩm)|$)"
)
_FREE_LEAD = re.compile(r"\s+chủ trì(?!\w)(?!\s*:)")
_FREE_PARTNERS = re.compile(r"[\s,]*(?:và\s+)?phối hợp\s+(?:với|cùng)\s+(?P<names>[^.;\n()]+)")
# An agency name ends where the task's verb starts: "Sở Nội vụ hướng dẫn …", "phối hợp với
# Sở Tư pháp rà soát …". Lower case only, so "Ban Tổ chức" and "Sở Xây dựng" are not cut.
# The verbs are those the plans of Lai Châu and other provinces use after an agency.
_TASK_VERBS = (
    "tổ chức", "thực hiện", "triển khai", "xây dựng", "tham mưu", "rà soát", "kiểm tra",
    "hướng dẫn", "đánh giá", "theo dõi", "ban hành", "trình", "báo cáo", "tuyên truyền",
    "cập nhật", "nghiên cứu", "hoàn thành", "đôn đốc", "kiểm soát", "giám sát", "chỉ đạo",
    "vận hành", "tổng hợp", "đề xuất", "thẩm định", "công khai", "công bố", "duy trì",
    "nâng cao", "tăng cường", "đẩy mạnh", "tiếp tục", "sửa đổi", "bổ sung", "hoàn thiện",
    "kiện toàn", "sắp xếp", "thống kê", "tiếp nhận", "giải quyết", "cung cấp", "ứng dụng",
    "số hóa", "số hoá", "đào tạo", "bồi dưỡng", "tập huấn", "khảo sát", "đo lường",
    "bố trí", "quán triệt", "phổ biến", "lựa chọn", "trực tiếp", "chịu trách nhiệm",
    "có trách nhiệm", "là đầu mối", "làm đầu mối", "tiến hành", "thường xuyên",
    "định kỳ", "để", "nhằm", "trong", "về việc",
)  # fmt: skip
_NAMES_END = re.compile(
    r"\s(?=(?:" + "|".join(sorted(set(_TASK_VERBS), key=len, reverse=True)) + r")(?!\w))"
)


def _cut_at_verb(name: str) -> str:
    """The name without the task written after it: "Sở Nội vụ hướng dẫn …" → "Sở Nội vụ"."""
    cut = _NAMES_END.search(name)
    return (name[: cut.start()] if cut else name).strip(" .,;")


def _split_agency_names(text: str) -> list[str]:
    """Split "Sở Tư pháp, Sở Văn hóa, Thể thao và Du lịch" into agencies.

    A piece that does not start like an agency ("Thể thao và Du lịch", "thành phố") is part
    of the previous name, so commas and "và" inside names survive.
    """
    parts = re.split(r"(,\s*|\s+và\s+)", text.strip(" .,;"))
    names: list[str] = []
    for index in range(0, len(parts), 2):
        piece = parts[index].strip()
        if not piece:
            continue
        if names and not _AGENCY_START.match(piece):
            names[-1] += parts[index - 1] + piece
        else:
            names.append(piece)
    return [name.strip(" .,") for name in names if name.strip(" .,")]


def _free_lead(text: str, at: int) -> str | None:
    """The agency written just before "chủ trì" (e.g. "Giao Sở Nội vụ chủ trì")."""
    sentence_start = max(text.rfind(ch, 0, at) for ch in ".;:(\n") + 1
    pieces = re.split(r",\s*", text[sentence_start:at])
    # Walk back over pieces that are the tail of a longer name ("Sở Văn hóa, Thể thao và
    # Du lịch", "UBND các huyện, thành phố") until a piece names an agency.
    for index in range(len(pieces) - 1, -1, -1):
        if start := _AGENCY_START.search(pieces[index]):
            name = ", ".join([pieces[index][start.start() :], *pieces[index + 1 :]])
            return name.strip(" ,") or None
    return None


def extract_agencies(text: str) -> tuple[str | None, list[str]]:
    """(lead agency, coordinating agencies) when the text names them explicitly, else (None, [])."""
    lead = None
    partners: list[str] = []
    if found := _LABELLED_LEAD.search(text):
        lead = _cut_at_verb(found["names"]) or None
    if found := _LABELLED_PARTNERS.search(text):
        partners = [
            name
            for chunk in found["names"].split(";")
            for name in _split_agency_names(_cut_at_verb(chunk))
        ]
    if lead is None:
        for found in _FREE_LEAD.finditer(text):
            lead = _free_lead(text, found.start())
            lead = lead and (_cut_at_verb(lead) or None)
            if lead:
                if not partners and (more := _FREE_PARTNERS.match(text, found.end())):
                    partners = _split_agency_names(_cut_at_verb(more["names"]))
                break
    return lead, partners


# ----------------------------------------------------------------- purposes and tasks


def _purposes_and_requirements(
    sections: list[_Section], warnings: list[str]
) -> tuple[str, list[str]]:
    section = _find_section(sections, "mục đích")
    if section is None:
        warnings.append("Không tìm thấy phần “MỤC ĐÍCH, YÊU CẦU”.")
        return "", []
    purposes, requirements = "", []
    for _, heading, lines in _numbered_blocks(section.lines):
        label, _, inline = heading.partition(":")
        body = [inline.strip(), *lines] if inline.strip() else lines
        if "mục đích" in label.lower():
            purposes = "\n".join(_bullet_items(body))
        elif "yêu cầu" in label.lower():
            requirements = _bullet_items(body)
    if not purposes:
        warnings.append("Không tìm thấy nội dung “Mục đích”.")
    return purposes, requirements


def _tasks(section: _Section) -> list[ParsedTask]:
    tasks: list[ParsedTask] = []
    area_number, area_title = 0, ""
    current: list[str] = []
    started_by_bullet = False

    def flush() -> None:
        if current:
            text = "\n".join(current)
            lead, partners = extract_agencies(text)
            tasks.append(ParsedTask(area_number, area_title, text, lead, partners))
            current.clear()

    lines = section.lines
    for index, line in enumerate(lines):
        if heading := _NUMBERED.match(line):
            flush()
            area_number, area_title = int(heading["num"]), heading["rest"].rstrip(" :.")
            continue
        marker = _BULLET.match(line) or _LETTERED.match(line)
        if marker:
            next_line = lines[index + 1] if index + 1 < len(lines) else ""
            if _LETTERED.match(line) and _BULLET.match(next_line):
                flush()  # "a) Cải cách thủ tục hành chính" above bullets is a sub-heading
                continue
            flush()
            current.append(line[marker.end() :])
            started_by_bullet = True
        elif current and started_by_bullet:
            current.append(line)  # a bullet continues until the next bullet or heading
        else:
            flush()  # an area written as plain paragraphs: one task per paragraph
            current.append(line)
            started_by_bullet = False
    flush()
    return tasks


def _table_tasks(
    tables: Sequence[TaskTable], year: int | None, warnings: list[str]
) -> list[ParsedTask]:
    """Tasks of the task tables (see ``task_table``). A group row ("I. Cải cách thể chế") sets
    the area of the rows below it; rows before any group row take the numbered heading written
    just before the table ("1. Công tác chỉ đạo điều hành"), if any."""
    tasks: list[ParsedTask] = []
    for number, table in enumerate(tables, start=1):
        rows = [[normalise_text(cell) for cell in row] for row in table.rows]
        located = locate_header(rows)
        if located is None:
            continue
        positions, body = located
        heading = _NUMBERED.match(normalise_text(table.heading))
        area = (int(heading["num"]), heading["rest"].rstrip(" :.")) if heading else (0, "")
        found = 0
        for row in read_rows(positions, rows[body:], first_line=body + 1):
            if isinstance(row, AreaRow):
                area = (row.number, row.title.rstrip(" :."))
                if row.filled:
                    warnings.append(
                        f"Bảng nhiệm vụ {number}, dòng {row.line}: dòng đánh số La Mã được đọc là "
                        f"tên lĩnh vực, nên {', '.join(c.lower() for c in row.filled)} ghi ở dòng "
                        "này không được dùng; nếu đó là một nhiệm vụ, hãy thêm nó ở trang xem lại."
                    )
                continue
            if not row.text:
                continue
            deadline = None
            try:
                deadline = parse_deadline(row.deadline, year=year)
            except ValueError:
                warnings.append(
                    f"Bảng nhiệm vụ {number}, dòng {row.line}: không hiểu thời hạn "
                    f"“{row.deadline}”; hãy nhập thời hạn ở trang xem lại."
                )
            partners = [
                name
                for chunk in re.split(r"[;\n]+", row.coordinating)
                for name in _split_agency_names(chunk)
            ]
            lead = row.lead.replace("\n", " ").strip(" .,;") or None
            tasks.append(ParsedTask(*area, row.text, lead, partners, row.output, deadline))
            found += 1
        if not found:
            warnings.append(
                f"Bảng nhiệm vụ {number} (có cột “Nhiệm vụ”) không có dòng nhiệm vụ nào đọc được."
            )
    return tasks


# The signature block: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / (Đã ký) / Trần
# Tiến Dũng". Its title lines are all caps and name an office; the signer's name follows.
_SIGNING_START = re.compile(r"^(?:(?:TM|KT|TL|TUQ|Q)\.\s*\S|(?:PHÓ\s+)?CHỦ\s+TỊCH\s*$)")
_SIGNING_TITLE = re.compile(
    r"(?<!\w)(?:TM|KT|TL|TUQ|Q)\.|CHỦ\s+TỊCH|ỦY\s+BAN|UỶ\s+BAN|NHÂN\s+DÂN|UBND|GIÁM\s+ĐỐC"
    r"|TRƯỞNG|VĂN\s+PHÒNG"
)
# All-caps lines after a signature that are headings, not a name ("PHỤ LỤC" of the appendix).
_NOT_A_NAME = re.compile(r"PHỤ\s+LỤC|KẾ\s+HOẠCH|NHIỆM\s+VỤ|DANH\s+MỤC|BIỂU|CỘNG\s+HÒA|ĐỘC\s+LẬP")
_SIGNED_MARK = re.compile(
    r"^[(\[]?\s*(?:đã\s+ký|ký\s+tên|chữ\s+ký|ký)(?:[^)\]]*)[)\]]?$", re.IGNORECASE
)


def _person_name(line: str) -> str | None:
    """The person's name a line holds ("Trần Tiến Dũng", or "TRẦN TIẾN DŨNG"), else None."""
    words = line.split()
    if not 2 <= len(words) <= 6 or not all(w.isalpha() for w in words):
        return None
    if all(w[0].isupper() and (w[1:].islower() or len(w) == 1) for w in words):
        return line
    if _is_all_caps(line) and not _SIGNING_TITLE.search(line) and not _NOT_A_NAME.search(line):
        return " ".join(w.capitalize() for w in words)
    return None


def _signer(lines: list[str]) -> str | None:
    """The signer's name from the signature block after the body, or None."""
    body_end = next((i for i, line in enumerate(lines) if _SIGNATURE.match(line)), None)
    if body_end is None:
        return None
    start = next((i for i in range(body_end, len(lines)) if _SIGNING_START.match(lines[i])), None)
    if start is None:
        return None
    for line in lines[start : start + 8]:
        if _SIGNED_MARK.match(line) or (_is_all_caps(line) and _SIGNING_TITLE.search(line)):
            continue
        return _person_name(line)
    return None


# ------------------------------------------------------------------------ entry point


def _looks_like_plan(preamble: list[str], meta: dict[str, str], number: str | None) -> bool:
    return (
        any(_TITLE_HEAD.match(line) and _is_all_caps(line) for line in preamble)
        or meta.get("Loại văn bản", "").lower() == "kế hoạch"
        or bool(number and "/KH" in number)
    )


def parse_plan_text(
    text: str,
    *,
    tables: Sequence[TaskTable] = (),
    indicator_catalogue: Mapping[str, Sequence[str]] | None = None,
) -> ParsedPlan:
    """Parse the plain text of a plan into a :class:`ParsedPlan` draft.

    ``tables`` are the document's task tables (``docx_text.read_docx``); their rows become
    tasks after those written in the "NHIỆM VỤ" section.

    Raises :class:`PlanParseError` (Vietnamese message) for empty text, or for text that
    has neither a plan header nor a targets section. Anything else that cannot be read
    becomes a Vietnamese entry in ``warnings``.
    """
    if not isinstance(text, str) or not normalise_text(text).strip():
        raise PlanParseError("Tệp rỗng: không có nội dung để đọc.")
    lines, elided = _content_lines(normalise_text(text))
    preamble, sections = _split_sections(lines)
    warnings: list[str] = []

    meta = _metadata(preamble)
    number = next((m["num"] for line in preamble if (m := _NUMBER_LINE.search(line))), None)
    number = number or meta.get("Số hiệu")
    targets_section = _find_section(sections, "chỉ tiêu")
    if not _looks_like_plan(preamble, meta, number) and targets_section is None:
        raise PlanParseError(
            "Không nhận ra kế hoạch cải cách hành chính: văn bản không có tiêu đề “KẾ HOẠCH” "
            "(hoặc số hiệu dạng …/KH-…) và không có mục “CHỈ TIÊU”. Hãy tải lên kế hoạch cải "
            "cách hành chính hằng năm của tỉnh."
        )

    issuer, province = _issuer_from_header(preamble)
    place, issued_on = _place_and_date(preamble)
    if issued_on is None and (raw := meta.get("Ngày ban hành")):
        found = _DATE.search(raw)
        issued_on = _date_from_match(found) if found else None
    place = place or province
    if issuer is None and meta.get("Cơ quan ban hành"):
        issuer = meta["Cơ quan ban hành"]
        warnings.append(
            "Không thấy khối tiêu đề “ỦY BAN NHÂN DÂN …”; cơ quan ban hành lấy từ thông tin mô tả."
        )
    names = [n for n in (province, place) if n]
    title = _title_from_heading(preamble, names)
    if title is None and preamble and preamble[0].startswith("Kế hoạch"):
        title = preamble[0]
        warnings.append("Không thấy tiêu đề “KẾ HOẠCH”; tiêu đề lấy từ dòng đầu tiên.")

    doc_type = None
    if any(_TITLE_HEAD.match(line) and _is_all_caps(line) for line in preamble):
        doc_type = "Kế hoạch"
    doc_type = doc_type or meta.get("Loại văn bản")

    year = None
    for source in (title, targets_section.title if targets_section else None):
        if source and (years := re.findall(r"năm\s+(\d{4})", source, re.IGNORECASE)):
            year = int(years[-1])
            break

    for label, value in (
        ("số hiệu", number),
        ("ngày ban hành", issued_on),
        ("cơ quan ban hành", issuer),
        ("tiêu đề", title),
        ("năm kế hoạch", year),
    ):
        if value is None:
            warnings.append(f"Không đọc được {label} của văn bản.")

    legal_bases = _legal_bases(preamble, warnings)
    purposes, requirements = _purposes_and_requirements(sections, warnings)

    targets: list[ParsedTarget] = []
    if targets_section is None:
        warnings.append("Không tìm thấy mục “CHỈ TIÊU” (ví dụ “II. MỘT SỐ CHỈ TIÊU CHỦ YẾU”).")
    else:
        targets = _targets(targets_section, indicator_catalogue, warnings)

    # A heading such as "II. MỤC TIÊU, NHIỆM VỤ VÀ CHỈ TIÊU" belongs to the targets.
    tasks_section = next(
        (s for s in sections if "nhiệm vụ" in s.title.lower() and s is not targets_section),
        None,
    )
    tasks = _tasks(tasks_section) if tasks_section else []
    task_warnings: list[str] = []
    tasks += _table_tasks(tables, year, task_warnings)
    if tasks_section is None and not tasks:
        task_warnings.append(
            "Không tìm thấy mục “NHIỆM VỤ” (ví dụ “III. NHIỆM VỤ, GIẢI PHÁP”) hay bảng nhiệm vụ."
        )
    elif not tasks:
        task_warnings.append(
            "Không đọc được nhiệm vụ nào: mục “NHIỆM VỤ” không có gạch đầu dòng hay đoạn văn, "
            "và văn bản không có bảng nhiệm vụ (STT, Nhiệm vụ, Cơ quan chủ trì, …)."
        )
    warnings.extend(dict.fromkeys(task_warnings))  # each once
    if elided:
        warnings.append(
            "Văn bản có đoạn bị lược bỏ (“[...]”): có thể còn thiếu nhiệm vụ hoặc chỉ tiêu."
        )

    return ParsedPlan(
        number=number,
        doc_type=doc_type,
        issuer=issuer,
        place=place,
        issued_on=issued_on,
        title=title,
        year=year,
        signer=meta.get("Người ký") or _signer(lines),
        legal_bases=legal_bases,
        purposes=purposes,
        requirements=requirements,
        targets=targets,
        tasks=tasks,
        warnings=warnings,
    )
