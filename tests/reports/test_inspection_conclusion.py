"""The inspection's conclusion as a Word document (kết luận kiểm tra): what it must say, read
back from the .docx and through LibreOffice; who may download it; a second province's
conclusion says nothing of Lai Châu; the reform office's edited template is used."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.formatting import format_date
from cchc.inspections import services
from cchc.inspections.models import Inspection
from cchc.organizations.models import Agency, AgencyLevel
from cchc.portal.services import inspection_publish
from cchc.reports.docx_builder import bundled_template
from cchc.reports.models import DocumentKind
from tests.factories import make_user
from tests.reports.libreoffice import normalise, pdf_through_libreoffice
from tests.reports.test_document_templates import edited, text_of

pytestmark = pytest.mark.django_db
KIND = DocumentKind.INSPECTION_CONCLUSION
PUBLIC = "Sở Tư pháp thực hiện tốt công tác cải cách hành chính; cần niêm yết đủ thủ tục."


def record(actor, code="12-STP", **fields) -> Inspection:
    values = {
        "inspected_on": date(2022, 6, 15),
        "team": "Đoàn kiểm tra CCHC của UBND tỉnh",
        "covers_organisation": True,
        "covers_discipline": True,
        "findings": "Niêm yết thủ tục chưa đầy đủ.\nCòn 3 hồ sơ quá hạn chưa xin lỗi.",
        "recommendations": ["Niêm yết đủ thủ tục", "Gửi văn bản xin lỗi"],
        "due_on": date(2022, 9, 30),
        **fields,
    }
    return services.inspection_record(actor=actor, agency=Agency.objects.get(code=code), **values)


def url(inspection: Inspection) -> str:
    return reverse("reports:inspection_conclusion", args=[inspection.pk])


def test_the_conclusion_says_whom_when_what_was_covered_found_and_published(
    client, reform_office, dept_officer
):
    inspection = record(reform_office)
    inspection_publish(actor=reform_office, inspection=inspection, conclusion=PUBLIC)
    client.force_login(dept_officer)  # the inspected agency reads its own
    response = client.get(url(inspection))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="ket-luan-kiem-tra-12-STP-20220615.docx"' in response["Content-Disposition"]
    text = text_of(response.content)
    stp = Agency.objects.get(code="12-STP")
    for expected in [
        "UBND TỈNH LAI CHÂU\nSỞ NỘI VỤ",  # the reform office's agency under its province
        "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KL-SNV",
        "KẾT LUẬN",
        f"Kiểm tra công tác cải cách hành chính tại {stp.name}",
        f"Ngày {format_date(inspection.inspected_on)}, Đoàn kiểm tra CCHC của UBND tỉnh",
        "tổ chức bộ máy và kỷ luật, kỷ cương hành chính",
        "Niêm yết thủ tục chưa đầy đủ.",
        "Còn 3 hồ sơ quá hạn chưa xin lỗi.",
        "1. Niêm yết đủ thủ tục (thời hạn khắc phục: 30/09/2022)",
        "2. Gửi văn bản xin lỗi",
        "IV. KẾT LUẬN CÔNG KHAI",
        PUBLIC,
        f"- {stp.name};",
        "- UBND tỉnh Lai Châu (để báo cáo);",
        "GIÁM ĐỐC",
    ]:
        assert expected in text, expected
    assert "Lai Châu, ngày" in text
    assert "mô phỏng" not in text


def test_an_unpublished_inspection_has_no_public_conclusion(client, reform_office):
    inspection = record(reform_office, covers_discipline=False, recommendations=[])
    client.force_login(reform_office)
    text = text_of(client.get(url(inspection)).content)
    assert "KẾT LUẬN CÔNG KHAI" not in text and "Không có kiến nghị khắc phục." in text
    assert "Nội dung kiểm tra: công tác cải cách hành chính và tổ chức bộ máy." in text


def test_another_agency_cannot_download_it(client, reform_office, commune_officer):
    inspection = record(reform_office)
    client.force_login(commune_officer)
    assert client.get(url(inspection)).status_code == 404


def test_the_conclusion_opens_in_libreoffice(client, reform_office, tmp_path):
    inspection = record(reform_office)
    inspection_publish(actor=reform_office, inspection=inspection, conclusion=PUBLIC)
    client.force_login(reform_office)
    text, pages = pdf_through_libreoffice(client.get(url(inspection)).content, tmp_path)
    assert pages == 1
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "KẾT LUẬN",
        "SỞ NỘI VỤ",
        "Kiểm tra công tác cải cách hành chính tại Sở Tư pháp",
        "Niêm yết thủ tục chưa đầy đủ.",
        normalise(PUBLIC),
        "Nơi nhận:",
        "- Lưu: VT.",
    ]:
        assert expected in text, expected


def test_a_second_provinces_conclusion_says_nothing_of_lai_chau(client, reform_office):
    province = Agency.objects.create(
        code="11", name="Tỉnh Điện Biên (UBND tỉnh)", level=AgencyLevel.PROVINCE
    )
    for code, name in [("11-STP", "Sở Tư pháp"), ("11-SNV", "Sở Nội vụ")]:
        Agency.objects.create(code=code, name=name, level=AgencyLevel.DEPARTMENT, parent=province)
    office = make_user("db-snv", "11-SNV", "reform_office")
    # Lai Châu's own template is uploaded: Điện Biên's conclusion keeps the bundled one.
    client.force_login(reform_office)
    client.post(
        reverse("reports:template_upload", args=[KIND.value]),
        {f"{KIND.value}-tep": SimpleUploadedFile(
            "mau.docx", edited(bundled_template(KIND), before_title="Riêng của Lai Châu"))},
    )  # fmt: skip
    inspection = record(office, code="11-STP")
    client.force_login(office)
    text = text_of(client.get(url(inspection)).content)
    assert "UBND TỈNH ĐIỆN BIÊN\nSỞ NỘI VỤ" in text and "Điện Biên, ngày" in text
    assert "- UBND tỉnh Điện Biên (để báo cáo);" in text
    assert "Lai Châu" not in text and "LAI CHÂU" not in text, text


def test_an_imported_inspection_is_issued_by_the_provinces_reform_office(client, reform_office):
    """No officer recorded it: the reform office of the inspected agency's province issues."""
    from cchc.operations.models import ImportRun

    run = ImportRun.objects.create(kind="inspections", file_name="k.xlsx", synthetic=True)
    inspection = Inspection.objects.create(
        agency=Agency.objects.get(code="12-STP"), inspected_on=date(2022, 3, 1), import_run=run
    )
    client.force_login(reform_office)
    text = text_of(client.get(url(inspection)).content)
    assert "UBND TỈNH LAI CHÂU\nSỞ NỘI VỤ" in text
    assert "Cuộc kiểm tra từ dữ liệu mô phỏng" in text  # a synthetic one says so


def test_the_offices_edited_template_is_used(client, reform_office):
    client.force_login(reform_office)
    page = client.get(reverse("reports:template_index")).content.decode()
    assert "Kết luận kiểm tra công tác cải cách hành chính" in page
    download = client.get(reverse("reports:template_download", args=[KIND.value]))
    assert download.content == bundled_template(KIND)
    response = client.post(
        reverse("reports:template_upload", args=[KIND.value]),
        {f"{KIND.value}-tep": SimpleUploadedFile(
            "mau-moi.docx", edited(download.content, before_title="Kính gửi: Sở Tư pháp"))},
    )  # fmt: skip
    assert response.status_code == 302
    inspection = record(reform_office)
    assert "Kính gửi: Sở Tư pháp" in text_of(client.get(url(inspection)).content)
