"""A province's reorganisation as dated events: which agency passed to which, from what day,
on what basis, how sure the province is of it (issue 19, `docs/reference-data.md`).

One row per link "cơ quan cũ → cơ quan kế thừa". A merger is several rows with the same
successor; a split or a dissolved district several rows with the same predecessor, each with
its weight (the share of the predecessor's records counted to that successor when figures are
shown by today's units). A successor named by a code not yet in the list is created from the
row's name, level and parent. Loading records every link, ends each predecessor the day before
and starts each new successor that day; the same file loaded twice changes nothing.

The bundled Lai Châu 2025 file (`data/reorg2025/`) and a province's own upload (the import page,
kind "Sắp xếp đơn vị hành chính, cơ quan") go through this same module: `parse_events` checks the
whole file and reports every error with its row and column, `apply_events` writes it, all or
nothing. Names are matched in every spelling the list knows (`Agency.other_names`)."""

from __future__ import annotations

import csv
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q

from cchc.core.formatting import format_date
from cchc.core.reference import DATA_DIR, LoadResult
from cchc.core.services import audited_save
from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column, RowError, reject_any
from cchc.core.tabular.parse import parse_sheet
from cchc.core.tabular.reading import quoted
from cchc.core.tabular.sheet import Sheet
from cchc.organizations.models import (
    Agency,
    AgencyLevel,
    AgencySuccession,
    Certainty,
    SuccessionKind,
)

KIND_WORDS = {
    **{kind.value: kind.value for kind in SuccessionKind},
    **{str(kind.label).lower(): kind.value for kind in SuccessionKind},
    "sáp nhập": SuccessionKind.MERGER, "hợp nhất": SuccessionKind.MERGER,
    "nhập": SuccessionKind.MERGER, "chia tách": SuccessionKind.SPLIT, "tách": SuccessionKind.SPLIT,
    "chia": SuccessionKind.SPLIT, "giải thể": SuccessionKind.DISSOLUTION,
    "chuyển giao": SuccessionKind.DISSOLUTION, "tổ chức lại": SuccessionKind.REORGANISATION,
    "đổi tên": SuccessionKind.REORGANISATION, "sắp xếp lại": SuccessionKind.REORGANISATION,
}  # fmt: skip
LEVEL_WORDS = {
    **{level.value: level.value for level in AgencyLevel if level != AgencyLevel.PROVINCE},
    **{str(level.label).lower(): level.value for level in AgencyLevel
       if level != AgencyLevel.PROVINCE},
    "sở": AgencyLevel.DEPARTMENT, "ban": AgencyLevel.DEPARTMENT, "ngành": AgencyLevel.DEPARTMENT,
    "sở, ban, ngành": AgencyLevel.DEPARTMENT, "cấp tỉnh": AgencyLevel.DEPARTMENT,
    "huyện": AgencyLevel.DISTRICT, "cấp huyện": AgencyLevel.DISTRICT,
    "xã": AgencyLevel.COMMUNE, "phường": AgencyLevel.COMMUNE, "thị trấn": AgencyLevel.COMMUNE,
    "đặc khu": AgencyLevel.COMMUNE, "cấp xã": AgencyLevel.COMMUNE,
}  # fmt: skip
CERTAINTY_WORDS = {
    **{c.value: c.value for c in Certainty},
    **{str(c.label).lower(): c.value for c in Certainty},
    "đã xác minh": Certainty.CONFIRMED, "xác minh": Certainty.CONFIRMED,
    "theo văn bản": Certainty.CONFIRMED, "suy ra": Certainty.INFERRED,
    "suy luận": Certainty.INFERRED, "cần đối chiếu": Certainty.INFERRED,
    "mặc định": Certainty.INFERRED,
}  # fmt: skip
# Which parents an agency of each level may have. A commune hangs from the province once the
# district level is gone (two-level local government, from 01/07/2025).
PARENT_LEVELS = {
    AgencyLevel.DEPARTMENT: {AgencyLevel.PROVINCE},
    AgencyLevel.DISTRICT: {AgencyLevel.PROVINCE},
    AgencyLevel.COMMUNE: {AgencyLevel.PROVINCE, AgencyLevel.DISTRICT},
}

