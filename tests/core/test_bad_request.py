"""A request Django refuses before a view reads it (more files than its limit at once) is
said in Vietnamese with the limits: it was a bare English "Bad Request (400)" page, on the
task page when an officer chose 101 scanned files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


@pytest.mark.django_db
def test_too_many_files_at_once_is_said_in_vietnamese(client):
    files = [SimpleUploadedFile(f"scan-{n}.pdf", b"%PDF-1.4 x") for n in range(101)]
    response = client.post(reverse("login"), {"files": files})  # a page that reads its form
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không gửi được yêu cầu" in page and "quá 100 tệp trong một lần gửi" in page
    assert "Bad Request" not in page
