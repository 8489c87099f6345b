"""A dossier file through the whole path: upload record, validation, write, roll-up, snapshots."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cchc.indicators.selectors import evaluate
from cchc.operations.models import Dossier, ImportRun, Procedure, ProcedureSnapshot
from cchc.operations.services import import_create, import_execute
from cchc.organizations.scope import AgencyScope

pytestmark = pytest.mark.django_db
HEADER = "MaHoSo,MaTTHC,MaDonVi,KenhThucHien,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,TrangThai,PhiLePhi,DuocThanhToanTrucTuyen\n"


@pytest.fixture
def catalogue():
    procedure = Procedure.objects.create(code="1.001", name="Cấp phiếu lý lịch tư pháp")
    ProcedureSnapshot.objects.create(procedure=procedure, year=2022, authority_tier="province",
                                     processing_days=10, has_fee=True, online_payment=True)  # fmt: skip
    return procedure


def run_file(actor, text: str, name="hoso.csv") -> ImportRun:
    run = import_create(actor=actor, kind="dossiers", file_name=name, content=text.encode())
    return import_execute(ImportRun.objects.get(pk=run.pk))


def test_valid_file_writes_rolls_up_and_measures(reform_office, catalogue):
    text = HEADER + (
        "STP-1,1.001,12-STP,2,05/01/2022 08:30,12/01/2022 17:00,10/01/2022 10:00,Đã giải quyết,50000,1\n"
        "STP-2,1.001,12-STP,1,06/01/2022 16:00,,,Đang xử lý,0,0\n"
    )
    run = run_file(reform_office, text)
    assert run.status == "done", run.errors
    assert (run.rows_created, run.rows_updated, run.rows_unchanged) == (2, 0, 0)
    first = Dossier.objects.get(code="STP-1")
    assert first.received_at == datetime(2022, 1, 5, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert first.finished_on_time is True and first.fee == 50000 and first.paid_online
    # No due date given: 10 working days from the receipt day (after 15:00 → the next day).
    second = Dossier.objects.get(code="STP-2")
    assert second.due_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date() == date(2022, 1, 21)
    online = evaluate("ONLINE_DOSSIER_SHARE", scope=AgencyScope.everything(), year=2022)
    assert (online.numerator, online.denominator) == (1, 2)
    again = run_file(reform_office, text)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    assert Dossier.objects.count() == 2
    changed = run_file(reform_office, text.replace(",Đang xử lý,0,0", ",Đang xử lý,0,1"))
    assert (changed.rows_created, changed.rows_updated) == (0, 1)


def test_a_time_the_clock_gave_twice_is_read_not_a_system_error(reform_office, catalogue):
    """12/06/1975 23:30 happened twice in Việt Nam (+8, then +7): read as the first, as the
    cell parser reads it (ADR 0032), and written."""
    ProcedureSnapshot.objects.create(procedure=catalogue, year=1975, authority_tier="province",
                                     processing_days=10)  # fmt: skip
    text = HEADER + "OLD-1,1.001,12-STP,2,12/06/1975 23:30,,,Đang xử lý,0,0\n"
    run = run_file(reform_office, text)
    assert run.status == "done", run.errors
    stored = Dossier.objects.get(code="OLD-1")
    assert stored.received_at == datetime(1975, 6, 12, 15, 30, tzinfo=ZoneInfo("UTC"))
    assert (
        stored.received_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).utcoffset().seconds == 8 * 3600
    )


def test_the_15_00_cut_off_moves_paper_dossiers_only(reform_office, catalogue):
    # Thursday 6/1/2022 at 16:00: a paper dossier counts from Friday 7/1, an online one from
    # the 6th itself; 10 working days later is the 21st and the 20th.
    text = HEADER + (
        "P-1,1.001,12-STP,1,06/01/2022 16:00,,,Đang xử lý,0,0\n"
        "O-1,1.001,12-STP,2,06/01/2022 16:00,,,Đang xử lý,0,0\n"
    )
    assert run_file(reform_office, text).status == "done"
    local = ZoneInfo("Asia/Ho_Chi_Minh")
    due = {d.code: d.due_at.astimezone(local).date() for d in Dossier.objects.all()}
    assert due == {"P-1": date(2022, 1, 21), "O-1": date(2022, 1, 20)}


@pytest.mark.parametrize(
    ("body", "row", "column", "message"),
    [
        ("X,1.001,12-STP,2,31/02/2022,,,Đang xử lý,0,0\n", 2, "Ngày tiếp nhận", "không phải ngày"),
        ("X,9.999,12-STP,2,05/01/2022,,,Đang xử lý,0,0\n", 2, "Mã thủ tục", "không có thủ tục"),
        ("X,1.001,99-XX,2,05/01/2022,,,Đang xử lý,0,0\n", 2, "Mã cơ quan", "không có cơ quan"),
        ("X,1.001,12-STP,7,05/01/2022,,,Đang xử lý,0,0\n", 2, "Kênh thực hiện", "kênh"),
        (
            "X,1.001,12-STP,2,05/01/2022,,,Đã giải quyết,0,0\n",
            2,
            "Ngày kết thúc xử lý",
            "phải có ngày kết thúc",
        ),
        (
            "X,1.001,12-STP,2,05/01/2022,,,Đang xử lý,0,0\nX,1.001,12-STP,2,05/01/2022,,,Đang xử lý,0,0\n",
            3,
            "Mã hồ sơ",
            "trùng với dòng 3",
        ),
    ],
)
def test_bad_rows_reject_the_whole_file(reform_office, catalogue, body, row, column, message):
    good = "OK-1,1.001,12-STP,2,05/01/2022,,,Đang xử lý,0,0\n"
    run = run_file(reform_office, HEADER + good + body.replace("\n", "\n", 1))
    assert run.status == "rejected"
    hits = [e for e in run.errors if e["column"] == column and message in e["message"]]
    assert hits and hits[0]["row"] == row + 1  # the good row is line 2
    assert Dossier.objects.count() == 0


def test_officer_cannot_load_another_agencys_dossiers(dept_officer, catalogue):
    run = run_file(dept_officer, HEADER + "X,1.001,12-SNV,2,05/01/2022,,,Đang xử lý,0,0\n")
    assert run.status == "rejected" and "không có cơ quan" in run.errors[0]["message"]
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(("content", "message"), [("", "rỗng"), (HEADER, "không có dữ liệu"),
                                                  ("a,b\n1,2\n", "thiếu cột")])  # fmt: skip
def test_empty_or_wrong_files(reform_office, catalogue, content, message):
    if not content:
        with pytest.raises(Exception, match="rỗng"):
            import_create(actor=reform_office, kind="dossiers", file_name="x.csv", content=b"")
        return
    run = run_file(reform_office, content)
    assert run.status == "rejected" and any(message in e["message"] for e in run.errors)


def test_nfd_text_is_stored_nfc(reform_office, catalogue):
    import unicodedata

    text = HEADER + "NFD-1,1.001,12-STP,2,05/01/2022,,,Đang xử lý,0,0\n"
    run = run_file(reform_office, unicodedata.normalize("NFD", text))
    assert run.status == "done", run.errors
    assert Dossier.objects.get(code="NFD-1").status == "processing"


def test_an_upload_is_processed_once_after_commit(
    reform_office, catalogue, django_capture_on_commit_callbacks
):
    """import_create queues the job on commit. Inside a test the commit never happens, so the
    tests call import_execute themselves; when the commit does happen, the immediate backend
    of the test settings runs the job exactly once."""
    text = HEADER + "Q-1,1.001,12-STP,2,05/01/2022,,,Đang xử lý,0,0\n"
    queued = import_create(actor=reform_office, kind="dossiers", file_name="q.csv",
                           content=text.encode())  # fmt: skip
    queued.refresh_from_db()
    assert queued.status == "queued" and not Dossier.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = import_create(actor=reform_office, kind="dossiers", file_name="q.csv",
                            content=text.encode())  # fmt: skip
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == "done" and (run.rows_created, run.rows_unchanged) == (1, 0)
    assert Dossier.objects.count() == 1


def test_the_records_behind_a_number_say_their_filter_in_vietnamese(
    client, reform_office, catalogue
):
    rows = "".join(
        f"STP-{i},1.001,12-STP,{2 if i % 2 else 1},05/01/2022 08:30,,,Đang xử lý,0,0\n"
        for i in range(1001)
    )
    assert run_file(reform_office, HEADER + rows).status == "done"
    client.force_login(reform_office)
    page = client.get("/du-lieu/ho-so/", {"nam": 2022, "loc": "received_online"}).content.decode()
    assert "500 hồ sơ tiếp nhận trực tuyến (tiếp nhận trong năm 2022)." in page
    january = client.get(
        "/du-lieu/ho-so/", {"nam": 2022, "tu_thang": 1, "den_thang": 1, "loc": "received"}
    ).content.decode()
    assert "1.001 hồ sơ tiếp nhận (tiếp nhận trong tháng 01/2022)." in january
    february = client.get("/du-lieu/ho-so/", {"nam": 2022, "tu_thang": 2, "den_thang": 3})
    assert (
        "0 hồ sơ (tiếp nhận từ tháng 02/2022 đến hết tháng 03/2022)." in february.content.decode()
    )
    everything = client.get("/du-lieu/ho-so/", {"nam": 2022, "loc": "bất kỳ"}).content.decode()
    # An unknown filter filters nothing and is not echoed.
    assert "1.001 hồ sơ (tiếp nhận trong năm 2022)." in everything and "bất kỳ" not in everything


def test_the_page_shows_the_step_the_write_has_reached(
    client, reform_office, catalogue, monkeypatch
):
    """Inside the write's transaction the run's row cannot tell the page anything (it is seen
    at commit): the step reaches the page through the progress cache."""
    from django.urls import reverse

    from cchc.operations.rollups import RollupDelta

    client.force_login(reform_office)
    shown, apply = [], RollupDelta.apply

    def apply_and_look(delta, *args, **kwargs):
        url = reverse("operations:import_detail", args=[delta.run.pk])
        shown.append(client.get(url, HTTP_HX_REQUEST="true").content.decode())
        return apply(delta, *args, **kwargs)

    monkeypatch.setattr(RollupDelta, "apply", apply_and_look)
    run = run_file(
        reform_office, HEADER + "STP-1,1.001,12-STP,2,05/01/2022 08:30,,,Đang xử lý,0,0\n"
    )
    assert run.status == "done"
    assert "Ghi dữ liệu: cộng số liệu theo tháng" in shown[0]
    after = client.get(reverse("operations:import_detail", args=[run.pk])).content.decode()
    assert "cộng số liệu theo tháng" not in after and "Hoàn tất" in after


def test_a_file_loaded_before_is_recognised_among_the_runs_one_may_see(
    client, reform_office, dept_officer, catalogue
):
    """The same file (same kind, same SHA-256) loaded again: its page names the earlier run —
    only one the user may see, so an agency never learns of another's upload."""
    from django.urls import reverse

    body = HEADER + "STP-1,1.001,12-STP,2,05/01/2022 08:30,,,Đang xử lý,0,0\n"
    first = run_file(reform_office, body)
    again = run_file(reform_office, body, name="hoso-lan-2.csv")
    assert again.status == "done" and again.rows_unchanged == 1
    client.force_login(reform_office)

    def page(run):
        return client.get(reverse("operations:import_detail", args=[run.pk])).content.decode()

    assert "Tệp này giống hệt tệp đã nạp lúc" in page(again)
    assert f"lần nạp #{first.pk}</a>) bởi vp" in page(again)
    assert "giống hệt" not in page(first)  # nothing before the first
    # The department's officer loads the same bytes: the office's runs are not among those
    # the officer may see, so nothing is said of them.
    own = run_file(dept_officer, body)
    client.force_login(dept_officer)
    assert own.status == "done" and "giống hệt" not in page(own)
    # Its own earlier load is.
    own_again = run_file(dept_officer, body)
    assert f"lần nạp #{own.pk}" in page(own_again)
