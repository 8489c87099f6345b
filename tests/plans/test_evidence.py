import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from cchc.organizations.models import Agency
from cchc.plans import services
from cchc.plans.models import Plan, ProgressEvidence, ProgressReport

pytestmark = pytest.mark.django_db


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


@pytest.fixture
def task(reform_office):
    plan = Plan.objects.get(year=2022)
    first = plan.tasks.first()
    return services.task_save(actor=reform_office, plan=plan, task=first, area=first.area,
                              text=first.text, lead_agency=Agency.objects.get(code="12-STP"),
                              deadline=date(2022, 6, 30), reason="Giao cơ quan chủ trì")  # fmt: skip


def test_report_with_evidence_files(client, dept_officer, task):
    client.force_login(dept_officer)
    url = reverse("plans:task_progress", args=[task.pk])
    files = [
        SimpleUploadedFile("ke-hoach.docx", docx_bytes()),
        SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 ..."),
    ]
    response = client.post(
        url,
        {"status": "in_progress", "percent": 30, "text": "Đã ban hành kế hoạch", "files": files},
    )
    assert response.status_code == 302
    evidence = list(ProgressEvidence.objects.order_by("original_name"))
    assert [e.original_name for e in evidence] == ["bien-ban.pdf", "ke-hoach.docx"]
    assert evidence[1].content_type.endswith("wordprocessingml.document")
    download = client.get(reverse("plans:evidence_download", args=[evidence[0].pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.pdf", b"MZ\x90\x00 executable"),
        ("rong.png", b""),
        ("gia.docx", b"PK\x03\x04 not a zip"),
    ],
)
def test_a_bad_file_refuses_the_whole_report(client, dept_officer, task, name, content):
    client.force_login(dept_officer)
    url = reverse("plans:task_progress", args=[task.pk])
    files = [SimpleUploadedFile("tot.pdf", b"%PDF-1.4"), SimpleUploadedFile(name, content)]
    response = client.post(
        url, {"status": "in_progress", "percent": 30, "text": "x", "files": files}
    )
    assert response.status_code == 200
    assert ProgressReport.objects.count() == 0 and ProgressEvidence.objects.count() == 0


def test_file_size_limit(client, dept_officer, task, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    client.force_login(dept_officer)
    response = client.post(
        reverse("plans:task_progress", args=[task.pk]),
        {
            "status": "in_progress",
            "percent": 30,
            "text": "x",
            "files": [SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * 200)],
        },
    )
    assert "lớn hơn" in response.content.decode()
    assert ProgressReport.objects.count() == 0


def test_deleting_a_task_removes_its_evidence_files_once_committed(
    client, dept_officer, reform_office, task, django_capture_on_commit_callbacks
):
    """The reports go with the task (their text stays in the history); their files were
    left in storage with no row serving them. The edit page says what goes with the task."""
    services.task_report_progress(
        actor=dept_officer, task=task, status="in_progress", percent=30, text="Đã làm",
        files=[("bien-ban.pdf", b"%PDF-1.4 a"), ("ke-hoach.docx", docx_bytes())],
    )  # fmt: skip
    services.task_report_progress(
        actor=dept_officer, task=task, status="in_progress", percent=50, text="Đã làm thêm"
    )
    stored = list(ProgressEvidence.objects.values_list("stored_name", flat=True))
    assert len(stored) == 2 and all(default_storage.exists(name) for name in stored)
    client.force_login(reform_office)
    page = client.get(reverse("plans:task_update", args=[task.pk])).content.decode()
    assert "sẽ xóa cả 2 báo cáo tiến độ của các cơ quan và 2 tệp kiểm chứng" in page

    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        services.task_delete(  # refused (an older version of the page): nothing is removed
            actor=reform_office, task=task, reason="Trùng", version=task.updated_at - timedelta(1)
        )
    assert all(default_storage.exists(name) for name in stored)

    with django_capture_on_commit_callbacks(execute=True):
        services.task_delete(actor=reform_office, task=task, reason="Giao trùng nhiệm vụ")
    assert not ProgressReport.objects.filter(task_id=task.pk).exists()
    assert not any(default_storage.exists(name) for name in stored)
