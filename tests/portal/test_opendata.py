"""Open data (issue 18): every published table in every format downloads anonymously and
reads back; nothing unpublished appears (a withdrawn release's data go with it, a year with
nothing published answers 404); the DCAT catalogue parses and every distribution it lists
answers; the dossier facts carry no personal data and no synthetic run; and DuckDB alone,
from the dossier Parquet, recomputes the figures the product published."""

from __future__ import annotations

import importlib.util
import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import duckdb  # requirements/test.txt: a missing install fails, it is not skipped
import polars as pl
import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cchc.indicators.selectors import per_agency
from cchc.operations.models import Dossier, ImportRun, Procedure
from cchc.organizations.models import Agency, Tier
from cchc.organizations.scope import AgencyScope
from cchc.parindex.models import Assessment, Result
from cchc.parindex.services.publication import assessment_reopen
from cchc.portal import services
from cchc.portal.models import PublishedFigure, Release
from cchc.portal.opendata import dossiers
from cchc.portal.opendata.tables import TABLES
from tests.operations.importing import csv_bytes, load
from tests.portal.opendata_setup import HEADER, dossier_rows, publish_2022

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("csv", "xlsx", "json", "parquet")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Built dossier zips go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def published(reform_office):
    return publish_2022(reform_office)


def url(table: str, fmt: str, year: int = 2022) -> str:
    return reverse("portal:opendata_table", kwargs={"year": year, "table": table, "fmt": fmt})


def read_back(content: bytes, fmt: str) -> tuple[pl.DataFrame, dict]:
    """The rows of a downloaded file, and what it says about itself (licence, dictionary)."""
    if fmt == "csv":
        assert content.startswith(b"\xef\xbb\xbf")
        return pl.read_csv(io.BytesIO(content[3:]), infer_schema=False), {}
    if fmt == "json":
        envelope = json.loads(content)
        return pl.DataFrame(envelope["du_lieu"], infer_schema_length=None), envelope
    if fmt == "parquet":
        meta = pl.read_parquet_metadata(content)
        return pl.read_parquet(content), meta
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Số liệu", "Thông tin"]
    rows = list(book["Số liệu"].iter_rows(values_only=True))
    about = {r[0]: r[1] for r in book["Thông tin"].iter_rows(values_only=True) if r and r[0]}
    return pl.DataFrame(rows[1:], schema=list(rows[0]), orient="row", strict=False), about


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_downloads_anonymously_and_reads_back(client, published, table, fmt, tmp_path):
    response = client.get(url(table, fmt))
    assert response.status_code == 200
    assert response["Link"].startswith("<https://creativecommons.org/licenses/by/4.0/>")
    content = b"".join(response) if response.streaming else response.content
    frame, about = read_back(content, fmt)
    columns = [c.name for c in TABLES[table].columns]
    assert frame.columns == columns
    assert frame.height > 0
    if fmt == "json":
        assert about["giay_phep"] == "CC BY 4.0" and about["so_dong"] == frame.height
        assert [c["ten_cot"] for c in about["tu_dien_du_lieu"]] == columns
    if fmt == "parquet":
        assert about["giay_phep"] == "CC BY 4.0"
        assert [c["ten_cot"] for c in json.loads(about["tu_dien_du_lieu"])] == columns
        path = tmp_path / "f.parquet"
        path.write_bytes(content)
        count = duckdb.sql("SELECT count(*) FROM read_parquet(?)", params=[str(path)])
        assert count.fetchall() == [(frame.height,)]
    if fmt == "xlsx":
        assert about["Giấy phép"].startswith("Creative Commons") and "Từ điển dữ liệu" in about


def test_the_targets_file_holds_the_published_figures(client, published):
    frame = pl.read_parquet(client.get(url("chi-tieu-theo-co-quan", "parquet")).content)
    assert frame.height == PublishedFigure.objects.filter(release=published).count()
    stored = PublishedFigure.objects.get(
        release=published, target_label="6c", month=date(2022, 3, 1), agency=None, tier=""
    )
    row = frame.filter(
        (pl.col("ma_chi_tieu") == "6c") & (pl.col("thang") == date(2022, 3, 1))
        & (pl.col("pham_vi") == "tinh")
    ).row(0, named=True)  # fmt: skip
    assert (row["tu_so"], row["mau_so"]) == (stored.numerator, stored.denominator)
    assert Decimal(str(row["gia_tri"])) == stored.value
    csv = client.get(url("chi-tieu-theo-co-quan", "csv")).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("ma_chi_tieu,noi_dung_chi_tieu,ma_chi_so,thang")


