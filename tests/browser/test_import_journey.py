"""Issue 20's engine in a real browser: the reform office uploads a one-stop system's export
as it comes (BOM, ";" separators, a report title and the unit above the header, a blank
line), sees the one bad row refused at its own line with nothing written, fixes the file,
uploads it again and finds the dossiers stored with the due dates the working-day clock
gives (checked against dates worked out by hand, not by the product's code)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from cchc.operations.models import Dossier, Procedure, ProcedureSnapshot
from tests.browser.steps import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
HEAD = (
    "\ufeffBÁO CÁO DANH SÁCH HỒ SƠ TIẾP NHẬN\nĐơn vị: Sở Tư pháp, tỉnh Lai Châu;;;\n;;;\n"
    "Mã hồ sơ;Mã thủ tục;Mã cơ quan;Kênh thực hiện;Ngày tiếp nhận;Ngày hẹn trả;"
    "Ngày kết thúc xử lý;Trạng thái\n"
)
ROWS = (
    # Paper, Friday 28/01/2022 at 16:10, after 15:00 and before Tết: received Monday 7/2.
    "STP-1;1.001;12-STP;1;28/01/2022 16:10;;10/02/2022 09:00;Đã giải quyết\n"
    # Online at the same moment: counted from the 28th itself.
    "STP-2;1.001;12-STP;2;28/01/2022 16:10;;;Đang giải quyết\n"
)
BAD = "STP-3;1.001;12-STP;1;31/02/2022 08:00;;;Đang giải quyết\n"


def upload(page, live_server, name: str, content: str) -> None:
    page.goto(f"{live_server.url}/du-lieu/nap/")
    page.get_by_label("Loại dữ liệu").select_option(label="Hồ sơ thủ tục hành chính")
    page.get_by_label("Tệp dữ liệu").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Nạp tệp").click()


def test_an_export_with_a_title_is_refused_at_its_line_then_loaded(
    reference_data, page, live_server
):
    make_user("vp", "12-SNV", "reform_office")
    procedure = Procedure.objects.create(code="1.001", name="Cấp Phiếu lý lịch tư pháp")
    ProcedureSnapshot.objects.create(procedure=procedure, year=2022, processing_days=3,
                                     authority_tier="province")  # fmt: skip
    login(page, live_server, "vp")

    upload(page, live_server, "hoso-loi.csv", HEAD + ROWS + BAD)
    expect(page.get_by_text("Bị từ chối — không ghi gì")).to_be_visible()
    # The title, the unit, the blank line and the header are lines 1–4; the bad row is 7.
    row = page.locator("tbody tr", has_text="31/02/2022")
    expect(row.locator("td").nth(0)).to_have_text("7")
    expect(row.locator("td").nth(1)).to_have_text("Ngày tiếp nhận")
    assert not Dossier.objects.exists()

    upload(page, live_server, "hoso.csv", HEAD + ROWS)
    expect(page.get_by_text("Đã nạp 2 dòng: thêm mới 2")).to_be_visible()
    stored = {d.code: d for d in Dossier.objects.all()}
    # By hand: 31/1–4/2/2022 are Tết, 5–6/2 a weekend. Paper: received Mon 7/2, + 3 working
    # days = Thu 10/2. Online: from Fri 28/1, 3 working days = Mon 7, Tue 8, Wed 9/2.
    assert stored["STP-1"].due_at == datetime(2022, 2, 10, 17, tzinfo=VN)
    assert stored["STP-1"].finished_on_time is True
    assert stored["STP-2"].due_at == datetime(2022, 2, 9, 17, tzinfo=VN)
    assert stored["STP-2"].finished_on_time is None


def test_an_excel_export_with_excel_dates_is_loaded_with_the_clock_s_due_dates(
    reference_data, page, live_server, tmp_path
):
    """An .xlsx whose date cells are Excel's own dates (not text), a midnight among them (which
    python-calamine hands over as a date), the kind typed for the whole column at once: the
    dossiers are stored at the same moments in Vietnam's time, with the clock's due dates."""
    from openpyxl import Workbook

    make_user("vp", "12-SNV", "reform_office")
    procedure = Procedure.objects.create(code="1.001", name="Cấp Phiếu lý lịch tư pháp")
    ProcedureSnapshot.objects.create(procedure=procedure, year=2022, processing_days=3,
                                     authority_tier="province")  # fmt: skip
    book = Workbook()
    sheet = book.active
    sheet.append(["BÁO CÁO DANH SÁCH HỒ SƠ"])
    sheet.append(["Mã hồ sơ", "Mã thủ tục", "Mã cơ quan", "Kênh thực hiện", "Ngày tiếp nhận",
                  "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái"])  # fmt: skip
    sheet.append(["STP-1", "1.001", "12-STP", 1, datetime(2022, 1, 28, 16, 10), None,
                  datetime(2022, 2, 10, 9, 0), "Đã giải quyết"])  # fmt: skip
    sheet.append(["STP-2", "1.001", "12-STP", 2, datetime(2022, 1, 28, 0, 0), None, None,
                  "Đang giải quyết"])  # fmt: skip
    path = tmp_path / "hoso.xlsx"
    book.save(path)
    login(page, live_server, "vp")
    page.goto(f"{live_server.url}/du-lieu/nap/")
    page.get_by_label("Loại dữ liệu").select_option(label="Hồ sơ thủ tục hành chính")
    page.get_by_label("Tệp dữ liệu").set_input_files(str(path))
    page.get_by_role("button", name="Nạp tệp").click()
    expect(page.get_by_text("Đã nạp 2 dòng: thêm mới 2")).to_be_visible()
    stored = {d.code: d for d in Dossier.objects.all()}
    assert stored["STP-1"].received_at == datetime(2022, 1, 28, 16, 10, tzinfo=VN)
    assert stored["STP-2"].received_at == datetime(2022, 1, 28, 0, 0, tzinfo=VN)
    # By hand, as above: paper after 15:00 on Fri 28/1 → received Mon 7/2 (Tết between),
    # + 3 working days = Thu 10/2; online at midnight of the 28th: counted from the 28th,
    # 3 working days = Mon 7, Tue 8, Wed 9/2.
    assert stored["STP-1"].due_at == datetime(2022, 2, 10, 17, tzinfo=VN)
    assert stored["STP-1"].finished_on_time is True
    assert stored["STP-2"].due_at == datetime(2022, 2, 9, 17, tzinfo=VN)
