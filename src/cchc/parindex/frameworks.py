"""Criteria frameworks (bộ tiêu chí) from a table, and the frameworks bundled with the product.

A framework file is a CSV or XLSX table in the shape of the shared framework files:

    code, parent_code, title, max_points, scoring_rule, evidence_required, source_url

plus the optional columns scoring_type (self_assessed / survey / computed, or Vietnamese:
tự chấm / điều tra xã hội học / tự động), step, indicator_code, full_at and zero_at.
Headers are matched loosely (case, accents, spaces), and Vietnamese headers are accepted.

The import is all or nothing: every error is reported with its line and column and nothing
is written. Rules:
- codes are unique; a parent code must be a code of the same file; no cycles;
- max_points ≥ 0; the children's max_points add up to at most their parent's (when the
  parent has one); a leaf without max_points is kept but not scored;
- points have at most 3 decimals, and no more than the framework's precision (the
  decimals a score may have): otherwise full marks could not be entered;
- every number and text fits its column in the database (max_points up to 99.999,999, a
  step up to 999,999, full_at and zero_at up to 9.999.999,99 with 2 decimals, a code of 32
  characters): the limits are read from the model's fields, never restated;
- step > 0, with no more decimals than the precision, and max_points a multiple of it;
- indicator_code names an indicator of the registry measured per agency, only on a
  computed criterion, and needs full_at (zero_at defaults to 0, and must differ);
- without a scoring_type, a criterion whose evidence cell starts with "Tự động" is computed
  (that is how the Decision 766 file marks data computed from dossiers), any other is
  self-assessed; a non-empty evidence cell of a self-assessed criterion means evidence is
  required ("Có"/"Không" in that cell set the flag without a description).
Importing the same file twice changes nothing (upsert on the criterion code)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from cchc.core.reference import DATA_DIR
from cchc.core.services import ServiceError, audited_save
from cchc.core.tabular.cells import CellError, boolean, decimal_for, text, text_for
from cchc.core.tabular.columns import Column, ImportRejected, RowError, column_names, reject_any
from cchc.core.tabular.parse import parse_sheet
from cchc.core.tabular.reading import FileError, quoted
from cchc.core.tabular.sheet import read_sheet
from cchc.indicators.registry import INDICATORS
from cchc.organizations.models import Tier
from cchc.parindex import scoring
from cchc.parindex.models import BandBasis, Criterion, Framework, FrameworkGroup, ScoringType
from cchc.plans import tiers as plan_tiers
from cchc.plans.tiers import tiers_of_year

BUNDLED_DIR = DATA_DIR / "frameworks"
MANIFEST = BUNDLED_DIR / "frameworks.json"
DEFAULT_YEAR = 2022  # the year of the bundled plan (4345/KH-UBND)
# The assessment years a framework may have: those of the import page's year field
# (office_forms.FrameworkImportForm), for `load_frameworks` and every spec too.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_error(year: int) -> str | None:
    """Why `year` cannot be a framework's year, in Vietnamese; None when it can."""
    if FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return f"Năm đánh giá phải từ {FIRST_YEAR} đến {LAST_YEAR} (nhận {year})."


# Columns every framework file has (cells may be empty except code and title).
HEADER_REQUIRED = (
    "code", "parent_code", "title", "max_points", "scoring_rule", "evidence_required",
    "source_url",
)  # fmt: skip

SCORING_WORDS = {
    "self_assessed": ScoringType.SELF_ASSESSED, "tự chấm": ScoringType.SELF_ASSESSED,
    "tự đánh giá": ScoringType.SELF_ASSESSED, "thẩm định": ScoringType.SELF_ASSESSED,
    "survey": ScoringType.SURVEY, "điều tra xã hội học": ScoringType.SURVEY,
    "đtxhh": ScoringType.SURVEY, "computed": ScoringType.COMPUTED,
    "tự động": ScoringType.COMPUTED, "tính từ số liệu": ScoringType.COMPUTED,
}  # fmt: skip
COMPUTED_MARK = "tự động"


_CODE_WIDTH = Criterion._meta.get_field("code").max_length or 0


