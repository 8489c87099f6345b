"""Seeded generator of a synthetic, Lai Châu-sized year of operational data for the demo.

Nothing here is a real statistic. The distributions are plausible shapes chosen so that every
target of the plan shows a value and a trend: more dossiers at departments and districts than at
each commune, seasonality (Tết in January–February, a year-end rush), agencies that differ in
online use, punctuality, digitisation and online payment, a catalogue that improves from the
baseline year to this one, some dossiers still open (and some overdue) at the year's end.

Every record goes through the importers, exactly as an uploaded file would: the generator
builds in-memory tables with the importers' own column titles, and runs `Importer.parse`
(cell parsing, references, duplicates, cross-field rules) and `Importer.write` (natural-key
upserts) under an `ImportRun` marked `synthetic`, then `operations.services.data_changed`
refreshes the roll-ups and the indicator snapshots. So every page that shows the data badges it
"dữ liệu mô phỏng", and running the generator again with the same seed and year writes nothing
new: every row comes back "unchanged" (the runs themselves are recorded again, with zero rows
written).

The random stream depends only on the seed, the year, the number of dossiers and the agencies
in the database (taken in code order); the dates also follow the working-day calendar (with the
reform office's day swaps). Not on the clock — except that nothing is generated after today
when the year is the current one.

The generator follows the agency tree on each record's date (issue 19): it takes every agency
that ran at some time in the year (`valid_from`/`valid_to`), and dates each record inside its
agency's life — a dossier is received while its agency runs (it may finish after the agency
ended: the successor closes it), a month's work records exist for the months the agency ran
at the month's end, a legal document is issued and an inspection made while the agency runs.
So a year that changed in the middle (2025: the communes and districts end on 30/06, the
new communes start on 01/07) has the old units' records up to June and the new ones' after.
An agency running the whole year draws exactly what it drew before this rule: a year without
a change gives the same data as before."""

from __future__ import annotations

import csv
import random
import time
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cchc.core.selectors import working_calendar
from cchc.core.tabular.cells import VN
from cchc.core.tabular.columns import ImportRejected
from cchc.core.tabular.reading import Table
from cchc.operations.imports import IMPORTERS
from cchc.operations.imports import procedures as procedures_import
from cchc.operations.imports.base import Importer, WriteResult
from cchc.operations.imports.dossiers import DossierImporter
from cchc.operations.imports.legal_documents import LegalDocumentImporter
from cchc.operations.imports.procedures import ProcedureImporter
from cchc.operations.imports.systems import SystemImporter
from cchc.operations.imports.work_records import WorkRecordImporter
from cchc.operations.models import (
    DossierStatus,
    ImportKind,
    ImportRun,
    ImportStatus,
    InformationSystem,
)
from cchc.operations.services import data_changed
from cchc.organizations.models import Agency, AgencyLevel, AgencySuccession
from cchc.organizations.scope import AgencyScope

Progress = Callable[[int, str], None]

# Fields of the province-tier procedures by the department that handles them, with a weight
# for how many procedures each department has (the national catalogue is lopsided: health,
# industry and trade, natural resources have far more than foreign affairs).
DEPARTMENT_FIELDS: dict[str, tuple[int, tuple[str, ...]]] = {
    "12-STP": (90, ("Hộ tịch", "Lý lịch tư pháp", "Công chứng", "Luật sư", "Trợ giúp pháp lý")),
    "12-STNMT": (110, ("Đất đai", "Môi trường", "Tài nguyên nước", "Khoáng sản")),
    "12-SXD": (60, ("Xây dựng", "Nhà ở", "Quy hoạch xây dựng")),
    "12-SKHDT": (90, ("Thành lập và hoạt động của doanh nghiệp", "Đầu tư tại Việt Nam")),
    "12-STC": (40, ("Quản lý công sản", "Tài chính doanh nghiệp")),
    "12-SCT": (120, ("Điện", "Lưu thông hàng hóa trong nước", "An toàn thực phẩm", "Hóa chất")),
    "12-SNNPTNT": (110, ("Trồng trọt", "Chăn nuôi", "Thú y", "Lâm nghiệp", "Thủy lợi")),
    "12-SGTVT": (70, ("Đường bộ", "Đường thủy nội địa")),
    "12-STTTT": (45, ("Báo chí", "Xuất bản, in và phát hành", "Viễn thông và Internet")),
    "12-SLDTBXH": (90, ("Người có công", "Bảo trợ xã hội", "Giáo dục nghề nghiệp", "Việc làm")),
    "12-SVHTTDL": (110, ("Văn hóa", "Thể dục thể thao", "Du lịch", "Gia đình")),
    "12-SKHCN": (45, ("Hoạt động khoa học và công nghệ", "Tiêu chuẩn đo lường chất lượng")),
    "12-SGDDT": (80, ("Giáo dục và Đào tạo", "Văn bằng, chứng chỉ")),
    "12-SYT": (150, ("Khám bệnh, chữa bệnh", "Dược phẩm", "Y tế dự phòng")),
    "12-SNV": (70, ("Tổ chức - Biên chế", "Tôn giáo", "Thi đua - Khen thưởng", "Văn thư - Lưu trữ")),
    "12-SNGV": (10, ("Ngoại vụ",)),
    "12-TTR": (15, ("Giải quyết khiếu nại", "Giải quyết tố cáo", "Tiếp công dân")),
    "12-BDT": (8, ("Công tác dân tộc",)),
    "12-BQLKKT": (12, ("Quản lý khu kinh tế",)),
    "12-VPUB": (5, ("Kiểm soát thủ tục hành chính",)),
}  # fmt: skip
DISTRICT_FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Thành lập và hoạt động của hộ kinh doanh",
                   "Người có công", "Bảo trợ xã hội", "Giáo dục và Đào tạo", "Nông nghiệp",
                   "Văn hóa", "Tài nguyên nước", "Giải quyết khiếu nại")  # fmt: skip
