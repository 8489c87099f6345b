import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from cchc.indicators.selectors import evaluate
from cchc.operations.models import ImportRun, Procedure, ProcedureSnapshot
from cchc.operations.services import import_create, import_execute
from cchc.organizations.scope import AgencyScope

pytestmark = pytest.mark.django_db
HEADER = "Năm,Mã thủ tục,Tên thủ tục,Lĩnh vực,Cấp giải quyết,Mức độ trực tuyến,Có phí, lệ phí,Thanh toán trực tuyến,Tích hợp Cổng DVC quốc gia,Thời hạn giải quyết (ngày làm việc)\n"
HEADER = HEADER.replace("Có phí, lệ phí", '"Có phí, lệ phí"')


def load(actor, text):
    run = import_create(
        actor=actor, kind="procedures", file_name="danh-muc.csv", content=text.encode()
    )
    return import_execute(ImportRun.objects.get(pk=run.pk))


def test_catalogue_of_two_years_and_growth(reform_office):
    text = HEADER + (
        "2021,1.001,Cấp phiếu lý lịch tư pháp,Tư pháp,Cấp tỉnh,3,1,0,0,10\n"
        "2022,1.001,Cấp phiếu lý lịch tư pháp,Tư pháp,Cấp tỉnh,toàn trình,1,1,1,10\n"
        "2021,1.002,Đăng ký khai sinh,Hộ tịch,Cấp xã,2,0,0,0,1\n"
        "2022,1.002,Đăng ký khai sinh,Hộ tịch,Cấp xã,một phần,0,0,1,1\n"
    )
    run = load(reform_office, text)
    assert run.status == "done", run.errors
    assert (run.rows_created, Procedure.objects.count(), ProcedureSnapshot.objects.count()) == (
        4,
        2,
        4,
    )
    growth = evaluate(
        "ONLINE_SERVICE_GROWTH", scope=AgencyScope.everything(), year=2022, baseline_year=2021
    )
    assert (growth.numerator, growth.baseline_value) == (2, 1) and growth.value == 100
    again = load(reform_office, text)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 4)


def test_bad_catalogue_rows_write_nothing(reform_office):
    text = HEADER + "2022,1.003,Thủ tục,,Cấp vùng,5,0,1,0,abc\n"
    run = load(reform_office, text)
    columns = {e["column"] for e in run.errors}
    assert run.status == "rejected"
    assert {"Cấp giải quyết", "Mức độ trực tuyến", "Thời hạn giải quyết (ngày làm việc)"} <= columns
    assert not Procedure.objects.exists()


def test_a_run_whose_uploader_lost_the_office_role_is_rejected(reform_office):
    """The rows are checked against what the uploader may write when the job runs."""
    run = import_create(actor=reform_office, kind="procedures", file_name="d.csv",
                        content=(HEADER + "2022,1.001,Tên,,Cấp tỉnh,,0,0,0,5\n").encode())  # fmt: skip
    reform_office.membership.role = "agency_officer"
    reform_office.membership.save()
    del reform_office._cchc_membership
    run = import_execute(ImportRun.objects.get(pk=run.pk))
    assert run.status == "rejected" and "Văn phòng CCHC" in run.errors[0]["message"]
    assert not Procedure.objects.exists()


@pytest.mark.parametrize("kind", ["dossiers", "procedures"])
def test_templates_are_accepted_by_their_importer(client, dept_officer, kind):
    client.force_login(dept_officer)
    xlsx = client.get(reverse("operations:import_template", args=[kind, "xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx))["Hướng dẫn"]
    assert sheet["A1"].value == "Cột"
    header = CalamineWorkbook.from_filelike(io.BytesIO(xlsx)).get_sheet_by_index(0).to_python()[0]
    from cchc.operations.imports import IMPORTERS
    from cchc.organizations.scope import AgencyScope as Scope

    positions, errors = IMPORTERS[kind](scope=Scope.everything()).map_header(
        [str(h) for h in header]
    )
    assert errors == [] and len(positions) == len(IMPORTERS[kind].columns)
    csv_bytes = client.get(reverse("operations:import_template", args=[kind, "csv"])).content
    assert csv_bytes.startswith("\ufeff".encode())
