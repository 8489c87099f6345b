import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cchc.plans.appendix import AgencyNames
from cchc.plans.models import Plan, ReformArea

pytestmark = pytest.mark.django_db
HEADER = [
    "STT",
    "Nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Sản phẩm",
    "Thời gian hoàn thành",
]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, plan, content, name="phu-luc.xlsx"):
    return client.post(
        reverse("plans:task_appendix_import", args=[plan.pk]),
        {"file": SimpleUploadedFile(name, content),
         "default_area": ReformArea.objects.get(code="direction").pk},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Sở Tư pháp; Sở Nội vụ", ["12-STP", "12-SNV"]),
        ("Sở Văn hóa, Thể thao và Du lịch, Sở Y tế", ["12-SVHTTDL", "12-SYT"]),
        ("sở van hoa, the thao va du lich", ["12-SVHTTDL"]),
        ("Ủy ban nhân dân huyện Tam Đường", ["106"]),
    ],
)
def test_agency_names_are_matched_tolerantly(text, codes):
    found, unknown = AgencyNames().many(text)
    assert [a.code for a in found] == codes and unknown == []


def test_collective_names_mean_every_agency_of_the_level():
    found, _unknown = AgencyNames().many("UBND các huyện, thành phố")
    assert len(found) == 8


def test_appendix_import_creates_tasks_by_area(client, reform_office):
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    content = xlsx([
        ["I", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", None, None, None, None],
        [1, "Rà soát, đơn giản hóa thủ tục hành chính", "Văn phòng UBND tỉnh", "Các sở, ban, ngành",
         "Quyết định phê duyệt phương án", "quý III/2022"],
        ["II", "Cải cách tổ chức bộ máy", None, None, None, None],
        [2, "Sắp xếp tổ chức bộ máy", "Sở Nội vụ", "UBND các huyện, thành phố", "Đề án", "30/11/2022"],
    ])  # fmt: skip
    response = upload(client, plan, content)
    assert response.status_code == 302
    assert plan.tasks.count() == before + 2
    first = plan.tasks.get(text__startswith="Rà soát, đơn giản hóa")
    assert first.area.code == "procedures" and first.lead_agency.code == "12-VPUB"
    assert first.deadline == date(2022, 9, 30) and first.coordinating_agencies.count() == 19
    second = plan.tasks.get(text="Sắp xếp tổ chức bộ máy")
    assert second.area.code == "organization" and second.coordinating_agencies.count() == 8


def test_unknown_names_reject_the_whole_file(client, reform_office):
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    content = xlsx([
        [1, "Nhiệm vụ đúng", "Sở Nội vụ", None, None, "31/12/2022"],
        [2, "Nhiệm vụ sai", "Sở Không Tồn Tại", "Sở Tư pháp; Ban Ma", None, "cuối năm"],
    ])  # fmt: skip
    response = upload(client, plan, content)
    assert response.status_code == 200
    errors = {(e.row, e.column) for e in response.context["errors"]}
    assert errors == {(3, "Cơ quan chủ trì"), (3, "Cơ quan phối hợp"), (3, "Thời gian hoàn thành")}
    assert plan.tasks.count() == before


def test_missing_columns_and_empty_files(client, reform_office):
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    response = upload(client, plan, b"A,B\n1,2\n", name="x.csv")
    assert {e.column for e in response.context["errors"]} == {"Nhiệm vụ", "Cơ quan chủ trì"}


def test_appendix_reads_headers_deadline_phrases_and_area_headings_like_the_word_import(
    client, reform_office
):
    # The same reader as Word tables: other header wordings, "Thường xuyên" (the plan's year),
    # "Trước …", a group row with a comma, and "Ủy ban nhân dân" spelled out.
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["TT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp",
                  "Thời gian thực hiện", "Kết quả/Sản phẩm"])  # fmt: skip
    sheet.append(["IV", "Cải cách chế độ công vụ, công chức", None, None, None, None])
    sheet.append([1, "Tuyển dụng công chức", "Sở Nội vụ", "VP UBND tỉnh", "Thường xuyên", "Kỳ thi"])
    sheet.append([2, "Đánh giá công chức", "Văn phòng Ủy ban nhân dân tỉnh", None,
                  "Trước 15/11/2022", None])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, plan, buffer.getvalue())
    assert response.status_code == 302, response.context and response.context["errors"]
    first = plan.tasks.get(text="Tuyển dụng công chức")
    assert (first.area.code, first.deadline, first.output) == (
        "civil_service", date(2022, 12, 31), "Kỳ thi",
    )  # fmt: skip
    assert [a.code for a in first.coordinating_agencies.all()] == ["12-VPUB"]
    second = plan.tasks.get(text="Đánh giá công chức")
    assert (second.lead_agency.code, second.deadline) == ("12-VPUB", date(2022, 11, 15))


