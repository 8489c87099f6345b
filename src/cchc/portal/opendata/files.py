"""One published table written in one format, with the licence and the data dictionary inside
where the format has room for them: Parquet's key-value metadata, the JSON envelope, the XLSX
sheet "Thông tin". A CSV holds the data alone (UTF-8 with a BOM so that Excel reads the
Vietnamese); its licence travels in the response's `Link` header and in the catalogue.

The values are the same in every format (Polars writes CSV, JSON and Parquet; the project's
Excel writer `core.xlsx` the XLSX). Text that a spreadsheet would read as a formula is kept as
text: in the XLSX as a text cell, in the CSV behind an apostrophe (`core.xlsx`, the project's
rule for every export)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.conf import settings

from cchc.core.xlsx import (
    GENERAL,
    ISO_DAY,
    XLSX_TYPE,
    Book,
    Column,
    Styled,
    csv_safe_frame,
)
from cchc.organizations.models import Agency, AgencyLevel
from cchc.portal.opendata.tables import Built, Table

# The open licence every file is published under (Creative Commons Attribution 4.0): anyone may
# copy, reshape and reuse the data, commercially too, naming the source.
LICENCE = {
    "name": "CC BY 4.0",
    "title": "Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}


@dataclass(frozen=True)
class Format:
    extension: str
    media_type: str
    title: str


FORMATS = {
    "csv": Format("csv", "text/csv; charset=utf-8", "CSV (UTF-8, có BOM)"),
    "xlsx": Format("xlsx", XLSX_TYPE, "Excel (XLSX)"),
    "json": Format("json", "application/json", "JSON"),
    "parquet": Format("parquet", "application/vnd.apache.parquet", "Apache Parquet"),
}


def publisher() -> str:
    """The province that publishes (the agency at the top of the tree)."""
    name = Agency.objects.filter(level=AgencyLevel.PROVINCE).values_list("name", flat=True).first()
    return name or "UBND tỉnh"


def attribution(name: str | None = None) -> str:
    return (
        f"Nguồn: {name or publisher()} — dữ liệu mở về cải cách hành chính, giấy phép {LICENCE['name']} "
        f"({LICENCE['url']})."
    )


def metadata(table: Table, year: int, built: Built, url: str) -> dict[str, Any]:
    """What every file says about itself (the JSON envelope; Parquet and XLSX carry the same)."""
    return {
        "bang": table.slug,
        "tieu_de": table.title,
        "mo_ta": table.description,
        "nam": year,
        "nguon": built.source,
        "don_vi_cong_bo": publisher(),
        "ngay_cap_nhat": built.modified.isoformat(),
        "giay_phep": LICENCE["name"],
        "giay_phep_ten": LICENCE["title"],
        "giay_phep_url": LICENCE["url"],
        "ghi_nguon": attribution(),
        "dia_chi": url,
        "so_dong": built.frame.height,
        "tu_dien_du_lieu": table.dictionary(),
    }


def write_csv(frame: pl.DataFrame, meta: dict) -> bytes:
    return csv_safe_frame(frame).write_csv(include_bom=True).encode("utf-8")


def write_json(frame: pl.DataFrame, meta: dict) -> bytes:
    envelope = {**meta, "du_lieu": json.loads(frame.write_json())}
    return json.dumps(envelope, ensure_ascii=False, indent=1).encode("utf-8")


def parquet_metadata(meta: dict) -> dict[str, str]:
    """Parquet key-value metadata: strings only, the dictionary as JSON."""
    return {
        key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        for key, value in meta.items()
    }


def write_parquet(frame: pl.DataFrame, meta: dict) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, metadata=parquet_metadata(meta))
    return buffer.getvalue()


ABOUT = (
    ("Năm", "nam"), ("Nguồn", "nguon"), ("Đơn vị công bố", "don_vi_cong_bo"),
    ("Ngày cập nhật", "ngay_cap_nhat"), ("Giấy phép", "giay_phep_ten"),
    ("Địa chỉ giấy phép", "giay_phep_url"), ("Ghi nguồn khi dùng lại", "ghi_nguon"),
    ("Địa chỉ ổn định", "dia_chi"), ("Mô tả", "mo_ta"),
)  # fmt: skip


def write_xlsx(frame: pl.DataFrame, meta: dict) -> bytes:
    """Sheet "Số liệu": the header on row 1 and the data under it (a machine reads it as a
    table); sheet "Thông tin": the table's title, source, licence and data dictionary."""
    book = Book()
    book.sheet(
        "Số liệu",
        [
            # A machine reads them: numbers as stored (a year 2022, not 2.022), ISO dates.
            Column(name, number_format=ISO_DAY if dtype == pl.Date else GENERAL)
            for name, dtype in frame.schema.items()
        ],
        frame.iter_rows(),
    )
    book.sheet(
        "Thông tin",
        [Column("Cột", width=24), Column("Ý nghĩa", width=90), "Kiểu", "Đơn vị"],
        [[c["ten_cot"], c["y_nghia"], c["kieu_chu"], c["don_vi"]] for c in meta["tu_dien_du_lieu"]],
        above=[
            [Styled(meta["tieu_de"], "title")],
            *([Styled(label), meta[key]] for label, key in ABOUT),
            [],
            [Styled("Từ điển dữ liệu", "heading")],
        ],
        freeze=False,
    )
    return book.save()


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json, "parquet": write_parquet}


def render(table: Table, year: int, built: Built, fmt: str, url: str) -> bytes:
    return WRITERS[fmt](built.frame, metadata(table, year, built, url))


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")