COMMUNE_FIELDS = ("Hộ tịch", "Chứng thực", "Bảo trợ xã hội", "Người có công", "Đất đai",
                  "Nông nghiệp", "Văn hóa", "Tôn giáo", "Thi đua - Khen thưởng")  # fmt: skip
ACTIONS = ("Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Đăng ký", "Công nhận",
           "Thẩm định", "Xác nhận", "Phê duyệt", "Thu hồi", "Chấp thuận")  # fmt: skip
OBJECTS = ("giấy phép", "giấy chứng nhận", "hồ sơ", "đề nghị", "quyết định", "văn bản")
TIER_SHARES = (("province", 60), ("district", 25), ("commune", 15))


def catalogue_labels(year: int) -> dict[str, str]:
    """How the catalogue of `year` names each procedure's tier: a year without cấp huyện
    (from 2026, `procedures.tiers_of_year`) decides a district procedure at the commune, as
    the 2025 reorganisation moved most of them."""
    labels = {"province": "Cấp tỉnh", "district": "Cấp huyện", "commune": "Cấp xã"}
    held = procedures_import.tiers_of_year
    if held.available and "district" not in held(year):
        labels["district"] = labels["commune"]
    return labels


PROCEDURE_COUNT = 2000
# Online levels and how they improve: chance a level 2 (or none) becomes 3/4 in a year, and
# the share of fee-bearing online services offering payment, and of online services on the
# national portal, reached by this year (the baseline year has less).
UPGRADE = {"province": 0.22, "district": 0.14, "commune": 0.07}
PAYMENT = {"province": (0.30, 0.70), "district": (0.20, 0.55), "commune": (0.10, 0.35)}
PORTAL = {"province": (0.50, 0.56), "district": (0.45, 0.47), "commune": (0.40, 0.40)}
FEES = (10_000, 20_000, 25_000, 30_000, 50_000, 100_000, 150_000, 200_000, 500_000)
DAYS = ((1, 8), (2, 6), (3, 12), (5, 14), (7, 10), (10, 14), (12, 6), (15, 12), (20, 8), (30, 6),
        (45, 4))  # fmt: skip

# Dossiers: relative volume per agency by level (each agency also gets its own ×0.5–1.6), and
# by month of the year; an agency's habits are drawn from the level's ranges.
LEVEL_VOLUME = {AgencyLevel.DEPARTMENT: 5.0, AgencyLevel.DISTRICT: 9.0, AgencyLevel.COMMUNE: 1.0}
MONTH_VOLUME = (0.65, 0.6, 1.0, 1.0, 1.05, 1.05, 1.0, 0.95, 1.05, 1.1, 1.15, 1.25)
HABITS = {  # (online when possible, digitised results, paid online when possible) ranges
    AgencyLevel.DEPARTMENT: ((0.25, 0.8), (0.15, 0.5), (0.05, 0.3)),
    AgencyLevel.DISTRICT: ((0.15, 0.6), (0.08, 0.35), (0.03, 0.22)),
    AgencyLevel.COMMUNE: ((0.1, 0.5), (0.04, 0.25), (0.01, 0.15)),
}
TIER_OF = {
    AgencyLevel.DEPARTMENT: "province",
    AgencyLevel.DISTRICT: "district",
    AgencyLevel.COMMUNE: "commune",
}

FINDINGS = (("Không phát hiện", 80), ("Chồng chéo", 5), ("Mâu thuẫn", 3),
            ("Trái pháp luật", 2), ("Hết hiệu lực", 5), ("Không còn phù hợp", 5))  # fmt: skip
HANDLING = {"Chồng chéo": "Sửa đổi, bổ sung", "Mâu thuẫn": "Sửa đổi, bổ sung",
            "Trái pháp luật": "Bãi bỏ", "Hết hiệu lực": "Công bố hết hiệu lực",
            "Không còn phù hợp": "Thay thế"}  # fmt: skip