def _code(value: Any) -> str:
    code = text(value)
    if len(code) > _CODE_WIDTH:
        raise CellError(f"mã dài quá {_CODE_WIDTH} ký tự")
    if re.search(r"\s", code):
        raise CellError(f"mã {quoted(code)} không được chứa dấu cách")
    return code


def _point_rules(number: Decimal) -> None:
    if number < 0:
        raise CellError("điểm không được âm")
    if scoring.decimals(number) > scoring.MAX_PLACES:
        raise CellError(f"điểm chỉ ghi tối đa {scoring.MAX_PLACES} chữ số thập phân")


# Points (a maximum, a step) as the criterion's fields hold them: within their digits and
# decimals, not negative, at most MAX_PLACES decimals.
_points = decimal_for(Criterion, "max_points", check=_point_rules)
_step_points = decimal_for(Criterion, "step", check=_point_rules)


def _step(value: Any) -> Decimal:
    number = _step_points(value)
    if number == 0:
        raise CellError("bước điểm phải lớn hơn 0")
    return number


def _scoring_type(value: Any) -> str:
    word = text(value).lower()
    if word not in SCORING_WORDS:
        raise CellError(
            f"{quoted(value)} không phải cách chấm hợp lệ (self_assessed, survey hoặc computed)"
        )
    return SCORING_WORDS[word]


COLUMNS = [
    Column("code", "code", _code, aliases=("mã", "mã tiêu chí", "stt")),
    Column("parent_code", "parent_code", _code, required=False, aliases=("mã cha", "thuộc")),
    Column("title", "title", text_for(Criterion, "title"),
           aliases=("tên", "tên tiêu chí", "nội dung", "tiêu chí")),
    Column("max_points", "max_points", _points, required=False,
           aliases=("điểm tối đa", "điểm chuẩn")),
    Column("scoring_rule", "scoring_rule", text_for(Criterion, "scoring_rule"), required=False,
           aliases=("cách chấm điểm", "cách tính điểm", "hướng dẫn chấm")),
    Column("evidence_required", "evidence_required", text_for(Criterion, "evidence_note"),
           required=False,
           aliases=("tài liệu kiểm chứng",)),
    Column("source_url", "source_url", text_for(Criterion, "source"), required=False,
           aliases=("nguồn", "căn cứ")),
    Column("scoring_type", "scoring_type", _scoring_type, required=False,
           aliases=("cách chấm", "loại tiêu chí")),
    Column("step", "step", _step, required=False, aliases=("bước điểm",)),
    Column("indicator_code", "indicator_code", text_for(Criterion, "indicator_code"),
           required=False, aliases=("mã chỉ số",)),
    Column("full_at", "full_at", decimal_for(Criterion, "full_at"), required=False,
           aliases=("mức đạt điểm tối đa",)),
    Column("zero_at", "zero_at", decimal_for(Criterion, "zero_at"), required=False,
           aliases=("mức 0 điểm",)),
]  # fmt: skip
_HEADER_TITLES = [title for titles in column_names(COLUMNS).values() for title in titles]
TITLES = {c.key: c.title for c in COLUMNS}
_ORDER = {c.title: index for index, c in enumerate(COLUMNS)}


@dataclass
class CriterionRow:
    """One criterion as read from a file, checked and ready to write."""

    line: int
    code: str
    parent_code: str
    title: str
    max_points: Decimal | None
    scoring_type: str
    step: Decimal | None
    evidence_required: bool
    evidence_note: str
    scoring_rule: str
    source: str
    indicator_code: str
    full_at: Decimal | None
    zero_at: Decimal | None
    order: int
    is_leaf: bool = True

    def model_fields(self) -> dict[str, Any]:
        return {
            "title": self.title, "max_points": self.max_points,
            "scoring_type": self.scoring_type, "step": self.step,
            "evidence_required": self.evidence_required, "evidence_note": self.evidence_note,
            "scoring_rule": self.scoring_rule, "source": self.source,
            "indicator_code": self.indicator_code, "full_at": self.full_at,
            "zero_at": self.zero_at, "order": self.order,
        }  # fmt: skip


def format_errors(errors: list[RowError]) -> list[str]:
    """Row errors as lines a user reads: "Dòng 4, cột max_points: điểm không được âm"."""
    lines = []
    for error in errors:
        where = f"Dòng {error.row}" + (f", cột {error.column}" if error.column else "")
        lines.append(f"{where}: {error.message}")
    return lines