def test_a_formula_looking_text_stays_text_and_internal_findings_stay_out(client, published):
    xlsx = load_workbook(io.BytesIO(client.get(url("ket-luan-kiem-tra", "xlsx")).content))
    cell = xlsx["Số liệu"]["F2"]
    assert cell.value == "=1+1 Thực hiện tốt kế hoạch." and cell.data_type == "s"
    csv = client.get(url("ket-luan-kiem-tra", "csv")).content.decode("utf-8-sig")
    assert "'=1+1 Thực hiện tốt" in csv
    for fmt in FORMATS:
        content = client.get(url("ket-luan-kiem-tra", fmt)).content
        for private in ("Nguyễn Văn Bí mật", "Trần Thị Riêng tư"):
            assert private.encode() not in content


def test_a_withdrawn_release_takes_its_data_away_and_an_unpublished_year_is_404(
    client, published, reform_office, locmem_cache
):
    """With a real cache: what was served before the withdrawal is not served after it."""
    assert client.get(url("nhiem-vu", "csv")).status_code == 200
    assert (
        "nhiem-vu-2022" in client.get(reverse("portal:opendata_catalogue_jsonld")).content.decode()
    )
    for fmt in FORMATS:
        assert client.get(url("nhiem-vu", fmt, year=2021)).status_code == 404
        assert client.get(url("co-quan", fmt, year=2021)).status_code == 404
    assert client.get(url("khong-co", "csv")).status_code == 404
    assert client.get(url("nhiem-vu", "exe")).status_code == 404
    assert client.get(reverse("portal:opendata_dossiers", kwargs={"year": 2021})).status_code == 404
    services.release_withdraw(actor=reform_office, release=published, reason="Số liệu sai")
    for table in ("chi-tieu-theo-co-quan", "nhiem-vu"):
        assert client.get(url(table, "csv")).status_code == 404
    assert client.get(reverse("portal:opendata_dossiers", kwargs={"year": 2022})).status_code == 404
    assert client.get(url("ket-qua-chi-so-cchc", "csv")).status_code == 200
    document = client.get(reverse("portal:opendata_catalogue_jsonld")).json()
    listed = {d["dct:identifier"] for d in document["dcat:dataset"]}
    assert listed == {"ket-qua-chi-so-cchc-2022", "ket-luan-kiem-tra-2022", "co-quan-2022"}
    for release in Release.objects.public():
        services.release_withdraw(actor=reform_office, release=release, reason="Gỡ hết")
    assert client.get(url("co-quan", "csv")).status_code == 404
    page = client.get(reverse("portal:opendata_catalogue"))
    assert page.status_code == 200 and "Chưa có số liệu nào được công bố" in page.content.decode()


def test_a_reopened_assessment_leaves_the_open_data_ranking_as_it_leaves_the_page(
    client, published, reform_office, locmem_cache
):
    """Outside review U: the ranking page, the home page and the API left a reopened
    assessment out, the open-data table kept it with the provisional score a recomputation
    writes. With a real cache: the file served before the reopening is not served after."""
    codes = {"12-STP", "12-SNV"}
    for fmt in FORMATS:
        frame, _about = read_back(client.get(url("ket-qua-chi-so-cchc", fmt)).content, fmt)
        assert set(frame["ma_co_quan"]) == codes
    stp = Assessment.objects.get(agency__code="12-STP", framework__code="PAR-SO-2022")
    assessment_reopen(actor=reform_office, assessment=stp, reason="Sai điểm tiêu chí 1.1")
    Result.objects.filter(assessment=stp).update(total=12, index=12, rank=2)  # provisional
    framework = Release.objects.public().get(kind="ranking").framework_id
    page = client.get(reverse("portal:public_ranking", args=[framework])).content.decode()
    assert "Sở Tư pháp" not in page and "Sở Nội vụ" in page
    for fmt in FORMATS:
        frame, _about = read_back(client.get(url("ket-qua-chi-so-cchc", fmt)).content, fmt)
        assert set(frame["ma_co_quan"]) == {"12-SNV"}, fmt


