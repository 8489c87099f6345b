"""Numbers in import files as Vietnamese exports write them ("1.000.000", "1.234,5") and as
plain numbers, through the importers: stored as the figure the file means, or the whole
file refused with the row and column of each cell that cannot be read unambiguously."""

from decimal import Decimal as D

import pytest

from cchc.operations.models import Dossier, DossierMonthly, ProcedureSnapshot, WorkRecordStat
from tests.operations.importing import csv_bytes, errors_at, fingerprint, load, xlsx_bytes

pytestmark = pytest.mark.django_db

DOSSIERS = ["Mã hồ sơ", "Mã thủ tục", "Mã cơ quan", "Kênh thực hiện", "Ngày tiếp nhận",
            "Ngày kết thúc xử lý", "Trạng thái", "Số lần yêu cầu bổ sung",
            "Số ngày chờ bổ sung", "Phí, lệ phí"]  # fmt: skip
FEE, SUPPLEMENTS, SUPPLEMENT_DAYS = 9, 7, 8


def dossier(code, fee, supplements="0", days="0"):
    return [code, "1.001", "12-STP", "2", "05/01/2022 08:30", "10/01/2022 10:00",
            "Đã giải quyết", supplements, days, fee]  # fmt: skip


# (fee as written, fee stored in đồng) — the stored figures are the ones a reader of the
# file reads, written by hand.
FEES = [
    ("1.000.000", 1000000),
    ("50.000", 50000),  # was stored as 50
    ("50000", 50000),
    ("1 500 000", 1500000),
    ("1\u00a0500\u00a0000", 1500000),
    ("25.000 đ", 25000),
    ("120.000 VNĐ", 120000),
    ("2,000,000", 2000000),
    ("1.000", 1000),
    ("0", 0),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_fees_written_the_vietnamese_way_are_stored_as_meant(reform_office, catalogue, fmt):
    rows = [dossier(f"HS-{i}", written) for i, (written, _) in enumerate(FEES)]
    content = (
        csv_bytes(DOSSIERS, rows) if fmt == "csv" else xlsx_bytes(DOSSIERS, rows, as_typed=False)
    )
    run = load(reform_office, "dossiers", content, f"tep.{fmt}")
    assert run.status == "done", run.errors
    stored = dict(Dossier.objects.values_list("code", "fee"))
    assert stored == {f"HS-{i}": D(fee) for i, (_, fee) in enumerate(FEES)}
    # The month's roll-up counts the dossiers with a fee: every one but the last.
    assert DossierMonthly.objects.get().with_fee == len(FEES) - 1


def test_numbers_excel_typed_stay_the_same_numbers(reform_office, catalogue):
    rows = [dossier("HS-1", 1500000, 1, 3), dossier("HS-2", 50000.0, 0, 0),
            dossier("HS-3", 0, 0, 0)]  # fmt: skip
    run = load(reform_office, "dossiers", xlsx_bytes(DOSSIERS, rows, as_typed=False), "tep.xlsx")
    assert run.status == "done", run.errors
    assert list(
        Dossier.objects.order_by("code").values_list("fee", "supplement_count", "supplement_days")
    ) == [(D(1500000), 1, 3), (D(50000), 0, 0), (D(0), 0, 0)]


@pytest.mark.parametrize(
    ("column", "written", "message"),
    [
        (FEE, "50,000", "không rõ nghĩa"),
        (FEE, "1.000.000,5", "phải là số tiền tròn đồng"),
        (FEE, "1,2.3", "không đọc được “1,2.3” là số"),
        (FEE, "5%", "không ghi dấu “%”"),
        (FEE, "1" * 15, "quá lớn"),  # more than the 14 digits the column holds
        (FEE, "-50.000", "không được âm"),  # was stored
        (SUPPLEMENTS, "1,5", "“1,5” phải là số nguyên"),
        (SUPPLEMENTS, "1.5", "“1.5” phải là số nguyên"),  # was stored as 15
        (SUPPLEMENT_DAYS, 2.5, "phải là số nguyên"),  # an Excel number, was stored as 25
        (SUPPLEMENT_DAYS, "40.000", "quá lớn"),  # past what the column holds
        (SUPPLEMENT_DAYS, "-1", "không được âm"),
    ],
)
def test_a_number_that_cannot_be_read_rejects_the_whole_file(
    reform_office, catalogue, column, written, message
):
    rows = [dossier("HS-1", "50.000"), dossier("HS-2", "0"), dossier("HS-3", "1.000")]
    rows[1][column] = written
    before = fingerprint()
    run = load(reform_office, "dossiers", xlsx_bytes(DOSSIERS, rows, as_typed=False), "tep.xlsx")
    assert run.status == "rejected"
    assert any(message in m for m in errors_at(run, 3, DOSSIERS[column])), run.errors
    assert len(run.errors) == 1  # the other rows' numbers were read
    assert fingerprint() == before and not Dossier.objects.exists()


STATS = ["Mã cơ quan", "Mã thủ tục", "Tháng", "Tiếp nhận", "Tiếp nhận trực tuyến",
         "Đã giải quyết", "Giải quyết đúng hạn", "Giải quyết quá hạn"]  # fmt: skip


def test_monthly_counts_in_thousands(reform_office, catalogue):
    rows = [["12-STP", "1.001", "01/2022", "1.200", "1.000", "1.150", "1 100", "50"]]
    run = load(reform_office, "dossier_stats", csv_bytes(STATS, rows))
    assert run.status == "done", run.errors
    stat = DossierMonthly.objects.get()
    assert (stat.received, stat.received_online, stat.finished) == (1200, 1000, 1150)
    assert (stat.finished_on_time, stat.finished_late) == (1100, 50)
    # Written plainly, the same month is the same figures: nothing changes.
    rows = [["12-STP", "1.001", "01/2022", "1200", "1000", "1150", "1100", "50"]]
    again = load(reform_office, "dossier_stats", csv_bytes(STATS, rows))
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 1)