def _read_cells(content: bytes, file_name: str) -> list[dict[str, Any]]:
    """Every row's cells, read by the import engine (`core.tabular.parse`); ImportRejected
    with every header or cell error, in the order of the file's lines and, on a line, of
    the columns. The tree and point rules run only on a file whose cells all read."""
    try:
        sheet = read_sheet(content, file_name, header_names=_HEADER_TITLES)
    except FileError as exc:
        raise ImportRejected([RowError(1, "", str(exc))]) from exc
    parsed = parse_sheet(sheet, COLUMNS, required=HEADER_REQUIRED,
                         empty="tệp chỉ có dòng tiêu đề, chưa có tiêu chí nào")  # fmt: skip
    if parsed.errors:
        raise ImportRejected(sorted(parsed.errors, key=lambda e: (e.row, _ORDER[e.column])))
    return parsed.rows()


def _evidence(cell: str | None, scoring_type: str) -> tuple[bool, str]:
    if cell is None:
        return False, ""
    try:
        return boolean(cell) and scoring_type == ScoringType.SELF_ASSESSED, ""
    except CellError:
        return scoring_type == ScoringType.SELF_ASSESSED, cell


def _check_tree(rows: list[dict[str, Any]]) -> list[RowError]:
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for row in rows:
        if row["code"] in first_line:
            errors.append(
                RowError(row["_row"], "code", f"trùng mã với dòng {first_line[row['code']]}")
            )
        else:
            first_line[row["code"]] = row["_row"]
    by_code = {row["code"]: row for row in rows}
    for row in rows:
        parent = row["parent_code"]
        if parent is None:
            continue
        if parent not in by_code:
            errors.append(
                RowError(
                    row["_row"], "parent_code", f"không có tiêu chí {quoted(parent)} trong tệp"
                )
            )
            continue
        seen, current = {row["code"]}, parent
        while current is not None and current in by_code:
            if current in seen:
                errors.append(
                    RowError(row["_row"], "parent_code", "tiêu chí cha tạo thành vòng lặp")
                )
                break
            seen.add(current)
            current = by_code[current]["parent_code"]
    return errors


def _check_points(rows: list[dict[str, Any]]) -> list[RowError]:
    errors: list[RowError] = []
    children: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["parent_code"] is not None:
            children.setdefault(row["parent_code"], []).append(row)
    for row in rows:
        top = row["max_points"]
        kids = children.get(row["code"], [])
        total = sum((k["max_points"] for k in kids if k["max_points"] is not None), Decimal(0))
        if top is not None and total > top:
            errors.append(
                RowError(
                    row["_row"],
                    "max_points",
                    f"tổng điểm tối đa của các tiêu chí con ({scoring.shown(total)}) vượt điểm "
                    f"tối đa của tiêu chí “{row['code']}” ({scoring.shown(top)})",
                )
            )
        if row["step"] is not None and top is not None and top % row["step"] != 0:
            errors.append(
                RowError(
                    row["_row"],
                    "step",
                    f"điểm tối đa {scoring.shown(top)} không phải bội số của bước điểm "
                    f"{scoring.shown(row['step'])}",
                )
            )
    return errors


def _check_computed(row: dict[str, Any], scoring_type: str) -> list[RowError]:
    line, code = row["_row"], row["indicator_code"]
    scale = row["full_at"] is not None or row["zero_at"] is not None
    if code is None:
        if scale:
            return [RowError(line, "full_at", "chỉ dùng cùng với indicator_code (mã chỉ số)")]
        return []
    errors = []
    indicator = INDICATORS.get(code)
    if indicator is None:
        errors.append(
            RowError(line, "indicator_code", f"không có chỉ số {quoted(code)} trong hệ thống")
        )
    elif not indicator.per_agency:
        errors.append(
            RowError(line, "indicator_code",
                     f"chỉ số {quoted(code)} chỉ tính cho toàn tỉnh, không chấm được cho từng cơ quan")
        )  # fmt: skip
    if scoring_type != ScoringType.COMPUTED:
        errors.append(
            RowError(line, "indicator_code", "mã chỉ số chỉ dùng với tiêu chí computed (tự động)")
        )
    if row["full_at"] is None:
        errors.append(RowError(line, "full_at", "tiêu chí tính từ chỉ số cần mức đạt điểm tối đa"))
    elif row["full_at"] == (row["zero_at"] or Decimal(0)):
        errors.append(RowError(line, "zero_at", "mức 0 điểm phải khác mức đạt điểm tối đa"))
    if row["max_points"] is None:
        errors.append(RowError(line, "max_points", "tiêu chí tính từ chỉ số cần điểm tối đa"))
    return errors


