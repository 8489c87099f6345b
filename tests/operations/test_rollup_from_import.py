"""Dossiers loaded through the importer, rolled up by month: the on-time rule (supplement
waiting days extend the deadline; more than one supplement request is late), open dossiers
at each month's end (on time / overdue), withdrawn dossiers left out."""

from datetime import date

import pytest

from cchc.operations.models import Dossier, DossierMonthly
from tests.operations.importing import csv_bytes, load

pytestmark = pytest.mark.django_db
HEADER = ["Mã hồ sơ", "Mã thủ tục", "Mã cơ quan", "Kênh thực hiện", "Ngày tiếp nhận",
          "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái", "Số lần yêu cầu bổ sung",
          "Số ngày chờ bổ sung", "Phí, lệ phí", "Thanh toán trực tuyến", "Kết quả được số hóa"]  # fmt: skip
# March 2022 has no public holiday. Due dates are at 17:00.
ROWS = [
    # 1 request, 3 days waiting: deadline 08/03 + 3 working days = 11/03; done 10/03 → on time
    ["A", "1.001", "12-STP", "2", "01/03/2022 08:00", "08/03/2022 17:00", "10/03/2022 09:00", "Đã giải quyết", "1", "3", "50000", "1", "1"],
    # 1 request, 1 day waiting: deadline 09/03; done 11/03 → late
    ["B", "1.001", "12-STP", "1", "01/03/2022 08:00", "08/03/2022 17:00", "11/03/2022 09:00", "Đã giải quyết", "1", "1", "0", "0", "0"],
    # 2 requests: late whatever the dates
    ["C", "1.001", "12-STP", "1", "01/03/2022 08:00", "08/03/2022 17:00", "04/03/2022 09:00", "Đã giải quyết", "2", "2", "0", "0", "0"],
    # done on the due date → on time
    ["D", "1.001", "12-STP", "2", "02/03/2022 08:00", "09/03/2022 17:00", "09/03/2022 16:00", "Đã giải quyết", "0", "0", "0", "0", "0"],
    # withdrawn: neither finished nor open
    ["E", "1.001", "12-STP", "1", "03/03/2022 08:00", "10/03/2022 17:00", "04/03/2022 10:00", "Công dân rút hồ sơ", "", "", "", "", ""],
    # open, due 05/04: on time at 31/03, overdue at 30/04
    ["F", "1.001", "12-STP", "3", "25/03/2022 08:00", "05/04/2022 17:00", "", "Đang xử lý", "", "", "", "", ""],
    # open, due 18/03: overdue at 31/03 and 30/04
    ["G", "1.001", "12-STP", "1", "10/03/2022 08:00", "18/03/2022 17:00", "", "Yêu cầu bổ sung", "1", "", "", "", ""],
    # rejected early: finished, on time
    ["H", "1.001", "12-STP", "1", "07/03/2022 08:00", "15/03/2022 17:00", "08/03/2022 09:00", "Từ chối giải quyết", "", "", "", "", ""],
]  # fmt: skip
COUNTERS = ("received", "received_online", "with_fee", "paid_online", "finished",
            "finished_on_time", "finished_late", "results_digitized", "open_on_time",
            "open_overdue")  # fmt: skip


def month(row_month: int) -> dict:
    row = DossierMonthly.objects.get(month=date(2022, row_month, 1))
    assert row.source == "dossiers"
    return {name: getattr(row, name) for name in COUNTERS}


