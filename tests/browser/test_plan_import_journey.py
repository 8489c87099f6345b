"""Issue 17: a plan document is imported as a person does it in Chromium — upload, read the
draft, change what needs changing, press "Lưu kế hoạch" — with every field the page renders
(the blank "(dòng mới)" rows included) posted by the browser, not by a test helper."""

import re

import pytest
from docx import Document
from playwright.sync_api import expect

from cchc.core.reference import DATA_DIR
from cchc.plans.models import Plan
from tests.browser.steps import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = DATA_DIR / "sources" / "kh-4345-kh-ubnd-2021.txt"
# Parts per numbered item of the seed's "II. MỘT SỐ CHỈ TIÊU" section, counted by hand: item 5
# measures two quantities (30% of procedures online, 10% of payments), item 6 three.
SEED_PARTS = {1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 3, 7: 1, 8: 1}

# A second plan, written the way the importer reads today: targets and tasks in the body.
SECOND_PLAN = """ỦY BAN NHÂN DÂN
TỈNH LAI CHÂU
Số: 512/KH-UBND
Lai Châu, ngày 20 tháng 12 năm 2023
KẾ HOẠCH
CẢI CÁCH HÀNH CHÍNH TỈNH LAI CHÂU NĂM 2024
Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể \
cải cách hành chính nhà nước giai đoạn 2021-2030;
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao chất lượng phục vụ người dân, doanh nghiệp.
2. Yêu cầu
- Thực hiện đồng bộ, đúng tiến độ.
II. CHỈ TIÊU CHỦ YẾU NĂM 2024
1. Tối thiểu 80% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến.
2. 100% cơ quan chuyên môn thuộc UBND tỉnh công khai thủ tục hành chính đúng hạn.
III. NHIỆM VỤ, GIẢI PHÁP
1. Công tác chỉ đạo điều hành
- Ban hành kế hoạch kiểm tra cải cách hành chính năm 2024.
2. Cải cách thủ tục hành chính
- Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền của tỉnh.
Nơi nhận:
"""


def as_docx(text: str, path):
    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(path)
    return path


def upload(page, path):
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.get_by_role("link", name="Nhập từ văn bản").click()
    page.get_by_label("Văn bản kế hoạch").set_input_files(path)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page).to_have_url(re.compile(r"/nhap-van-ban/xem-lai/$"))


def save_review(page, year: int):
    page.get_by_role("button", name="Lưu kế hoạch").click()
    expect(page.get_by_text(f"Đã lưu kế hoạch năm {year}.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/ke-hoach/\d+/$"))


def test_the_bundled_plan_is_imported_and_saved_from_the_review_page(
    reference_data, page, live_server
):
    make_user("vp", "12-SNV", "reform_office")
    login(page, live_server, "vp")
    upload(page, SEED)
    expect(page.get_by_text("(dòng mới)")).to_have_count(1)  # the blank target row, untouched
    # The bundled 2022 plan is already loaded: the officer files this one as 2023, and
    # rewords one measured quantity.
    page.get_by_label("Năm kế hoạch").fill("2023")
    page.locator("#id_ct-0-quantity").fill("sở, ban, ngành, huyện được kiểm tra CCHC")
    # Target 1 applies to departments and districts as written; the officer narrows it.
    expect(page.locator("#id_ct-0-scope_levels_0")).to_be_checked()
    expect(page.locator("#id_ct-0-scope_levels_1")).to_be_checked()
    expect(page.locator("#id_ct-0-scope_levels_2")).not_to_be_checked()
    page.locator("#id_ct-0-scope_levels_1").uncheck()
    expect(page.locator(".indicator-suggested").first).to_contain_text("gợi ý")
    save_review(page, 2023)

    plan = Plan.objects.get(year=2023)
    assert plan.targets.count() == sum(SEED_PARTS.values()) == 11
    assert plan.targets.get(number=1).quantity == "sở, ban, ngành, huyện được kiểm tra CCHC"
    assert plan.targets.get(number=1).scope_levels == ["department"]
    assert plan.targets.get(number=2).scope_levels == ["department", "district", "commune"]
    # Item 4 of the document: "… tương ứng 30%, 20%, 15% đối với … cấp tỉnh, cấp huyện, cấp xã".
    assert "đạt tối thiểu tương ứng 30%, 20%, 15%" in SEED.read_text(encoding="utf-8")
    four = plan.targets.get(number=4)
    assert {t.tier: int(t.value) for t in four.thresholds.all()} == {
        "province": 30, "district": 20, "commune": 15,
    }  # fmt: skip
    assert plan.tasks.count() == 5 and plan.legal_bases.count() == 3


def test_a_second_plan_docx_with_two_targets_and_two_tasks(
    reference_data, page, live_server, tmp_path
):
    make_user("vp", "12-SNV", "reform_office")
    login(page, live_server, "vp")
    upload(page, as_docx(SECOND_PLAN, tmp_path / "kh-512.docx"))
    expect(page.get_by_label("Năm kế hoạch")).to_have_value("2024")
    # Nothing to change: the officer reads the draft and saves it as it is.
    save_review(page, 2024)

    plan = Plan.objects.get(year=2024)
    assert plan.number == "512/KH-UBND"
    targets = {t.number: t for t in plan.targets.all()}
    assert sorted(targets) == [1, 2]
    assert [int(t.value) for t in targets[1].thresholds.all()] == [80]
    assert [int(t.value) for t in targets[2].thresholds.all()] == [100]
    assert sorted(plan.tasks.values_list("text", flat=True)) == [
        "Ban hành kế hoạch kiểm tra cải cách hành chính năm 2024.",
        "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền của tỉnh.",
    ]