def parse_criteria(
    content: bytes, file_name: str, *, defaults: Mapping[str, Any] | None = None
) -> list[CriterionRow]:
    """The criteria of a framework file, checked; ImportRejected with every error otherwise.
    `defaults` gives values for the optional columns scoring_type and step when a cell is
    empty (used by the bundled frameworks, whose files are kept verbatim)."""
    defaults = dict(defaults or {})
    rows = _read_cells(content, file_name)
    errors = _check_tree(rows) + _check_points(rows)
    parents = {row["parent_code"] for row in rows if row["parent_code"] is not None}
    result = []
    for order, row in enumerate(rows, start=1):
        evidence_cell = row["evidence_required"]
        scoring_type = row["scoring_type"] or defaults.get("scoring_type")
        if scoring_type is None:
            marked = evidence_cell is not None and evidence_cell.lower().startswith(COMPUTED_MARK)
            scoring_type = ScoringType.COMPUTED if marked else ScoringType.SELF_ASSESSED
        step = row["step"]
        is_leaf = row["code"] not in parents
        default_step = defaults.get("step") if scoring_type == ScoringType.SELF_ASSESSED else None
        if step is None and default_step and is_leaf:
            step = Decimal(str(default_step))
            if row["max_points"] is not None and row["max_points"] % step != 0:
                errors.append(RowError(
                    row["_row"], "step",
                    f"điểm tối đa {scoring.shown(row['max_points'])} không phải bội số của "
                    f"bước điểm chung {scoring.shown(step)}",
                ))  # fmt: skip
        errors += _check_computed(row, scoring_type)
        required, note = _evidence(evidence_cell, scoring_type)
        result.append(
            CriterionRow(
                line=row["_row"],
                code=row["code"],
                parent_code=row["parent_code"] or "",
                title=row["title"],
                max_points=row["max_points"],
                scoring_type=scoring_type,
                step=step,
                evidence_required=required,
                evidence_note=note,
                scoring_rule=row["scoring_rule"] or "",
                source=row["source_url"] or "",
                indicator_code=row["indicator_code"] or "",
                full_at=row["full_at"],
                zero_at=row["zero_at"],
                order=order,
                is_leaf=is_leaf,
            )
        )
    reject_any(errors)
    return result


# --- writing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkSpec:
    """What a framework file does not say: its identity, source and classification."""

    code: str
    title: str
    group: str
    year: int = DEFAULT_YEAR
    source: str = ""
    source_url: str = ""
    illustrative: bool = False
    par_index: bool = True  # counts for target 2 (PAR_INDEX_COVERAGE)
    precision: int = scoring.MAX_PLACES  # decimals a score may have
    display_places: int = 2  # decimals totals and the index are shown with
    bands: tuple[Mapping[str, Any], ...] | list = ()
    band_basis: str = BandBasis.POINTS
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def existing(self) -> Framework | None:
        """The framework this spec names (code, year, group), if it is loaded already."""
        return Framework.objects.filter(code=self.code, year=self.year, group=self.group).first()

    def check(self) -> None:
        if not self.code.strip() or not self.title.strip():
            raise ServiceError("Bộ tiêu chí cần mã và tên.")
        if self.group not in FrameworkGroup.values:
            raise ServiceError(f"Đối tượng đánh giá không hợp lệ: {self.group!r}.")
        if (wrong_year := year_error(self.year)) is not None:
            raise ServiceError(wrong_year)
        tiers = tiers_of_year(self.year)
        if self.group == FrameworkGroup.DISTRICT and Tier.DISTRICT not in tiers:
            raise ServiceError(
                f"Năm {self.year} không còn cấp huyện (kế hoạch năm {self.year} có "
                f"{plan_tiers.words(tiers)}): chọn đối tượng đánh giá khác."
            )
        top = scoring.MAX_PLACES
        if not 0 <= self.precision <= top:
            raise ServiceError(f"Số chữ số thập phân của điểm phải từ 0 đến {top}.")
        if not 0 <= self.display_places <= top:
            raise ServiceError(f"Số chữ số thập phân khi hiển thị phải từ 0 đến {top}.")
        try:
            scoring.parse_bands(list(self.bands), self.band_basis)
        except ValueError as exc:
            raise ServiceError(str(exc)) from exc

    def framework_fields(self) -> dict[str, Any]:
        return {
            "title": self.title, "source": self.source, "source_url": self.source_url,
            "illustrative": self.illustrative, "par_index": self.par_index,
            "precision": self.precision, "display_places": self.display_places,
            "bands": [dict(b) for b in self.bands], "band_basis": self.band_basis,
        }  # fmt: skip