DOCUMENT_TOPICS = (
    "Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của {agency}",
    "Ban hành Quy chế phối hợp trong quản lý nhà nước về {field} trên địa bàn tỉnh",
    "Quy định mức thu, chế độ thu, nộp phí trong lĩnh vực {field}",
    "Quy định phân cấp quản lý nhà nước về {field} trên địa bàn tỉnh Lai Châu",
    "Bãi bỏ một số văn bản quy phạm pháp luật trong lĩnh vực {field}",
    "Sửa đổi, bổ sung một số điều của quy định về {field} trên địa bàn tỉnh",
)
INSPECTION_FINDINGS = (
    "Niêm yết công khai TTHC chưa đầy đủ; còn hồ sơ quá hạn chưa có văn bản xin lỗi.",
    "Thực hiện tốt cơ chế một cửa; tỷ lệ hồ sơ trực tuyến còn thấp.",
    "Chưa số hóa kết quả giải quyết TTHC theo quy định.",
    "Kế hoạch CCHC ban hành chậm; báo cáo định kỳ chưa đúng hạn.",
    "Không phát hiện tồn tại đáng kể.",
)


@dataclass
class KindResult:
    kind: str
    title: str
    rows: int
    created: int
    updated: int
    unchanged: int


@dataclass
class Summary:
    seed: int
    year: int
    kinds: list[KindResult] = field(default_factory=list)
    seconds: float = 0.0

    def rows(self, kind: str) -> int:
        return sum(k.rows for k in self.kinds if k.kind == kind)

    @property
    def dossiers(self) -> int:
        return self.rows("dossiers")

    @property
    def written(self) -> int:
        return sum(k.created + k.updated for k in self.kinds)


def run_name(seed: int, year: int) -> str:
    return f"dữ liệu mô phỏng (seed {seed}, năm {year})"


def generate(
    *, seed: int = 2022, year: int = 2022, dossiers: int = 300_000, progress: Progress | None = None
) -> Summary:
    """Generate (or, when already there, confirm) one synthetic year. Returns what each kind
    of data wrote; raises when the generator produces a row its importer rejects (a bug)."""
    return _Generator(seed=seed, year=year, dossiers=dossiers, progress=progress).run()


def write_dossier_file(
    path: Path,
    *,
    seed: int = 2022,
    year: int = 2022,
    dossiers: int = 300_000,
    months: Collection[int] | None = None,
) -> int:
    """For benchmarks: load the synthetic catalogue of `year` (as `generate` does; the
    dossiers name its procedures) and write the year's `dossiers` to a CSV at `path` as a
    one-stop system exports them (the importer's Vietnamese titles, dd/mm/yyyy hh:mm dates),
    instead of loading them. Same distributions as the demo's dossiers, so a benchmark
    measures a file shaped like a province's: a few procedures take most dossiers, each
    agency handles its own tier's. With `months` (1–12), every dossier is received in
    those months. Returns the number of rows written."""
    generator = _Generator(seed=seed, year=year, dossiers=dossiers, progress=None)
    _month_counts, parts = generator.dossier_months(generator.catalogue(), months)
    titles = {column.key: column.title for column in DossierImporter.columns}
    labels = {status.value: str(status.label) for status in DossierStatus}

    def when(moment: datetime | None) -> str:
        return "" if moment is None else moment.strftime("%d/%m/%Y %H:%M")

    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow([titles[key] for key in generator.DOSSIER_KEYS])
        for records in parts:
            for (code, procedure, agency, channel, received, due, finished, status, supplements,
                 supplement_days, fee, paid, digitised) in records:  # fmt: skip
                out.writerow(
                    [code, procedure, agency, channel, when(received), when(due), when(finished),
                     labels[status], supplements, supplement_days, fee, int(paid), int(digitised)]
                )  # fmt: skip
            written += len(records)
    return written


@dataclass
class _Procedure:
    code: str
    name: str
    field: str
    tier: str
    department: str  # code of the department for province-tier procedures, else ""
    eligible: bool
    has_fee: bool
    fee: int
    days: int
    levels: tuple[str, str]  # baseline year, this year
    payment: tuple[bool, bool]
    portal: tuple[bool, bool]

    def online(self, which: int) -> bool:
        return self.levels[which] in ("3", "4", "partial", "full")