# --- issue 20: the appendix as people load it ------------------------------------------------

THREE = [
    ["I", "Cải cách thủ tục hành chính", None, None, None, None],
    [1, "Rà soát thủ tục hành chính", "Sở Tư pháp", "Sở Nội vụ", "Báo cáo", "30/06/2022"],
    [2, "Công khai thủ tục hành chính", "Văn phòng UBND tỉnh", None, None, "31/12/2022"],
    [3, "Số hóa kết quả giải quyết", "Sở Nội vụ", None, "Kho dữ liệu", "quý III/2022"],
]  # fmt: skip


def test_loading_the_same_appendix_again_adds_nothing(client, reform_office):
    """Thirteen uploads of the same three tasks used to leave 44 tasks (issue 20)."""
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    for _ in range(3):
        response = upload(client, plan, xlsx(THREE))
        assert response.status_code == 302
    assert plan.tasks.count() == before + 3
    last = [str(m) for m in response.wsgi_request._messages][-1]  # not shown yet: they pile up
    assert last == "Đã nạp phụ lục: thêm 0, cập nhật 0, giữ nguyên 3 nhiệm vụ."


def test_a_changed_deadline_updates_the_task_with_a_history_reason(client, reform_office):
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    upload(client, plan, xlsx(THREE))
    changed = [row[:] for row in THREE]
    changed[1][5] = "31/07/2022"
    response = upload(client, plan, xlsx(changed))
    last = [str(m) for m in response.wsgi_request._messages][-1]
    assert last == "Đã nạp phụ lục: thêm 0, cập nhật 1, giữ nguyên 2 nhiệm vụ."
    task = plan.tasks.get(text="Rà soát thủ tục hành chính")
    assert task.deadline == date(2022, 7, 31)
    assert task.history.first().history_change_reason == "Nạp lại phụ lục"


def test_a_task_given_twice_in_the_file_is_refused(client, reform_office):
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    response = upload(client, plan, xlsx([*THREE, [4, "rà soát thủ tục hành chính", "Sở Nội vụ",
                                                   None, None, None]]))  # fmt: skip
    assert [(e.row, e.message) for e in response.context["errors"]] == [(6, "trùng với dòng 3")]
    assert plan.tasks.count() == before


def test_a_roman_numbered_row_with_an_agency_is_not_dropped_silently(client, reform_office):
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    rows = [*THREE, ["II", "Tuyên truyền cải cách hành chính", "Sở Thông tin và Truyền thông",
                     None, None, "31/12/2022"]]  # fmt: skip
    response = upload(client, plan, xlsx(rows))
    [error] = response.context["errors"]
    assert (error.row, error.column) == (6, "Cơ quan chủ trì")
    assert "cơ quan chủ trì, thời gian hoàn thành" in error.message
    assert plan.tasks.count() == before