COLUMNS = [
    Column("effective_on", "Ngày hiệu lực", f.day, aliases=("Từ ngày", "NgayHieuLuc"),
           help="Ngày đơn vị kế thừa bắt đầu hoạt động (dd/mm/yyyy); cơ quan cũ kết thúc "
                "hoạt động ngày hôm trước", example="01/07/2025"),
    Column("kind", "Hình thức", f.choice(KIND_WORDS, "hình thức sắp xếp"),
           aliases=("HinhThuc", "Loại"),
           help="Sáp nhập, Chia tách, Giải thể (chuyển giao nhiệm vụ) hoặc Tổ chức lại, đổi tên",
           example="Sáp nhập"),
    Column("predecessor", "Cơ quan cũ", f.text_up_to(255),
           aliases=("Mã cơ quan cũ", "CoQuanCu", "Đơn vị cũ"),
           help="Mã hoặc tên (kể cả tên gọi khác) của cơ quan, đơn vị trước sắp xếp",
           example="Xã Tà Mung"),
    Column("successor_code", "Mã cơ quan kế thừa", f.text_up_to(32),
           aliases=("MaCoQuanKeThua", "Mã đơn vị mới"),
           help="Mã của cơ quan, đơn vị sau sắp xếp; mã chưa có trong danh mục thì cơ quan "
                "được thêm mới theo tên, cấp và nơi trực thuộc ở các cột sau",
           example="NQ1670-01"),
    Column("successor_name", "Tên cơ quan kế thừa", f.text_up_to(255), required=False,
           aliases=("TenCoQuanKeThua", "Tên đơn vị mới"),
           help="Bắt buộc khi mã chưa có trong danh mục", example="Xã Mường Kim"),
    Column("successor_level", "Cấp", f.choice(LEVEL_WORDS, "cấp cơ quan"), required=False,
           aliases=("Cấp cơ quan kế thừa", "CapCoQuan"),
           help="Sở, ban, ngành hoặc UBND cấp xã; bắt buộc khi mã chưa có trong danh mục",
           example="UBND cấp xã"),
    Column("successor_parent", "Trực thuộc", f.text_up_to(255), required=False,
           aliases=("MaCoQuanCapTren", "Cơ quan cấp trên"),
           help="Mã hoặc tên cơ quan cấp trên của cơ quan mới; trống: UBND tỉnh", example="12"),
    Column("weight", "Tỷ trọng", f.non_negative_small_integer, required=False,
           aliases=("TyTrong",),
           help="Khi cơ quan cũ có nhiều cơ quan kế thừa: phần số liệu của nó tính cho cơ quan "
                "này (số nguyên dương, tỷ lệ với các dòng khác của cùng cơ quan cũ); trống: 1",
           example="3"),
    Column("legal_basis", "Căn cứ", f.text_up_to(255), required=False,
           aliases=("CanCu", "Văn bản"), example="Nghị quyết 1670/NQ-UBTVQH15 ngày 16/06/2025"),
    Column("source_url", "Nguồn", f.text_up_to(1000), required=False,
           aliases=("Địa chỉ nguồn", "NguonDuLieu"),
           help="Địa chỉ văn bản, bài viết làm nguồn; nhiều địa chỉ cách nhau “ | ”",
           example="https://datafiles.chinhphu.vn/cpp/files/vbpq/2025/6/1670-nq.signed.pdf"),
    Column("certainty", "Mức độ xác thực", f.choice(CERTAINTY_WORDS, "mức độ xác thực"),
           required=False, aliases=("MucDoXacThuc", "Độ tin cậy"),
           help="Đã đối chiếu văn bản, hoặc Suy ra, cần đối chiếu; trống: đã đối chiếu",
           example="Đã đối chiếu văn bản"),
    Column("note", "Ghi chú", f.text_up_to(2000), required=False, aliases=("GhiChu",)),
]  # fmt: skip
TITLES = {c.key: c.title for c in COLUMNS}
NO_ROWS = "Tệp không có dòng sắp xếp nào dưới dòng tiêu đề."
REFERENCE_REASON = "Nạp dữ liệu sắp xếp tổ chức"


