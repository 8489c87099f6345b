"""The import of Decision 766's published results (kind `national_766`), beyond what every
import promises (tests/operations/test_imports_common.py): the forms of the value and the
month, the indicator by code or title, the checks of a percentage, and a second file of a
month replacing the first."""

from datetime import date
from decimal import Decimal

import pytest

from cchc.national.models import NationalFigure
from tests.operations.importing import csv_bytes, errors_at, fingerprint, load, xlsx_bytes

pytestmark = pytest.mark.django_db
HEADER = ["Mã chỉ số", "Mã cơ quan", "Tháng", "Giá trị (%)"]


def stored() -> dict[tuple[str, str, date], Decimal]:
    return {
        (f.indicator, f.agency.code, f.month): f.value
        for f in NationalFigure.objects.select_related("agency")
    }


def test_values_and_months_in_every_accepted_form(reform_office):
    rows = [
        ["766.4.3", "12-STP", "01/2022", "85,5"],  # vi-VN decimal comma
        ["766.4.5", "12-STP", "tháng 2/2022", "85.25"],  # plain decimal point
        ["4.3", "12-STP", "2022-03", "85,5%"],  # the code without "766.", a trailing %
        ["Tỷ lệ hồ sơ TTHC có cấp kết quả giải quyết TTHC điện tử", "12-stp", "15/04/2022", "100"],
    ]
    run = load(reform_office, "national_766", csv_bytes(HEADER, rows))
    assert run.status == "done", run.errors
    assert stored() == {
        ("766.4.3", "12-STP", date(2022, 1, 1)): Decimal("85.50"),
        ("766.4.5", "12-STP", date(2022, 2, 1)): Decimal("85.25"),
        ("766.4.3", "12-STP", date(2022, 3, 1)): Decimal("85.50"),
        ("766.3.1", "12-STP", date(2022, 4, 1)): Decimal("100.00"),
    }


def test_an_excel_file_with_typed_cells_loads(reform_office):
    content = xlsx_bytes(HEADER, [["766.2.1", "12-STP", date(2022, 5, 1), 97.5]], as_typed=False)
    run = load(reform_office, "national_766", content, "ket-qua-766.xlsx")
    assert run.status == "done", run.errors
    assert stored() == {("766.2.1", "12-STP", date(2022, 5, 1)): Decimal("97.50")}


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Giá trị (%)", "100,5", "không phải tỷ lệ phần trăm (từ 0 đến 100)"),
        ("Giá trị (%)", "-1", "không phải tỷ lệ phần trăm"),
        ("Giá trị (%)", "85,555", "có quá 2 chữ số thập phân"),
        ("Giá trị (%)", "tám mươi", "không đọc được"),
        ("Mã chỉ số", "766.9.9", "không có chỉ số “766.9.9” trong Bộ chỉ số 766"),
        ("Mã chỉ số", "766.4", "không có chỉ số “766.4”"),  # a group, not an indicator
        ("Tháng", "13/2022", "không phải tháng hợp lệ"),
        ("Tháng", "01/2099", "chưa đến"),
        ("Mã cơ quan", "99-KHONG", "không có cơ quan “99-KHONG”"),
    ],
)
def test_a_bad_cell_rejects_the_whole_file_at_its_row_and_column(
    reform_office, column, value, message
):
    rows = [["766.4.3", "12-STP", "01/2022", "85,5"], ["766.2.1", "12-STP", "01/2022", "90"]]
    rows[1][HEADER.index(column)] = value
    before = fingerprint()
    run = load(reform_office, "national_766", csv_bytes(HEADER, rows))
    assert run.status == "rejected"
    assert any(message in m for m in errors_at(run, 3, column)), run.errors
    assert fingerprint() == before and not NationalFigure.objects.exists()


def test_reloading_a_month_replaces_it_and_leaves_other_months(reform_office):
    first = [
        ["766.4.3", "12-STP", "01/2022", "85,5"],
        ["766.4.3", "12-SNV", "01/2022", "70"],
        ["766.4.3", "12-STP", "02/2022", "60"],
    ]
    load(reform_office, "national_766", csv_bytes(HEADER, first))
    again = load(reform_office, "national_766", csv_bytes(HEADER, first))
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 3)
    # January published again, corrected: Sở Tư pháp's value changed, Sở Nội vụ's row gone.
    corrected = load(reform_office, "national_766",
                     csv_bytes(HEADER, [["766.4.3", "12-STP", "01/2022", "86"]]))  # fmt: skip
    assert corrected.status == "done", corrected.errors
    assert (corrected.rows_created, corrected.rows_updated) == (0, 2)  # one changed, one removed
    assert stored() == {
        ("766.4.3", "12-STP", date(2022, 1, 1)): Decimal("86.00"),
        ("766.4.3", "12-STP", date(2022, 2, 1)): Decimal("60.00"),
    }