@dataclass
class FrameworkLoad:
    """What writing a framework did. Loading the same file again reports only `unchanged`."""

    framework: Framework
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    notes: list[str] = field(default_factory=list)
    framework_saved: bool = False  # the framework row itself was written (created or changed)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    def __str__(self) -> str:
        text_ = (
            f"{self.framework.title} ({self.framework.year}): thêm {self.created}, "
            f"sửa {self.updated}, xóa {self.deleted}, giữ nguyên {self.unchanged} tiêu chí"
        )
        return "\n  ".join([text_, *self.notes])


def _same(instance: Any, wanted: Mapping[str, Any]) -> bool:
    return all(getattr(instance, name) == value for name, value in wanted.items())


def _depth(row: CriterionRow, by_code: Mapping[str, CriterionRow]) -> int:
    depth, current = 0, row
    while current.parent_code:
        depth, current = depth + 1, by_code[current.parent_code]
    return depth


def _check_precision(spec: FrameworkSpec, rows: list[CriterionRow]) -> None:
    """A maximum or a step finer than the framework's precision could never be scored
    (2,5 points when scores are whole numbers); ImportRejected naming the lines."""
    errors = []
    for row in rows:
        for column, value in (("max_points", row.max_points), ("step", row.step)):
            if value is not None and scoring.decimals(value) > spec.precision:
                errors.append(RowError(
                    row.line, column,
                    f"{scoring.shown(value)} có {scoring.decimals(value)} chữ số thập phân, "
                    f"nhiều hơn số chữ số thập phân của điểm của bộ tiêu chí ({spec.precision})",
                ))  # fmt: skip
    if errors:
        raise ImportRejected(errors)


