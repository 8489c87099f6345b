"""Issue 18, in Chromium as the reform office works: a token issued on its page (shown once),
used by another system to read the API, then revoked with a reason and refused."""

import pytest
from playwright.sync_api import expect

from cchc.api.models import ApiToken
from tests.browser.steps import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reform_office_issues_uses_and_revokes_a_token(reference_data, page, live_server):
    make_user("vp", "12-SNV", "reform_office")
    login(page, live_server, "vp")
    page.goto(f"{live_server.url}/co-quan/")
    page.get_by_role("link", name="Mã truy cập API").click()
    page.get_by_label("Cơ quan").select_option(label="Sở Tư pháp (12-STP)")
    page.get_by_label("Tên gọi").fill("Cổng thông tin Sở Tư pháp")
    page.get_by_label("Hết hạn ngày").fill("31/12/2030")
    page.get_by_role("button", name="Cấp mã").click()
    shown = page.get_by_test_id("issued").locator("code")
    expect(shown).to_be_visible()
    text = shown.inner_text()
    assert ApiToken.objects.get().expires_at.date().isoformat() == "2030-12-31"

    # Another system reads with it: its own agency only.
    answer = page.request.get(f"{live_server.url}/api/v1/agencies/",
                              headers={"Authorization": f"Bearer {text}"})  # fmt: skip
    assert answer.status == 200
    assert [a["code"] for a in answer.json()["results"]] == ["12-STP"]

    # The token is never shown again; revoked with a reason, it is refused.
    page.reload()
    expect(page.get_by_test_id("issued")).to_have_count(0)
    page.get_by_role("link", name="Thu hồi").click()
    page.get_by_label("Lý do thu hồi").fill("Cổng thông tin ngừng dùng")
    page.get_by_role("button", name="Thu hồi").click()
    expect(page.get_by_text("Đã thu hồi mã truy cập.")).to_be_visible()
    refused = page.request.get(f"{live_server.url}/api/v1/agencies/",
                               headers={"Authorization": f"Bearer {text}"})  # fmt: skip
    assert refused.status == 401
