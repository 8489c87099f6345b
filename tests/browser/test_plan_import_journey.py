"""Issue 17: a plan document is imported as a person does it in Chromium — upload, read the
draft, change what needs changing, press "Lưu kế hoạch" — with every field the page renders
(the blank "(dòng mới)" rows included) posted by the browser, not by a test helper."""

import re
from datetime import date

import pytest
from docx import Document
from playwright.sync_api import expect

from cchc.core.reference import DATA_DIR
from cchc.organizations.models import Agency, AgencyLevel
from cchc.plans.models import Plan
from tests.browser.steps import login
from tests.factories import make_user
from tests.plan_docx import plan_docx

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
    page.get_by_role("button", name="Đọc văn bản", exact=True).click()
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


# A third plan, the way most provinces write it: the tasks in a Word table of the "Phụ lục",
# a group row per reform area. Each task row: STT, task, lead, partners, deadline, output —
# and, last, the deadline the phrase means, worked out by hand.
TABLE_ROWS = [
    ["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
    ["1", "Ban hành kế hoạch kiểm tra cải cách hành chính năm 2025", "Sở Nội vụ",
     "Văn phòng UBND tỉnh", "Quý I/2025", "Kế hoạch kiểm tra", date(2025, 3, 31)],
    ["2", "Tuyên truyền cải cách hành chính trên Cổng thông tin điện tử tỉnh",
     "Sở Thông tin và Truyền thông", "Sở Nội vụ", "Thường xuyên", "Tin, bài",
     date(2025, 12, 31)],
    ["II. CẢI CÁCH TỔ CHỨC BỘ MÁY HÀNH CHÍNH NHÀ NƯỚC"],
    ["3", "Rà soát, sắp xếp các phòng chuyên môn thuộc UBND cấp huyện",
     "Sở Nội vụ", "UBND các huyện, thành phố", "Trước 30/6/2025", "Đề án sắp xếp",
     date(2025, 6, 30)],
    ["III. CẢI CÁCH THỦ TỤC HÀNH CHÍNH"],
    ["4", "Công bố danh mục thủ tục hành chính được sửa đổi, bổ sung", "Văn phòng Ủy ban nhân dân tỉnh",
     "Sở Tư pháp", "Tháng 9/2025", "Quyết định công bố", date(2025, 9, 30)],
]  # fmt: skip
TABLE_AREAS = {"1": "direction", "2": "direction", "3": "organization", "4": "procedures"}
TABLE_LEADS = {"1": "12-SNV", "2": "12-STTTT", "3": "12-SNV", "4": "12-VPUB"}


def table_plan(path):
    path.write_bytes(plan_docx(
        header_left=["ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU", "Số: 77/KH-UBND"],
        header_right=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                      "Lai Châu, ngày 25 tháng 12 năm 2024"],
        body=["KẾ HOẠCH", "CẢI CÁCH HÀNH CHÍNH TỈNH LAI CHÂU NĂM 2025",
              "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "Phục vụ người dân, doanh nghiệp tốt hơn.",
              "II. CHỈ TIÊU CHỦ YẾU NĂM 2025",
              "1. Tối thiểu 85% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến.",
              "III. NHIỆM VỤ TRỌNG TÂM", "IV. TỔ CHỨC THỰC HIỆN",
              "Các sở, ban, ngành triển khai Kế hoạch này."],
        signature=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)",
                   "Hà Trọng Hải"],
        appendix_heading=["PHỤ LỤC", "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2025",
                          "(Kèm theo Kế hoạch số 77/KH-UBND ngày 25/12/2024)"],
        task_rows=[row[:6] for row in TABLE_ROWS],
    ))  # fmt: skip
    return path


def test_a_plan_whose_tasks_are_in_a_word_table(reference_data, page, live_server, tmp_path):
    make_user("vp", "12-SNV", "reform_office")
    login(page, live_server, "vp")
    upload(page, table_plan(tmp_path / "kh-77.docx"))
    tasks = [row for row in TABLE_ROWS if len(row) > 1]
    expect(page.get_by_text(f"Nhiệm vụ ({len(tasks)})")).to_be_visible()
    expect(page.get_by_label("Người ký")).to_have_value("Hà Trọng Hải")
    for index, (stt, text, _lead, _partners, _phrase, output, deadline) in enumerate(tasks):
        expect(page.locator(f"#id_nv-{index}-text")).to_have_value(text)
        lead = Agency.objects.get(code=TABLE_LEADS[stt]).name  # as the catalogue spells it
        expect(page.locator(f"#id_nv-{index}-lead_agency option:checked")).to_have_text(
            re.compile(re.escape(lead))
        )
        expect(page.locator(f"#id_nv-{index}-output")).to_have_value(output)
        expect(page.locator(f"#id_nv-{index}-deadline")).to_have_value(
            deadline.strftime("%d/%m/%Y")
        )
    expect(page.locator("#id_nv-2-area option:checked")).to_have_text(
        "Cải cách tổ chức bộ máy hành chính nhà nước"
    )
    expect(page.get_by_text("Không tìm thấy cơ quan")).to_have_count(0)
    # The officer moves the first task's deadline to April.
    page.locator("#id_nv-0-deadline").fill("15/04/2025")
    save_review(page, 2025)

    plan = Plan.objects.get(year=2025)
    assert plan.signer == "Hà Trọng Hải"
    saved = {
        t.text: (t.area.code, t.lead_agency.code, t.deadline, t.output,
                 sorted(a.code for a in t.coordinating_agencies.all()))
        for t in plan.tasks.select_related("area", "lead_agency")
    }  # fmt: skip
    expected = {}
    for stt, text, _lead, _partners, _phrase, output, deadline in tasks:
        if stt == "1":
            deadline = date(2025, 4, 15)  # changed on the review page
        expected[text] = (TABLE_AREAS[stt], TABLE_LEADS[stt], deadline, output)
    assert {text: row[:4] for text, row in saved.items()} == expected
    partners = {text: row[4] for text, row in saved.items()}
    assert partners[tasks[0][1]] == ["12-VPUB"]
    assert partners[tasks[1][1]] == ["12-SNV"]
    assert partners[tasks[3][1]] == ["12-STP"]
    districts = plan.tasks.get(text=tasks[2][1]).coordinating_agencies
    assert districts.count() == 8 and not districts.exclude(level=AgencyLevel.DISTRICT).exists()