def test_known_answers_through_the_importer(reform_office, catalogue):
    run = load(reform_office, "dossiers", csv_bytes(HEADER, ROWS))
    assert run.status == "done", run.errors
    on_time = dict(Dossier.objects.values_list("code", "finished_on_time"))
    assert on_time == {"A": True, "B": False, "C": False, "D": True, "E": None, "F": None,
                       "G": None, "H": True}  # fmt: skip
    assert month(3) == {
        "received": 8, "received_online": 2, "with_fee": 1, "paid_online": 1, "finished": 5,
        "finished_on_time": 3, "finished_late": 2, "results_digitized": 1,
        "open_on_time": 1, "open_overdue": 1,
    }  # fmt: skip
    # The data ends in March: no month end after it is written, not even the open counts
    # (issue 16: the roll-up wrote every month end to December).
    assert not DossierMonthly.objects.exclude(month=date(2022, 3, 1)).exists()

    # F finishes in April: the data now reaches April, which counts F finished (late: due
    # 05/04), no longer open, and G still open, overdue.
    rows = [r[:] for r in ROWS]
    rows[5][6], rows[5][7] = "20/04/2022 10:00", "Đã giải quyết"
    again = load(reform_office, "dossiers", csv_bytes(HEADER, rows))
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 1, 7)
    assert month(3)["open_on_time"] == 1  # still open at the end of March
    april = month(4)
    assert (april["finished"], april["finished_late"], april["open_overdue"]) == (1, 1, 1)


def snapshot_of_rollup() -> list[tuple]:
    return sorted(
        DossierMonthly.objects.filter(source="dossiers")
        .exclude(**{name: 0 for name in COUNTERS})
        .values_list("agency__code", "month", *COUNTERS)
    )


def test_incremental_roll_up_equals_a_full_rebuild(reform_office, catalogue):
    from cchc.operations.models import ImportRun
    from cchc.operations.rollups import rollup_rebuild

    assert load(reform_office, "dossiers", csv_bytes(HEADER, ROWS)).status == "done"
    changed = [list(r) for r in ROWS]
    changed[5][6:8] = ["20/05/2022 10:00", "Đã giải quyết"]  # F, open since March, done in May
    changed[6][2] = "12-SKHDT"  # G moves to another agency
    changed.append(["I", "1.001", "12-STP", "2", "02/06/2022 08:00", "09/06/2022 17:00", "", "Đang xử lý", "", "", "", "", ""])  # fmt: skip
    assert load(reform_office, "dossiers", csv_bytes(HEADER, changed)).status == "done"
    incremental = snapshot_of_rollup()
    rollup_rebuild(run=ImportRun.objects.last())
    assert snapshot_of_rollup() == incremental
    assert any(row[0] == "12-SKHDT" for row in incremental)


def key_order_of_ids() -> tuple[list[tuple], list[tuple]]:
    """The roll-up's keys in the order their rows were written (ids), and the same sorted by
    the unique key (month, agency, procedure)."""
    written = list(
        DossierMonthly.objects.order_by("pk").values_list("month", "agency_id", "procedure_id")
    )
    return written, sorted(written)


def test_roll_up_rows_are_written_month_first(reform_office, catalogue):
    """Every writer adds roll-up rows in the order of its unique key, month first, so that a
    month's rows lie together (the figures read a month at a time): an import's delta, and a
    rebuild from the dossiers."""
    from cchc.operations.models import ImportRun, Procedure, ProcedureSnapshot
    from cchc.operations.rollups import rollup_rebuild

    second = Procedure.objects.create(code="1.002", name="Thủ tục thứ hai")
    ProcedureSnapshot.objects.create(procedure=second, year=2022, authority_tier="province",
                                     processing_days=5)  # fmt: skip
    rows = [
        [f"{agency}-{procedure}-{month}-{day}", procedure, agency, "1",
         f"{day:02d}/{month:02d}/2022 08:00", "", f"{day + 1:02d}/{month + 1:02d}/2022 09:00",
         "Đã giải quyết", "", "", "", "", ""]
        for agency in ("12-STP", "12-SKHDT")
        for procedure in ("1.001", "1.002")
        for month in (1, 2, 3)
        for day in (3, 10)
    ]  # fmt: skip
    run = load(reform_office, "dossiers", csv_bytes(HEADER, rows))
    assert run.status == "done", run.errors
    written, ordered = key_order_of_ids()
    # Two agencies × two procedures × months January to April (received, finished).
    assert len(written) == 16 and written == ordered

    DossierMonthly.objects.all().delete()
    rollup_rebuild(run=ImportRun.objects.get(pk=run.pk))
    written, ordered = key_order_of_ids()
    assert len(written) == 16 and written == ordered
