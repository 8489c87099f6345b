"""A plan's tasks and their progress reports through the API (issue 18): read as the task
board and the task's page read them; a progress report with its evidence written by a token
issued for reporting, through the task page's form and service — all or nothing."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from cchc.api import tokens
from cchc.plans.models import Plan, ProgressEvidence, ProgressReport, ReformArea, Task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"1 0 obj\n" * 8
QUERIES = 8  # token, scope, the rows and what they show: not one per row


def header(actor, code, purpose="read"):
    from cchc.organizations.models import Agency

    _t, text = tokens.token_issue(
        actor=actor, agency=Agency.objects.get(code=code), purpose=purpose, name=f"Mã {code}",
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def task(order, lead, *, coordinating=(), owner=None, deadline=None, text=None):
    from cchc.organizations.models import Agency

    made = Task.objects.create(
        plan=Plan.objects.get(year=2022), area=ReformArea.objects.get(code="procedures"),
        order=900 + order, text=text or f"Nhiệm vụ thử {order}",
        lead_agency=Agency.objects.get(code=lead), deadline=deadline,
        owner=Agency.objects.get(code=owner) if owner else None,
    )  # fmt: skip
    made.coordinating_agencies.set(Agency.objects.filter(code__in=coordinating))
    return made


def report(on, code, status, percent, completed_on=None):
    from cchc.organizations.models import Agency

    agency = Agency.objects.get(code=code)
    return ProgressReport.objects.create(
        task=on, agency=agency, is_lead=on.lead_agency_id == agency.pk, status=status,
        percent=percent, completed_on=completed_on, text=f"Báo cáo của {code}",
        reported_by=UserFactory(username=f"bc-{code}-{on.pk}-{percent}"),
    )  # fmt: skip


@pytest.fixture
def tasks(db):
    """Sở Tư pháp leads A (due 30/06/2022, 40 % reported: overdue today) and B (due in three
    days, 40 %: in progress and at risk — fewer than ten working days left), coordinates C
    (Sở Nội vụ's, done on 01/07/2022, a day after its deadline: done late); D is Sở Nội vụ's
    alone, E Sở Nội vụ's own task."""
    soon = timezone.localdate() + timedelta(days=3)
    made = {
        "A": task(1, "12-STP", deadline=date(2022, 6, 30)),
        "B": task(2, "12-STP", deadline=soon),
        "C": task(3, "12-SNV", coordinating=["12-STP"], deadline=date(2022, 6, 30)),
        "D": task(4, "12-SNV"),
        "E": task(5, "12-SNV", owner="12-SNV", text="Nhiệm vụ riêng của Sở Nội vụ"),
    }
    report(made["A"], "12-STP", "in_progress", 40)
    report(made["B"], "12-STP", "in_progress", 40)
    report(made["C"], "12-SNV", "done", 100, completed_on=date(2022, 7, 1))
    report(made["C"], "12-STP", "in_progress", 60)  # a contribution: decides nothing
    report(made["D"], "12-SNV", "in_progress", 10)
    return made


def rows_by_text(response):
    assert response.status_code == 200, response.content[:300]
    return {r["text"]: r for r in response.json()["results"]}


def test_an_agencys_token_lists_the_tasks_it_leads_or_coordinates(client, reform_office, tasks):
    rows = rows_by_text(client.get("/api/v1/plans/2022/tasks/", **header(reform_office, "12-STP")))
    assert set(rows) == {"Nhiệm vụ thử 1", "Nhiệm vụ thử 2", "Nhiệm vụ thử 3"}
    a, b, c = rows["Nhiệm vụ thử 1"], rows["Nhiệm vụ thử 2"], rows["Nhiệm vụ thử 3"]
    assert (a["status"], a["status_label"], a["percent"], a["role"]) == (
        "overdue",
        "Quá hạn",
        40,
        "lead",
    )
    assert (b["status"], b["percent"], b["at_risk"]) == ("in_progress", 40, True)
    assert (c["status"], c["status_label"], c["percent"], c["role"]) == (
        "done_late",
        "Hoàn thành quá hạn",
        100,
        "coordinating",
    )
    assert c["lead_agency"] == {"code": "12-SNV", "name": "Sở Nội vụ"}
    assert [x["code"] for x in c["coordinating_agencies"]] == ["12-STP"]
    assert a["area"]["code"] == "procedures" and a["deadline"] == "2022-06-30"
    assert a["own_task_of"] is None and a["illustrative"] is False


def test_the_provinces_token_lists_every_task_of_the_plan(client, reform_office, tasks):
    body = client.get("/api/v1/plans/2022/tasks/", {"limit": 2000}, **header(reform_office, "12"))
    rows = rows_by_text(body)
    assert body.json()["count"] == Task.objects.filter(plan__year=2022).count()
    assert rows["Nhiệm vụ riêng của Sở Nội vụ"]["own_task_of"] == "12-SNV"
    assert rows["Nhiệm vụ thử 4"]["role"] == ""
    assert client.get("/api/v1/plans/1999/tasks/", **header(reform_office, "12")).status_code == 404


def test_the_task_list_makes_a_fixed_number_of_queries(
    client, reform_office, tasks, django_assert_max_num_queries
):
    auth = header(reform_office, "12")
    for extra in range(3):  # more tasks, each with coordinators and a report: same count
        more = task(10 + extra, "12-STP", coordinating=["12-SNV", "106"])
        report(more, "12-STP", "in_progress", 20)
    with django_assert_max_num_queries(7):
        assert client.get("/api/v1/plans/2022/tasks/", **auth).status_code == 200


def test_the_reports_make_a_fixed_number_of_queries(
    client, reform_office, tasks, django_assert_max_num_queries
):
    auth = header(reform_office, "12-STP")
    for percent in (10, 20, 30):  # more reports, each by another account, with evidence
        made = report(tasks["C"], "12-SNV", "in_progress", percent)
        ProgressEvidence.objects.create(report=made, stored_name="x", original_name="a.pdf",
                                        content_type="application/pdf", size=1, sha256="0")  # fmt: skip
    with django_assert_max_num_queries(QUERIES):
        response = client.get(f"/api/v1/plans/2022/tasks/{tasks['C'].pk}/reports/", **auth)
    assert response.json()["count"] == 5


def test_reports_are_read_as_the_task_page_shows_them(client, reform_office, tasks):
    stp = header(reform_office, "12-STP")
    url = "/api/v1/plans/2022/tasks/{}/reports/"
    timeline = client.get(url.format(tasks["C"].pk), **stp).json()["results"]
    # Everyone working on a task reads its whole timeline, newest first.
    assert [(r["agency"]["code"], r["is_lead"], r["percent"]) for r in timeline] == [
        ("12-STP", False, 60),
        ("12-SNV", True, 100),
    ]
    assert timeline[1]["completed_on"] == "2022-07-01"
    assert timeline[1]["status_label"] == "Hoàn thành"
    # A province task it does not work on: the task is shared, its reports are not.
    shared = client.get(url.format(tasks["D"].pk), **stp)
    assert shared.status_code == 200 and shared.json()["results"] == []
    # Another agency's own task is not there at all; nor is a task under another year.
    assert client.get(url.format(tasks["E"].pk), **stp).status_code == 404
    assert client.get(f"/api/v1/plans/2023/tasks/{tasks['A'].pk}/reports/",
                      **stp).status_code == 404  # fmt: skip
    assert client.get(url.format(999_999), **stp).status_code == 404
    province = client.get(url.format(tasks["E"].pk), **header(reform_office, "12"))
    assert province.status_code == 200 and province.json()["count"] == 0


def stored_evidence() -> set[str]:
    """Every file under the storage's evidence folder."""
    found: set[str] = set()

    def walk(folder):
        try:
            dirs, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        found.update(f"{folder}/{f}" for f in files)
        for d in dirs:
            walk(f"{folder}/{d}")

    walk("evidence")
    return found


def post(client, on, auth, files=(), **fields):
    data = {"status": "in_progress", "percent": 50, "text": "Đã rà soát 12 thủ tục.", **fields}
    if files:
        data["files"] = list(files)
    return client.post(f"/api/v1/plans/{on.plan.year}/tasks/{on.pk}/reports/", data, **auth)


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_the_lead_agency_reports_progress_with_evidence(client, reform_office, tasks):
    auth = header(reform_office, "12-STP", "report_progress")
    before = stored_evidence()
    done = post(client, tasks["B"], auth, files=[upload("bien-ban.pdf", PDF),
                                                 upload("anh.png", PNG)],
                status="done", percent=100, completed_on="05/01/2026")  # fmt: skip
    assert done.status_code == 201, done.json()
    body = done.json()
    assert (body["agency"]["code"], body["is_lead"], body["status"], body["percent"]) == (
        "12-STP",
        True,
        "done",
        100,
    )
    assert body["completed_on"] == "2026-01-05"
    assert [(e["name"], e["size"]) for e in body["evidence"]] == [
        ("bien-ban.pdf", len(PDF)),
        ("anh.png", len(PNG)),
    ]
    saved = ProgressReport.objects.get(pk=body["id"])
    assert saved.reported_by.username == body["reported_by"] and not saved.reported_by.is_active
    assert saved.reported_by.username.startswith("api-")
    new = stored_evidence() - before
    assert len(new) == 2
    stored = ProgressEvidence.objects.get(report=saved, original_name="bien-ban.pdf")
    assert stored.stored_name in new
    assert default_storage.open(stored.stored_name).read() == PDF
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest() == body["evidence"][0]["sha256"]
    # The task board (and so the list) now shows the report's status.
    rows = rows_by_text(client.get("/api/v1/plans/2022/tasks/", **header(reform_office, "12-STP")))
    assert (rows["Nhiệm vụ thử 2"]["status"], rows["Nhiệm vụ thử 2"]["percent"]) == ("done", 100)
    # The report is in the task's history under the token's account.
    assert saved.history.get().history_user == saved.reported_by


def test_a_report_in_json_without_files(client, reform_office, tasks):
    auth = header(reform_office, "12-STP", "report_progress")
    url = f"/api/v1/plans/2022/tasks/{tasks['A'].pk}/reports/"
    response = client.post(url, {"status": "in_progress", "percent": 70, "text": "Tiếp tục."},
                           content_type="application/json", **auth)  # fmt: skip
    assert response.status_code == 201 and response.json()["evidence"] == []
    bad = client.post(url, [1, 2], content_type="application/json", **auth)
    assert bad.status_code == 400 and "JSON" in bad.json()["errors"]["non_field_errors"][0]


def test_a_coordinating_agency_adds_its_contribution_which_decides_nothing(
    client, reform_office, tasks
):
    auth = header(reform_office, "12-STP", "report_progress")
    response = post(client, tasks["C"], auth, percent=80)
    assert response.status_code == 201 and response.json()["is_lead"] is False
    rows = rows_by_text(client.get("/api/v1/plans/2022/tasks/", **header(reform_office, "12-STP")))
    assert rows["Nhiệm vụ thử 3"]["status"] == "done_late"  # still the lead's report


def nothing_written(before_reports, before_files):
    return (ProgressReport.objects.count() == before_reports
            and ProgressEvidence.objects.count() == 0 and stored_evidence() == before_files)  # fmt: skip


@pytest.mark.parametrize(
    ("files", "fields", "field", "words"),
    [
        ([upload("ok.pdf", PDF), upload("virus.pdf", b"MZ\x90\x00 not a pdf")], {},
         "non_field_errors", "nội dung tệp “virus.pdf” không phải các loại này"),
        ([upload("rong.pdf", b"")], {}, "files", "rỗng"),
        ([], {"percent": 150}, "percent", "100"),
        ([], {"status": "xong"}, "status", "xong"),
        ([], {"text": "  "}, "text", "bắt buộc"),
        ([], {"completed_on": "31/02/2026", "status": "done"}, "completed_on",
         "Ngày không hợp lệ"),
        ([upload("ok.pdf", PDF)], {"status": "done", "percent": 100}, "non_field_errors",
         "cần ngày hoàn thành"),
        ([], {"percent": 100}, "non_field_errors", "Tiến độ 100% thì chọn tình trạng"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_whole_in_vietnamese(
    client, reform_office, tasks, files, fields, field, words
):
    auth = header(reform_office, "12-STP", "report_progress")
    before = (ProgressReport.objects.count(), stored_evidence())
    response = post(client, tasks["A"], auth, files=files, **fields)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Báo cáo tiến độ bị từ chối, chưa ghi gì."
    assert any(words in message for message in body["errors"][field]), body
    assert nothing_written(*before)


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    client, reform_office, tasks, settings
):
    settings.EVIDENCE_MAX_BYTES = 50
    auth = header(reform_office, "12-STP", "report_progress")
    before = (ProgressReport.objects.count(), stored_evidence())
    response = post(client, tasks["A"], auth, files=[upload("nho.png", PNG[:40]),
                                                     upload("lon.pdf", PDF)])  # fmt: skip
    assert response.status_code == 400
    assert "“lon.pdf” lớn hơn" in response.json()["errors"]["non_field_errors"][0]
    assert nothing_written(*before)


def test_another_agencys_task_is_refused_and_nothing_is_written(client, reform_office, tasks):
    auth = header(reform_office, "12-STP", "report_progress")
    before = (ProgressReport.objects.count(), stored_evidence())
    # A province task it neither leads nor coordinates: the task page refuses it too (403).
    refused = post(client, tasks["D"], auth, files=[upload("a.pdf", PDF)])
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Cơ quan của bạn không chủ trì hay phối hợp nhiệm vụ này."
    # Refused before its input is read, as on the page: bad input changes nothing.
    assert post(client, tasks["D"], auth, percent=150).status_code == 403
    # Another agency's own task: it does not exist for this token (404, like a missing one).
    assert post(client, tasks["E"], auth).status_code == 404
    assert post(client, tasks["A"], auth).status_code == 201  # its own task: written
    assert ProgressReport.objects.count() == before[0] + 1
    assert stored_evidence() == before[1]


def test_a_district_token_does_not_report_for_its_commune(client, reform_office):
    communes_task = task(1, "106-02")
    before = ProgressReport.objects.count()
    response = post(client, communes_task, header(reform_office, "106", "report_progress"))
    assert response.status_code == 403 and ProgressReport.objects.count() == before
    own = post(client, communes_task, header(reform_office, "106-02", "report_progress"))
    assert own.status_code == 201


def test_the_provinces_reporting_token_reports_only_on_what_the_province_leads(
    client, reform_office, tasks
):
    """A reporting token of UBND tỉnh is an officer of UBND tỉnh, not a leader reading the
    province: it reports on the tasks UBND tỉnh leads and on no other agency's."""
    auth = header(reform_office, "12", "report_progress")
    assert post(client, tasks["D"], auth).status_code == 403
    assert post(client, task(7, "12"), auth).status_code == 201


def test_each_token_serves_its_own_purpose(client, reform_office, dept_officer, tasks):
    before = ProgressReport.objects.count()
    reading = header(reform_office, "12-STP")
    assert post(client, tasks["A"], reading).status_code == 403
    pushing = header(reform_office, "12-STP", "push_dossiers")
    assert post(client, tasks["A"], pushing).status_code == 403
    reporting = header(reform_office, "12-STP", "report_progress")
    url = f"/api/v1/plans/2022/tasks/{tasks['A'].pk}/reports/"
    assert client.get(url, **reporting).status_code == 403
    assert client.get("/api/v1/plans/2022/tasks/", **reporting).status_code == 403
    # The pages' session reads the API; it does not write through it.
    client.force_login(dept_officer)
    assert client.get(url).status_code == 200
    refused = post(client, tasks["A"], {})
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Phiên đăng nhập trên trình duyệt chỉ đọc")
    client.logout()
    assert post(client, tasks["A"], {}).status_code in {401, 403}
    assert ProgressReport.objects.count() == before


def test_a_revoked_reporting_token_writes_nothing(client, reform_office, tasks):
    from cchc.api.models import ApiToken

    auth = header(reform_office, "12-STP", "report_progress")
    token = ApiToken.objects.get(purpose="report_progress")
    tokens.token_revoke(actor=reform_office, token=token, reason="Hệ thống ngừng dùng")
    assert post(client, tasks["A"], auth).status_code == 401


def test_only_reporting_tokens_get_an_account_and_nobody_signs_in_with_it(reform_office):
    from cchc.api.models import ApiToken
    from cchc.organizations.models import Membership

    header(reform_office, "12-STP")
    header(reform_office, "12-STP", "report_progress")
    accounts = dict(ApiToken.objects.values_list("purpose", "account__username"))
    assert accounts["read"] is None
    account = ApiToken.objects.get(purpose="report_progress").account
    assert account.username == accounts["report_progress"]
    assert not account.is_active and not account.has_usable_password()
    assert not Membership.objects.filter(user=account).exists()  # its role is the token's


def test_a_body_that_cannot_be_read_is_refused_in_vietnamese(client, reform_office, tasks):
    """DRF answered "JSON parse error - Expecting value: …" and "Multipart form parse error
    - …"."""
    auth = header(reform_office, "12-STP", "report_progress")
    path = f"/api/v1/plans/2022/tasks/{tasks['A'].pk}/reports/"
    answers = [
        client.post(path, b'{"status": "done",', content_type="application/json", **auth),
        client.post(path, b"--x\r\nbroken", content_type="multipart/form-data; boundary=", **auth),
    ]  # fmt: skip
    assert [r.json() for r in answers] == [
        {"detail": "Nội dung không phải JSON hợp lệ: lỗi ở dòng 1, cột 19."},
        {"detail": "Biểu mẫu gửi lên không đọc được (sai ranh giới multipart hoặc bảng mã)."},
    ]
    assert tasks["A"].reports.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"status": "done", "percent": 100, "text": "a", "completed_on": True}, "completed_on",
         "không phải danh sách, đối tượng hay true/false"),
        ({"status": "in_progress", "percent": 50, "text": ["a"]}, "text", "không phải danh sách"),
        ({"status": "in_progress", "percent": 50, "text": {"x": 1}}, "text", "không phải danh"),
        ({"status": ["in_progress"], "percent": 50, "text": "a"}, "status", "không phải danh"),
        ({"status": "in_progress", "percent": 50, "text": "a\u0000b"}, "text", "U+0000"),
        ({"status": "in_progress", "percent": 50, "text": "a", "files": ["x.pdf"]}, "files",
         "multipart/form-data"),
    ],
)  # fmt: skip
def test_a_json_report_of_the_wrong_types_is_refused_by_field(
    client, reform_office, tasks, body, field, words
):
    """A date given as true was an error page; a list or an object as the text was stored as
    its Python text ("['a']"); a NUL was dropped unseen; files in JSON were ignored."""
    auth = header(reform_office, "12-STP", "report_progress")
    before = (ProgressReport.objects.count(), stored_evidence())
    url = f"/api/v1/plans/2022/tasks/{tasks['A'].pk}/reports/"
    response = client.post(url, body, content_type="application/json", **auth)
    assert response.status_code == 400, response.content
    assert any(words in message for message in response.json()["errors"][field])
    assert nothing_written(*before)


def test_a_file_over_the_limit_is_refused_before_it_is_read(settings, monkeypatch):
    """A 600 MB "PDF" was read whole into the server's memory before being refused."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict

    from cchc.plans.forms import ProgressForm

    settings.EVIDENCE_MAX_BYTES = 50

    def never(self, *args):
        raise AssertionError("read before its size was checked")

    monkeypatch.setattr(SimpleUploadedFile, "read", never)
    form = ProgressForm(
        {"status": "in_progress", "percent": "10", "text": "a"},
        MultiValueDict({"files": [SimpleUploadedFile("lon.pdf", b"%PDF-" + b"x" * 100)]}),
    )
    assert not form.is_valid()
    assert "“lon.pdf” lớn hơn" in form.non_field_errors()[0]
