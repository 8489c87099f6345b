"""Rules particular to each importer: cross-field checks, upserts that update, what a write
reports as affected (so only those snapshots refresh), and records another agency owns."""

from datetime import date

import pytest

from cchc.core.tabular.cells import CellError, month_start
from cchc.core.tabular.columns import ImportRejected
from cchc.core.tabular.reading import Table
from cchc.inspections.models import Inspection
from cchc.operations.imports.legal_documents import LegalDocumentImporter
from cchc.operations.imports.systems import SystemImporter
from cchc.operations.imports.work_records import WorkRecordImporter
from cchc.operations.models import (
    Dossier,
    DossierMonthly,
    ImportRun,
    InformationSystem,
    LegalDocument,
    LegalReview,
    Procedure,
    ProcedureSnapshot,
    SystemConnection,
    WorkRecordStat,
)
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from tests.operations.importing import counts, csv_bytes, errors_at, fingerprint, load

pytestmark = pytest.mark.django_db


def agency(code):
    return Agency.objects.get(code=code)


# --- procedures ---------------------------------------------------------------------------
CATALOGUE = ["Năm", "Mã thủ tục", "Tên thủ tục", "Cấp giải quyết", "Mức độ trực tuyến",
             "Đủ điều kiện trực tuyến", "Có phí, lệ phí", "Thanh toán trực tuyến"]  # fmt: skip


def test_catalogue_names_come_from_the_latest_year(reform_office):
    rows = [["2022", "1.1", "Tên mới", "Cấp tỉnh", "4", "", "Có", "Có"],
            ["2021", "1.1", "Tên cũ", "Cấp tỉnh", "2", "", "Có", "Không"]]  # fmt: skip
    run = load(reform_office, "procedures", csv_bytes(CATALOGUE, rows))
    assert run.status == "done", run.errors
    procedure = Procedure.objects.get(code="1.1")
    assert procedure.name == "Tên mới"
    assert ProcedureSnapshot.objects.get(procedure=procedure, year=2022).online_level == "4"
    assert ProcedureSnapshot.objects.get(procedure=procedure, year=2022).eligible_online
    # Loading the 2021 baseline again, renamed, does not rename the 2022 procedure...
    rows = [["2021", "1.1", "Tên khác", "Cấp tỉnh", "2", "", "Có", "Không"]]
    run = load(reform_office, "procedures", csv_bytes(CATALOGUE, rows))
    assert counts(run) == (0, 0, 1) and Procedure.objects.get(code="1.1").name == "Tên mới"
    # ...a 2022 row does, and only 2022 is affected.
    rows = [["2022", "1.1", "Tên sửa", "Cấp tỉnh", "4", "", "Có", "Có"]]
    run = load(reform_office, "procedures", csv_bytes(CATALOGUE, rows))
    assert counts(run) == (0, 1, 0) and Procedure.objects.get(code="1.1").name == "Tên sửa"


def test_catalogue_cross_field_rules(reform_office):
    rows = [["2022", "1.1", "A", "Cấp tỉnh", "4", "", "Không", "Có"],
            ["2022", "1.2", "B", "Cấp xã", "Toàn trình", "Không", "Không", ""],
            ["2022", "1.3", "C", "Cấp huyện", "Một phần", "Có", "Có", "Có"]]  # fmt: skip
    run = load(reform_office, "procedures", csv_bytes(CATALOGUE, rows))
    assert run.status == "rejected"
    assert "không có phí" in errors_at(run, 2, "Thanh toán trực tuyến")[0]
    assert "không đủ điều kiện" in errors_at(run, 3, "Mức độ trực tuyến")[0]
    assert len(run.errors) == 2 and not Procedure.objects.exists()


# --- dossier statistics -------------------------------------------------------------------
STATS = ["Mã cơ quan", "Mã thủ tục", "Tháng", "Tiếp nhận", "Tiếp nhận trực tuyến",
         "Đã giải quyết", "Giải quyết đúng hạn", "Giải quyết quá hạn",
         "Hồ sơ có phí, lệ phí", "Thanh toán trực tuyến"]  # fmt: skip


