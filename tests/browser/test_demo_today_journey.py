"""The demo's "today" in Chromium (issue 19): the reform office opens the illustrative 2026
plan and meets its banner there and on the plan's figures, while the home page still opens
the province's 2022 plan; the officer of the new Xã Bản Bo (NQ1670-09, seed_demo's
`xa.banbo.2025`) lists the dossiers of the two communes it was formed from, and not others."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cchc.core.tabular.sheet import read_sheet
from cchc.operations.imports.dossiers import DossierImporter
from cchc.operations.models import ImportRun, ImportStatus, Procedure
from cchc.organizations.scope import AgencyScope
from cchc.plans.models import Plan
from tests.browser.steps import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_today(reference_data):
    from cchc.organizations.reorganisation import load_name_variants, load_reorganisation

    load_name_variants()
    load_reorganisation()
    make_user("vp", "12-SNV", "reform_office")
    call_command("create_illustrative_plan", stdout=StringIO())
    Procedure.objects.create(code="P-1", name="Chứng thực bản sao")
    importer = DossierImporter(scope=AgencyScope.everything())
    text = "Mã hồ sơ,Mã thủ tục,Mã cơ quan,Kênh thực hiện,Ngày tiếp nhận,Trạng thái\n" + (
        "HS-BANBO-CU,P-1,106-02,Trực tiếp,20/06/2025 09:00,Đang giải quyết\n"
        "HS-NATAM-CU,P-1,106-09,Trực tiếp,25/06/2025 09:00,Đang giải quyết\n"
        "HS-BANBO-MOI,P-1,NQ1670-09,Trực tiếp,07/07/2025 09:00,Đang giải quyết\n"
        "HS-SO-TU-PHAP,P-1,12-STP,Trực tiếp,07/07/2025 09:00,Đang giải quyết\n"
    )
    sheet = read_sheet(text.encode(), "hs.csv", header_names=importer.header_titles())
    run = ImportRun.objects.create(kind=importer.kind, status=ImportStatus.RUNNING)
    importer.write(importer.parse(sheet), run=run)


def test_the_illustrative_plan_is_labelled_and_the_new_commune_reads_its_past(
    demo_today, page, live_server
):
    plan = Plan.objects.get(year=2026)
    login(page, live_server, "vp")
    expect(page.locator("#ke-hoach-minh-hoa")).to_have_count(0)  # home: the 2022 plan
    page.goto(f"{live_server.url}/ke-hoach/")
    row = page.get_by_role("row", name="Kế hoạch CCHC năm 2026 (minh họa)")
    expect(row.get_by_text("kế hoạch minh họa")).to_be_visible()
    row.get_by_role("link").click()
    banner = page.locator("#ke-hoach-minh-hoa")
    expect(banner).to_contain_text("không phải kế hoạch UBND tỉnh ban hành")
    expect(page.locator("#cap-ke-hoach")).to_contain_text("cấp tỉnh và cấp xã")
    assert page.url.endswith(f"/ke-hoach/{plan.pk}/")
    page.goto(f"{live_server.url}/chi-tieu/?nam=2026")
    expect(page.locator("#ke-hoach-minh-hoa")).to_be_visible()

    call_command("seed_demo", stdout=StringIO())
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("xa.banbo.2025")
    page.get_by_label("Mật khẩu").fill("LaiChau@2022")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{live_server.url}/du-lieu/ho-so/")
    for code in ("HS-BANBO-CU", "HS-NATAM-CU", "HS-BANBO-MOI"):
        expect(page.get_by_text(code)).to_be_visible()
    expect(page.get_by_text("HS-SO-TU-PHAP")).to_have_count(0)