def name_key(name: str) -> str:
    """A name as matching compares it: NFC, case and spacing ignored, "UBND " dropped
    ("UBND Huyện Tam Đường" is "Huyện Tam Đường")."""
    text = " ".join(unicodedata.normalize("NFC", str(name)).split()).casefold()
    for prefix in ("ubnd ", "ủy ban nhân dân ", "uỷ ban nhân dân "):
        text = text.removeprefix(prefix)
    return text


class AgencyNames:
    """Agencies found by code (any case) or by any of their names. A name several agencies
    bear (a commune of 2022 and the new commune of 2025 named after it) finds the one active
    on the day asked, else is reported as ambiguous."""

    def __init__(self, agencies: Iterable[Agency]):
        self.by_code: dict[str, Agency] = {}
        self.by_name: dict[str, list[Agency]] = defaultdict(list)
        for agency in agencies:
            self.add(agency)

    def add(self, agency: Agency) -> None:
        self.by_code[agency.code.casefold()] = agency
        for name in (agency.name, *agency.other_name_list):
            bearers = self.by_name[name_key(name)]
            if agency not in bearers:
                bearers.append(agency)

    def find(self, value: Any, on: date | None = None) -> tuple[Agency | None, str | None]:
        """(agency, None); (None, None) when no agency bears the code or name; (None, why)
        when several do."""
        text = str(value).strip()
        agency = self.by_code.get(text.casefold())
        if agency is not None:
            return agency, None
        bearers = self.by_name.get(name_key(text), [])
        if len(bearers) > 1 and on is not None:
            bearers = [a for a in bearers if a.is_active_on(on)] or bearers
        if len(bearers) == 1:
            return bearers[0], None
        if not bearers:
            return None, None
        codes = ", ".join(a.code for a in bearers)
        return None, f"có {len(bearers)} cơ quan tên {quoted(value)} (mã {codes}); hãy ghi mã"


@dataclass
class EventsResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    agencies_created: int = 0
    agency_ids: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)


def read_events(content: bytes, file_name: str) -> list[dict]:
    """The rows of an events file, checked (raises ImportRejected with every error)."""
    from cchc.core.tabular.sheet import read_sheet

    sheet = read_sheet(content, file_name, header_names=header_titles())
    return parse_events(sheet)


def header_titles() -> list[str]:
    return [t for c in COLUMNS for t in (c.title, c.key, *c.aliases)]


def parse_events(sheet: Sheet) -> list[dict]:
    parsed = parse_sheet(sheet, COLUMNS, empty=NO_ROWS)
    errors = parsed.errors
    rows = parsed.rows()
    bad = {e.row for e in errors}
    errors.extend(check_events([r for r in rows if r["_row"] not in bad]))
    reject_any(errors)
    return rows


def check_events(rows: list[dict]) -> list[RowError]:
    """References and rules across rows; resolves `predecessor`, `successor_parent` to
    agencies and sets `successor` (an Agency, or None for one to create) on each row."""
    names = AgencyNames(Agency.objects.select_related("parent"))
    errors: list[RowError] = []
    for row in rows:
        row.setdefault("weight", None)
        row["weight"] = row["weight"] or 1
        if row["weight"] < 1:
            errors.append(RowError(row["_row"], TITLES["weight"], "tỷ trọng phải lớn hơn 0"))
        row["certainty"] = row.get("certainty") or Certainty.CONFIRMED
        day = row["effective_on"]
        predecessor, why = names.find(row["predecessor"], on=day - timedelta(days=1))
        if predecessor is None:
            errors.append(
                RowError(row["_row"], TITLES["predecessor"], why or unknown(row["predecessor"]))
            )
        row["predecessor"] = predecessor
        code = row["successor_code"].strip()
        row["successor_code"] = code
        successor = names.by_code.get(code.casefold())
        row["successor"] = successor
        if row.get("successor_parent"):
            parent, why = names.find(row["successor_parent"], on=day)
            if parent is None:
                errors.append(RowError(row["_row"], TITLES["successor_parent"],
                                       why or unknown(row["successor_parent"])))  # fmt: skip
            row["successor_parent"] = parent
        if successor is not None:
            errors.extend(_check_existing(row, successor))
        if predecessor is not None and successor is not None and predecessor == successor:
            errors.append(RowError(row["_row"], TITLES["successor_code"],
                                   "cơ quan kế thừa trùng với cơ quan cũ"))  # fmt: skip
        if predecessor is not None:
            errors.extend(_check_predecessor(row, predecessor))
    errors.extend(_check_new(rows))
    errors.extend(_check_pairs(rows))
    errors.extend(_check_children(rows))
    return errors


