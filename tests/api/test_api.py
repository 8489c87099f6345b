"""The REST API (issue 18, first part): tokens issued once and stored hashed; every request
read through the pages' own scope; revoked or expired tokens refused; a rate per caller."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cchc.api import tokens
from cchc.api.auth import PerCaller
from cchc.api.models import ApiToken
from cchc.indicators.models import IndicatorSnapshot
from cchc.organizations.models import Agency
from cchc.plans.models import Plan

pytestmark = pytest.mark.django_db


def issue(actor, code, days=30):
    token, text = tokens.token_issue(
        actor=actor, agency=Agency.objects.get(code=code), purpose="read", name=f"Mã {code}",
        expires_at=timezone.now() + timedelta(days=days),
    )  # fmt: skip
    return token, {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def test_a_token_is_shown_once_and_stored_hashed(reform_office):
    token, header = issue(reform_office, "12-STP")
    text = header["HTTP_AUTHORIZATION"].split()[1]
    stored = " ".join(str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values())
    # The secret is what follows the second "_" (it may hold "_" itself: token_urlsafe).
    assert text not in stored and text.split("_", 2)[2] not in stored
    assert token.prefix in text and len(token.key_hash) == 64


def test_only_the_reform_office_issues_tokens(dept_officer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        issue(dept_officer, "12-STP")


def test_an_officers_token_reads_what_the_officer_reads(client, reform_office):
    _token, header = issue(reform_office, "12-STP")
    agencies = client.get("/api/v1/agencies/", **header).json()
    assert [a["code"] for a in agencies["results"]] == ["12-STP"]
    assert client.get("/api/v1/agencies/12-SNV/", **header).status_code == 404
    assert client.get("/api/v1/agencies/12-STP/", **header).json()["name"] == "Sở Tư pháp"
    plans = client.get("/api/v1/plans/", **header).json()["results"]
    assert [p["year"] for p in plans] == [2022]  # the plan is shared


def test_the_provinces_token_reads_the_province(client, reform_office):
    _token, header = issue(reform_office, "12")
    body = client.get("/api/v1/agencies/", **header).json()
    assert body["count"] == Agency.objects.count()


def test_figures_are_scoped_like_the_target_page(client, reform_office):
    """Target 6c with two agencies' snapshots: the province's token gets both (3 + 1) / (10 +
    10) = 20 %; Sở Tư pháp's token only its own 3/10 = 30 %."""
    from datetime import date

    for code, n in (("12-STP", 3), ("12-SNV", 1)):
        IndicatorSnapshot.objects.create(
            indicator="ONLINE_DOSSIER_SHARE", agency=Agency.objects.get(code=code),
            tier="province", month=date(2022, 3, 1), numerator=n, denominator=10,
        )  # fmt: skip
    _t, province = issue(reform_office, "12")
    _t, stp = issue(reform_office, "12-STP")
    everything = client.get("/api/v1/plans/2022/targets/6c/figures/", **province).json()
    assert everything["overall"]["value"] == "20.00"
    assert {a["agency"] for a in everything["agencies"]} == {"12-STP", "12-SNV"}
    own = client.get("/api/v1/plans/2022/targets/6c/figures/", **stp).json()
    assert own["overall"]["value"] == "30.00"
    assert [a["agency"] for a in own["agencies"]] == ["12-STP"]
    bad = client.get("/api/v1/plans/2022/targets/6c/figures/", {"through": "2021-13"}, **stp)
    assert bad.status_code == 400 and "through" in bad.json()


def test_refused_tokens_are_one_401(client, reform_office):
    token, header = issue(reform_office, "12-STP")
    assert client.get("/api/v1/plans/", **header).status_code == 200
    wrong = {"HTTP_AUTHORIZATION": header["HTTP_AUTHORIZATION"][:-2] + "xx"}
    assert client.get("/api/v1/plans/", **wrong).status_code == 401
    tokens.token_revoke(actor=reform_office, token=token, reason="Hệ thống ngừng dùng")
    refused = client.get("/api/v1/plans/", **header)
    assert refused.status_code == 401 and "thu hồi" in refused.json()["detail"]
    expired, header2 = issue(reform_office, "12-STP")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/plans/", **header2).status_code == 401
    assert client.get("/api/v1/plans/").status_code in {401, 403}  # no token, no session


def test_a_signed_in_account_reads_through_its_session(client, dept_officer):
    client.force_login(dept_officer)
    body = client.get("/api/v1/agencies/").json()
    assert [a["code"] for a in body["results"]] == ["12-STP"]


def test_last_use_is_recorded(client, reform_office):
    token, header = issue(reform_office, "12-STP")
    assert token.last_used_at is None
    client.get("/api/v1/plans/", **header)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_requests_per_token_are_limited(client, reform_office, locmem_cache, monkeypatch):
    monkeypatch.setattr(PerCaller, "THROTTLE_RATES", {"caller": "3/min"})
    _t, header = issue(reform_office, "12-STP")
    _t, other = issue(reform_office, "12-SNV")
    codes = [client.get("/api/v1/plans/", **header).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/api/v1/plans/", **other).status_code == 200  # its own allowance


def test_schema_and_docs_page(client, dept_officer):
    client.force_login(dept_officer)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/plans/{year}/targets/{label}/figures/" in paths
    docs = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def test_token_pages_issue_and_revoke(client, reform_office, dept_officer):
    client.force_login(dept_officer)
    assert client.get("/api/ma-truy-cap/").status_code == 403
    client.force_login(reform_office)
    agency = Agency.objects.get(code="12-STP")
    page = client.post("/api/ma-truy-cap/", follow=True, data={"agency": agency.pk, "purpose": "read",
                                             "name": "Cổng của Sở", "expires_on": "31/12/2030"})  # fmt: skip
    body = page.content.decode()
    assert "hãy sao chép ngay" in body
    token = ApiToken.objects.get()
    assert token.expires_at.year == 2030
    again = client.get("/api/ma-truy-cap/").content.decode()
    assert "hãy sao chép ngay" not in again and f"cchc_{token.prefix}_…" in again
    done = client.post(f"/api/ma-truy-cap/{token.pk}/thu-hoi/", {"reason": "Lộ mã"})
    assert done.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoke_reason == "Lộ mã"
    assert Plan.objects.count() == 1


def test_a_secret_with_underscores_is_read_whole(client, reform_office, monkeypatch):
    """token_urlsafe may put "_" in the secret: the token is split at its first two only."""
    monkeypatch.setattr(tokens.secrets, "token_urlsafe", lambda n: "a_b_c" * 8)
    _t, header = issue(reform_office, "12-STP")
    assert client.get("/api/v1/plans/", **header).status_code == 200


def test_the_schema_is_valid_and_generated_without_warnings(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert "maTruyCap" in text and "scheme: bearer" in text
