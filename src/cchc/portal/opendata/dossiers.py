"""The dossier-level facts (dữ liệu hồ sơ) of a published year, as Parquet partitioned by the
year and month of receipt (hive style: `nam=2022/thang=03/part-0.parquet`), zipped per year.

Which dossiers: those of the months a public FIGURES release of the year's plan covers
(January to its `through`), that is every dossier received in those months and every dossier
received earlier and finished in them (the on-time rate and digitisation count a dossier in
its month of end of processing); synthetic import runs are left out. What of them: facts only —
procedure, agency, channel, dates, status, supplements, the on-time verdict computed on import,
fee, payment, digitisation. No applicant, no name, no identity number, and not the dossier's
own code (it finds the dossier, and its applicant, on the one-stop portal): each row has a
record number that means nothing outside this file.

Nothing after the published months: a dossier that ended after the last published month is
shown as it stood at that month's end — still being processed, no end date, no verdict.

The rows are read from the database with a server-side cursor and written `CHUNK` at a time,
each chunk to new part files of its months, so the memory used is bounded by a chunk, not by
the year (measured in docs/open-data.md)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from cchc.core.tabular.parse import ZONE
from cchc.operations.models import (
    Dossier,
    DossierStatus,
    ImportKind,
    ImportRun,
    ImportStatus,
    Procedure,
    ProcedureSnapshot,
)
from cchc.organizations.models import Agency
from cchc.portal.models import Release
from cchc.portal.opendata import files
from cchc.portal.opendata.tables import BOOLEAN, INTEGER, TEXT, Column, latest_figures

CHUNK = 50_000
SLUG = "ho-so"
TITLE = "Dữ liệu hồ sơ thủ tục hành chính (không có thông tin cá nhân)"
DESCRIPTION = (
    "Từng hồ sơ thủ tục hành chính của các tháng đã công bố số liệu: thủ tục, cơ quan, kênh, "
    "các ngày tiếp nhận, hẹn trả, kết thúc xử lý, trạng thái, bổ sung, đúng hạn, phí, thanh "
    "toán trực tuyến, số hóa kết quả. Không có tên, số giấy tờ hay thông tin nào về người nộp. "
    "Tệp Parquet chia thư mục theo năm và tháng tiếp nhận (nam=YYYY/thang=MM)."
)
DATETIME = (pl.Datetime("us"), "timestamp", "ngày giờ, giờ Việt Nam (yyyy-mm-dd hh:mm:ss)")
SMALL = (pl.Int16, "int16", "số nguyên")
CHANNEL = (pl.Int8, "int8", "số nguyên")
COLUMNS = (
    Column("ma_ban_ghi", INTEGER, "Số thứ tự bản ghi trong hệ thống (không phải mã hồ sơ, không dùng tra cứu được hồ sơ)."),
    Column("ma_thu_tuc", TEXT, "Mã thủ tục hành chính (Cơ sở dữ liệu quốc gia về TTHC)."),
    Column("ma_co_quan", TEXT, "Mã cơ quan giải quyết (bảng co-quan)."),
    Column("cap_co_quan", TEXT, "Cấp của cơ quan: province, department, district, commune."),
    Column("kenh", CHANNEL, "Kênh thực hiện (KenhThucHien): 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích."),
    Column("ngay_tiep_nhan", DATETIME, "Ngày giờ tiếp nhận (NgayTiepNhan)."),
    Column("ngay_hen_tra", DATETIME, "Ngày giờ hẹn trả kết quả (NgayHenTra)."),
    Column("ngay_ket_thuc_xu_ly", DATETIME, "Ngày giờ kết thúc xử lý (NgayKetThucXuLy); trống khi chưa kết thúc đến hết tháng cuối đã công bố."),
    Column("trang_thai", TEXT, "Trạng thái: received, processing, supplement, paused, done (đã giải quyết), rejected (từ chối), withdrawn (công dân rút)."),
    Column("so_lan_bo_sung", SMALL, "Số lần yêu cầu bổ sung hồ sơ.", "lần"),
    Column("so_ngay_cho_bo_sung", SMALL, "Số ngày làm việc chờ công dân bổ sung (không tính vào thời hạn).", "ngày làm việc"),
    Column("dung_han", BOOLEAN, "Giải quyết đúng hạn (tính khi nạp theo Nghị định 61/2018, 107/2021: ngày làm việc, ngày lễ); trống khi chưa kết thúc hoặc không xác định được hạn."),
    Column("phi_le_phi", INTEGER, "Phí, lệ phí của hồ sơ.", "đồng"),
    Column("thanh_toan_truc_tuyen", BOOLEAN, "Đã thanh toán phí, lệ phí trực tuyến."),
    Column("thu_tuc_co_thanh_toan_truc_tuyen", BOOLEAN, "Thủ tục đã triển khai thanh toán trực tuyến theo danh mục thủ tục của năm tiếp nhận."),
    Column("ket_qua_so_hoa", BOOLEAN, "Kết quả giải quyết được số hóa; trống khi chưa kết thúc đến hết tháng cuối đã công bố."),
)  # fmt: skip
PARTITIONS = (
    Column("nam", INTEGER, "Năm tiếp nhận (thư mục nam=YYYY)."),
    Column("thang", INTEGER, "Tháng tiếp nhận (thư mục thang=MM)."),
)

_FIELDS = (
    "pk", "procedure_id", "agency_id", "channel", "received_at", "due_at", "finished_at",
    "status", "supplement_count", "supplement_days", "finished_on_time", "fee", "paid_online",
    "result_digitized",
)  # fmt: skip
_UTC = pl.Datetime("us", "UTC")
_SCHEMA: list[tuple[str, pl.DataType | type[pl.DataType]]] = [
    ("ma_ban_ghi", pl.Int64), ("procedure_id", pl.Int64), ("agency_id", pl.Int64),
    ("kenh", pl.Int8), ("ngay_tiep_nhan", _UTC), ("ngay_hen_tra", _UTC),
    ("ngay_ket_thuc_xu_ly", _UTC), ("trang_thai", pl.String), ("so_lan_bo_sung", pl.Int16),
    ("so_ngay_cho_bo_sung", pl.Int16), ("dung_han", pl.Boolean), ("phi_le_phi", pl.Int64),
    ("thanh_toan_truc_tuyen", pl.Boolean), ("ket_qua_so_hoa", pl.Boolean),
]  # fmt: skip


@dataclass(frozen=True)
class Window:
    """The published months of a year: [start, end) in Vietnam time, and the release."""

    release: Release
    start: datetime
    end: datetime

    @property
    def months(self) -> list[date]:
        through = self.release.through
        assert through is not None, "a figures release has its month (Release's constraint)"
        return [date(self.start.year, m, 1) for m in range(1, through.month + 1)]


def window(year: int) -> Window | None:
    release = latest_figures(year)
    if release is None:
        return None
    zone = timezone.get_default_timezone()
    through = release.through
    assert through is not None, "a figures release has its month (Release's constraint)"
    end = datetime(through.year + through.month // 12, through.month % 12 + 1, 1)
    return Window(
        release,
        timezone.make_aware(datetime(year, 1, 1), zone),
        timezone.make_aware(end, zone),
    )


def _batches(w: Window, size: int) -> Iterator[list[tuple]]:
    """The dossiers of the window, earliest receipt first, `size` rows at a time: the
    carried-over ones (received before January, finished in the window), then those received
    in the window. Read with the database's own cursor (server-side on PostgreSQL), not model
    rows: Django's per-row conversion was half of the export's time."""
    real = Dossier.objects.filter(import_run__synthetic=False)
    carried = real.filter(
        received_at__lt=w.start, finished_at__gte=w.start, finished_at__lt=w.end
    ).order_by("received_at", "pk")
    inside = real.filter(received_at__gte=w.start, received_at__lt=w.end).order_by(
        "received_at", "pk"
    )
    for qs in (carried, inside):
        sql, params = qs.values_list(*_FIELDS).query.sql_with_params()
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(size):
                yield batch


def _lookups(year: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    procedures = pl.DataFrame(
        list(Procedure.objects.values_list("pk", "code")),
        schema=[("procedure_id", pl.Int64), ("ma_thu_tuc", pl.String)], orient="row",
    )  # fmt: skip
    agencies = pl.DataFrame(
        list(Agency.objects.values_list("pk", "code", "level")),
        schema=[("agency_id", pl.Int64), ("ma_co_quan", pl.String), ("cap_co_quan", pl.String)],
        orient="row",
    )  # fmt: skip
    payment = pl.DataFrame(
        list(
            ProcedureSnapshot.objects.filter(year__lte=year, online_payment=True).values_list(
                "procedure_id", "year"
            )
        ),
        schema=[("procedure_id", pl.Int64), ("nam", pl.Int32)],
        orient="row",
    ).with_columns(thu_tuc_co_thanh_toan_truc_tuyen=pl.lit(True))
    return procedures, agencies, payment


def _utc(name: str, values) -> pl.Series:
    """A column of moments in UTC: PostgreSQL gives aware datetimes, SQLite naive ones in
    UTC (Django stores them so)."""
    series = pl.Series(name, values, strict=False)
    if series.dtype == pl.Null:
        return series.cast(_UTC)
    if series.dtype == pl.String:
        return series.str.to_datetime(time_unit="us", time_zone="UTC")
    series = series.dt.cast_time_unit("us")
    dtype = series.dtype
    assert isinstance(dtype, pl.Datetime)  # cast_time_unit took it as moments
    if dtype.time_zone is None:
        return series.dt.replace_time_zone("UTC")
    return series.dt.convert_time_zone("UTC")


def _local(name: str) -> pl.Expr:
    return pl.col(name).dt.convert_time_zone(ZONE).dt.replace_time_zone(None)


def facts(chunk: list[tuple], w: Window, lookups) -> pl.DataFrame:
    """One chunk of dossiers as the published columns plus `nam` and `thang`."""
    procedures, agencies, payment = lookups
    frame = pl.DataFrame([
        _utc(name, values) if dtype == _UTC else pl.Series(name, values, dtype=dtype, strict=False)
        for (name, dtype), values in zip(_SCHEMA, zip(*chunk, strict=True), strict=True)
    ])  # fmt: skip
    ended = [DossierStatus.DONE.value, DossierStatus.REJECTED.value, DossierStatus.WITHDRAWN.value]
    frame = frame.with_columns(
        _local("ngay_tiep_nhan"),
        _local("ngay_hen_tra"),
        _local("ngay_ket_thuc_xu_ly"),
    )
    later = pl.col("ngay_ket_thuc_xu_ly") >= pl.lit(w.end.replace(tzinfo=None))
    frame = frame.with_columns(
        # What happened after the published months is not published yet.
        pl.when(later).then(None).otherwise(pl.col("ngay_ket_thuc_xu_ly")).alias("ngay_ket_thuc_xu_ly"),
        pl.when(later).then(None).otherwise(pl.col("dung_han")).alias("dung_han"),
        pl.when(later).then(None).otherwise(pl.col("ket_qua_so_hoa")).alias("ket_qua_so_hoa"),
        pl.when(later & pl.col("trang_thai").is_in(ended))
        .then(pl.lit(DossierStatus.PROCESSING.value)).otherwise(pl.col("trang_thai")).alias("trang_thai"),
    ).with_columns(
        nam=pl.col("ngay_tiep_nhan").dt.year().cast(pl.Int32),
        thang=pl.col("ngay_tiep_nhan").dt.month().cast(pl.Int8),
    )  # fmt: skip
    frame = (
        frame.join(procedures, on="procedure_id", how="left")
        .join(agencies, on="agency_id", how="left")
        .join(payment, on=["procedure_id", "nam"], how="left")
        .with_columns(pl.col("thu_tuc_co_thanh_toan_truc_tuyen").fill_null(False))
    )
    return frame.select([c.name for c in COLUMNS] + ["nam", "thang"])


def dictionary() -> list[dict]:
    return [c.describe() for c in (*COLUMNS, *PARTITIONS)]


def metadata(year: int, w: Window, url: str) -> dict:
    return {
        "bang": SLUG,
        "tieu_de": TITLE,
        "mo_ta": DESCRIPTION,
        "nam": year,
        "thang_da_cong_bo": [m.strftime("%Y-%m") for m in w.months],
        "nguon": (
            f"Hồ sơ thủ tục hành chính nạp vào hệ thống (không gồm dữ liệu mô phỏng), các tháng "
            f"01–{w.release.through:%m/%Y} đã công bố số liệu; số liệu như đang lưu vào lúc xuất."
        ),
        "don_vi_cong_bo": files.publisher(),
        "giay_phep": files.LICENCE["name"],
        "giay_phep_ten": files.LICENCE["title"],
        "giay_phep_url": files.LICENCE["url"],
        "ghi_nguon": files.attribution(),
        "dia_chi": url,
        "tu_dien_du_lieu": dictionary(),
    }


def write_partitions(year: int, out: Path, *, url: str = "", chunk: int = CHUNK) -> int:
    """Write the year's dossier facts under `out` (nam=YYYY/thang=MM/part-N.parquet) and the
    dictionary beside them; the number of rows written. Nothing published: 0, nothing written."""
    w = window(year)
    if w is None:
        return 0
    meta = metadata(year, w, url)
    kv = files.parquet_metadata(meta)
    lookups = _lookups(year)
    parts: dict[tuple[int, int], int] = {}
    total = 0
    for batch in _batches(w, chunk):
        frame = facts(batch, w, lookups)
        del batch
        for (nam, thang), piece in frame.group_by(["nam", "thang"], maintain_order=True):
            folder = out / f"nam={nam}" / f"thang={thang:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            number = parts.get((nam, thang), 0)
            parts[(nam, thang)] = number + 1
            piece.drop("nam", "thang").write_parquet(folder / f"part-{number}.parquet", metadata=kv)
        total += frame.height
    out.mkdir(parents=True, exist_ok=True)
    meta["so_dong"] = total
    (out / "tu-dien-du-lieu.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return total


def _stamp(w: Window) -> str:
    """What the year's file depends on: the release, and the dossier data (the last dossier
    written and the last import run of dossiers that changed any). A run that was refused,
    failed or found nothing new changed no dossier: counted, every refused push of the
    one-stop system made the next download wait for the whole year to be rebuilt."""
    runs = (
        ImportRun.objects.filter(kind=ImportKind.DOSSIERS, status=ImportStatus.DONE)
        .exclude(rows_created=0, rows_updated=0)
        .aggregate(pk=Max("pk"), at=Max("updated_at"))
    )
    last = Dossier.objects.aggregate(pk=Max("pk"))["pk"]
    key = f"{w.release.pk}:{w.release.through}:{runs['pk']}:{runs['at']}:{last}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "opendata"


def _zip_path(year: int, w: Window) -> Path:
    return cache_dir() / f"{SLUG}-{year}-{_stamp(w)}.zip"


def expected_zip(year: int) -> Path | None:
    """Where the year's zip for the data as they are now is (or will be) kept; None when the
    year has no public FIGURES release."""
    w = window(year)
    return None if w is None else _zip_path(year, w)


def year_zip(year: int, *, url: str = "") -> Path | None:
    """The year's dossier facts zipped (partitions and dictionary), built once per state of
    the data and kept on disk; None when the year has no public FIGURES release. Building a
    million dossiers takes tens of seconds: the page asks the background worker for it
    (`tasks.build_dossier_zip`) rather than building it in a request."""
    w = window(year)
    if w is None:
        return None
    target = _zip_path(year, w)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        tree = Path(scratch) / SLUG
        write_partitions(year, tree, url=url)
        tree.mkdir(parents=True, exist_ok=True)
        partial = Path(scratch) / "partial.zip"
        # Parquet is compressed already: stored, not deflated again.
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            for path in sorted(tree.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(tree).as_posix())
        os.replace(partial, target)
    for old in target.parent.glob(f"{SLUG}-{year}-*.zip"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