def test_the_catalogue_costs_a_fixed_number_of_queries_and_six_once_cached(
    client, published, locmem_cache, django_assert_max_num_queries
):
    address = reverse("portal:opendata_catalogue")
    with django_assert_max_num_queries(40):
        assert client.get(address).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(address).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(url("chi-tieu-theo-co-quan", "csv")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(url("chi-tieu-theo-co-quan", "csv")).status_code == 200


def test_the_catalogue_is_dcat_and_every_distribution_answers(client, published):
    page = client.get(reverse("portal:opendata_catalogue"))
    assert page.status_code == 200
    html = page.content.decode()
    # A comma CSV double-clicked in a Vietnamese Excel lands in one column: the page says so.
    assert "Mở bằng Excel:</strong> dùng tệp XLSX" in html
    embedded = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
    document = client.get(reverse("portal:opendata_catalogue_jsonld")).json()
    assert json.loads(embedded) == document
    assert document["@type"] == "dcat:Catalog"
    assert document["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["dct:publisher"]["foaf:name"] == Agency.objects.get(code="12").name
    datasets = document["dcat:dataset"]
    assert {d["dct:identifier"] for d in datasets} == {f"{t}-2022" for t in TABLES} | {"ho-so-2022"}
    for dataset in datasets:
        assert dataset["@type"] == "dcat:Dataset"
        dictionary = client.get(urlsplit(dataset["dct:conformsTo"]["@id"]).path)
        assert dictionary.status_code == 200 and dictionary.json()["tu_dien_du_lieu"]
        formats = set()
        for distribution in dataset["dcat:distribution"]:
            assert distribution["@type"] == "dcat:Distribution"
            response = client.get(urlsplit(distribution["dcat:downloadURL"]["@id"]).path)
            assert response.status_code == 200, distribution
            assert response["Content-Type"].split(";")[0] == distribution["dcat:mediaType"]
            formats.add(distribution["dct:format"])
        assert formats == ({"ZIP"} if dataset["dct:identifier"] == "ho-so-2022" else {"CSV", "XLSX", "JSON", "PARQUET"})  # fmt: skip
    # The dictionary is on the page too, in Vietnamese.
    assert "ngay_tiep_nhan" in html and "Ngày giờ tiếp nhận" in html


def unzip_dossiers(client, tmp_path: Path, year: int = 2022) -> Path:
    response = client.get(reverse("portal:opendata_dossiers", kwargs={"year": year}))
    assert response.status_code == 200
    folder = tmp_path / f"ho-so-{year}"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        archive.extractall(folder)
    return folder


def test_dossier_facts_are_partitioned_without_personal_data_or_synthetic_runs(
    client, published, reform_office, tmp_path
):
    synthetic = ImportRun.objects.create(
        kind="dossiers", synthetic=True, uploaded_by=reform_office, file_name="demo"
    )
    Dossier.objects.create(
        code="DEMO-1", procedure=Procedure.objects.get(code="1.001"),
        agency=Agency.objects.get(code="12-STP"), channel=2, status="processing",
        received_at=datetime.fromisoformat("2022-02-10T09:00:00+07:00"), import_run=synthetic,
    )  # fmt: skip
    folder = unzip_dossiers(client, tmp_path)
    parts = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet"))
    assert parts[0].startswith("nam=2021/thang=12/") and parts[-1].startswith("nam=2022/thang=03/")
    assert {p.rsplit("/", 1)[0] for p in parts} == {
        "nam=2021/thang=12", "nam=2022/thang=01", "nam=2022/thang=02", "nam=2022/thang=03"
    }  # fmt: skip
    frame = pl.read_parquet(folder / "**/*.parquet", hive_partitioning=True)
    assert frame.columns == [c.name for c in dossiers.COLUMNS] + ["nam", "thang"]
    meta = pl.read_parquet_metadata(folder / parts[0])
    assert meta["giay_phep"] == "CC BY 4.0"
    # Exactly the real dossiers received January → March, and those received in December
    # and finished in the published months.
    real = Dossier.objects.filter(import_run__synthetic=False)
    start = datetime.fromisoformat("2022-01-01T00:00:00+07:00")
    end = datetime.fromisoformat("2022-04-01T00:00:00+07:00")
    expected = set(
        real.filter(received_at__gte=start, received_at__lt=end).values_list("pk", flat=True)
    )
    expected |= set(real.filter(received_at__lt=start, finished_at__gte=start, finished_at__lt=end)
                    .values_list("pk", flat=True))  # fmt: skip
    assert set(frame["ma_ban_ghi"]) == expected
    # What ended after March is shown as it stood at the end of March.
    later = real.filter(received_at__lt=end, finished_at__gte=end)
    assert later.exists()
    shown = frame.filter(pl.col("ma_ban_ghi").is_in(list(later.values_list("pk", flat=True))))
    assert shown["ngay_ket_thuc_xu_ly"].null_count() == shown.height
    assert set(shown["trang_thai"]) == {"processing"}
    assert frame.filter(pl.col("ngay_ket_thuc_xu_ly") >= datetime(2022, 4, 1)).height == 0
    # No dossier code, and nothing but the declared columns.
    everything = b"".join(p.read_bytes() for p in folder.rglob("*.parquet"))
    assert b"000.00.12.H33" not in everything and b"DEMO-1" not in everything


def test_the_dossier_zip_is_built_by_the_worker_and_answers_503_meanwhile(
    client, published, monkeypatch
):
    from cchc.portal.views import opendata as views

    queued = []
    monkeypatch.setattr(
        views, "build_dossier_zip", type("Task", (), {"enqueue": lambda *a: queued.append(a)})
    )
    address = reverse("portal:opendata_dossiers", kwargs={"year": 2022})
    waiting = client.get(address)
    assert waiting.status_code == 503 and waiting["Retry-After"] == "60"
    assert "đang được chuẩn bị" in waiting.content.decode()
    assert len(queued) == 1
    from cchc.portal.opendata.tasks import build_dossier_zip

    build_dossier_zip.call(2022, "http://testserver" + address)
    ready = client.get(address)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/zip"


def test_only_an_import_that_changed_dossiers_makes_a_new_zip(published, reform_office):
    """Outside review U: every dossier import run changed the zip's stamp, so a refused push
    (or a file loaded again unchanged) made the next download wait for the whole year to be
    rebuilt. A run that changed dossiers still does."""
    before = dossiers.expected_zip(2022)
    count = Dossier.objects.count()
    unknown = [["X-1", "9.999", "12-STP", 2, "05/01/2022 08:00", "", "", "Đang xử lý", 0, 0, 0, 0]]
    refused = load(reform_office, "dossiers", csv_bytes(HEADER, unknown), "sai.csv")
    assert refused.status == "rejected" and Dossier.objects.count() == count
    again = load(reform_office, "dossiers", csv_bytes(HEADER, dossier_rows()), "lai.csv")
    assert again.status == "done" and again.rows_created == again.rows_updated == 0
    assert dossiers.expected_zip(2022) == before
    changed = dossier_rows()[:1]
    changed[0][9] = 12345  # the fee of one dossier
    assert load(reform_office, "dossiers", csv_bytes(HEADER, changed), "sua.csv").rows_updated == 1
    assert dossiers.expected_zip(2022) != before


def test_streaming_in_small_chunks_writes_the_same_rows(published, tmp_path):
    whole = dossiers.write_partitions(2022, tmp_path / "whole")
    small = dossiers.write_partitions(2022, tmp_path / "small", chunk=7)
    assert whole == small > 0
    assert len(list((tmp_path / "small").rglob("*.parquet"))) > len(list((tmp_path / "whole").rglob("*.parquet")))  # fmt: skip
    read = [pl.read_parquet(tmp_path / d / "**/*.parquet", hive_partitioning=True).sort("ma_ban_ghi")
            for d in ("whole", "small")]  # fmt: skip
    assert read[0].equals(read[1])


def _recompute_module():
    spec = importlib.util.spec_from_file_location(
        "recompute_targets", ROOT / "docs" / "open-data" / "recompute_targets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_duckdb_alone_recomputes_the_published_targets(client, published, tmp_path):
    """The documented example, run on the files as a ministry downloads them: DuckDB, from
    the dossier Parquet, gives every published figure of targets 4, 5b and 6c (each agency,
    each tier, the province, each month) and the product's on-time rate."""
    folder = unzip_dossiers(client, tmp_path)
    targets = tmp_path / "chi-tieu-theo-co-quan.parquet"
    targets.write_bytes(client.get(url("chi-tieu-theo-co-quan", "parquet")).content)
    example = _recompute_module()
    rows = example.recompute(folder)
    assert example.differences(folder, targets) == []
    recomputed = {(r[0], r[1], r[2], r[3], r[4]): (r[5], r[6], r[7]) for r in rows}
    # Not vacuous: every published dossier figure with a denominator was matched.
    published_rows = PublishedFigure.objects.filter(
        release=published, indicator__in=["ONLINE_DOSSIER_SHARE", "ONLINE_PAYMENT_SHARE",
                                          "RESULT_DIGITISATION"], denominator__gt=0,
    ).select_related("agency")  # fmt: skip
    assert published_rows.count() > 50
    # A release's tier rows hold the tier's label; the open data give its code.
    tier_codes = {str(label): value for value, label in Tier.choices}
    for f in published_rows:
        scope = "co_quan" if f.agency_id else ("cap" if f.tier else "tinh")
        tier = tier_codes.get(f.tier, f.tier) or None
        key = (f.indicator, f.month, scope, tier, f.agency.code if f.agency_id else None)
        assert recomputed[key] == (f.numerator, f.denominator, f.value), key
    # The on-time rate is no target of the 2022 plan: compared with the product's figures.
    everything = AgencyScope.everything()
    for month in (date(2022, 1, 1), date(2022, 2, 1), date(2022, 3, 1)):
        product = {
            r["agency__code"]: (r["n"], r["d"], r["value"])
            for r in per_agency("ON_TIME_RATE", scope=everything, year=2022, through=month)
            if r["d"]
        }
        mine = {k[4]: v for k, v in recomputed.items()
                if k[0] == "ON_TIME_RATE" and k[1] == month and k[2] == "co_quan"}  # fmt: skip
        assert mine == product and product


def test_the_comparison_catches_a_figure_that_differs(client, published, tmp_path):
    folder = unzip_dossiers(client, tmp_path)
    frame = pl.read_parquet(client.get(url("chi-tieu-theo-co-quan", "parquet")).content)
    wrong = frame.with_columns(
        pl.when((pl.col("ma_chi_tieu") == "6c") & (pl.col("pham_vi") == "tinh"))
        .then(pl.col("tu_so") + 1).otherwise(pl.col("tu_so")).alias("tu_so")
    )  # fmt: skip
    wrong.write_parquet(tmp_path / "sai.parquet")
    diff = _recompute_module().differences(folder, tmp_path / "sai.parquet")
    assert {d[0] for d in diff} == {"cong_bo", "tinh_lai"} and len(diff) == 6


def test_export_open_data_writes_the_whole_catalogue(published, tmp_path):
    call_command("export_open_data", out=str(tmp_path / "mo"), stdout=io.StringIO())
    root = tmp_path / "mo"
    document = json.loads((root / "catalog.jsonld").read_text(encoding="utf-8"))
    assert document["@type"] == "dcat:Catalog" and len(document["dcat:dataset"]) == 6
    for table in TABLES:
        for fmt in FORMATS:
            assert (root / "2022" / f"{table}.{fmt}").stat().st_size > 0
    facts = pl.read_parquet(root / "2022" / "ho-so" / "**/*.parquet", hive_partitioning=True)
    assert (
        facts.height
        == Dossier.objects.filter(
            received_at__gte=datetime.fromisoformat("2022-01-01T00:00:00+07:00"),
            received_at__lt=datetime.fromisoformat("2022-04-01T00:00:00+07:00"),
        ).count()
        + Dossier.objects.filter(
            received_at__lt=datetime.fromisoformat("2022-01-01T00:00:00+07:00"),
            finished_at__gte=datetime.fromisoformat("2022-01-01T00:00:00+07:00"),
            finished_at__lt=datetime.fromisoformat("2022-04-01T00:00:00+07:00"),
        ).count()
    )


@pytest.mark.django_db
def test_export_open_data_to_a_place_it_cannot_write_says_so(tmp_path):
    """It ended in an English traceback (FileNotFoundError, NotADirectoryError)."""
    from django.core.management import CommandError

    taken = tmp_path / "a-file"
    taken.write_text("x")
    with pytest.raises(CommandError, match="đó là một tệp, không phải thư mục"):
        call_command("export_open_data", out=str(taken), stdout=io.StringIO())
    with pytest.raises(CommandError, match="trong đường dẫn có một tệp ở chỗ của thư mục"):
        call_command("export_open_data", out=str(taken / "under"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="không tạo được thư mục"):
        call_command("export_open_data", out="/proc/cchc-mo", stdout=io.StringIO())