def unknown(value: Any) -> str:
    return f"không có cơ quan {quoted(value)} trong danh mục"


def _check_new(rows: list[dict]) -> Iterable[RowError]:
    """Successor codes not in the list: the rows naming one must agree on its name, level,
    parent and start, and at least one must give its name and level. Each such row gets the
    unit's merged description under "new_unit"."""
    by_code: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row.get("successor") is None:
            by_code[row["successor_code"].casefold()].append(row)
    for same in by_code.values():
        first, unit = same[0], {}
        for key in ("successor_name", "successor_level", "successor_parent"):
            given = [r for r in same if r.get(key)]
            if given:
                unit[key] = given[0][key]
            elif key != "successor_parent":
                yield RowError(first["_row"], TITLES[key],
                               f"mã {quoted(first['successor_code'])} chưa có trong danh mục: cần "
                               f"{TITLES[key].lower()} để thêm cơ quan mới")  # fmt: skip
            for row in given[1:]:
                if row[key] != given[0][key]:
                    yield RowError(row["_row"], TITLES[key],
                                   f"khác với dòng {given[0]['_row']} của cùng mã {quoted(row['successor_code'])}")  # fmt: skip
        for row in same[1:]:
            if row["effective_on"] != first["effective_on"]:
                yield RowError(row["_row"], TITLES["effective_on"],
                               f"cơ quan mới {quoted(row['successor_code'])} bắt đầu hoạt động ngày "
                               f"{format_date(first['effective_on'])} theo dòng {first['_row']}")  # fmt: skip
        level, parent = unit.get("successor_level"), unit.get("successor_parent")
        if level and parent is not None and parent.level not in PARENT_LEVELS[AgencyLevel(level)]:
            yield RowError(first["_row"], TITLES["successor_parent"],
                           f"cơ quan cấp “{AgencyLevel(level).label}” không trực thuộc "
                           f"“{parent.name}” ({parent.get_level_display()})")  # fmt: skip
        for row in same:
            row["new_unit"] = unit


def _check_existing(row: dict, successor: Agency) -> Iterable[RowError]:
    line = row["_row"]
    name = row.get("successor_name")
    if name and name_key(name) not in {
        name_key(n) for n in (successor.name, *successor.other_name_list)
    }:
        yield RowError(line, TITLES["successor_name"],
                       f"mã {quoted(successor.code)} là của “{successor.name}”, không phải {quoted(name)}")  # fmt: skip
    level = row.get("successor_level")
    if level and level != successor.level:
        yield RowError(line, TITLES["successor_level"],
                       f"“{successor.name}” là {successor.get_level_display()}")  # fmt: skip
    day = row["effective_on"]
    if successor.valid_to is not None and successor.valid_to < day:
        yield RowError(line, TITLES["successor_code"],
                       f"“{successor.name}” đã kết thúc hoạt động ngày {format_date(successor.valid_to)}")  # fmt: skip


