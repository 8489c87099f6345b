"""What every importer promises, checked for each kind on a small valid file and on broken
variants of it: CSV and XLSX load alike; a second load changes nothing; any error rejects the
whole file with its row and column and writes nothing; text is stored NFC; an agency officer
cannot load rows of another agency."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import PermissionDenied

from cchc.core.services import ServiceError
from cchc.inspections.models import Inspection
from cchc.national.models import NationalFigure
from cchc.operations.imports import IMPORTERS
from cchc.operations.models import (
    Dossier,
    DossierMonthly,
    ImportRun,
    InformationSystem,
    LegalDocument,
    Procedure,
    ProcedureSnapshot,
    SystemConnection,
    WorkRecordStat,
)
from cchc.organizations.access import DataKind
from cchc.organizations.models import Agency, AgencySuccession
from tests.operations.importing import (
    counts,
    csv_bytes,
    errors_at,
    fingerprint,
    load,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    header: list[str]
    rows: list[list]
    stored: callable  # () -> number of records the valid file makes
    bad_date: tuple[int, str, str]  # (column index, bad value, expected message part)
    agency_at: int | None = None  # column index of the agency code
    procedure_at: int | None = None
    nfd: tuple[int, int, str, callable] | None = None  # (row, column, value, () -> stored)
    extra: dict = field(default_factory=dict)


CASES = {
    "procedures": Case(
        header=["Năm", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp giải quyết",
                "Mức độ trực tuyến", "Có phí, lệ phí", "Thanh toán trực tuyến",
                "Tích hợp Cổng DVC quốc gia", "Thời hạn giải quyết (ngày làm việc)"],
        rows=[
            ["2021", "2.000001", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã", "2", "Không", "Không", "Không", "1"],
            ["2022", "2.000001", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã", "Toàn trình", "Không", "Không", "Có", "1"],
            ["2022", "1.000002", "Cấp phiếu lý lịch tư pháp", "Lý lịch tư pháp", "cấp tỉnh", "3", "Có", "Có", "Không", "10"],
        ],
        stored=lambda: ProcedureSnapshot.objects.count(),
        bad_date=(0, "20a2", "không phải năm hợp lệ"),
        nfd=(2, 2, "Đăng ký kết hôn", lambda: Procedure.objects.get(code="1.000002").name),
    ),
    "dossiers": Case(
        header=["Mã hồ sơ", "Mã thủ tục", "Mã cơ quan", "Kênh thực hiện", "Ngày tiếp nhận",
                "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái", "Phí, lệ phí",
                "Thanh toán trực tuyến"],
        rows=[
            ["12-STP-220105-0001", "1.001", "12-STP", "2", "05/01/2022 08:30", "12/01/2022 17:00", "10/01/2022 10:00", "Đã giải quyết", "50000", "1"],
            ["12-STP-220106-0001", "1.001", "12-STP", "1", "06/01/2022 16:00", "", "", "Đang xử lý", "0", "0"],
        ],
        stored=lambda: Dossier.objects.count(),
        bad_date=(4, "31/02/2022", "không phải ngày hợp lệ"),
        agency_at=2,
        procedure_at=1,
        nfd=(0, 7, "Từ chối giải quyết", lambda: Dossier.objects.get(code="12-STP-220105-0001").status),
        extra={"nfd_expected": "rejected"},
    ),
    "dossier_stats": Case(
        header=["Mã cơ quan", "Mã thủ tục", "Tháng", "Tiếp nhận", "Tiếp nhận trực tuyến",
                "Đã giải quyết", "Giải quyết đúng hạn", "Giải quyết quá hạn"],
        rows=[
            ["12-STP", "1.001", "01/2022", "10", "4", "8", "7", "1"],
            ["12-STP", "1.001", "02/2022", "12", "5", "11", "11", "0"],
        ],
        stored=lambda: DossierMonthly.objects.count(),
        bad_date=(2, "13/2022", "không phải tháng hợp lệ"),
        agency_at=0,
        procedure_at=1,
        nfd=(0, 0, "Sở Tư pháp", lambda: DossierMonthly.objects.first().agency.name),
    ),
    "work_records": Case(
        header=["Mã cơ quan", "Tháng", "Tổng số hồ sơ công việc", "Xử lý trên môi trường mạng"],
        rows=[["12-STP", "01/2022", "100", "60"], ["12-STP", "02/2022", "90", "70"]],
        stored=lambda: WorkRecordStat.objects.count(),
        bad_date=(1, "tháng một", "không phải tháng hợp lệ"),
        agency_at=0,
        nfd=(0, 0, "Sở Tư pháp", lambda: WorkRecordStat.objects.first().agency.name),
    ),
    "legal_documents": Case(
        header=["Cơ quan ban hành", "Số, ký hiệu", "Loại văn bản", "Trích yếu", "Ngày ban hành",
                "Ngày rà soát", "Kết quả rà soát", "Hình thức xử lý", "Ngày xử lý"],
        rows=[
            ["12-STP", "01/2022/QĐ-UBND", "Quyết định", "Quy định chức năng của Sở Tư pháp", "15/03/2022", "20/04/2022", "Không phát hiện", "", ""],
            ["12-STP", "02/2022/QĐ-UBND", "Quyết định", "Quy định mức thu phí", "01/06/2022", "10/07/2022", "Chồng chéo", "Sửa đổi, bổ sung", "01/08/2022"],
            ["12-STP", "03/2022/QĐ-UBND", "Quyết định", "Quy chế phối hợp", "01/09/2022", "", "", "", ""],
        ],
        stored=lambda: LegalDocument.objects.count(),
        bad_date=(4, "2022-02-30", "không phải ngày hợp lệ"),
        agency_at=0,
        nfd=(0, 3, "Quy định về hộ tịch", lambda: LegalDocument.objects.get(number="01/2022/QĐ-UBND").title),
    ),
    "inspections": Case(
        header=["Cơ quan được kiểm tra", "Ngày kiểm tra", "Đoàn kiểm tra",
                "Kết hợp kiểm tra tổ chức bộ máy", "Kết hợp kiểm tra kỷ luật, kỷ cương",
                "Kết quả, tồn tại"],
        rows=[
            ["12-STP", "15/06/2022", "Đoàn kiểm tra CCHC của UBND tỉnh", "Có", "Không", "Còn hồ sơ quá hạn"],
            ["12-STP", "20/10/2022", "Đoàn kiểm tra CCHC của UBND tỉnh", "Không", "Có", ""],
        ],
        stored=lambda: Inspection.objects.count(),
        bad_date=(1, "15/13/2022", "không phải ngày hợp lệ"),
        agency_at=0,
        nfd=(0, 5, "Niêm yết thủ tục chưa đầy đủ", lambda: Inspection.objects.order_by("inspected_on").first().findings),
    ),
    "systems": Case(
        header=["Mã hệ thống", "Tên hệ thống", "Loại hệ thống", "Cơ quan quản lý", "Kết nối tới",
                "Ngày kết nối"],
        rows=[
            ["LCU-DVC", "Cổng dịch vụ công tỉnh", "Cổng dịch vụ công của tỉnh", "12-STP", "Cổng DVC quốc gia", "15/06/2022"],
            ["LCU-MC", "Hệ thống một cửa điện tử", "Một cửa", "12-STP", "Cổng DVC quốc gia", ""],
            ["LCU-MC", "Hệ thống một cửa điện tử", "Một cửa", "12-STP", "Hệ thống báo cáo quốc gia", "01/03/2022"],
        ],
        stored=lambda: (InformationSystem.objects.count(), SystemConnection.objects.count()),
        bad_date=(5, "đầu năm", "không phải ngày hợp lệ"),
        agency_at=3,
        nfd=(0, 1, "Cổng dịch vụ công tỉnh Lai Châu", lambda: InformationSystem.objects.get(code="LCU-DVC").name),
    ),
    # Two departments merged into a new one, a third absorbed (all with complete rows, so that
    # the last row alone can be broken).
    "reorganisation": Case(
        header=["Ngày hiệu lực", "Hình thức", "Cơ quan cũ", "Mã cơ quan kế thừa",
                "Tên cơ quan kế thừa", "Cấp", "Ghi chú"],
        rows=[
            ["01/03/2025", "Sáp nhập", "12-SNNPTNT", "12-SNNMT", "Sở Nông nghiệp và Môi trường", "Sở, ban, ngành", ""],
            ["01/03/2025", "Sáp nhập", "12-STNMT", "12-SNNMT", "Sở Nông nghiệp và Môi trường", "Sở, ban, ngành", ""],
            ["01/03/2025", "Sáp nhập", "12-SKHDT", "12-STC", "", "", "Theo mô hình chung"],
        ],
        stored=lambda: (AgencySuccession.objects.count(), Agency.objects.filter(code="12-SNNMT").count()),
        bad_date=(0, "29/02/2025", "không phải ngày hợp lệ"),
        agency_at=2,
        nfd=(2, 6, "Đã đối chiếu quyết định của tỉnh",
             lambda: AgencySuccession.objects.get(predecessor__code="12-SKHDT").note),
    ),
    # Decision 766's published results (the `national` app registers the kind).
    "national_766": Case(
        header=["Mã chỉ số", "Mã cơ quan", "Tháng", "Giá trị (%)"],
        rows=[["766.4.3", "12-STP", "01/2022", "85,5"], ["766.2.1", "12-STP", "01/2022", "97.25"]],
        stored=lambda: NationalFigure.objects.count(),
        bad_date=(2, "13/2022", "không phải tháng hợp lệ"),
        agency_at=1,
        nfd=(0, 1, "Sở Tư pháp", lambda: NationalFigure.objects.order_by("pk").first().agency.name),
    ),
}  # fmt: skip
STORED = {  # what the valid file stores, by CASES[kind].stored
    "procedures": 3 + 1,  # + the catalogue fixture's snapshot
    "dossiers": 2, "dossier_stats": 2, "work_records": 2, "legal_documents": 3,
    "inspections": 2, "systems": (2, 3), "reorganisation": (3, 1), "national_766": 2,
}  # fmt: skip
KINDS = list(CASES)


def test_every_importer_has_a_case():
    assert set(KINDS) == set(IMPORTERS)


def run_case(actor, kind, rows=None, header=None, fmt="csv"):
    case = CASES[kind]
    header, rows = header or case.header, case.rows if rows is None else rows
    if fmt == "xlsx":
        return load(actor, kind, xlsx_bytes(header, rows), "tep.xlsx")
    return load(actor, kind, csv_bytes(header, rows))


@pytest.mark.parametrize("kind", KINDS)
def test_valid_csv_loads_and_a_second_load_changes_nothing(reform_office, catalogue, kind):
    first = run_case(reform_office, kind)
    assert first.status == "done", first.errors
    rows = len(CASES[kind].rows)
    assert counts(first) == (rows, 0, 0)
    assert CASES[kind].stored() == STORED[kind]
    before = fingerprint()
    again = run_case(reform_office, kind)
    assert again.status == "done", again.errors
    assert counts(again) == (0, 0, rows)
    assert fingerprint() == before


@pytest.mark.parametrize("kind", KINDS)
def test_xlsx_loads_like_csv(reform_office, catalogue, kind):
    first = run_case(reform_office, kind, fmt="xlsx")
    assert first.status == "done", first.errors
    assert counts(first) == (len(CASES[kind].rows), 0, 0)
    assert CASES[kind].stored() == STORED[kind]
    # The same data as CSV: Excel's typed cells (dates, numbers) parse to the same values.
    same = run_case(reform_office, kind)
    assert counts(same) == (0, 0, len(CASES[kind].rows)), same.errors


def assert_rejected(run, before, row, column, message):
    assert run.status == "rejected"
    assert any(message in m for m in errors_at(run, row, column)), run.errors
    assert run.rows_created == run.rows_updated == 0
    assert fingerprint() == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_missing_required_column_rejects_the_file(reform_office, catalogue, kind):
    case = CASES[kind]
    before = fingerprint()
    missing = case.header[1]
    header = [h for h in case.header if h != missing]
    rows = [[v for i, v in enumerate(r) if i != 1] for r in case.rows]
    run = run_case(reform_office, kind, rows=rows, header=header)
    assert_rejected(run, before, 1, missing, "thiếu cột bắt buộc")


@pytest.mark.parametrize("kind", KINDS)
def test_a_column_given_twice_rejects_the_file(reform_office, catalogue, kind):
    case = CASES[kind]
    before = fingerprint()
    alias = next(c for c in IMPORTERS[kind].columns if c.title == case.header[0]).key
    run = run_case(
        reform_office, kind, rows=[[*r, r[0]] for r in case.rows], header=[*case.header, alias]
    )
    assert_rejected(run, before, 1, alias, "cột bị lặp lại")


@pytest.mark.parametrize("kind", KINDS)
def test_unrelated_columns_alone_are_rejected(reform_office, catalogue, kind):
    before = fingerprint()
    run = load(reform_office, kind, "a,b\n1,2\n")
    assert run.status == "rejected"
    assert {e["row"] for e in run.errors} == {1}
    assert all("thiếu cột bắt buộc" in e["message"] for e in run.errors)
    required = {c.title for c in IMPORTERS[kind].columns if c.required}
    assert {e["column"] for e in run.errors} == required
    assert fingerprint() == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_date_rejects_the_whole_file(reform_office, catalogue, kind):
    case = CASES[kind]
    column, value, message = case.bad_date
    rows = [r[:] for r in case.rows]
    rows[-1][column] = value
    before = fingerprint()
    run = run_case(reform_office, kind, rows=rows)
    assert_rejected(run, before, len(rows) + 1, case.header[column], message)
    assert len(run.errors) == 1  # the good rows produced no error


@pytest.mark.parametrize("kind", [k for k in KINDS if CASES[k].agency_at is not None])
def test_an_unknown_agency_rejects_the_whole_file(reform_office, catalogue, kind):
    case = CASES[kind]
    rows = [r[:] for r in case.rows]
    rows[0][case.agency_at] = "99-KHONG"
    before = fingerprint()
    run = run_case(reform_office, kind, rows=rows)
    assert_rejected(run, before, 2, case.header[case.agency_at], "không có cơ quan “99-KHONG”")


@pytest.mark.parametrize("kind", [k for k in KINDS if CASES[k].procedure_at is not None])
def test_an_unknown_procedure_rejects_the_whole_file(reform_office, catalogue, kind):
    case = CASES[kind]
    rows = [r[:] for r in case.rows]
    rows[-1][case.procedure_at] = "9.999999"
    before = fingerprint()
    run = run_case(reform_office, kind, rows=rows)
    assert_rejected(
        run, before, len(rows) + 1, case.header[case.procedure_at], "hãy nạp danh mục thủ tục"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_duplicate_key_rejects_the_whole_file(reform_office, catalogue, kind):
    case = CASES[kind]
    rows = [*case.rows, case.rows[0][:]]
    before = fingerprint()
    run = run_case(reform_office, kind, rows=rows)
    key_title = next(
        c.title for c in IMPORTERS[kind].columns if c.key == IMPORTERS[kind].natural_key[0]
    )
    assert_rejected(run, before, len(rows) + 1, key_title, "trùng với dòng 2")
    # A key of several columns is named whole.
    key = IMPORTERS[kind].natural_key
    if len(key) > 1:
        titles = {c.key: c.title for c in IMPORTERS[kind].columns}
        named = "trùng với dòng 2 (cùng " + ", ".join(titles[k] for k in key) + ")"
        assert_rejected(run, before, len(rows) + 1, key_title, named)


@pytest.mark.parametrize("kind", [k for k in KINDS if CASES[k].agency_at is not None])
def test_a_duplicate_written_differently_is_still_a_duplicate(reform_office, catalogue, kind):
    """The same agency by its code in lower case: the keys are compared after resolving."""
    case = CASES[kind]
    copy = case.rows[0][:]
    copy[case.agency_at] = copy[case.agency_at].lower()
    before = fingerprint()
    run = run_case(reform_office, kind, rows=[*case.rows, copy])
    assert run.status == "rejected" and "trùng với dòng 2" in run.errors[0]["message"]
    assert fingerprint() == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_header_only_file_is_rejected(reform_office, catalogue, kind):
    before = fingerprint()
    run = run_case(reform_office, kind, rows=[])
    assert_rejected(run, before, 2, "", "chỉ có dòng tiêu đề")


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_file_is_refused(reform_office, catalogue, kind):
    with pytest.raises(ServiceError, match="rỗng"):
        load(reform_office, kind, b"")
    before = fingerprint()
    run = load(reform_office, kind, b"\r\n \n")  # blank lines only: nothing to read
    assert_rejected(run, before, 0, "", "Tệp rỗng")
    run = load(reform_office, kind, b"not a workbook", "tep.xlsx")
    assert run.status == "rejected" and fingerprint() == before


@pytest.mark.parametrize("kind", KINDS)
def test_decomposed_unicode_is_stored_composed(reform_office, catalogue, kind):
    case = CASES[kind]
    row, column, value, stored = case.nfd
    rows = [r[:] for r in case.rows]
    rows[row][column] = value
    content = unicodedata.normalize("NFD", csv_bytes(case.header, rows).decode()).encode()
    assert unicodedata.normalize("NFD", value).encode() in content
    run = load(reform_office, kind, content)
    assert run.status == "done", run.errors
    expected = case.extra.get("nfd_expected", value)
    assert stored() == expected and unicodedata.is_normalized("NFC", stored())


OWN_ROW_KINDS = [k for k in KINDS if IMPORTERS[k].data_kind == DataKind.OPERATIONAL]


def test_an_officer_authors_dossiers_work_records_and_legal_documents_only():
    assert set(OWN_ROW_KINDS) == {"dossiers", "dossier_stats", "work_records", "legal_documents"}


@pytest.mark.parametrize("kind", OWN_ROW_KINDS)
def test_an_officer_cannot_load_rows_of_another_agency(dept_officer, catalogue, kind):
    case = CASES[kind]
    own = run_case(dept_officer, kind)  # the case's rows are the officer's own agency (12-STP)
    assert own.status == "done", own.errors
    rows = [r[:] for r in case.rows]
    rows[-1][case.agency_at] = "12-SNV"
    for row in rows:
        row[0] = row[0] + "-B" if kind in ("dossiers", "systems") else row[0]
    before = fingerprint()
    run = run_case(dept_officer, kind, rows=rows)
    # Worded like an unknown agency: nothing about the other agency is revealed.
    assert_rejected(
        run, before, len(rows) + 1, case.header[case.agency_at], "không có cơ quan “12-SNV”"
    )


@pytest.mark.parametrize("kind", sorted(set(KINDS) - set(OWN_ROW_KINDS)))
def test_an_officer_cannot_load_what_the_reform_office_authors(dept_officer, catalogue, kind):
    """The catalogue, inspections (target 1) and system connections (target 7): an agency
    never authors what judges it; the upload is refused before anything is stored."""
    before = (fingerprint(), ImportRun.objects.count())
    with pytest.raises(PermissionDenied, match="Chỉ Văn phòng CCHC"):
        run_case(dept_officer, kind)
    assert (fingerprint(), ImportRun.objects.count()) == before
