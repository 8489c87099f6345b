"""Every dated import refuses a record outside its agency's life (issue 19): Xã Tà Mung
(110-12) ended on 30/06/2025 and passed to Xã Mường Kim (NQ1670-01). A row of Tà Mung dated
after its end is an error at the agency column, with its row, naming the successor, and the
file writes nothing; the same row dated June is accepted. One shared check
(`Importer.outside_life`) serves the four kinds, as the dossier import's does."""

import pytest

from cchc.core.tabular.columns import ImportRejected
from cchc.core.tabular.sheet import read_sheet
from cchc.inspections.imports import InspectionImporter
from cchc.operations.imports.dossier_stats import DossierStatsImporter
from cchc.operations.imports.legal_documents import LegalDocumentImporter
from cchc.operations.imports.work_records import WorkRecordImporter
from cchc.operations.models import ImportRun, ImportStatus, Procedure
from cchc.organizations.scope import AgencyScope
from tests.operations.importing import fingerprint

pytestmark = pytest.mark.django_db

# (importer, header, the row with a placeholder for the date, the date after, the June date,
#  the agency column's title)
KINDS = {
    "work_records": (
        WorkRecordImporter, "Mã cơ quan,Tháng,Tổng số hồ sơ công việc,Xử lý trên môi trường mạng",
        "{agency},{date},40,10", "07/2025", "06/2025", "Mã cơ quan",
    ),
    "dossier_stats": (
        DossierStatsImporter, "Mã cơ quan,Mã thủ tục,Tháng,Tiếp nhận,Đã giải quyết,Giải quyết đúng hạn",
        "{agency},P-1,{date},12,10,9", "07/2025", "06/2025", "Mã cơ quan",
    ),
    "legal_documents": (
        LegalDocumentImporter, 'Cơ quan ban hành,"Số, ký hiệu",Loại văn bản,Trích yếu,Ngày ban hành',
        '{agency},"01/2025/QĐ-{agency}",Quyết định,Quy chế làm việc,{date}', "02/07/2025",
        "27/06/2025", "Cơ quan ban hành",
    ),
    "inspections": (
        InspectionImporter, "Cơ quan được kiểm tra,Ngày kiểm tra,Đoàn kiểm tra",
        "{agency},{date},Đoàn kiểm tra CCHC", "15/07/2025", "16/06/2025", "Cơ quan được kiểm tra",
    ),
}  # fmt: skip


def load(kind: str, lines: list[str]):
    importer_class, header, *_ = KINDS[kind]
    importer = importer_class(scope=AgencyScope.everything())
    text = "\n".join([header, *lines]) + "\n"
    sheet = read_sheet(text.encode(), "tep.csv", header_names=importer.header_titles())
    rows = importer.parse(sheet)
    run = ImportRun.objects.create(kind=importer.kind, status=ImportStatus.RUNNING)
    return importer.write(rows, run=run)


@pytest.fixture
def procedure(reorganised):
    return Procedure.objects.create(code="P-1", name="Chứng thực bản sao")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_row_of_an_ended_commune_after_its_end_is_refused(kind, procedure):
    _cls, _header, row, after, _june, column = KINDS[kind]
    fine = row.format(agency="NQ1670-01", date=after)  # the successor, the same day: fine
    before = fingerprint()
    with pytest.raises(ImportRejected) as caught:
        load(kind, [fine, row.format(agency="110-12", date=after)])
    errors = caught.value.errors
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert "Xã Tà Mung kết thúc hoạt động ngày 30/06/2025" in errors[0].message
    assert "Xã Mường Kim, mã NQ1670-01" in errors[0].message
    assert fingerprint() == before  # nothing written, the successor's good row neither


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_same_row_dated_june_is_accepted(kind, procedure):
    _cls, _header, row, _after, june, _column = KINDS[kind]
    result = load(kind, [row.format(agency="110-12", date=june)])
    assert result.created == 1


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_new_commune_before_it_began_is_refused(kind, procedure):
    _cls, _header, row, _after, june, column = KINDS[kind]
    with pytest.raises(ImportRejected) as caught:
        load(kind, [row.format(agency="NQ1670-01", date=june)])
    (error,) = caught.value.errors
    assert (error.row, error.column) == (2, column)
    assert "Xã Mường Kim bắt đầu hoạt động ngày 01/07/2025" in error.message


def test_a_month_in_which_the_unit_ran_some_days_is_its_own(reorganised):
    """A monthly figure is refused only for a month the agency ran on no day: Sở Giao thông
    vận tải merged into Sở Xây dựng on 01/03/2025 (ended 28/02), so its February counts."""
    lines = ["12-SGTVT,02/2025,40,10", "12-SGTVT,03/2025,40,10"]
    with pytest.raises(ImportRejected) as caught:
        load("work_records", lines)
    assert [e.row for e in caught.value.errors] == [3]
    assert load("work_records", lines[:1]).created == 1


def test_no_reorganisation_no_refusal(db):
    """Without the reorganisation loaded, Xã Tà Mung runs on: its July row is fine."""
    assert load("work_records", ["110-12,07/2025,40,10"]).created == 1
