"""The open-data catalogue: every published table of every published year, its formats at
stable addresses, and the same list as DCAT (W3C Data Catalog Vocabulary) in JSON-LD, which a
ministry's or the national open-data portal's harvester reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone

from cchc.portal.opendata import dossiers, files
from cchc.portal.opendata.tables import TABLES, build, published_years


@dataclass(frozen=True)
class Distribution:
    fmt: str
    title: str
    media_type: str
    url: str


@dataclass(frozen=True)
class Dataset:
    slug: str
    year: int
    title: str
    description: str
    modified: date
    rows: int | None
    dictionary_url: str
    distributions: list[Distribution] = field(default_factory=list)

    @property
    def identifier(self) -> str:
        return f"{self.slug}-{self.year}"


def table_path(year: int, slug: str, fmt: str) -> str:
    return reverse("portal:opendata_table", kwargs={"year": year, "table": slug, "fmt": fmt})


def dossiers_path(year: int) -> str:
    return reverse("portal:opendata_dossiers", kwargs={"year": year})


def dictionary_path(slug: str) -> str:
    return reverse("portal:opendata_dictionary", kwargs={"table": slug})


def datasets(absolute: Callable[[str], str]) -> list[Dataset]:
    """Every published dataset, newest year first; `absolute` makes a path a full URL."""
    result = []
    for year in published_years():
        for table in TABLES.values():
            built = build(table, year)
            if built is None:
                continue
            result.append(Dataset(
                table.slug, year, f"{table.title} — năm {year}", table.description,
                built.modified, built.frame.height, absolute(dictionary_path(table.slug)),
                [Distribution(fmt, f.title, f.media_type.split(";")[0],
                              absolute(table_path(year, table.slug, fmt)))
                 for fmt, f in files.FORMATS.items()],
            ))  # fmt: skip
        w = dossiers.window(year)
        if w is not None:
            result.append(Dataset(
                dossiers.SLUG, year, f"{dossiers.TITLE} — năm {year}",
                dossiers.DESCRIPTION + f" Các tháng 01–{w.release.through:%m/%Y}.",
                timezone.localtime(w.release.published_at).date(), None, absolute(dictionary_path(dossiers.SLUG)),
                [Distribution("zip", "Parquet theo năm/tháng, nén ZIP", "application/zip",
                              absolute(dossiers_path(year)))],
            ))  # fmt: skip
    return result


def jsonld(items: list[Dataset], *, catalogue_url: str) -> dict:
    """The catalogue as DCAT in JSON-LD (dcat:Catalog → dcat:Dataset → dcat:Distribution)."""
    publisher = {"@type": "foaf:Organization", "foaf:name": files.publisher()}
    licence = {"@id": files.LICENCE["url"]}

    def dataset(d: Dataset) -> dict:
        packaged = d.slug == dossiers.SLUG
        return {
            "@id": f"{catalogue_url}#{d.identifier}",
            "@type": "dcat:Dataset",
            "dct:identifier": d.identifier,
            "dct:title": d.title,
            "dct:description": d.description,
            "dct:publisher": publisher,
            "dct:license": licence,
            "dct:language": {"@id": "http://id.loc.gov/vocabulary/iso639-1/vi"},
            "dct:modified": {"@value": d.modified.isoformat(), "@type": "xsd:date"},
            "dct:temporal": {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": {"@value": f"{d.year}-01-01", "@type": "xsd:date"},
                "dcat:endDate": {"@value": f"{d.year}-12-31", "@type": "xsd:date"},
            },
            "dct:conformsTo": {"@id": d.dictionary_url},
            "dcat:keyword": ["cải cách hành chính", "CCHC", str(d.year)],
            "dcat:distribution": [
                {
                    "@id": x.url,
                    "@type": "dcat:Distribution",
                    "dct:title": x.title,
                    "dct:format": x.fmt.upper(),
                    "dcat:mediaType": x.media_type,
                    "dcat:downloadURL": {"@id": x.url},
                    "dcat:accessURL": {"@id": x.url},
                    "dct:license": licence,
                    **(
                        {
                            "dcat:packageFormat": "application/zip",
                            "dcat:compressFormat": "application/zip",
                            "dct:conformsTo": {"@id": "https://parquet.apache.org/docs/"},
                        }
                        if packaged
                        else {}
                    ),
                }
                for x in d.distributions
            ],
        }

    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": catalogue_url,
        "@type": "dcat:Catalog",
        "dct:title": f"Dữ liệu mở cải cách hành chính — {files.publisher()}",
        "dct:description": (
            "Các bảng số liệu cải cách hành chính đã công bố (chỉ tiêu, kết quả Chỉ số CCHC, "
            "nhiệm vụ, kết luận kiểm tra, danh mục cơ quan) và dữ liệu hồ sơ không có thông tin "
            "cá nhân, theo năm, dạng CSV, XLSX, JSON và Parquet."
        ),
        "dct:publisher": publisher,
        "dct:license": licence,
        "dct:language": {"@id": "http://id.loc.gov/vocabulary/iso639-1/vi"},
        "foaf:homepage": {"@id": catalogue_url},
        "dcat:dataset": [dataset(d) for d in items],
    }