def _check_predecessor(row: dict, predecessor: Agency) -> Iterable[RowError]:
    line, day = row["_row"], row["effective_on"]
    if predecessor.level == AgencyLevel.PROVINCE:
        yield RowError(line, TITLES["predecessor"], "không ghi sắp xếp cho chính UBND tỉnh")
    if predecessor.valid_from is not None and predecessor.valid_from >= day:
        yield RowError(line, TITLES["predecessor"],
                       f"“{predecessor.name}” bắt đầu hoạt động ngày {format_date(predecessor.valid_from)}, "
                       f"không trước ngày hiệu lực")  # fmt: skip
    last_day = day - timedelta(days=1)
    if predecessor.valid_to is not None and predecessor.valid_to < last_day:
        yield RowError(line, TITLES["predecessor"],
                       f"“{predecessor.name}” đã kết thúc hoạt động ngày {format_date(predecessor.valid_to)}, "
                       f"trước ngày hiệu lực {format_date(day)}")  # fmt: skip


def _check_pairs(rows: list[dict]) -> Iterable[RowError]:
    """Each link once; one predecessor ends on one day; a predecessor is not also a
    successor in the same file."""
    seen: dict[tuple, int] = {}
    ends: dict[int, dict] = {}
    successors = {r["successor"].pk for r in rows if r.get("successor") is not None}
    for row in rows:
        predecessor = row.get("predecessor")
        if predecessor is None:
            continue
        key = (predecessor.pk, row["successor_code"].casefold())
        if key in seen:
            yield RowError(row["_row"], TITLES["predecessor"], f"trùng với dòng {seen[key]} "
                           f"(cùng {TITLES['predecessor']}, {TITLES['successor_code']})")  # fmt: skip
            continue
        seen[key] = row["_row"]
        first = ends.setdefault(predecessor.pk, row)
        if first["effective_on"] != row["effective_on"]:
            yield RowError(row["_row"], TITLES["effective_on"],
                           f"“{predecessor.name}” đã kết thúc theo dòng {first['_row']} "
                           f"(hiệu lực {format_date(first['effective_on'])})")  # fmt: skip
        if predecessor.pk in successors:
            yield RowError(row["_row"], TITLES["predecessor"],
                           f"“{predecessor.name}” vừa là cơ quan cũ vừa là cơ quan kế thừa trong tệp")  # fmt: skip


def _check_children(rows: list[dict]) -> Iterable[RowError]:
    """A predecessor that ends may not leave a unit under it running after its end: each of
    its children must end in the file (or have ended) by the same day."""
    ending: dict[int, dict] = {}
    for row in rows:
        if row.get("predecessor") is not None:
            ending.setdefault(row["predecessor"].pk, row)
    if not ending:
        return
    ends_on = {pk: row["effective_on"] - timedelta(days=1) for pk, row in ending.items()}
    children = Agency.objects.filter(parent_id__in=list(ending)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=min(ends_on.values()))
    )
    open_children: dict[int, list[Agency]] = defaultdict(list)
    for child in children:
        parent_id = child.parent_id
        assert parent_id is not None  # the query asked for children of `ending`
        last = ends_on[parent_id]
        child_end = ends_on.get(child.pk, child.valid_to)
        if child_end is None or child_end > last:
            open_children[parent_id].append(child)
    for pk, left in open_children.items():
        row = ending[pk]
        names = ", ".join(a.name for a in left[:5]) + (" …" if len(left) > 5 else "")
        yield RowError(row["_row"], TITLES["predecessor"],
                       f"còn {len(left)} đơn vị trực thuộc “{row['predecessor'].name}” hoạt động sau "
                       f"ngày {format_date(ends_on[pk])} mà tệp không sắp xếp: {names}")  # fmt: skip


def _first_url(text: str) -> str:
    """The first well-formed address of a "Nguồn" cell, for the new agency's own source."""
    for part in text.split("|"):
        try:
            URLValidator()(part.strip())
        except ValidationError:
            continue
        if len(part.strip()) <= 500:
            return part.strip()
    return ""


