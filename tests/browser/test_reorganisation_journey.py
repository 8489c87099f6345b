"""Issue 19, in Chromium as the reform office works: the tree on a chosen day, a dissolved
district's page, an inferred department merger corrected with a reason, and a dissolved
district's officer moved to a new commune."""

import pytest
from playwright.sync_api import expect

from cchc.organizations.models import Agency, AgencySuccession, Certainty, Membership
from tests.browser.steps import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reorganised_data(reference_data):
    from cchc.organizations.reorganisation import load_name_variants, load_reorganisation

    load_name_variants()
    load_reorganisation()


def test_reform_office_reads_the_tree_and_corrects_a_merger(reorganised_data, page, live_server):
    make_user("vp", "12-SNV", "reform_office")
    officer = make_user("tduong", "106", "agency_officer")
    login(page, live_server, "vp")
    page.goto(f"{live_server.url}/co-quan/")
    page.get_by_label("Cơ cấu ngày").fill("30/06/2025")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_text("cơ cấu ngày 30/06/2025")).to_be_visible()
    expect(page.get_by_role("link", name="Huyện Tam Đường")).to_be_visible()
    expect(page.get_by_role("link", name="Xã Mường Kim")).to_have_count(1)  # the 2022 commune

    page.get_by_label("Cơ cấu ngày").fill("01/07/2025")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("link", name="Huyện Tam Đường")).to_have_count(0)
    expect(page.get_by_text("UBND cấp xã: 38")).to_be_visible()

    # The district's page: six successors, its officer moved to one of them.
    page.get_by_label("Cơ cấu ngày").fill("30/06/2025")
    page.get_by_role("button", name="Xem").click()
    page.get_by_role("link", name="Huyện Tam Đường").click()
    expect(page.get_by_text("Nhiệm vụ, địa bàn chuyển cho 6 đơn vị")).to_be_visible()
    page.get_by_role("link", name="Chuyển").click()
    page.get_by_label("Chuyển sang cơ quan").select_option(label="Xã Bình Lư (NQ1670-10)")
    page.get_by_label("Lý do").fill("Sắp xếp đơn vị hành chính từ 01/07/2025")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã chuyển tài khoản.")).to_be_visible()
    assert Membership.objects.get(user=officer).agency.code == "NQ1670-10"

    # An inferred department merger: checked against the province's decision, corrected.
    department = Agency.objects.get(code="12-SGTVT")
    page.goto(f"{live_server.url}/co-quan/{department.pk}/")
    expect(page.get_by_text("Suy ra, cần đối chiếu")).to_be_visible()
    page.get_by_role("link", name="Điều chỉnh").click()
    page.get_by_label("Có hiệu lực từ ngày").fill("15/03/2025")
    page.get_by_label("Căn cứ").fill("Quyết định 123/QĐ-UBND của UBND tỉnh")
    page.get_by_label("Mức độ xác thực").select_option(label="Đã đối chiếu văn bản")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".invalid-feedback, .errorlist").first).to_be_visible()  # reason missing
    page.get_by_label("Lý do điều chỉnh").fill("Đối chiếu Quyết định 123/QĐ-UBND")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã điều chỉnh việc kế thừa.")).to_be_visible()
    expect(page.get_by_text("Suy ra, cần đối chiếu")).to_have_count(0)
    link = AgencySuccession.objects.get(predecessor=department)
    assert (link.effective_on.isoformat(), link.certainty) == ("2025-03-15", Certainty.CONFIRMED)
    department.refresh_from_db()
    assert department.valid_to.isoformat() == "2025-03-14"