def test_a_count_given_as_a_fraction_is_refused(reform_office, catalogue):
    rows = [["12-STP", "1.001", "01/2022", 12.5, 4, 8, 7, 1],
            ["12-STP", "1.001", "02/2022", "12", "4,5", "8", "7", "1"]]  # fmt: skip
    before = fingerprint()
    run = load(reform_office, "dossier_stats", xlsx_bytes(STATS, rows, as_typed=False), "t.xlsx")
    assert run.status == "rejected"
    assert "phải là số nguyên" in errors_at(run, 2, "Tiếp nhận")[0]
    assert "phải là số nguyên" in errors_at(run, 3, "Tiếp nhận trực tuyến")[0]
    assert fingerprint() == before


def test_work_records_in_thousands(reform_office):
    header = ["Mã cơ quan", "Tháng", "Tổng số hồ sơ công việc", "Xử lý trên môi trường mạng"]
    run = load(
        reform_office, "work_records", csv_bytes(header, [["12-STP", "01/2022", "2.400", "1.500"]])
    )
    assert run.status == "done", run.errors
    assert WorkRecordStat.objects.values_list("total", "online").get() == (2400, 1500)


def test_catalogue_numbers(reform_office):
    header = ["Năm", "Mã thủ tục", "Tên thủ tục", "Cấp giải quyết",
              "Thời hạn giải quyết (ngày làm việc)"]  # fmt: skip
    good = [["2022", "1.1", "A", "Cấp tỉnh", "15"], ["2022", "1.2", "B", "Cấp tỉnh", 10.0]]
    run = load(reform_office, "procedures", xlsx_bytes(header, good, as_typed=False), "t.xlsx")
    assert run.status == "done", run.errors
    assert sorted(ProcedureSnapshot.objects.values_list("processing_days", flat=True)) == [10, 15]
    bad = [["2022", "1.3", "C", "Cấp tỉnh", "1,5"], ["20a2", "1.4", "D", "Cấp tỉnh", "2"]]
    run = load(reform_office, "procedures", csv_bytes(header, bad))
    assert run.status == "rejected"
    assert "phải là số nguyên" in errors_at(run, 2, header[4])[0]
    assert "không phải năm hợp lệ" in errors_at(run, 3, "Năm")[0]