class _Generator:
    def __init__(self, *, seed: int, year: int, dossiers: int, progress: Progress | None):
        self.seed, self.year, self.count = seed, year, dossiers
        if year > timezone.localdate().year:
            raise ValueError(f"Không sinh dữ liệu cho năm chưa đến ({year}).")
        self.rng = random.Random(seed)  # noqa: S311 — reproducible demo data, not security
        self.report = progress or (lambda percent, stage: None)
        self.summary = Summary(seed=seed, year=year)
        end_of_year = datetime(year, 12, 31, 23, 59, tzinfo=VN)
        self.as_of = min(
            end_of_year, timezone.now().astimezone(VN).replace(second=0, microsecond=0)
        )
        self.calendar = working_calendar()
        self.first_day, self.last_day = date(year, 1, 1), date(year, 12, 31)
        agencies = Agency.objects.exclude(level=AgencyLevel.PROVINCE).order_by("code")
        self.agencies = [  # every agency that ran at some time in the year
            agency for agency in agencies
            if (agency.valid_from is None or agency.valid_from <= self.last_day)
            and (agency.valid_to is None or agency.valid_to >= self.first_day)
        ]  # fmt: skip

    # --- the agencies' lives ----------------------------------------------------------------
    @staticmethod
    def runs_on(agency: Agency, day: date) -> bool:
        return (agency.valid_from is None or agency.valid_from <= day) and (
            agency.valid_to is None or agency.valid_to >= day
        )

    @staticmethod
    def life_within(agency: Agency, first: date, last: date) -> tuple[date, date] | None:
        """The days from `first` to `last` the agency ran, as (start, end); None if none."""
        start = max(first, agency.valid_from or first)
        end = min(last, agency.valid_to or last)
        return (start, end) if start <= end else None

    def day_in_life(self, agency: Agency, first: date, last: date) -> date | None:
        """A random day from `first` to `last` when the agency ran (a working day when there
        is one), for a record first drawn outside its agency's life."""
        life = self.life_within(agency, first, last)
        if life is None:
            return None
        start, end = life
        day = start + timedelta(days=self.rng.randint(0, (end - start).days))
        for candidate in (day + timedelta(days=step) for step in range(0, 8)):
            if candidate <= end and self.calendar.is_working_day(candidate):
                return candidate
        for candidate in (day - timedelta(days=step) for step in range(1, 8)):
            if candidate >= start and self.calendar.is_working_day(candidate):
                return candidate
        return day

    # --- plumbing ---------------------------------------------------------------------------
    def load(self, importer_class: type[Importer], keys: list[str], records: list[list]) -> None:
        """Run `records` (cells in the order of `keys`) through the importer as one
        synthetic run; the per-month dossier tables go through `load_parts`."""
        self.load_parts(importer_class, keys, [records], len(records))

    def load_parts(
        self,
        importer_class: type[Importer],
        keys: list[str],
        parts: Iterable[list[list]],
        total: int,
        on_part: Callable[[int], None] | None = None,
    ) -> None:
        importer = importer_class(scope=AgencyScope.everything())
        titles = {column.key: column.title for column in importer.columns}
        header = [titles[key] for key in keys]
        run = ImportRun.objects.create(
            kind=importer.kind, status=ImportStatus.RUNNING, synthetic=True,
            file_name=run_name(self.seed, self.year), started_at=timezone.now(),
            rows_total=total, stage="Sinh dữ liệu mô phỏng",
        )  # fmt: skip
        result = WriteResult()
        try:
            with transaction.atomic():
                for index, records in enumerate(parts):
                    if not records:  # e.g. no dossiers asked for, or a month not begun yet
                        continue
                    rows = importer.parse(Table(header=header, rows=records))
                    part = importer.write(rows, run=run)
                    result.created += part.created
                    result.updated += part.updated
                    result.unchanged += part.unchanged
                    result.affected.agency_ids |= part.affected.agency_ids
                    result.affected.months |= part.affected.months
                    result.affected.years |= part.affected.years
                    if on_part:
                        on_part(index)
            data_changed(run=run, result=result)
        except ImportRejected as exc:
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.FAILED, finished_at=timezone.now(),
                errors=[e.as_dict() for e in exc.errors[:50]],
            )  # fmt: skip
            first = exc.errors[0]
            raise RuntimeError(
                f"Bộ sinh dữ liệu tạo dòng không hợp lệ ({importer.kind}, dòng {first.row}, "
                f"cột “{first.column}”: {first.message})"
            ) from exc
        except BaseException:
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.FAILED, finished_at=timezone.now()
            )
            raise
        if not (result.created or result.updated):
            # A rerun of the same seed and year: nothing was written, so the run leaves no
            # record (the import list would otherwise grow with every `make demo`).
            ImportRun.objects.filter(pk=run.pk).delete()
        else:
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportStatus.DONE, progress=100, stage="Hoàn tất", finished_at=timezone.now(),
                rows_created=result.created, rows_updated=result.updated,
                rows_unchanged=result.unchanged,
            )  # fmt: skip
        self.summary.kinds.append(
            KindResult(importer.kind, importer.title, total, result.created, result.updated,
                       result.unchanged)
        )  # fmt: skip

    def run(self) -> Summary:
        started = time.perf_counter()
        self.report(0, "Danh mục thủ tục hành chính")
        procedures = self.catalogue()
        self.report(5, "Hồ sơ thủ tục hành chính")
        self.dossiers(procedures)
        self.report(88, "Hồ sơ công việc")
        self.work_records()
        self.report(92, "Văn bản QPPL và kết quả rà soát")
        self.legal_documents()
        self.report(95, "Kiểm tra cải cách hành chính")
        self.inspections()
        self.report(97, "Hệ thống thông tin và kết nối")
        self.systems()
        self.report(100, "Xong")
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    # --- the catalogue ----------------------------------------------------------------------
    def catalogue(self) -> list[_Procedure]:
        """About 2,000 procedures with the baseline year's and this year's entries."""
        rng = self.rng
        departments = list(DEPARTMENT_FIELDS)
        department_weights = [DEPARTMENT_FIELDS[d][0] for d in departments]
        tiers = rng.choices([t for t, _ in TIER_SHARES], [w for _, w in TIER_SHARES],
                            k=PROCEDURE_COUNT)  # fmt: skip
        procedures = []
        for number, tier in enumerate(tiers, start=1):
            department = ""
            if tier == "province":
                department = rng.choices(departments, department_weights)[0]
                field_name = rng.choice(DEPARTMENT_FIELDS[department][1])
            else:
                field_name = rng.choice(DISTRICT_FIELDS if tier == "district" else COMMUNE_FIELDS)
            name = f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)} lĩnh vực {field_name.lower()}"
            eligible = rng.random() < 0.85
            if eligible:
                before = rng.choices(["none", "2", "3", "4"], [15, 45, 28, 12])[0]
            else:
                before = rng.choices(["none", "2"], [70, 30])[0]
            now = before
            if eligible and before in ("none", "2") and rng.random() < UPGRADE[tier]:
                now = rng.choices(["3", "4"], [60, 40])[0]
            if now in ("3", "4") and rng.random() < 0.3:  # Decree 42/2022's new names
                now = {"3": "partial", "4": "full"}[now]
            has_fee = rng.random() < 0.4
            pay_before_share, pay_now_share = PAYMENT[tier]
            portal_before_share, portal_now_share = PORTAL[tier]
            roll_pay, roll_portal = rng.random(), rng.random()
            procedure = _Procedure(
                code=f"MP.{number:06d}", name=f"{name} (thủ tục mô phỏng {number})",
                field=field_name, tier=tier, department=department, eligible=eligible,
                has_fee=has_fee, fee=rng.choice(FEES) if has_fee else 0,
                days=rng.choices([d for d, _ in DAYS], [w for _, w in DAYS])[0],
                levels=(before, now), payment=(False, False), portal=(False, False),
            )  # fmt: skip
            # One roll per procedure for both years, so what was there stays there.
            procedure.payment = (
                has_fee and procedure.online(0) and roll_pay < pay_before_share,
                has_fee and procedure.online(1) and roll_pay < pay_now_share,
            )
            portal_before = procedure.online(0) and roll_portal < portal_before_share
            procedure.portal = (
                portal_before,
                procedure.online(1) and (portal_before or roll_portal < portal_now_share),
            )
            procedures.append(procedure)
        labels = {which: catalogue_labels(self.year - 1 + which) for which in (0, 1)}
        keys = ["year", "code", "name", "field", "authority_tier", "online_level",
                "eligible_online", "has_fee", "online_payment", "on_national_portal",
                "processing_days"]  # fmt: skip
        records = [
            [self.year - 1 + which, p.code, p.name, p.field, labels[which][p.tier],
             "" if p.levels[which] == "none" else p.levels[which],
             "Có" if p.eligible else "Không", "Có" if p.has_fee else "Không",
             "Có" if p.payment[which] else "Không", "Có" if p.portal[which] else "Không",
             p.days]
            for p in procedures
            for which in (0, 1)
        ]  # fmt: skip
        self.load(ProcedureImporter, keys, records)
        return procedures

    # --- dossiers ---------------------------------------------------------------------------
    DOSSIER_KEYS = ["code", "procedure", "agency", "channel", "received_at", "due_at",
                    "finished_at", "status", "supplement_count", "supplement_days", "fee",
                    "paid_online", "result_digitized"]  # fmt: skip

    def dossiers(self, procedures: list[_Procedure]) -> None:
        month_counts, parts = self.dossier_months(procedures)
        done, last_month = 0, len(month_counts)

        def on_part(index: int) -> None:
            nonlocal done
            done += month_counts[index]
            if index < last_month - 1:
                self.report(5 + 60 * done // max(self.count, 1),
                            f"Hồ sơ thủ tục hành chính: {done:,}".replace(",", "."))  # fmt: skip
            else:
                self.report(65, "Tổng hợp hồ sơ theo tháng, tính lại chỉ số")

        self.load_parts(DossierImporter, self.DOSSIER_KEYS, parts, self.count, on_part=on_part)

    def dossier_months(
        self, procedures: list[_Procedure], months: Collection[int] | None = None
    ) -> tuple[list[int], Iterable[list]]:
        """How many dossiers each month of the year up to `as_of` receives, and the months'
        records (cells in the order of DOSSIER_KEYS), generated one month at a time; with
        `months`, all the dossiers are received in those months (numbers 1–12)."""
        rng, agencies = self.rng, self.agencies
        pools: dict[str, tuple[list[_Procedure], list[float]]] = {}

        def pool(members: list[_Procedure]) -> tuple[list[_Procedure], list[float]]:
            # A few procedures take most dossiers (Zipf-like), in a random order per pool.
            members = members[:]
            rng.shuffle(members)
            return members, list(accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(members))))

        for department in DEPARTMENT_FIELDS:
            pools[department] = pool([p for p in procedures if p.department == department])
        pools["district"] = pool([p for p in procedures if p.tier == "district"])
        pools["commune"] = pool([p for p in procedures if p.tier == "commune"])
        fallback = pool([p for p in procedures if p.tier == "province"])

        habits = {}
        for agency in agencies:
            online, digitised, paid = HABITS[AgencyLevel(agency.level)]
            habits[agency.pk] = (
                rng.uniform(*online), rng.uniform(0.82, 0.995), rng.uniform(*digitised),
                rng.uniform(*paid), rng.uniform(0.0, 0.012),
            )  # fmt: skip
        weights_of = [LEVEL_VOLUME[AgencyLevel(a.level)] * rng.uniform(0.5, 1.6) for a in agencies]
        weights_of = self.inherited_volume(weights_of)
        last_month = self.as_of.month
        month_counts = [0] * 12
        weights = [
            share if months is None or number in months else 0
            for number, share in enumerate(MONTH_VOLUME[:last_month], start=1)
        ]
        if not any(weights):
            raise ValueError(
                f"Không sinh được hồ sơ trong tháng {sorted(months or ())} năm {self.year} "
                "(tháng không hợp lệ hoặc chưa đến)."
            )
        for month in rng.choices(range(last_month), weights, k=self.count):
            month_counts[month] += 1

        def parts():
            for month in range(1, last_month + 1):
                # The agencies that ran in the month, each with its volume (the whole list,
                # in code order, for a month without a change).
                first, last = self.month_bounds(month)
                running = [i for i, a in enumerate(agencies) if self.life_within(a, first, last)]
                volume = list(accumulate(weights_of[i] for i in running))
                yield self._month_of_dossiers(
                    month, month_counts[month - 1], [agencies[i] for i in running], volume,
                    pools, fallback, habits,
                )  # fmt: skip

        return month_counts[:last_month], parts()

    def inherited_volume(self, weights: list[float]) -> list[float]:
        """A unit formed during the year takes over its predecessors' volume (a new commune
        the dossiers of the communes it merged and its share of a dissolved district's, by the
        links' weights), so the province's dossiers do not pile onto the departments when the
        districts end. Nothing changes in a year without a change."""
        index = {agency.pk: i for i, agency in enumerate(self.agencies)}
        formed = {
            agency.pk
            for agency in self.agencies
            if agency.valid_from is not None and agency.valid_from > self.first_day
        }
        if not formed:
            return weights
        links = list(
            AgencySuccession.objects.filter(
                successor_id__in=formed, predecessor_id__in=list(index)
            ).values_list("predecessor_id", "successor_id", "weight")
        )
        totals: dict[int, int] = {}
        for old, _new, weight in AgencySuccession.objects.filter(
            predecessor_id__in={old for old, _, _ in links}
        ).values_list("predecessor_id", "successor_id", "weight"):
            totals[old] = totals.get(old, 0) + (weight or 1)
        weights = weights[:]
        for old, new, weight in sorted(links):
            weights[index[new]] += weights[index[old]] * (weight or 1) / totals[old]
        return weights

    def month_bounds(self, month: int) -> tuple[date, date]:
        """The first and last day of `month` of the year (the last not after `as_of`)."""
        first = date(self.year, month, 1)
        last = (date(self.year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        return first, min(last, self.as_of.date())

    def _month_of_dossiers(
        self, month, count, agencies, volume, pools, fallback, habits
    ) -> list[list]:
        rng, calendar, as_of = self.rng, self.calendar, self.as_of
        first, last = self.month_bounds(month)
        all_days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        working_days = [d for d in all_days if calendar.is_working_day(d)] or all_days
        # An agency that ran part of the month receives dossiers on its days only.
        partial: dict[int, tuple[list[date], list[date]]] = {}
        for agency in agencies:
            life = self.life_within(agency, first, last)
            assert life is not None  # the caller passes the agencies that ran in the month
            start, end = life
            if (start, end) != (first, last):
                days = [d for d in all_days if start <= d <= end]
                partial[agency.pk] = (days, [d for d in days if d in working_days] or days)
        growth = 0.015 * (month - 1)  # online use and digitisation improve through the year
        top = volume[-1]
        generated = []
        for _ in range(count):
            agency = agencies[bisect_right(volume, rng.random() * top)]
            online_habit, on_time_habit, digitised_habit, paid_habit, stuck = habits[agency.pk]
            if agency.level == AgencyLevel.DEPARTMENT:
                members, weights = pools.get(agency.code) or fallback
                if not members:
                    members, weights = fallback
            else:
                members, weights = pools[TIER_OF[agency.level]]
            procedure = members[bisect_right(weights, rng.random() * weights[-1])]
            online = procedure.online(1) and rng.random() < min(0.95, online_habit + growth)
            any_day, work_day = partial.get(agency.pk, (all_days, working_days))
            if online:
                channel = 2
                day = rng.choice(any_day)
                received = datetime(day.year, day.month, day.day, rng.randint(6, 22),
                                    rng.randrange(60), tzinfo=VN)  # fmt: skip
            else:
                channel = 3 if rng.random() < 0.05 else 1
                day = rng.choice(work_day)
                received = datetime(day.year, day.month, day.day, rng.randint(7, 16),
                                    rng.randrange(0, 60, 5), tzinfo=VN)  # fmt: skip
            if received > as_of:
                received = as_of
            start = calendar.receipt_day(received)
            days = procedure.days
            due_day = calendar.add_working_days(start, days)
            due = datetime(due_day.year, due_day.month, due_day.day, 17, tzinfo=VN)
            roll = rng.random()
            supplements, supplement_days = 0, 0
            if roll < 0.01:
                supplements, supplement_days = 2, rng.randint(2, 8)
            elif roll < 0.08:
                supplements, supplement_days = 1, rng.randint(1, 5)
            outcome = rng.random()
            finished = None
            if outcome < 0.015:
                status = "withdrawn"
                finished = min(
                    as_of, received + timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 6))
                )
            elif outcome < 0.015 + stuck:
                status = rng.choice(("processing", "paused"))  # stuck: overdue at the year's end
            else:
                if rng.random() < 0.02:
                    status, extra = "rejected", rng.randint(0, min(3, days))
                elif supplements > 1 or rng.random() > on_time_habit:
                    status, extra = "done", days + supplement_days + rng.randint(1, 12)
                else:
                    status, extra = "done", rng.randint(0, days + supplement_days)
                end_day = calendar.add_working_days(start, extra)
                finished = datetime(end_day.year, end_day.month, end_day.day, rng.randint(8, 16),
                                    rng.randrange(60), tzinfo=VN)  # fmt: skip
                finished = max(finished, received + timedelta(minutes=30))
                if finished > as_of:  # still open at the end of the period
                    status, finished = ("supplement" if supplements else "processing"), None
            fee = procedure.fee if procedure.has_fee and rng.random() > 0.08 else 0
            paid = False
            if fee and procedure.payment[1]:
                paid = rng.random() < min(0.95, paid_habit * (1.5 if online else 0.2))
            digitised = status == "done" and rng.random() < min(0.95, digitised_habit + growth)
            generated.append(
                (agency.code, received, procedure.code, channel, due, finished, status,
                 supplements, supplement_days, fee, paid, digitised)
            )  # fmt: skip
        # Codes as a one-stop desk issues them: <agency>-YYMMDD-NNNN, numbered in order of
        # receipt within the agency and the day.
        generated.sort(key=lambda g: (g[0], g[1]))
        records, previous, number = [], None, 0
        for agency_code, received, *rest in generated:
            day_key = (agency_code, received.date())
            number = number + 1 if day_key == previous else 1
            previous = day_key
            code = f"{agency_code}-{received:%y%m%d}-{number:04d}"
            (procedure_code, channel, due, finished, status, supplements, supplement_days, fee,
             paid, digitised) = rest  # fmt: skip
            records.append(
                [code, procedure_code, agency_code, channel, received, due, finished, status,
                 supplements, supplement_days, fee, paid, digitised]
            )  # fmt: skip
        return records

    # --- work records, legal documents, inspections, systems ----------------------------------
    def work_records(self) -> None:
        rng = self.rng
        ranges = {
            AgencyLevel.DEPARTMENT: ((80, 400), (0.35, 0.7)),
            AgencyLevel.DISTRICT: ((150, 600), (0.2, 0.5)),
            AgencyLevel.COMMUNE: ((10, 90), (0.1, 0.4)),
        }
        records = []
        for agency in self.agencies:
            (low, high), share_range = ranges[AgencyLevel(agency.level)]
            share = rng.uniform(*share_range)
            for month in range(1, self.as_of.month + 1):
                if not self.runs_on(agency, self.month_bounds(month)[1]):
                    continue  # the month's record is the unit's that runs at its end
                total = rng.randint(low, high)
                monthly = max(0.0, min(0.98, share + 0.015 * month + rng.uniform(-0.04, 0.04)))
                records.append(
                    [agency.code, f"{month:02d}/{self.year}", total, int(total * monthly)]
                )
        self.load(WorkRecordImporter, ["agency", "month", "total", "online"], records)

    def legal_documents(self) -> None:
        rng, year, today = self.rng, self.year, self.as_of.date()
        departments = [a for a in self.agencies if a.level == AgencyLevel.DEPARTMENT]
        districts = [a for a in self.agencies if a.level == AgencyLevel.DISTRICT]
        numbers = {"Quyết định": 0, "Nghị quyết": 0, "Chỉ thị": 0}
        symbols = {"Quyết định": "QĐ-UBND", "Nghị quyết": "NQ-HĐND", "Chỉ thị": "CT-UBND"}
        findings, weights = [f for f, _ in FINDINGS], [w for _, w in FINDINGS]
        drafts = []
        for _ in range(60):
            issuer = rng.choice(districts) if rng.random() < 0.12 else rng.choice(departments)
            kind = rng.choices(list(numbers), [75, 20, 5])[0]
            issued = date(year, rng.randint(1, 12), rng.randint(1, 28))
            if not self.runs_on(issuer, issued):  # issued while the issuer ran
                found = self.day_in_life(issuer, self.first_day, self.last_day)
                assert found is not None  # every agency of the list ran some day of the year
                issued = found
            drafts.append((issued, issuer, kind))
        drafts.sort(key=lambda d: (d[0], d[1].code))
        records = []
        for issued, issuer, kind in drafts:
            if issued > today:
                continue
            numbers[kind] += 1
            fields = DEPARTMENT_FIELDS.get(issuer.code, (0, ("quản lý nhà nước",)))[1]
            topic = rng.choice(DOCUMENT_TOPICS).format(
                agency=issuer.name, field=rng.choice(fields).lower()
            )
            row = [issuer.code, f"{numbers[kind]}/{year}/{symbols[kind]}", kind, topic,
                   f"{issued:%d/%m/%Y}", "", "", "", ""]  # fmt: skip
            reviewed = issued + timedelta(days=rng.randint(5, 75))
            if rng.random() < 0.88 and reviewed <= today:
                finding = rng.choices(findings, weights)[0]
                row[5], row[6] = f"{reviewed:%d/%m/%Y}", finding
                if finding in HANDLING:
                    handled = reviewed + timedelta(days=rng.randint(10, 90))
                    if handled <= today and rng.random() < 0.75:
                        row[7], row[8] = HANDLING[finding], f"{handled:%d/%m/%Y}"
            records.append(row)
        keys = ["agency", "number", "doc_type", "title", "issued_on", "reviewed_on", "finding",
                "handling", "handled_on"]  # fmt: skip
        self.load(LegalDocumentImporter, keys, records)

    def inspections(self) -> None:
        """Departments and districts (about 35%, target 1) and a few communes."""
        rng, year, today = self.rng, self.year, self.as_of.date()
        pool = [
            a for a in self.agencies if a.level in (AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT)
        ]
        communes = [a for a in self.agencies if a.level == AgencyLevel.COMMUNE]
        chosen = rng.sample(pool, k=round(len(pool) * 0.35)) + rng.sample(
            communes, k=round(len(communes) * 0.05)
        )
        records = []
        for number, agency in enumerate(sorted(chosen, key=lambda a: a.code), start=1):
            day = date(year, rng.randint(3, 11), rng.randint(1, 28))
            while not self.calendar.is_working_day(day):
                day += timedelta(days=1)
            if not self.runs_on(agency, day):  # inspected while it ran
                found = self.day_in_life(agency, date(year, 3, 1), date(year, 11, 30))
                if found is None:
                    continue
                day = found
            if day > today:
                continue
            team = (
                f"Đoàn kiểm tra CCHC của UBND tỉnh (Quyết định số {number}/QĐ-UBND)"
                if agency.level != AgencyLevel.COMMUNE
                else "Đoàn kiểm tra CCHC của UBND cấp huyện"
            )
            records.append([agency.code, f"{day:%d/%m/%Y}", team,
                            "Có" if rng.random() < 0.6 else "Không",
                            "Có" if rng.random() < 0.5 else "Không",
                            rng.choice(INSPECTION_FINDINGS)])  # fmt: skip
        keys = ["agency", "inspected_on", "team", "covers_organisation", "covers_discipline",
                "findings"]  # fmt: skip
        self.load(IMPORTERS[ImportKind.INSPECTIONS], keys, records)  # registered from above

    def systems(self) -> None:
        """The three systems target 7 counts and their four required connections: the
        portal was connected before the year, two connections come mid-year, one is missing."""
        rng, year, today = self.rng, self.year, self.as_of.date()
        codes = ("MP-CONG-DVC", "MP-MOT-CUA", "MP-BAO-CAO")
        set_by = set(
            InformationSystem.objects.filter(
                code__in=codes, import_run__synthetic=True
            ).values_list("import_run__file_name", flat=True)
        )
        if set_by - {run_name(self.seed, year)}:
            # Another synthetic year set the systems (the demo's 2022): they are the
            # province's, connected once; a later year keeps them as they are, so its figures
            # and the first year's stay what each generated.
            self.summary.kinds.append(
                KindResult(SystemImporter.kind, SystemImporter.title, 0, 0, 0, 0)
            )
            return
        running = {a.code for a in self.agencies if self.runs_on(a, today)}
        office = "12-VPUB" if "12-VPUB" in running else None
        # Sở TT&TT ran the systems until it merged into Sở KH&CN (01/03/2025).
        technical = next((c for c in ("12-STTTT", "12-SKHCN") if c in running), office)
        office = office or self.agencies[0].code
        technical = technical or office

        def day(y: int, months: tuple[int, int]) -> str:
            moment = date(y, rng.randint(*months), rng.randint(1, 28))
            return f"{moment:%d/%m/%Y}" if moment <= today else ""

        portal = "Cổng dịch vụ công của tỉnh"
        one_stop = "Hệ thống thông tin một cửa điện tử"
        reporting = "Hệ thống thông tin báo cáo của tỉnh"
        records = [
            ["MP-CONG-DVC", "Cổng dịch vụ công tỉnh Lai Châu (mô phỏng)", portal, office,
             "Cổng DVC quốc gia", day(year - 1, (3, 10))],
            ["MP-MOT-CUA", "Hệ thống thông tin một cửa điện tử tỉnh Lai Châu (mô phỏng)",
             one_stop, technical, "Cổng DVC quốc gia", day(year, (4, 8))],
            ["MP-MOT-CUA", "Hệ thống thông tin một cửa điện tử tỉnh Lai Châu (mô phỏng)",
             one_stop, technical, "Hệ thống báo cáo quốc gia", ""],
            ["MP-BAO-CAO", "Hệ thống thông tin báo cáo tỉnh Lai Châu (mô phỏng)", reporting,
             office, "Hệ thống báo cáo quốc gia", day(year, (5, 10))],
        ]  # fmt: skip
        keys = ["code", "name", "kind", "owner", "target", "connected_on"]
        self.load(SystemImporter, keys, records)
