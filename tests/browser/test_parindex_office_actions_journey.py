"""The reform office's PAR INDEX actions that the main journey does not take, each clicked as a
person does on its page (every one posts to its own address): a draft's new deadline and every
draft's at once, refreshing the computed criteria, removing an appraiser's assignment, a
penalty recorded then removed, and reopening a finalised assessment with a reason."""

import re

import pytest
from playwright.sync_api import expect

from cchc.organizations.models import Agency
from cchc.parindex import frameworks
from cchc.parindex.models import Assessment
from cchc.parindex.services.rounds import appraiser_assign, assessment_open
from tests.browser.steps import login
from tests.factories import make_user
from tests.parindex.conftest import DEADLINE, SMALL_CSV, small_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_changes_deadlines_assignments_adjustments_and_reopens(
    reference_data, page, live_server
):
    office = make_user("vp", "12-SNV", "reform_office")
    appraiser = make_user("tdinh", "12-SNV", "appraiser")
    framework = frameworks.import_framework(small_spec(), SMALL_CSV.encode(), "t.csv").framework
    agencies = list(Agency.objects.filter(code__in=["12-STP", "12-STC"]))
    assessment_open(actor=office, framework=framework, deadline=DEADLINE, agencies=agencies)
    for agency in agencies:
        appraiser_assign(actor=office, appraiser=appraiser, agency=agency, framework=framework)
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, live_server, "vp")
    page.goto(f"{live_server.url}/chi-so-cchc/bo-tieu-chi/{framework.pk}/")

    # Deadlines: one draft's, then every draft's; the computed criteria from the indicators.
    page.locator(".nav-tabs").get_by_role("link", name="Mở đợt, hạn").click()
    page.get_by_label("Hạn mới của Sở Tư pháp").fill("28/02/2032")
    page.get_by_role("row", name=re.compile("Sở Tư pháp")).get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã đặt hạn tự chấm của Sở Tư pháp: 28/02/2032.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Sở Tư pháp"))).to_contain_text("28/02/2032")
    page.get_by_label("Hạn mới", exact=True).fill("05/03/2032")
    page.get_by_role("button", name="Đặt hạn").click()
    expect(page.get_by_text("Đã đặt hạn 05/03/2032 cho 2 phiếu đang tự chấm.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Sở Tài chính"))).to_contain_text("05/03/2032")
    page.get_by_role("button", name="Cập nhật điểm từ số liệu").click()
    expect(page.get_by_text("Đã cập nhật điểm tính từ số liệu:")).to_be_visible()

    # An assignment removed.
    page.locator(".nav-tabs").get_by_role("link", name="Phân công thẩm định").click()
    page.get_by_role("button", name="Thôi phân công tdinh thẩm định Sở Tài chính").click()
    expect(page.get_by_text("Đã thôi phân công tdinh thẩm định Sở Tài chính.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Sở Tài chính"))).to_contain_text(
        "chưa phân công"
    )

    # A penalty recorded, then removed.
    page.locator(".nav-tabs").get_by_role("link", name="Điểm thưởng, trừ").click()
    page.get_by_label("Cơ quan").select_option(label="12-STP — Sở Tư pháp")
    page.get_by_label("Loại").select_option(label="Điểm trừ")
    page.get_by_label("Số điểm").fill("0,5")
    page.get_by_label("Lý do").fill("Báo cáo quý chậm")
    page.get_by_role("button", name="Ghi").click()
    expect(page.get_by_text("Đã ghi điểm trừ 0,5 điểm cho Sở Tư pháp.")).to_be_visible()
    expect(page.get_by_role("cell", name="Báo cáo quý chậm")).to_be_visible()
    page.get_by_role("button", name="Xóa điểm trừ của Sở Tư pháp").click()
    expect(page.get_by_text("Đã xóa điểm trừ của Sở Tư pháp.")).to_be_visible()
    expect(page.get_by_text("Chưa có điểm thưởng, điểm trừ nào.")).to_be_visible()

    # A finalised assessment reopened, with its reason.
    Assessment.objects.filter(framework=framework, agency__code="12-STP").update(status="finalised")
    page.locator(".nav-tabs").get_by_role("link", name="Mở đợt, hạn").click()
    page.get_by_role("link", name="Sở Tư pháp").click()
    page.get_by_label("Lý do mở lại").fill("Phát hiện sai sót khi công khai")
    page.get_by_role("button", name="Mở lại phiếu").click()
    expect(
        page.get_by_text("Đã mở lại phiếu đánh giá của Sở Tư pháp để thẩm định lại.")
    ).to_be_visible()
    assert Assessment.objects.get(agency__code="12-STP").reopen_reason == (
        "Phát hiện sai sót khi công khai"
    )
