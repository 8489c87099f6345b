"""The reform office's page of Word templates: download, upload (a broken file refused with
the Jinja error in Vietnamese, nothing stored), return to the bundled template."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.reports.docx_builder import bundled_template
from cchc.reports.models import DocumentKind, DocumentTemplate
from tests.reports.test_document_templates import edited, text_of

pytestmark = pytest.mark.django_db
KIND = DocumentKind.PERIODIC_REPORT


def upload(client, content, name="mau.docx"):
    return client.post(
        reverse("reports:template_upload", args=[KIND.value]),
        {f"{KIND.value}-tep": SimpleUploadedFile(name, content)},
    )


def test_the_office_uploads_downloads_and_reverts(client, reform_office):
    client.force_login(reform_office)
    page = client.get(reverse("reports:template_index")).content.decode()
    assert "Mẫu văn bản Word — Tỉnh Lai Châu" in page
    assert page.count("Đang dùng mẫu kèm theo hệ thống") == len(DocumentKind)
    download = client.get(reverse("reports:template_download", args=[KIND.value]))
    assert download.content == bundled_template(KIND)
    assert 'filename="mau-bao_cao_dinh_ky.docx"' in download["Content-Disposition"]

    broken = edited(download.content, replace=("{{ title }}", "{% if title %}{{ title }}"))
    response = upload(client, broken, "mau-loi.docx")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Mẫu văn bản không dùng được" in text and "sai cú pháp Jinja" in text
    assert not DocumentTemplate.objects.exists()

    good = edited(download.content, before_title="Kính gửi: Bộ Nội vụ")
    response = upload(client, good, "mau-moi.docx")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Đã nhận mẫu" in page and "phiên bản 1" in page and "mau-moi.docx" in page
    download = client.get(reverse("reports:template_download", args=[KIND.value]))
    assert "Kính gửi: Bộ Nội vụ" in text_of(download.content)
    assert "phien-ban-1" in download["Content-Disposition"]
    original = client.get(reverse("reports:template_download", args=[KIND.value]) + "?goc=1")
    assert original.content == bundled_template(KIND)

    response = client.post(reverse("reports:template_revert", args=[KIND.value]))
    assert response.status_code == 302
    assert not DocumentTemplate.objects.get().active
    assert client.get(reverse("reports:template_download", args=[KIND.value])).content == (
        bundled_template(KIND)
    )


def test_an_unknown_kind_is_404(client, reform_office):
    client.force_login(reform_office)
    assert client.get(reverse("reports:template_download", args=["khac"])).status_code == 404


def test_the_reports_page_leads_the_office_to_the_templates(client, reform_office, dept_officer):
    client.force_login(reform_office)
    link = reverse("reports:template_index")
    assert link in client.get(reverse("reports:report_index")).content.decode()
    client.force_login(dept_officer)
    assert link not in client.get(reverse("reports:report_index")).content.decode()