def test_sub_numbered_rows_are_tasks_and_leave_the_area_as_it_was(client, reform_office):
    """Rows numbered "1.1" or "a)" without a lead agency were read as group rows: dropped with
    their output and deadline, and their words ("… cải cách tổ chức bộ máy …") moved the tasks
    below them to another area. A capital letter and text alone is still a group row."""
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    rows = [
        ["I", "Cải cách thể chế", None, None, None, None],
        ["A", "Nhiệm vụ chung của lĩnh vực cải cách thể chế", None, None, None, None],
        [1, "Nhiệm vụ gốc", "Sở Tư pháp", None, "Báo cáo", "quý II/2022"],
        ["1.1", "Rà soát văn bản để thực hiện cải cách thủ tục hành chính", None, None,
         "Báo cáo rà soát", "quý III/2022"],
        ["a)", "Hướng dẫn các xã về cải cách tổ chức bộ máy hành chính nhà nước", None,
         "Sở Nội vụ", "Văn bản hướng dẫn", "tháng 9/2022"],
        ["-", "Theo dõi thi hành pháp luật", None, None, None, None],
        [2, "Nhiệm vụ cuối", "Sở Tư pháp", None, None, "quý IV/2022"],
    ]  # fmt: skip
    response = upload(client, plan, xlsx(rows))
    assert response.status_code == 302, response.context and response.context["errors"]
    added = plan.tasks.order_by("-pk")[:5]
    assert plan.tasks.count() == before + 5
    assert {task.area.code for task in added} == {"institutions"}
    sub = plan.tasks.get(text__startswith="Rà soát văn bản để thực hiện")
    assert (sub.output, sub.deadline, sub.lead_agency) == ("Báo cáo rà soát", date(2022, 9, 30),
                                                           None)  # fmt: skip
    lettered = plan.tasks.get(text__startswith="Hướng dẫn các xã")
    assert [a.code for a in lettered.coordinating_agencies.all()] == ["12-SNV"]
    assert plan.tasks.filter(text="Theo dõi thi hành pháp luật").exists()
    assert not plan.tasks.filter(text__startswith="Nhiệm vụ chung").exists()


def test_a_roman_numeral_in_the_task_column_with_task_cells_is_refused(client, reform_office):
    """With no STT, "II. Cải cách thủ tục hành chính" in the task column is a group row,
    whatever else the row holds: its agency and deadline are refused, not stored as a task
    named "II. …"."""
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    rows = [*THREE, [None, "II. Cải cách thủ tục hành chính", "Sở Tư pháp", None, None,
                     "quý IV/2022"]]  # fmt: skip
    response = upload(client, plan, xlsx(rows))
    [error] = response.context["errors"]
    assert (error.row, error.column) == (6, "Cơ quan chủ trì")
    assert plan.tasks.count() == before


def test_an_overlong_cell_is_refused_and_long_values_are_cut_in_messages(client, reform_office):
    """A task's cells are held to what a text cell of every import may hold (10.000
    characters): a task of a million characters was stored (an XLSX cell holds 32.767), and made its plan's page too
    big to show. Messages quote at most the first 60 characters of a value."""
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    rows = [
        *THREE,
        [4, "x" * 20_000, "Sở Tư pháp", None, None, "31/12/2022"],
        [5, "Nhiệm vụ có sản phẩm quá dài", "Sở Tư pháp", None, "y" * 10_001, None],
        [6, "Nhiệm vụ của cơ quan không có", "Sở " + "X" * 5_000, None, None, "Z" * 5_000],
    ]  # fmt: skip
    response = upload(client, plan, xlsx(rows))
    errors = [(e.row, e.column, e.message) for e in response.context["errors"]]
    assert errors[:2] == [
        (6, "Nhiệm vụ", "dài 20.000 ký tự, tối đa 10.000 ký tự"),
        (7, "Sản phẩm", "dài 10.001 ký tự, tối đa 10.000 ký tự"),
    ]
    assert [(row, column) for row, column, _m in errors[2:]] == [
        (8, "Cơ quan chủ trì"), (8, "Thời gian hoàn thành"),
    ]  # fmt: skip
    assert errors[2][2] == f"không có cơ quan “Sở {'X' * 57}… (5.003 ký tự)”"
    assert errors[3][2].startswith(f"“{'Z' * 60}… (5.000 ký tự)” không phải thời hạn hợp lệ")
    assert max(len(message) for *_rest, message in errors) < 200
    assert plan.tasks.count() == before


