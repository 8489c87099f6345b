"""Every message the API gives a caller is Vietnamese (LANGUAGE_CODE "vi"): DRF's own answers
(no credentials, a body type or Accept header it cannot serve, too many requests) through the
project's catalogue (src/cchc/locale), and those no catalogue reaches — a body that is not
JSON, Django's "No Plan matches the given query." — from the API's own parsers and lookups."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cchc.api import tokens
from cchc.api.auth import PerCaller
from cchc.organizations.models import Agency

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"\b(the|not|no|was|were|request|error|matches|parse|could|JSON parse|"
                     r"unsupported|credentials|codec|limit|expected|seconds?)\b", re.IGNORECASE)  # fmt: skip
VIETNAMESE = re.compile("[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


def vietnamese(detail: str) -> bool:
    """Vietnamese words and none of the English words DRF, Django and Python answered with
    (codes and field names quoted in it aside)."""
    words = re.sub(r"“[^”]*”|application/json|UTF-8|Content-Type|Accept", "", detail)
    return bool(VIETNAMESE.search(words)) and not ENGLISH.search(words)


def header(actor, code="12-STP", purpose="read"):
    _t, text = tokens.token_issue(
        actor=actor, agency=Agency.objects.get(code=code), purpose=purpose, name="Thử",
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.mark.parametrize(("body", "expected"), [
    (b'{"dossiers": [', "Nội dung không phải JSON hợp lệ: lỗi ở dòng 1, cột 15."),
    (b'{"dossiers": [{"KenhThucHien": NaN}]}',
     "JSON không có giá trị NaN: mỗi số phải là một số hữu hạn."),
    (b'{"dossiers": [{"MaHoSo": "\xff"}]}',
     "Nội dung không phải văn bản UTF-8 hợp lệ: byte thứ 27 không đọc được."),
])  # fmt: skip
def test_a_body_that_is_not_json_is_refused_in_vietnamese(client, reform_office, body, expected):
    push = header(reform_office, purpose="push_dossiers")
    response = client.post("/api/v1/dossiers/", body, content_type="application/json", **push)
    assert (response.status_code, response.json()) == (400, {"detail": expected})


def test_a_key_twice_in_the_body_is_refused(client, reform_office):
    push = header(reform_office, purpose="push_dossiers")
    response = client.post("/api/v1/dossiers/", '{"dossiers": [{"a": 1}], "dossiers": [{"a": 2}]}',
                           content_type="application/json", **push)  # fmt: skip
    assert response.status_code == 400 and vietnamese(response.json()["detail"])


def test_drfs_own_refusals_are_vietnamese(client, reform_office):
    read = header(reform_office)
    push = header(reform_office, purpose="push_dossiers")
    answers = {
        "no token": client.get("/api/v1/agencies/"),
        "body type": client.post("/api/v1/dossiers/", "x", content_type="text/plain", **push),
        "accept": client.get("/api/v1/agencies/", HTTP_ACCEPT="text/csv", **read),
        "method": client.delete("/api/v1/agencies/", **read),
        "purpose": client.get("/api/v1/agencies/", **push),
    }
    assert {name: r.status_code for name, r in answers.items()} == {
        "no token": 401, "body type": 415, "accept": 406, "method": 405, "purpose": 403}  # fmt: skip
    for name, response in answers.items():
        assert vietnamese(response.json()["detail"]), (name, response.json())


@pytest.mark.parametrize(("path", "expected"), [
    ("/api/v1/agencies/XX/", "Không có cơ quan mã “XX” mà bạn đọc được."),
    ("/api/v1/agencies/12-SNV/", "Không có cơ quan mã “12-SNV” mà bạn đọc được."),  # outside
    ("/api/v1/plans/1999/targets/", "Không có kế hoạch năm 1999."),
    ("/api/v1/plans/1999/targets/1/figures/", "Không có kế hoạch năm 1999."),
    ("/api/v1/plans/1999/tasks/", "Không có kế hoạch năm 1999."),
    ("/api/v1/plans/2022/tasks/999999/reports/",
     "Không có nhiệm vụ 999999 trong kế hoạch năm 2022 mà bạn đọc được."),
])  # fmt: skip
def test_not_found_is_said_in_vietnamese(client, reform_office, path, expected):
    response = client.get(path, **header(reform_office))
    assert (response.status_code, response.json()) == (404, {"detail": expected})


def test_too_many_requests_is_said_in_vietnamese(client, reform_office, locmem_cache,
                                                 monkeypatch):  # fmt: skip
    monkeypatch.setattr(PerCaller, "THROTTLE_RATES", {"caller": "1/min"})
    read = header(reform_office)
    client.get("/api/v1/plans/", **read)
    response = client.get("/api/v1/plans/", **read)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert re.fullmatch(r"Quá số yêu cầu được phép trong một phút\. Hãy thử lại sau \d+ giây\.",
                        response.json()["detail"])  # fmt: skip


def test_a_session_write_without_its_csrf_token_is_refused_in_vietnamese(dept_officer):
    from django.test import Client
    from django.urls import reverse

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(dept_officer)
    response = browser.post(reverse("api:dossier_push"), data="[]", content_type="application/json")
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "CSRF" in detail and vietnamese(detail.replace("CSRF", "")), detail
