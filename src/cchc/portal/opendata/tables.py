"""The published tables of the open data, one year at a time, and their data dictionary.

A table of a year exists only when the reform office has published its source: the targets'
figures and the tasks come from the latest public FIGURES release of the year's plan (the one
published through the latest month), the PAR INDEX results from the public RANKING releases
of the year's frameworks, the inspection conclusions from the public INSPECTION releases of
inspections made that year. The agency list is the public register of the agencies that
existed at some day of the year; it is served for a year that has at least one of the other
tables (a year nothing was published for answers 404 for every table). A withdrawn release's
data disappear with it: every read goes through `Release.objects.public()`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl
from django.db.models import Q
from django.utils import timezone

from cchc.indicators.dashboard import STATUS_LABELS
from cchc.organizations.models import Agency, AgencyLevel, Tier
from cchc.plans.task_status import STATUS_LABELS as TASK_STATUS_LABELS
from cchc.portal.models import PublishedFigure, PublishedTask, Release, ReleaseKind
from cchc.portal.selectors import published_results, stamp

# The kinds of column a table has, as the dictionary names them: (Polars type, the type's
# name in the files' schema, its name in Vietnamese).
TEXT = (pl.String, "string", "chuỗi ký tự")
INTEGER = (pl.Int64, "int64", "số nguyên")
DECIMAL = (pl.Float64, "float64", "số thập phân")
DAY = (pl.Date, "date", "ngày (yyyy-mm-dd)")
MONTH = (pl.Date, "date", "tháng (ngày đầu tháng, yyyy-mm-01)")
BOOLEAN = (pl.Boolean, "boolean", "đúng/sai (true/false)")


@dataclass(frozen=True)
class Column:
    name: str
    kind: tuple
    meaning: str
    unit: str = ""

    @property
    def dtype(self):
        return self.kind[0]

    def describe(self) -> dict:
        return {
            "ten_cot": self.name,
            "kieu": self.kind[1],
            "kieu_chu": self.kind[2],
            "y_nghia": self.meaning,
            "don_vi": self.unit,
        }


@dataclass(frozen=True)
class Built:
    """One table of one year: its rows and where they come from (said inside every file)."""

    frame: pl.DataFrame
    source: str
    modified: date


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    build: Callable[[int], Built | None] = field(repr=False)
    # The agency list depends on the others: served only for a year with something published.
    register: bool = False

    def frame(self, rows: list[tuple]) -> pl.DataFrame:
        return pl.DataFrame(
            rows, schema=[(c.name, c.dtype) for c in self.columns], orient="row", strict=False
        )

    def dictionary(self) -> list[dict]:
        return [c.describe() for c in self.columns]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _day(moment) -> date:
    return timezone.localtime(moment).date()


def latest_figures(year: int) -> Release | None:
    """The public FIGURES release of the year's plan published through the latest month."""
    return (
        Release.objects.public()
        .filter(kind=ReleaseKind.FIGURES, plan__year=year)
        .order_by("-through", "-published_at", "-pk")
        .select_related("plan")
        .first()
    )


def _figures_source(release: Release) -> str:
    plan = release.plan
    assert plan is not None, "a figures release has its plan (Release's constraint)"
    return (
        f"Kế hoạch CCHC năm {plan.year}"
        + (f" (số {plan.number})" if plan.number else "")
        + f": số liệu đến hết tháng {release.through:%m/%Y}, Văn phòng CCHC công bố ngày "
        f"{_day(release.published_at):%d/%m/%Y}."
    )


TIER_WORDS = {value: str(label) for value, label in Tier.choices}


def _tier(stored: str) -> str | None:
    """The tier's code ("district"), None for a row of no tier (the overall value)."""
    return stored or None


LEVEL_WORDS = {value: str(label) for value, label in AgencyLevel.choices}


def _targets(year: int) -> Built | None:
    release = latest_figures(year)
    if release is None:
        return None
    rows = [
        (
            f.target_label, f.target_text, f.indicator, f.month,
            "co_quan" if f.agency_id else ("cap" if f.tier else "tinh"), _tier(f.tier),
            f.agency.code if f.agency else None, f.agency.name if f.agency else None,
            f.numerator, f.denominator, _number(f.value), f.unit or None, _number(f.threshold),
            f.comparator or None, f.met, f.status or None,
            STATUS_LABELS[f.status][0] if f.status in STATUS_LABELS else None,
        )
        for f in PublishedFigure.objects.filter(release=release)
        .select_related("agency")
        .order_by("month", "target_label", "agency__code", "tier", "pk")
    ]  # fmt: skip
    frame = TARGETS.frame(rows)
    return Built(frame, _figures_source(release), _day(release.published_at))