def test_an_appendix_with_a_title_above_its_header_names_the_sheets_lines(client, reform_office):
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["PHỤ LỤC: NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2022"])
    sheet.append(["(Kèm theo Kế hoạch số 4345/KH-UBND)"])
    sheet.append(HEADER)
    for row in THREE:
        sheet.append(row)
    sheet.append([4, "Nhiệm vụ của một cơ quan lạ", "Sở Không Tồn Tại", None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, plan, buffer.getvalue())
    assert [(e.row, e.column) for e in response.context["errors"]] == [(8, "Cơ quan chủ trì")]


# --- issue 20: damaged appendix files ------------------------------------------------------


def appendix_errors(content: bytes, name: str) -> list[tuple[int, str, str]]:
    from cchc.plans.appendix import parse_appendix

    area = ReformArea.objects.get(code="direction")
    rows, errors = parse_appendix(content, name, default_area=area, year=2022)
    assert errors or rows
    return [(e.row, e.column, e.message) for e in errors]


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "phu-luc.csv", [(0, "", "Tệp rỗng: không có dòng tiêu đề và dữ liệu.")]),
        (b"\n \n", "phu-luc.csv", [(0, "", "Tệp rỗng: không có dòng tiêu đề và dữ liệu.")]),
        (",".join(HEADER).encode() + b"\n", "phu-luc.csv",
         [(2, "", "tệp không có nhiệm vụ nào")]),
        (b"PK\x03\x04" + b"\x00" * 64, "phu-luc.xlsx",
         [(0, "", "Không đọc được tệp Excel: tệp hỏng hoặc không phải tệp .xlsx. Hãy mở tệp "
                  "bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi nạp lại.")]),
        ("Nhiệm vụ,Sản phẩm\nRà soát,Báo cáo\n".encode(), "phu-luc.csv",
         [(1, "Cơ quan chủ trì", "thiếu cột")]),
    ],
)  # fmt: skip
def test_an_empty_header_only_corrupt_or_wrong_appendix_is_refused(content, name, expected):
    assert appendix_errors(content, name) == expected


def test_a_corrupt_appendix_upload_adds_no_task(client, reform_office):
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    response = upload(client, plan, b"PK\x03\x04" + b"\x00" * 64)
    [error] = response.context["errors"]
    assert error.message.startswith("Không đọc được tệp Excel")
    assert plan.tasks.count() == before


def test_an_appendix_whose_only_bad_cell_is_the_last_deadline_adds_nothing(client, reform_office):
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    rows = [*THREE, [4, "Báo cáo cải cách hành chính", "Sở Nội vụ", None, None, "sau Tết"]]
    response = upload(client, plan, xlsx(rows))
    assert [(e.row, e.column) for e in response.context["errors"]] == [(6, "Thời gian hoàn thành")]
    assert plan.tasks.count() == before


def test_an_appendix_in_decomposed_unicode_is_read(client, reform_office):
    """Headers, task texts and agency names written as base letters plus combining accents
    (NFD, as macOS tools save them) are the same words."""
    import unicodedata

    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    text = (",".join(HEADER) + "\n"
            "1,Rà soát quy chế làm việc,Sở Nội vụ,Sở Tư pháp,Quy chế,30/06/2022\n")  # fmt: skip
    content = unicodedata.normalize("NFD", text).encode()
    assert content != text.encode()
    response = upload(client, plan, content, name="phu-luc.csv")
    assert response.status_code == 302, response.context and response.context["errors"]
    task = plan.tasks.get(text="Rà soát quy chế làm việc")
    assert (task.lead_agency.code, task.deadline) == ("12-SNV", date(2022, 6, 30))
    assert [a.code for a in task.coordinating_agencies.all()] == ["12-STP"]


def test_a_control_character_in_a_task_is_refused_with_its_line(client, reform_office):
    """A character no Word or Excel file can hold (ADR 0034), in a CSV appendix: refused with
    its line and column like in every import, nothing stored."""
    client.force_login(reform_office)
    plan = Plan.objects.get(year=2022)
    before = plan.tasks.count()
    lines = [HEADER, *THREE, [4, "Nhiệm vụ có\x01ký tự lạ", "Sở Tư pháp", "", "", "31/12/2022"]]
    content = "\n".join(",".join("" if v is None else str(v) for v in row) for row in lines)
    response = upload(client, plan, content.encode(), name="phu-luc.csv")
    [error] = response.context["errors"]
    assert (error.row, error.column) == (6, "Nhiệm vụ") and "U+0001" in error.message
    assert plan.tasks.count() == before
