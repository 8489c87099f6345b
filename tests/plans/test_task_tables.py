"""Issue 17: plans put their tasks in a table (STT, Nhiệm vụ, Cơ quan chủ trì, …); the Word
import reads it with the same reader as the XLSX appendix, and reads the signer from the
signature block. No database here."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from cchc.plans.document_parser import extract_agencies, parse_plan_text
from cchc.plans.docx_text import extract_docx_text, read_docx
from cchc.plans.task_table import agency_key, area_key, parse_deadline
from tests.plan_docx import TASK_HEADER, plan_docx

HEADER_LEFT = ["ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU", "Số: 88/KH-UBND"]
HEADER_RIGHT = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Lai Châu, ngày 05 tháng 01 năm 2023",
]
BODY = [
    "KẾ HOẠCH",
    "CẢI CÁCH HÀNH CHÍNH TỈNH LAI CHÂU NĂM 2023",
    "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể "
    "cải cách hành chính nhà nước giai đoạn 2021-2030;",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "Nâng cao chất lượng phục vụ người dân, doanh nghiệp.",
    "II. CHỈ TIÊU CHỦ YẾU",
    "1. Tối thiểu 80% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến.",
    "III. NHIỆM VỤ, GIẢI PHÁP",
    "IV. TỔ CHỨC THỰC HIỆN",
    "Các sở, ban, ngành triển khai Kế hoạch này.",
]
SIGNATURE = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Đã ký)", "Trần Tiến Dũng"]
ROWS = [
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],  # column numbers under the header
    ["I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"],
    ["1", "Ban hành kế hoạch kiểm tra cải cách hành chính", "Sở Nội vụ", "Các sở, ban, ngành",
     "Quý I/2023", "Kế hoạch"],
    ["2", "Tuyên truyền cải cách hành chính", "Sở Thông tin và Truyền thông",
     "Văn phòng UBND tỉnh; Sở Văn hóa, Thể thao và Du lịch", "Thường xuyên", "Tin, bài"],
    ["II", "CẢI CÁCH THỂ CHẾ", "", "", "", ""],
    ["3", "Rà soát văn bản quy phạm pháp luật", "Sở Tư pháp", "", "Trước 30/6/2023",
     "Báo cáo rà soát"],
    ["4", "Kiểm tra việc thi hành pháp luật", "Sở Tư pháp", "UBND các huyện, thành phố",
     "Tháng 10/2023", ""],
]  # fmt: skip


def table_plan(**changes) -> bytes:
    layout = {
        "header_left": HEADER_LEFT, "header_right": HEADER_RIGHT, "body": BODY,
        "signature": SIGNATURE, "appendix_heading": ["PHỤ LỤC", "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"],
        "task_rows": ROWS,
    }  # fmt: skip
    return plan_docx(**{**layout, **changes})


def parse_docx(data: bytes):
    document = read_docx(data)
    return parse_plan_text(document.text, tables=document.tables)


def test_tasks_in_a_word_table_are_read_with_their_areas_agencies_deadlines_and_outputs():
    plan = parse_docx(table_plan())
    got = [
        (t.area_number, t.area_title, t.text, t.lead_agency_name, t.coordinating_agency_names,
         t.deadline, t.output)
        for t in plan.tasks
    ]  # fmt: skip
    assert got == [
        (1, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "Ban hành kế hoạch kiểm tra cải cách hành chính",
         "Sở Nội vụ", ["Các sở, ban, ngành"], date(2023, 3, 31), "Kế hoạch"),
        (1, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "Tuyên truyền cải cách hành chính",
         "Sở Thông tin và Truyền thông",
         ["Văn phòng UBND tỉnh", "Sở Văn hóa, Thể thao và Du lịch"], date(2023, 12, 31),
         "Tin, bài"),
        (2, "CẢI CÁCH THỂ CHẾ", "Rà soát văn bản quy phạm pháp luật", "Sở Tư pháp", [],
         date(2023, 6, 30), "Báo cáo rà soát"),
        (2, "CẢI CÁCH THỂ CHẾ", "Kiểm tra việc thi hành pháp luật", "Sở Tư pháp",
         ["UBND các huyện, thành phố"], date(2023, 10, 31), ""),
    ]  # fmt: skip
    assert not [w for w in plan.warnings if "nhiệm vụ" in w.lower()]


def test_the_header_block_table_is_still_read_and_the_signer_comes_from_the_signature_table():
    plan = parse_docx(table_plan())
    assert (plan.number, plan.issuer, plan.place, plan.issued_on, plan.year) == (
        "88/KH-UBND", "Ủy ban nhân dân tỉnh Lai Châu", "Lai Châu", date(2023, 1, 5), 2023,
    )  # fmt: skip
    assert plan.signer == "Trần Tiến Dũng"
    assert [t.number for t in plan.targets] == [1]


def test_the_task_table_is_kept_out_of_the_text_but_layout_tables_are_not():
    data = table_plan()
    document = read_docx(data)
    assert "Rà soát văn bản quy phạm pháp luật" not in document.text
    assert "Số: 88/KH-UBND" in document.text and "Trần Tiến Dũng" in document.text
    assert (
        len(document.tables) == 1 and document.tables[0].heading == "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"
    )
    # The plain text reader still gives every cell.
    assert "Rà soát văn bản quy phạm pháp luật" in extract_docx_text(data)


def test_rows_before_any_group_row_take_the_numbered_heading_above_the_table():
    body = [*BODY[:10], "1. Cải cách thủ tục hành chính", *BODY[10:]]
    document = Document(io.BytesIO(plan_docx(header_left=HEADER_LEFT, header_right=HEADER_RIGHT,
                                              body=body)))  # fmt: skip
    # A table in the body, right under "1. Cải cách thủ tục hành chính", without group rows.
    table = document.add_table(rows=2, cols=len(TASK_HEADER))
    row = ["1", "Rà soát thủ tục hành chính nội bộ", "Văn phòng UBND tỉnh", "", "Quý II", ""]
    for cells, values in zip(table.rows, [TASK_HEADER, row], strict=True):
        for cell, value in zip(cells.cells, values, strict=True):
            cell.text = value
    heading = next(p for p in document.paragraphs if p.text.startswith("1. Cải cách thủ tục"))
    heading._p.addnext(table._tbl)
    buffer = io.BytesIO()
    document.save(buffer)
    plan = parse_docx(buffer.getvalue())
    assert [(t.area_number, t.area_title, t.text, t.deadline) for t in plan.tasks] == [
        (1, "Cải cách thủ tục hành chính", "Rà soát thủ tục hành chính nội bộ", date(2023, 6, 30)),
    ]


def test_a_task_table_without_task_rows_and_a_plan_without_tasks_say_so():
    plan = parse_docx(table_plan(task_rows=[["I. CẢI CÁCH THỂ CHẾ"]]))
    assert plan.tasks == []
    assert any("Bảng nhiệm vụ 1" in w and "không có dòng nhiệm vụ" in w for w in plan.warnings)
    plan = parse_docx(table_plan(task_rows=[]))
    assert plan.tasks == []
    assert any(w.startswith("Không đọc được nhiệm vụ nào") for w in plan.warnings)


def test_a_deadline_phrase_not_understood_is_warned_about_once_and_left_empty():
    rows = [
        ["1", "Nhiệm vụ A", "Sở Nội vụ", "", "Khi có yêu cầu", ""],
        ["2", "Nhiệm vụ B", "Sở Tư pháp", "", "Quý II/2023", ""],
    ]
    plan = parse_docx(table_plan(task_rows=rows))
    assert [t.deadline for t in plan.tasks] == [None, date(2023, 6, 30)]
    problems = [w for w in plan.warnings if "Khi có yêu cầu" in w]
    assert problems == [
        "Bảng nhiệm vụ 1, dòng 2: không hiểu thời hạn “Khi có yêu cầu”; hãy nhập thời hạn ở "
        "trang xem lại."
    ]


@pytest.mark.parametrize(
    ("cell", "year", "expected"),
    [
        ("Quý III/2023", None, date(2023, 9, 30)),
        ("quý 4 năm 2023", None, date(2023, 12, 31)),
        ("Quý II", 2024, date(2024, 6, 30)),
        ("Tháng 6/2023", None, date(2023, 6, 30)),
        ("tháng 2 năm 2024", None, date(2024, 2, 29)),
        ("6/2023", None, date(2023, 6, 30)),
        ("Trước 30/6/2023", None, date(2023, 6, 30)),
        ("Trước ngày 15/3/2023", None, date(2023, 3, 15)),
        ("Hoàn thành trước 31/10/2023", None, date(2023, 10, 31)),
        ("Thường xuyên", 2023, date(2023, 12, 31)),
        ("Thường xuyên", None, None),
        ("Cả năm", 2022, date(2022, 12, 31)),
        ("Năm 2023", None, date(2023, 12, 31)),
        ("6 tháng đầu năm 2023", None, date(2023, 6, 30)),
        ("30/11/2022", None, date(2022, 11, 30)),
        ("", None, None),
    ],
)
def test_deadline_phrases(cell, year, expected):
    assert parse_deadline(cell, year=year) == expected


@pytest.mark.parametrize("cell", ["cuối năm", "Khi có yêu cầu", "31/2/2023", "Tháng 13/2023"])
def test_deadline_phrases_not_understood_raise(cell):
    with pytest.raises(ValueError) as error:
        parse_deadline(cell, year=2023)
    assert str(error.value) == cell  # the cell as written, for the message


@pytest.mark.parametrize(
    ("written", "catalogue"),
    [
        ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh"),
        ("VP UBND tỉnh", "Văn phòng UBND tỉnh"),
        ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
        ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ("UBND huyện Tam Đường", "Huyện Tam Đường"),
        ("Ủy ban nhân dân thành phố Lai Châu", "Thành phố Lai Châu"),
        ("sở văn hoá, thể thao và du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ],
)
def test_one_agency_name_normaliser_for_both_spellings(written, catalogue):
    assert agency_key(written) == agency_key(catalogue)


def test_different_agencies_keep_different_keys():
    assert agency_key("Sở Tư pháp") != agency_key("Sở Tài chính")
    assert agency_key("Văn phòng UBND tỉnh") != agency_key("UBND tỉnh")


@pytest.mark.parametrize(
    ("heading", "area"),
    [
        ("Công tác chỉ đạo, điều hành", "Công tác chỉ đạo điều hành"),
        ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "Công tác chỉ đạo điều hành"),
        ("Xây dựng, phát triển Chính quyền điện tử, Chính quyền số",
         "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"),
    ],
)  # fmt: skip
def test_area_headings_with_commas_have_the_key_of_their_area(heading, area):
    assert area_key(heading) == area_key(area)


@pytest.mark.parametrize(
    ("text", "lead", "partners"),
    [
        ("Chủ trì: Sở Nội vụ hướng dẫn các cơ quan triển khai.", "Sở Nội vụ", []),
        ("Sở Tư pháp chủ trì rà soát văn bản.", "Sở Tư pháp", []),
        ("Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành kiểm soát chặt chẽ biên chế.",
         "Sở Nội vụ", ["các sở, ban, ngành"]),
        ("Văn phòng UBND tỉnh chủ trì, phối hợp với Sở Thông tin và Truyền thông vận hành "
         "Hệ thống thông tin giải quyết thủ tục hành chính.",
         "Văn phòng UBND tỉnh", ["Sở Thông tin và Truyền thông"]),
        ("Sở Nội vụ chủ trì, phối hợp với Sở Tài chính chỉ đạo thực hiện.",
         "Sở Nội vụ", ["Sở Tài chính"]),
        ("Chủ trì: Sở Tư pháp. Phối hợp: Sở Nội vụ, Văn phòng UBND tỉnh giám sát việc thi hành.",
         "Sở Tư pháp", ["Sở Nội vụ", "Văn phòng UBND tỉnh"]),
        ("Sở Xây dựng chủ trì, phối hợp với Ban Quản lý Khu kinh tế cửa khẩu Ma Lù Thàng "
         "thẩm định hồ sơ.",
         "Sở Xây dựng", ["Ban Quản lý Khu kinh tế cửa khẩu Ma Lù Thàng"]),
    ],
)  # fmt: skip
def test_an_agency_name_does_not_swallow_the_verb_after_it(text, lead, partners):
    assert extract_agencies(text) == (lead, partners)


SIGNED_BODY = """ỦY BAN NHÂN DÂN
TỈNH LAI CHÂU
Số: 9/KH-UBND
Lai Châu, ngày 02 tháng 01 năm 2024
KẾ HOẠCH
CẢI CÁCH HÀNH CHÍNH NĂM 2024
II. CHỈ TIÊU
1. Tối thiểu 80% hồ sơ được tiếp nhận trực tuyến.
III. NHIỆM VỤ
- Rà soát thủ tục hành chính.
"""


@pytest.mark.parametrize(
    ("block", "signer"),
    [
        ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(đã ký)\nTrần Tiến Dũng", "Trần Tiến Dũng"),
        ("TM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH\nLê Văn Lương\nNơi nhận:\n- Như trên;", "Lê Văn Lương"),
        ("CHỦ TỊCH\nĐỗ Thị Hà", "Đỗ Thị Hà"),
        ("Nơi nhận:\n- Bộ Nội vụ;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n(Đã ký và đóng dấu)\n"
         "Giàng A Tính", "Giàng A Tính"),
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTRẦN TIẾN DŨNG", "Trần Tiến Dũng"),
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n(Đã ký)", None),
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nPHỤ LỤC\nNhiệm vụ cải cách hành chính năm 2024", None),
    ],
)  # fmt: skip
def test_the_signer_is_read_from_the_signature_block(block, signer):
    plan = parse_plan_text(SIGNED_BODY + block)
    assert plan.signer == signer
    assert [t.text for t in plan.tasks] == ["Rà soát thủ tục hành chính."]


def test_the_metadata_line_wins_over_the_signature_block():
    text = "Người ký Nguyễn Văn An\n" + SIGNED_BODY + "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Tiến Dũng"
    assert parse_plan_text(text).signer == "Nguyễn Văn An"


def test_a_lead_cell_merged_down_several_rows_counts_for_each_of_them():
    document = Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("CẢI CÁCH HÀNH CHÍNH NĂM 2023")
    table = document.add_table(rows=4, cols=4)
    titles = ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời hạn hoàn thành"]
    for cell, title in zip(table.rows[0].cells, titles, strict=True):
        cell.text = title
    for number, row in enumerate(table.rows[1:], start=1):
        row.cells[0].text, row.cells[1].text = str(number), f"Nhiệm vụ {number}"
        row.cells[3].text = "Quý II"
    table.cell(1, 2).merge(table.cell(3, 2)).text = "Sở Nội vụ"
    buffer = io.BytesIO()
    document.save(buffer)
    plan = parse_docx(buffer.getvalue())
    assert [(t.text, t.lead_agency_name, t.deadline) for t in plan.tasks] == [
        (f"Nhiệm vụ {n}", "Sở Nội vụ", date(2023, 6, 30)) for n in (1, 2, 3)
    ]


def test_a_two_level_header_with_cells_merged_down_is_read_as_one():
    """As Word makes it: "STT", "Nhiệm vụ" and the deadline merged down over both header
    rows, which python-docx gives again in the lower row. The task-table reader used to take
    the upper row alone and read the lower one as a task ("Nhiệm vụ", led by "Chủ trì"),
    losing the partners; it now finds the header as every import does."""
    document = Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("CẢI CÁCH HÀNH CHÍNH NĂM 2023")
    table = document.add_table(rows=4, cols=5)
    for column, title in ((0, "STT"), (1, "Nhiệm vụ"), (4, "Thời gian hoàn thành")):
        table.cell(0, column).merge(table.cell(1, column)).text = title
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Cơ quan thực hiện"
    table.cell(1, 2).text, table.cell(1, 3).text = "Chủ trì", "Phối hợp"
    rows = [["1", "Rà soát quy chế làm việc", "Sở Nội vụ", "Sở Tư pháp", "Tháng 3/2023"],
            ["2", "Công khai thủ tục", "Văn phòng UBND tỉnh", "", "Quý II/2023"]]  # fmt: skip
    for index, values in enumerate(rows, start=2):
        for column, value in enumerate(values):
            table.cell(index, column).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    plan = parse_docx(buffer.getvalue())
    assert [(t.text, t.lead_agency_name, t.coordinating_agency_names, t.deadline)
            for t in plan.tasks] == [
        ("Rà soát quy chế làm việc", "Sở Nội vụ", ["Sở Tư pháp"], date(2023, 3, 31)),
        ("Công khai thủ tục", "Văn phòng UBND tỉnh", [], date(2023, 6, 30)),
    ]  # fmt: skip
    assert not [w for w in plan.warnings if "Bảng nhiệm vụ" in w]


def test_a_two_level_header_is_read_as_one():
    header = ["STT", "Nhiệm vụ", "Cơ quan thực hiện", "", "Thời gian hoàn thành", "Sản phẩm"]
    rows = [
        ["", "", "Chủ trì", "Phối hợp", "", ""],
        ["1", "Rà soát quy chế làm việc", "Sở Nội vụ", "Sở Tư pháp", "Tháng 3/2023", "Quy chế"],
    ]
    plan = parse_docx(table_plan(header=header, task_rows=rows))
    assert [(t.text, t.lead_agency_name, t.coordinating_agency_names, t.deadline, t.output)
            for t in plan.tasks] == [
        ("Rà soát quy chế làm việc", "Sở Nội vụ", ["Sở Tư pháp"], date(2023, 3, 31), "Quy chế"),
    ]  # fmt: skip