@transaction.atomic
def apply_events(rows: list[dict], *, actor=None, reason: str = REFERENCE_REASON) -> EventsResult:
    """Write checked rows (`parse_events`): new successors, the links, each predecessor's
    end and each new successor's start. Returns what changed; nothing when loaded again."""
    result = EventsResult()
    province = Agency.objects.filter(level=AgencyLevel.PROVINCE, parent__isnull=True).first()
    created: dict[str, Agency] = {}
    for row in rows:
        successor = row["successor"] or created.get(row["successor_code"].casefold())
        if successor is None:
            unit = row["new_unit"]
            successor = Agency(
                code=row["successor_code"], name=unit["successor_name"],
                level=unit["successor_level"], parent=unit.get("successor_parent") or province,
                valid_from=row["effective_on"], source=row.get("legal_basis") or "",
                source_url=_first_url(row.get("source_url") or ""),
            )  # fmt: skip
            audited_save(successor, actor=actor, reason=f"Thành lập do sắp xếp ({reason})")
            created[successor.code.casefold()] = successor
            result.agencies_created += 1
        row["successor"] = successor
    stored = {
        (link.predecessor_id, link.successor_id): link
        for link in AgencySuccession.objects.filter(
            predecessor__in={row["predecessor"].pk for row in rows}
        )
    }
    for row in rows:
        predecessor, successor = row["predecessor"], row["successor"]
        link = stored.get((predecessor.pk, successor.pk))
        values = {
            "effective_on": row["effective_on"], "kind": row["kind"], "weight": row["weight"],
            "legal_basis": row.get("legal_basis") or "", "certainty": row["certainty"],
            "source_url": row.get("source_url") or "", "note": row.get("note") or "",
        }  # fmt: skip
        if link is None:
            link = AgencySuccession(predecessor=predecessor, successor=successor, **values)
            audited_save(link, actor=actor, reason=reason)
            result.created += 1
        elif any(getattr(link, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(link, key, value)
            audited_save(link, actor=actor, reason=reason)
            result.updated += 1
        else:
            result.unchanged += 1
            continue
        last_day = row["effective_on"] - timedelta(days=1)
        if predecessor.valid_to != last_day:
            predecessor.refresh_from_db()
            predecessor.valid_to = last_day
            audited_save(
                predecessor, actor=actor, reason=f"Kết thúc hoạt động do sắp xếp ({reason})"
            )
        result.agency_ids.update({predecessor.pk, successor.pk})
        result.years.update(range(row["effective_on"].year - 1, row["effective_on"].year + 1))
    return result


# --- the bundled Lai Châu 2025 reorganisation ---------------------------------------------
REORG_DIR = DATA_DIR / "reorg2025"
EVENTS_FILE = REORG_DIR / "laichau_reorganisation_2025.csv"
NAME_VARIANTS_FILE = REORG_DIR / "laichau_name_variants.csv"


def load_name_variants(path=NAME_VARIANTS_FILE) -> LoadResult:
    """Add each bundled other spelling to its agency (create-only: a name already known,
    or an agency missing from the list, is left as it is)."""
    result = LoadResult(name="Tên gọi khác của cơ quan")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            agency = Agency.objects.filter(code=row["code"]).first()
            other = unicodedata.normalize("NFC", row["other_name"].strip())
            if agency is None or name_key(other) in {name_key(n) for n in agency.other_name_list}:
                result.unchanged += 1
                continue
            agency.other_names = "; ".join([*agency.other_name_list, other])
            audited_save(agency, actor=None, reason=f"Thêm tên gọi khác ({row['source']})")
            result.updated += 1
    return result


def load_reorganisation(path=EVENTS_FILE) -> LoadResult:
    """The bundled 2025 events, through the same checks as an upload (all or nothing)."""
    result = LoadResult(name="Sắp xếp tổ chức năm 2025")
    rows = read_events(path.read_bytes(), path.name)
    written = apply_events(rows, reason=f"{REFERENCE_REASON}: {path.name}")
    result.created, result.updated = written.created, written.updated
    result.unchanged = written.unchanged
    if written.agencies_created:
        result.notes.append(f"thêm {written.agencies_created} cơ quan, đơn vị mới")
    return result