def test_statistics_are_stored_as_imported_and_checked(reform_office, catalogue):
    run = load(reform_office, "dossier_stats", csv_bytes(STATS, [
        ["12-STP", "1.001", "tháng 3/2022", "10", "", "9", "8", "1", "4", "2"],
    ]))  # fmt: skip
    assert run.status == "done", run.errors
    row = DossierMonthly.objects.get()
    assert (row.source, row.month, row.received_online, row.open_overdue) == (
        "imported", date(2022, 3, 1), 0, 0)  # fmt: skip
    bad = load(reform_office, "dossier_stats", csv_bytes(STATS, [
        ["12-STP", "1.001", "04/2022", "10", "11", "9", "8", "2", "4", "5"],
        ["12-STP", "1.001", "05/2099", "1", "0", "0", "0", "0", "0", "0"],
    ]))  # fmt: skip
    assert "lớn hơn “Tiếp nhận”" in errors_at(bad, 2, "Tiếp nhận trực tuyến")[0]
    assert "cộng lại (10)" in errors_at(bad, 2, "Đã giải quyết")[0]
    assert "lớn hơn “Hồ sơ có phí, lệ phí”" in errors_at(bad, 2, "Thanh toán trực tuyến")[0]
    assert "chưa đến" in errors_at(bad, 3, "Tháng")[0]
    assert DossierMonthly.objects.count() == 1


def test_statistics_are_written_in_the_roll_up_key_order(reform_office, catalogue):
    """Rows given agency by agency are added month first, as every roll-up writer adds them
    (ADR 0033): their ids follow (month, agency, procedure)."""
    rows = [[code, "1.001", f"{month:02d}/2022", "3", "0", "0", "0", "0", "0", "0"]
            for code in ("12-STP", "12-SKHDT") for month in (2, 1)]  # fmt: skip
    run = load(reform_office, "dossier_stats", csv_bytes(STATS, rows))
    assert run.status == "done", run.errors
    written = list(
        DossierMonthly.objects.order_by("pk").values_list("month", "agency_id", "procedure_id")
    )
    assert len(written) == 4 and written == sorted(written)


def test_statistics_never_overwrite_a_roll_up_of_dossiers(reform_office, catalogue):
    run = ImportRun.objects.create(kind="dossiers", file_name="x.csv")
    DossierMonthly.objects.create(agency=agency("12-STP"), procedure=catalogue,
                                  month=date(2022, 1, 1), source="dossiers", received=5,
                                  import_run=run)  # fmt: skip
    before = fingerprint()
    bad = load(
        reform_office, "dossier_stats", csv_bytes(STATS[:4], [["12-STP", "1.001", "01/2022", "7"]])
    )
    assert "tổng hợp từ hồ sơ" in errors_at(bad, 2, "Tháng")[0]
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("text", "month"),
    [("01/2022", date(2022, 1, 1)), ("1/2022", date(2022, 1, 1)), ("2022-11", date(2022, 11, 1)),
     ("Tháng 7/2022", date(2022, 7, 1)), ("tháng 07 năm 2022", date(2022, 7, 1)),
     ("15/09/2022", date(2022, 9, 1)), (date(2022, 2, 17), date(2022, 2, 1))],
)  # fmt: skip
def test_months_in_the_ways_people_write_them(text, month):
    assert month_start(text) == month


@pytest.mark.parametrize("text", ["13/2022", "00/2022", "2022", "quý 1/2022", "01/1900"])
def test_not_months(text):
    with pytest.raises(CellError):
        month_start(text)


# --- work records -------------------------------------------------------------------------
WORK = ["Mã cơ quan", "Tháng", "Tổng số hồ sơ công việc", "Xử lý trên môi trường mạng"]


def test_work_records_online_not_above_total_and_updates(reform_office):
    bad = load(reform_office, "work_records", csv_bytes(WORK, [["12-STP", "01/2022", "10", "11"]]))
    assert "lớn hơn tổng số" in errors_at(bad, 2, "Xử lý trên môi trường mạng")[0]
    assert not WorkRecordStat.objects.exists()
    load(reform_office, "work_records", csv_bytes(WORK, [["12-STP", "01/2022", "10", "5"]]))
    again = load(reform_office, "work_records", csv_bytes(WORK, [["12-STP", "01/2022", "10", "7"]]))
    assert counts(again) == (0, 1, 0)
    assert WorkRecordStat.objects.get().online == 7
    assert WorkRecordStat.objects.get().import_run_id == again.pk


def test_a_district_officer_loads_its_own_rows_and_not_its_communes(district_officer):
    """A district reads its communes' data but authors only its own (issue 16): a file with
    one commune row is rejected whole, naming that row."""
    own = load(district_officer, "work_records", csv_bytes(WORK, [["106", "01/2022", "10", "5"]]))
    assert own.status == "done", own.errors
    rows = [["106", "02/2022", "10", "5"], ["106-02", "02/2022", "4", "1"]]
    mixed = load(district_officer, "work_records", csv_bytes(WORK, rows))
    assert mixed.status == "rejected"
    assert "chỉ được nạp dữ liệu của chính cơ quan mình" in errors_at(mixed, 3, "Mã cơ quan")[0]
    assert [e["row"] for e in mixed.errors] == [3]
    assert WorkRecordStat.objects.count() == 1  # nothing of the rejected file
    bad = load(district_officer, "work_records", csv_bytes(WORK, [["107-01", "01/2022", "1", "1"]]))
    assert "không có cơ quan" in errors_at(bad, 2, "Mã cơ quan")[0]