def _tasks(year: int) -> Built | None:
    release = latest_figures(year)
    if release is None:
        return None
    rows = [
        (
            t.area_order, t.area, t.order, t.text, t.lead_agency or None, t.deadline, t.status,
            TASK_STATUS_LABELS.get(t.status, t.status), t.percent, release.through,
        )
        for t in PublishedTask.objects.filter(release=release).order_by("area_order", "order", "pk")
    ]  # fmt: skip
    return Built(TASKS.frame(rows), _figures_source(release), _day(release.published_at))


def _rankings(year: int) -> Built | None:
    releases = list(
        Release.objects.public()
        .filter(kind=ReleaseKind.RANKING, framework__year=year)
        .select_related("framework")
        .order_by("framework__code", "pk")
    )
    if not releases:
        return None
    published = {r.framework_id: _day(r.published_at) for r in releases}
    results = (
        published_results(list(published))
        .select_related("assessment__agency", "assessment__framework")
        .order_by("assessment__framework__code", "rank_group", "rank", "assessment__agency__code")
    )
    rows = [
        (
            r.assessment.framework.code, r.assessment.framework.title, r.assessment.framework.year,
            r.rank_group, LEVEL_WORDS.get(r.rank_group, r.rank_group),
            r.assessment.agency.code, r.assessment.agency.name, _number(r.self_total),
            _number(r.appraised_total), _number(r.survey_total), _number(r.bonus),
            _number(r.penalty), _number(r.total), _number(r.maximum), _number(r.index), r.rank,
            r.classification or None, published[r.assessment.framework_id],
        )
        for r in results
    ]  # fmt: skip
    names = "; ".join(f"{r.framework.code} — {r.framework.title}" for r in releases)
    return Built(
        RANKINGS.frame(rows),
        f"Kết quả Chỉ số CCHC năm {year} do Văn phòng CCHC công bố: {names}.",
        max(published.values()),
    )


def _inspections(year: int) -> Built | None:
    releases = list(
        Release.objects.public()
        .filter(kind=ReleaseKind.INSPECTION, inspection__inspected_on__year=year)
        .select_related("inspection__agency")
        .order_by("inspection__inspected_on", "inspection__agency__code", "pk")
    )
    if not releases:
        return None
    rows = [
        (
            r.inspection.agency.code, r.inspection.agency.name, r.inspection.inspected_on,
            r.inspection.covers_organisation, r.inspection.covers_discipline, r.conclusion,
            _day(r.published_at),
        )
        for r in releases
    ]  # fmt: skip
    return Built(
        INSPECTIONS.frame(rows),
        f"Kết luận công khai các cuộc kiểm tra CCHC năm {year} do Văn phòng CCHC công bố.",
        max(row[-1] for row in rows),
    )


def _agencies(year: int) -> Built | None:
    first, last = date(year, 1, 1), date(year, 12, 31)
    agencies = (
        Agency.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .select_related("parent")
        .order_by("code")
    )
    rows = [
        (
            a.code, a.name, a.level, LEVEL_WORDS[a.level], a.parent.code if a.parent else None,
            a.parent.name if a.parent else None, a.valid_from, a.valid_to,
            a.other_names or None, a.source or None, a.source_url or None,
        )
        for a in agencies
    ]  # fmt: skip
    modified = max((a.updated_at for a in agencies), default=None)
    return Built(
        AGENCIES.frame(rows),
        f"Danh mục cơ quan, đơn vị của tỉnh có hiệu lực trong năm {year}.",
        _day(modified) if modified else last,
    )


