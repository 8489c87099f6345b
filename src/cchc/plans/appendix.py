"""Importing a plan's appendix of tasks from XLSX/CSV (STT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan
phối hợp, Sản phẩm, Thời gian hoàn thành). Agency names are matched tolerantly (accents, case,
"UBND", abbreviations aside); a group row ("I. Cải cách thể chế") sets the reform area of the
rows below it. Any unknown name or bad cell rejects the whole file, with row and column."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.tables import FileError, read_table
from cchc.organizations.models import Agency, AgencyLevel
from cchc.plans.models import Plan, ReformArea
from cchc.plans.services import task_save

COLUMNS = {
    "stt": "STT",
    "text": "Nhiệm vụ",
    "lead": "Cơ quan chủ trì",
    "coordinating": "Cơ quan phối hợp",
    "output": "Sản phẩm",
    "deadline": "Thời gian hoàn thành",
}
ROMAN = re.compile(r"^(?=[IVXLC]+\.?$)[IVXLC]+\.?$")
# Collective names a plan uses for a whole level of agencies.
GROUPS = {
    "cac so ban nganh": AgencyLevel.DEPARTMENT,
    "cac so ban nganh tinh": AgencyLevel.DEPARTMENT,
    "cac co quan chuyen mon thuoc ubnd tinh": AgencyLevel.DEPARTMENT,
    "ubnd cac huyen thanh pho": AgencyLevel.DISTRICT,
    "cac huyen thanh pho": AgencyLevel.DISTRICT,
    "ubnd cap huyen": AgencyLevel.DISTRICT,
    "ubnd cac xa phuong thi tran": AgencyLevel.COMMUNE,
    "ubnd cap xa": AgencyLevel.COMMUNE,
}


def fold(text: str) -> str:
    """Compare names without accents, case, punctuation or the words "Ủy ban nhân dân"."""
    text = unicodedata.normalize("NFD", str(text).casefold()).replace("đ", "d")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(r"\buy ban nhan dan\b", "ubnd", text)
    return " ".join(text.split())


class AgencyNames:
    """Resolves the names a plan writes to agencies."""

    def __init__(self) -> None:
        self.by_name: dict[str, Agency] = {}
        for agency in Agency.objects.exclude(level=AgencyLevel.PROVINCE):
            name = fold(agency.name)
            self.by_name[name] = agency
            self.by_name[f"ubnd {name}"] = agency
            self.by_name[name.removeprefix("ubnd ")] = agency
        self.levels = {
            level: list(Agency.objects.filter(level=level).order_by("code"))
            for level in set(GROUPS.values())
        }

    def one(self, text: str) -> list[Agency] | None:
        key = fold(text)
        if key in GROUPS:
            return self.levels[GROUPS[key]]
        agency = self.by_name.get(key)
        return [agency] if agency else None

    def many(self, text: str) -> tuple[list[Agency], list[str]]:
        """Agencies named in a cell ("Sở Tư pháp; Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch,
        UBND các huyện, thành phố"): split on ";" and new lines, then join comma-separated
        pieces greedily into the longest known names. Returns (agencies, unknown names)."""
        found: list[Agency] = []
        unknown: list[str] = []
        for chunk in re.split(r"[;\n]+", text):
            pieces = [p.strip() for p in chunk.split(",") if p.strip()]
            start = 0
            while start < len(pieces):
                for end in range(len(pieces), start, -1):
                    match = self.one(", ".join(pieces[start:end]))
                    if match:
                        found.extend(a for a in match if a not in found)
                        start = end
                        break
                else:
                    unknown.append(pieces[start])
                    start += 1
        return found, unknown


@dataclass
class AppendixRow:
    line: int
    area: ReformArea
    text: str
    lead: Agency | None
    coordinating: list[Agency] = field(default_factory=list)
    output: str = ""
    deadline: date | None = None


@dataclass
class AppendixError:
    row: int
    column: str
    message: str


def _deadline(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            pass
    match = re.search(
        r"(?:tháng|thang)\s*(\d{1,2})\s*(?:/|năm|nam)\s*(\d{4})", raw, re.I
    ) or re.fullmatch(r"(\d{1,2})/(\d{4})", raw)
    if match:
        month, year = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return date(year, month, calendar.monthrange(year, month)[1])
    quarter = re.search(r"(?:quý|quy)\s*([IV]+|\d)\s*(?:/|năm|nam)?\s*(\d{4})", raw, re.I)
    if quarter:
        number = {"I": 1, "II": 2, "III": 3, "IV": 4}.get(quarter.group(1).upper()) or int(
            quarter.group(1)
        )
        year, month = int(quarter.group(2)), number * 3
        return date(year, month, calendar.monthrange(year, month)[1])
    raise ValueError(raw)


def parse_appendix(
    content: bytes, file_name: str, *, default_area: ReformArea
) -> tuple[list[AppendixRow], list[AppendixError]]:
    try:
        table = read_table(content, file_name)
    except FileError as exc:
        return [], [AppendixError(0, "", str(exc))]
    header = {fold(h): i for i, h in enumerate(table.header)}
    positions = {key: header.get(fold(title)) for key, title in COLUMNS.items()}
    errors = [
        AppendixError(1, COLUMNS[k], _("thiếu cột"))
        for k in ("text", "lead")
        if positions[k] is None
    ]
    if errors:
        return [], errors
    names = AgencyNames()
    areas = list(ReformArea.objects.all())
    area = default_area
    rows: list[AppendixRow] = []

    def cell(raw, key):
        index = positions[key]
        return raw[index] if index is not None and index < len(raw) else None

    for line, raw in enumerate(table.rows, start=2):
        stt, text = str(cell(raw, "stt") or "").strip(), str(cell(raw, "text") or "").strip()
        lead_text = str(cell(raw, "lead") or "").strip()
        if ROMAN.match(stt) or (not lead_text and text and not stt.isdigit()):
            title = fold(re.sub(r"^[IVXLC]+\.\s*", "", text))
            matched = next(
                (a for a in areas if fold(a.name) in title or title in fold(a.name)), None
            )
            if matched is None:
                errors.append(
                    AppendixError(
                        line, COLUMNS["text"], _("không nhận ra lĩnh vực “%(t)s”") % {"t": text}
                    )
                )
            else:
                area = matched
            continue
        if not text:
            errors.append(AppendixError(line, COLUMNS["text"], _("không được để trống")))
            continue
        lead = None
        if lead_text:
            match = names.one(lead_text)
            if not match or len(match) != 1:
                errors.append(
                    AppendixError(
                        line, COLUMNS["lead"], _("không có cơ quan “%(n)s”") % {"n": lead_text}
                    )
                )
            else:
                lead = match[0]
        coordinating, unknown = names.many(str(cell(raw, "coordinating") or ""))
        for name in unknown:
            errors.append(
                AppendixError(
                    line, COLUMNS["coordinating"], _("không có cơ quan “%(n)s”") % {"n": name}
                )
            )
        if lead is not None:
            coordinating = [a for a in coordinating if a != lead]
        try:
            deadline = _deadline(cell(raw, "deadline"))
        except ValueError as exc:
            errors.append(
                AppendixError(
                    line,
                    COLUMNS["deadline"],
                    _("“%(v)s” không phải thời hạn hợp lệ (dd/mm/yyyy, tháng mm/yyyy, quý I/yyyy)")
                    % {"v": exc},
                )
            )
            deadline = None
        rows.append(
            AppendixRow(
                line,
                area,
                text,
                lead,
                coordinating,
                str(cell(raw, "output") or "").strip(),
                deadline,
            )
        )
    if not rows and not errors:
        errors.append(AppendixError(2, "", _("tệp không có nhiệm vụ nào")))
    return rows, errors


@transaction.atomic
def appendix_save(*, actor: AbstractBaseUser, plan: Plan, rows: list[AppendixRow]) -> int:
    for row in rows:
        task_save(
            actor=actor, plan=plan, area=row.area, text=row.text, output=row.output,
            deadline=row.deadline, lead_agency=row.lead, coordinating_agencies=row.coordinating,
        )  # fmt: skip
    return len(rows)