def test_a_write_reports_only_what_changed():
    importer = WorkRecordImporter(scope=AgencyScope.everything())
    run = ImportRun.objects.create(kind="work_records", file_name="x.csv")
    table = Table(header=WORK, rows=[["12-STP", "01/2022", 10, 5], ["12-SNV", "03/2022", 8, 8]])
    first = importer.write(importer.parse(table), run=run)
    assert first.affected.agency_ids == {agency("12-STP").pk, agency("12-SNV").pk}
    assert first.affected.months == {date(2022, 1, 1), date(2022, 3, 1)}
    assert first.affected.years == {2022}
    table.rows[1][3] = 7
    second = importer.write(importer.parse(table), run=run)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    assert second.affected.agency_ids == {agency("12-SNV").pk}
    assert second.affected.months == {date(2022, 3, 1)}


# --- legal documents ----------------------------------------------------------------------
LEGAL = ["Cơ quan ban hành", "Số, ký hiệu", "Loại văn bản", "Trích yếu", "Ngày ban hành",
         "Ngày rà soát", "Kết quả rà soát", "Hình thức xử lý", "Ngày xử lý"]  # fmt: skip


def test_reviews_are_checked_and_added_over_time(reform_office):
    bad = load(reform_office, "legal_documents", csv_bytes(LEGAL, [
        ["12-STP", "1/2022/QĐ-UBND", "Quyết định", "A", "15/03/2022", "10/03/2022", "Mâu thuẫn", "", ""],
        ["12-STP", "2/2022/QĐ-UBND", "Quyết định", "B", "15/03/2022", "", "Chồng chéo", "", ""],
        ["12-STP", "3/2022/QĐ-UBND", "Quyết định", "C", "15/03/2022", "20/03/2022", "", "", ""],
        ["12-STP", "4/2022/QĐ-UBND", "Quyết định", "D", "15/03/2022", "20/03/2022", "Sai sót", "", ""],
        ["12-STP", "5/2022/QĐ-UBND", "Quyết định", "E", "15/03/2022", "20/03/2022", "Hết hiệu lực", "Bãi bỏ", "19/03/2022"],
    ]))  # fmt: skip
    assert "trước ngày ban hành" in errors_at(bad, 2, "Ngày rà soát")[0]
    assert "thiếu ngày rà soát" in errors_at(bad, 3, "Kết quả rà soát")[0]
    assert "phải ghi kết quả" in errors_at(bad, 4, "Kết quả rà soát")[0]
    assert "không phải kết quả rà soát hợp lệ" in errors_at(bad, 5, "Kết quả rà soát")[0]
    assert "trước ngày rà soát" in errors_at(bad, 6, "Ngày xử lý")[0]
    assert not LegalDocument.objects.exists()

    document = ["12-STP", "1/2022/QĐ-UBND", "Quyết định", "A", "15/03/2022"]
    load(reform_office, "legal_documents", csv_bytes(LEGAL[:5], [document]))
    assert not LegalReview.objects.exists()
    reviewed = load(reform_office, "legal_documents", csv_bytes(LEGAL, [
        [*document, "01/04/2022", "Không còn phù hợp", "Thay thế", "01/05/2022"]]))  # fmt: skip
    assert counts(reviewed) == (0, 1, 0)
    review = LegalReview.objects.get()
    assert (review.finding, review.handling) == ("unsuitable", "Thay thế")
    # A later review is added beside the first; the first stays.
    later = load(reform_office, "legal_documents", csv_bytes(LEGAL, [
        [*document, "01/10/2022", "Không phát hiện", "", ""]]))  # fmt: skip
    assert counts(later) == (0, 1, 0) and LegalReview.objects.count() == 2


def test_a_document_moved_to_another_agency_refreshes_both():
    importer = LegalDocumentImporter(scope=AgencyScope.everything())
    run = ImportRun.objects.create(kind="legal_documents", file_name="x.csv")
    table = Table(
        header=LEGAL[:5], rows=[["12-STP", "1/2022/QĐ-UBND", "Quyết định", "A", "15/03/2022"]]
    )
    importer.write(importer.parse(table), run=run)
    table.rows[0][0] = "12-SNV"
    moved = importer.write(importer.parse(table), run=run)
    assert moved.updated == 1
    assert moved.affected.agency_ids == {agency("12-STP").pk, agency("12-SNV").pk}