_VALUE = "Giá trị = 100 × tử số / mẫu số, làm tròn 2 chữ số thập phân; trống khi mẫu số bằng 0."
TARGETS = Table(
    "chi-tieu-theo-co-quan",
    "Chỉ tiêu CCHC theo cơ quan và tháng",
    "Số liệu các chỉ tiêu của Kế hoạch CCHC năm đã công bố: cho cả tỉnh, từng cấp và từng cơ "
    "quan, cộng dồn từ tháng 1 đến hết mỗi tháng. " + _VALUE,
    (
        Column("ma_chi_tieu", TEXT, "Số hiệu chỉ tiêu trong kế hoạch (ví dụ 6c)."),
        Column("noi_dung_chi_tieu", TEXT, "Nội dung chỉ tiêu như kế hoạch ghi."),
        Column("ma_chi_so", TEXT, "Mã chỉ số đo chỉ tiêu (định nghĩa: docs/kpi/<mã>.md)."),
        Column("thang", MONTH, "Tháng cuối của kỳ: số liệu cộng dồn từ tháng 1 đến hết tháng này."),
        Column(
            "pham_vi",
            TEXT,
            "Dòng số liệu của: tinh (cả tỉnh), cap (một cấp), co_quan (một cơ quan).",
        ),
        Column(
            "cap",
            TEXT,
            "Cấp hành chính: province (cấp tỉnh), district (cấp huyện), commune (cấp xã); trống ở dòng cả tỉnh.",
        ),
        Column("ma_co_quan", TEXT, "Mã cơ quan (bảng co-quan); trống ở dòng cả tỉnh và dòng cấp."),
        Column("ten_co_quan", TEXT, "Tên cơ quan."),
        Column("tu_so", INTEGER, "Tử số của tỷ lệ.", "theo chỉ số (hồ sơ, thủ tục, cơ quan …)"),
        Column("mau_so", INTEGER, "Mẫu số của tỷ lệ.", "theo chỉ số"),
        Column("gia_tri", DECIMAL, "Giá trị của chỉ tiêu. " + _VALUE, "theo cột don_vi"),
        Column("don_vi", TEXT, "Đơn vị của giá trị (percent: phần trăm)."),
        Column(
            "nguong",
            DECIMAL,
            "Mức kế hoạch đặt ra (ở dòng cả tỉnh và dòng cấp).",
            "theo cột don_vi",
        ),
        Column("so_sanh", TEXT, "Cách so với mức: gte (từ mức trở lên), lte (không quá mức)."),
        Column(
            "dat",
            BOOLEAN,
            "Giá trị đạt mức kế hoạch (trống khi chưa có giá trị hoặc không có mức).",
        ),
        Column(
            "danh_gia",
            TEXT,
            "Đánh giá chỉ tiêu của cả tỉnh: met, at_risk, missed, pending, open, no_data.",
        ),
        Column("danh_gia_chu", TEXT, "Đánh giá bằng lời."),
    ),
    _targets,
)
TASKS = Table(
    "nhiem-vu",
    "Nhiệm vụ CCHC và tình trạng thực hiện",
    "Các nhiệm vụ của Kế hoạch CCHC năm, tình trạng và tiến độ theo báo cáo mới nhất của cơ "
    "quan chủ trì vào ngày công bố.",
    (
        Column("thu_tu_linh_vuc", INTEGER, "Thứ tự lĩnh vực cải cách trong kế hoạch."),
        Column("linh_vuc", TEXT, "Lĩnh vực cải cách."),
        Column("thu_tu", INTEGER, "Thứ tự nhiệm vụ trong lĩnh vực."),
        Column("noi_dung", TEXT, "Nội dung nhiệm vụ."),
        Column("co_quan_chu_tri", TEXT, "Cơ quan chủ trì."),
        Column("thoi_han", DAY, "Thời hạn hoàn thành."),
        Column(
            "tinh_trang", TEXT, "Tình trạng: not_started, in_progress, done, done_late, overdue."
        ),
        Column("tinh_trang_chu", TEXT, "Tình trạng bằng lời."),
        Column("tien_do", INTEGER, "Tiến độ cơ quan chủ trì báo cáo.", "%"),
        Column("so_lieu_den_thang", MONTH, "Tháng cuối của đợt công bố."),
    ),
    _tasks,
)
RANKINGS = Table(
    "ket-qua-chi-so-cchc",
    "Kết quả Chỉ số cải cách hành chính (PAR INDEX)",
    "Điểm, chỉ số và xếp hạng Chỉ số CCHC của các cơ quan, đơn vị theo bộ tiêu chí đã công bố.",
    (
        Column("ma_bo_tieu_chi", TEXT, "Mã bộ tiêu chí đánh giá."),
        Column("ten_bo_tieu_chi", TEXT, "Tên bộ tiêu chí."),
        Column("nam_danh_gia", INTEGER, "Năm đánh giá."),
        Column("nhom_xep_hang", TEXT, "Nhóm xếp hạng: department, district, commune."),
        Column("nhom_xep_hang_chu", TEXT, "Nhóm xếp hạng bằng lời."),
        Column("ma_co_quan", TEXT, "Mã cơ quan được đánh giá (bảng co-quan)."),
        Column("ten_co_quan", TEXT, "Tên cơ quan."),
        Column("diem_tu_cham", DECIMAL, "Tổng điểm tự chấm.", "điểm"),
        Column("diem_tham_dinh", DECIMAL, "Điểm sau thẩm định.", "điểm"),
        Column("diem_dieu_tra_xhh", DECIMAL, "Điểm điều tra xã hội học.", "điểm"),
        Column("diem_thuong", DECIMAL, "Điểm thưởng.", "điểm"),
        Column("diem_tru", DECIMAL, "Điểm trừ.", "điểm"),
        Column("tong_diem", DECIMAL, "Tổng điểm.", "điểm"),
        Column("diem_toi_da", DECIMAL, "Điểm tối đa áp dụng cho cơ quan.", "điểm"),
        Column("chi_so", DECIMAL, "Chỉ số = 100 × tổng điểm / điểm tối đa.", "%"),
        Column("xep_hang", INTEGER, "Thứ hạng trong nhóm (1 là cao nhất)."),
        Column("xep_loai", TEXT, "Xếp loại."),
        Column("ngay_cong_bo", DAY, "Ngày Văn phòng CCHC công bố trên trang công khai."),
    ),
    _rankings,
)
INSPECTIONS = Table(
    "ket-luan-kiem-tra",
    "Kết luận kiểm tra CCHC công khai",
    "Kết luận các cuộc kiểm tra công tác CCHC, theo lời Văn phòng CCHC công bố (không gồm "
    "biên bản, tên người, tài liệu nội bộ).",
    (
        Column("ma_co_quan", TEXT, "Mã cơ quan được kiểm tra (bảng co-quan)."),
        Column("ten_co_quan", TEXT, "Tên cơ quan được kiểm tra."),
        Column("ngay_kiem_tra", DAY, "Ngày kiểm tra."),
        Column("kiem_tra_to_chuc_bo_may", BOOLEAN, "Có kết hợp kiểm tra tổ chức bộ máy."),
        Column(
            "kiem_tra_ky_luat_ky_cuong",
            BOOLEAN,
            "Có kết hợp kiểm tra kỷ luật, kỷ cương hành chính.",
        ),
        Column("ket_luan", TEXT, "Kết luận công khai."),
        Column("ngay_cong_bo", DAY, "Ngày công bố."),
    ),
    _inspections,
)
AGENCIES = Table(
    "co-quan",
    "Danh mục cơ quan, đơn vị và thời gian hiệu lực",
    "Các cơ quan, đơn vị của tỉnh có hiệu lực vào ít nhất một ngày trong năm: mã, tên, cấp, "
    "đơn vị trực thuộc, thời gian hiệu lực (sau sắp xếp đơn vị hành chính, đơn vị cũ có ngày "
    "hết hiệu lực) và các cách viết tên khác dùng trong văn bản, tệp số liệu.",
    (
        Column("ma", TEXT, "Mã cơ quan, đơn vị (khóa dùng ở các bảng khác)."),
        Column("ten", TEXT, "Tên."),
        Column(
            "cap",
            TEXT,
            "Cấp: province (UBND tỉnh), department (sở, ban, ngành), district (UBND cấp huyện), commune (UBND cấp xã).",
        ),
        Column("cap_chu", TEXT, "Cấp bằng lời."),
        Column("ma_truc_thuoc", TEXT, "Mã đơn vị cấp trên."),
        Column("ten_truc_thuoc", TEXT, "Tên đơn vị cấp trên."),
        Column("hieu_luc_tu", DAY, "Có hiệu lực từ ngày (trống: từ trước khi hệ thống ghi nhận)."),
        Column("hieu_luc_den", DAY, "Hết hiệu lực sau ngày (trống: đang hoạt động)."),
        Column("ten_goi_khac", TEXT, "Các cách viết tên khác, cách nhau bằng dấu chấm phẩy."),
        Column("nguon", TEXT, "Văn bản là nguồn của thông tin."),
        Column("dia_chi_nguon", TEXT, "Địa chỉ trực tuyến của nguồn."),
    ),
    _agencies,
    register=True,
)

TABLES: dict[str, Table] = {t.slug: t for t in (TARGETS, RANKINGS, TASKS, INSPECTIONS, AGENCIES)}


def published_years() -> list[int]:
    """The years with at least one public table, newest first."""
    public = Release.objects.public()
    years = set(public.filter(kind=ReleaseKind.FIGURES).values_list("plan__year", flat=True)) | set(
        public.filter(kind=ReleaseKind.RANKING).values_list("framework__year", flat=True)
    )
    years |= {
        d.year
        for d in public.filter(kind=ReleaseKind.INSPECTION).values_list(
            "inspection__inspected_on", flat=True
        )
    }
    return sorted(years, reverse=True)


def state() -> str:
    """What every table depends on: the public pages' stamp (`selectors.stamp`, one
    statement over the published tables and what they show). Files and the catalogue are
    cached under it, so a withdrawal takes effect at the next request."""
    return hashlib.sha256(stamp().encode()).hexdigest()[:20]


def build(table: Table, year: int) -> Built | None:
    """The table of the year, or None when nothing of it is published."""
    if table.register and year not in published_years():
        return None
    return table.build(year)