@transaction.atomic
def write_framework(spec: FrameworkSpec, rows: list[CriterionRow], *, actor=None) -> FrameworkLoad:
    """Create or update the framework (code, year, group) and its criteria from checked rows.
    Criteria are matched by code; those no longer in the file are removed. Once assessments
    use the framework its criteria can no longer change (start a new framework instead)."""
    spec.check()
    _check_precision(spec, rows)
    framework = spec.existing()
    wanted = spec.framework_fields()
    saved = True
    if framework is None:
        framework = Framework(code=spec.code, year=spec.year, group=spec.group, **wanted)
        audited_save(framework, actor=actor, reason="Nạp bộ tiêu chí")
    elif not _same(framework, wanted):
        # Display decimals and a finer precision change no result; the rest would.
        classes = ("bands", "band_basis")
        coarser = spec.precision < framework.precision
        closed = framework.assessments.filter(status__in=("finalised", "published"))
        if (coarser or not _same(framework, {k: wanted[k] for k in classes})) and closed.exists():
            raise ServiceError(
                f"Bộ tiêu chí “{framework.title}” năm {framework.year} đã có kết quả được chốt; "
                "không giảm được số chữ số thập phân của điểm hay đổi ngưỡng xếp loại."
            )
        for name, value in wanted.items():
            setattr(framework, name, value)
        audited_save(framework, actor=actor, reason="Nạp lại bộ tiêu chí")
    else:
        saved = False
    result = FrameworkLoad(framework=framework, framework_saved=saved)
    existing = {c.code: c for c in framework.criteria.all()}
    by_code = {row.code: row for row in rows}
    changes: list[CriterionRow] = []
    for row in sorted(rows, key=lambda r: (_depth(r, by_code), r.order)):
        criterion = existing.get(row.code)
        parent = existing.get(row.parent_code) if row.parent_code else None
        if (
            criterion is not None
            and _same(criterion, row.model_fields())
            and criterion.parent_id == (parent.pk if parent else None)
        ):
            result.unchanged += 1
        else:
            changes.append(row)
    stale = [c for code, c in existing.items() if code not in by_code]
    if (changes or stale) and framework.assessments.exists():
        raise ServiceError(
            f"Bộ tiêu chí “{framework.title}” năm {framework.year} đã được dùng cho "
            f"{framework.assessments.count()} phiếu đánh giá; không thay đổi tiêu chí được nữa. "
            "Hãy nạp thành một bộ tiêu chí mới (mã hoặc năm khác)."
        )
    for row in changes:  # parents come before their children
        criterion = existing.get(row.code)
        if criterion is None:
            criterion = Criterion(framework=framework, code=row.code)
            result.created += 1
        else:
            result.updated += 1
        for name, value in row.model_fields().items():
            setattr(criterion, name, value)
        criterion.parent = existing[row.parent_code] if row.parent_code else None
        audited_save(criterion, actor=actor, reason="Nạp bộ tiêu chí")
        existing[row.code] = criterion
    protected = [c.code for c in stale if c.survey_scores.exists()]
    if protected:
        raise ServiceError(
            "Không xóa được các tiêu chí đã có điểm điều tra xã hội học: " + ", ".join(protected)
        )
    stale_ids = {c.pk for c in stale}
    for criterion in stale:
        if criterion.parent_id not in stale_ids:  # its stale children go with it (cascade)
            criterion._history_user = actor  # type: ignore[attr-defined]
            criterion.delete()
    result.deleted = len(stale)
    unscored = [r.code for r in rows if r.is_leaf and r.max_points is None]
    if unscored:
        result.notes.append(
            f"{len(unscored)} tiêu chí chưa có điểm tối đa nên chưa chấm điểm được: "
            + ", ".join(unscored[:8]) + (" …" if len(unscored) > 8 else "")
        )  # fmt: skip
    return result


def import_framework(
    spec: FrameworkSpec, content: bytes, file_name: str, *, actor=None
) -> FrameworkLoad:
    """Parse and write in one go; ImportRejected (nothing written) when the file is wrong."""
    spec.check()
    rows = parse_criteria(content, file_name, defaults=spec.defaults)
    return write_framework(spec, rows, actor=actor)


# --- the bundled frameworks ---------------------------------------------------------------


def bundled_specs(*, year: int = DEFAULT_YEAR) -> list[tuple[FrameworkSpec, Path]]:
    """The frameworks listed in data/frameworks/frameworks.json, for `year`."""
    entries = json.loads(MANIFEST.read_text(encoding="utf-8"))
    specs = []
    for entry in entries:
        entry = dict(entry)
        path = BUNDLED_DIR / entry.pop("file")
        specs.append((FrameworkSpec(year=year, **entry), path))
    return specs


@transaction.atomic
def load_bundled(
    *, year: int = DEFAULT_YEAR, actor=None, only: Callable[[FrameworkSpec], bool] | None = None
) -> list[FrameworkLoad]:
    """Load every bundled framework for `year`, all or nothing; loading again changes
    nothing. A bad file raises ServiceError naming the file, line and column. A framework
    for a group the year does not have (the district UBND from 2026, plans.tiers) is left
    out."""
    results = []
    held = tiers_of_year(year)
    for spec, path in bundled_specs(year=year):
        if only is not None and not only(spec):
            continue
        if spec.group == FrameworkGroup.DISTRICT and Tier.DISTRICT not in held:
            continue
        try:
            results.append(import_framework(spec, path.read_bytes(), path.name, actor=actor))
        except ImportRejected as exc:
            raise ServiceError(
                [f"{path.name}: {line}" for line in format_errors(exc.errors)]
            ) from exc
    return results