# --- records another agency owns ------------------------------------------------------------
def test_an_officer_cannot_take_over_another_agencys_records(
    reform_office, dept_officer, catalogue
):
    """The key (dossier code, document number and date, system code) is another agency's: an
    officer's file may not move it into the officer's own agency."""
    dossier = ["MaHoSo", "MaTTHC", "MaDonVi", "KenhThucHien", "NgayTiepNhan", "TrangThaiHoSo"]
    load(
        reform_office,
        "dossiers",
        csv_bytes(dossier, [["SNV-1", "1.001", "12-SNV", "1", "05/01/2022", "Đang xử lý"]]),
    )
    load(
        reform_office,
        "legal_documents",
        csv_bytes(LEGAL[:5], [["12-SNV", "9/2022/QĐ-UBND", "Quyết định", "A", "15/03/2022"]]),
    )
    system = ["Mã hệ thống", "Tên hệ thống", "Loại hệ thống", "Cơ quan quản lý", "Kết nối tới"]
    load(
        reform_office,
        "systems",
        csv_bytes(system, [["HT-1", "Hệ thống", "Khác", "12-SNV", "Cổng DVC quốc gia"]]),
    )
    before = fingerprint()
    for kind, header, row, column in [
        ("dossiers", dossier, ["SNV-1", "1.001", "12-STP", "1", "05/01/2022", "Đang xử lý"], "Mã hồ sơ"),
        ("legal_documents", LEGAL[:5], ["12-STP", "9/2022/QĐ-UBND", "Quyết định", "A", "15/03/2022"], "Số, ký hiệu"),
    ]:  # fmt: skip
        run = load(dept_officer, kind, csv_bytes(header, [row]))
        assert run.status == "rejected", kind
        assert "ngoài phạm vi của bạn" in errors_at(run, 2, column)[0]
    assert fingerprint() == before
    assert Dossier.objects.get(code="SNV-1").agency.code == "12-SNV"


# --- inspections ----------------------------------------------------------------------------
INSPECTION = ["Cơ quan được kiểm tra", "Ngày kiểm tra", "Đoàn kiểm tra", "Kết quả, tồn tại"]


def test_inspections_update_and_refuse_the_future(reform_office):
    load(
        reform_office,
        "inspections",
        csv_bytes(INSPECTION, [["12-STP", "15/06/2022", "Đoàn 1", ""]]),
    )
    again = load(
        reform_office,
        "inspections",
        csv_bytes(INSPECTION, [["12-STP", "15/06/2022", "Đoàn 1", "Tồn tại"]]),
    )
    assert counts(again) == (0, 1, 0) and Inspection.objects.get().findings == "Tồn tại"
    future = load(
        reform_office, "inspections", csv_bytes(INSPECTION, [["12-STP", "15/06/2099", "", ""]])
    )
    assert "chưa đến" in errors_at(future, 2, "Ngày kiểm tra")[0]
    assert Inspection.objects.count() == 1


# --- systems --------------------------------------------------------------------------------
SYSTEM = [
    "Mã hệ thống",
    "Tên hệ thống",
    "Loại hệ thống",
    "Cơ quan quản lý",
    "Kết nối tới",
    "Ngày kết nối",
]


def test_rows_of_one_system_must_agree(reform_office):
    bad = load(reform_office, "systems", csv_bytes(SYSTEM, [
        ["HT", "Một cửa", "Một cửa", "12-VPUB", "Cổng DVC quốc gia", ""],
        ["HT", "Một cửa điện tử", "Một cửa", "12-STP", "Hệ thống báo cáo quốc gia", ""],
    ]))  # fmt: skip
    assert "khác với dòng 2" in errors_at(bad, 3, "Tên hệ thống")[0]
    assert "khác với dòng 2" in errors_at(bad, 3, "Cơ quan quản lý")[0]
    assert not InformationSystem.objects.exists()


def test_connecting_later_updates_and_refreshes_every_year_since(reform_office):
    importer = SystemImporter(scope=AgencyScope.everything())
    run = ImportRun.objects.create(kind="systems", file_name="x.csv")
    table = Table(
        header=SYSTEM,
        rows=[["HT", "Cổng", "Cổng dịch vụ công của tỉnh", "12-VPUB", "Cổng DVC quốc gia", ""]],
    )
    first = importer.write(importer.parse(table), run=run)
    assert first.created == 1 and SystemConnection.objects.get().connected_on is None
    table.rows[0][5] = "15/06/2022"
    second = importer.write(importer.parse(table), run=run)
    assert second.updated == 1 and SystemConnection.objects.get().connected_on == date(2022, 6, 15)
    assert second.affected.agency_ids == {agency("12-VPUB").pk}
    assert second.affected.months == {date(2022, 6, 1)}
    assert min(second.affected.years) == 2022 and date.today().year in second.affected.years
    with pytest.raises(ImportRejected):
        table.rows[0][4] = "Cổng thông tin điện tử"
        importer.parse(table)
