"""The roll-up an import brings along by difference (RollupDelta) is exactly the roll-up
recomputed from every dossier (rollup_rebuild), after every import of random sequences: new
dossiers, changed ones (agency, dates, status, channel, fee), unchanged ones, open and
withdrawn ones, across the turn of a year (the horizon of open counts moves forward and back).
And stored sums that disagree with the dossiers are recomputed, not made negative."""

import random
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError

from cchc.operations.models import (
    Dossier,
    DossierMonthly,
    ImportRun,
    Procedure,
    ProcedureSnapshot,
)
from cchc.operations.rollups import COUNTERS, horizon, rollup_rebuild
from tests.operations.importing import csv_bytes, load

pytestmark = pytest.mark.django_db
HEADER = ["Mã hồ sơ", "Mã thủ tục", "Mã cơ quan", "Kênh thực hiện", "Ngày tiếp nhận",
          "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái", "Phí, lệ phí",
          "Thanh toán trực tuyến", "Kết quả được số hóa"]  # fmt: skip
AGENCIES = ["12-STP", "12-SKHDT", "12-SYT"]
FINISHED = ["Đã giải quyết", "Từ chối giải quyết", "Công dân rút hồ sơ"]
OPEN = ["Đang xử lý", "Yêu cầu bổ sung", "Công dân rút hồ sơ"]


def stored() -> list[tuple]:
    return sorted(
        DossierMonthly.objects.filter(source="dossiers").values_list(
            "agency__code", "procedure__code", "month", *COUNTERS
        )
    )


def rebuilt() -> list[tuple]:
    rollup_rebuild(run=ImportRun.objects.order_by("-pk").first())
    return stored()


@pytest.fixture
def procedures(catalogue):
    """1.001 has processing days in 2022 only (other years: no due date); 1.002 in 2021–2023."""
    other = Procedure.objects.create(code="1.002", name="Đăng ký khai sinh")
    for year in (2021, 2022, 2023):
        ProcedureSnapshot.objects.create(procedure=other, year=year, authority_tier="province",
                                         processing_days=3)  # fmt: skip
    return ["1.001", "1.002"]


def dossier(rng: random.Random, code: str, first: datetime, days: int) -> list[str]:
    received = first + timedelta(days=rng.randrange(days), hours=rng.randrange(14))
    due = "" if rng.random() < 0.3 else received + timedelta(days=rng.randrange(1, 40))
    finished = None if rng.random() < 0.35 else received + timedelta(hours=rng.randrange(1, 1400))
    status = rng.choice(FINISHED if finished else OPEN)
    fee = rng.choice(["0", "", "50000"])
    return [
        code, rng.choice(["1.001", "1.002"]), rng.choice(AGENCIES), rng.choice("123"),
        f"{received:%d/%m/%Y %H:%M}", f"{due:%d/%m/%Y %H:%M}" if due else "",
        f"{finished:%d/%m/%Y %H:%M}" if finished else "", status, fee,
        rng.choice(["0", "1"]), rng.choice(["0", "1", ""]),
    ]  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_the_delta_equals_a_full_recompute_after_every_import(reform_office, procedures, seed):
    rng = random.Random(seed)
    known: dict[str, list[str]] = {}
    # Each file: a window of receipt dates, some new dossiers, some of the earlier ones
    # re-sent as they were or changed. The windows cross 2021 → 2022 → 2023 and back.
    windows = [(datetime(2021, 11, 20), 50), (datetime(2022, 12, 10), 40),
               (datetime(2023, 1, 5), 30), (datetime(2022, 6, 1), 60), (datetime(2022, 1, 1), 20)]  # fmt: skip
    for step, (first, days) in enumerate(windows):
        rows = [
            dossier(rng, f"S{seed}-{step}-{i}", first, days) for i in range(rng.randrange(4, 12))
        ]
        for code in rng.sample(sorted(known), k=min(len(known), rng.randrange(0, 8))):
            again = list(known[code])
            if rng.random() < 0.7:  # changed: another dossier under the same code
                again = dossier(rng, code, first, days)
            rows.append(again)
        run = load(reform_office, "dossiers", csv_bytes(HEADER, rows))
        assert run.status == "done", run.errors
        known.update({row[0]: row for row in rows})
        after_import = stored()
        assert after_import, "every step leaves rows"
        assert after_import == rebuilt(), f"step {step}"


def test_the_horizon_moves_back_when_the_only_dossier_of_a_year_moves(reform_office, procedures):
    early = ["A", "1.002", "12-STP", "1", "10/12/2022 08:00", "", "", "Đang xử lý", "", "", ""]
    late = ["B", "1.002", "12-STP", "1", "05/01/2023 08:00", "", "", "Đang xử lý", "", "", ""]
    assert load(reform_office, "dossiers", csv_bytes(HEADER, [early, late])).status == "done"
    assert horizon() == date(2023, 1, 1)  # the last month with data, not December
    january_2023 = [r for r in stored() if r[2].year == 2023]
    assert [r[2].month for r in january_2023] == [1]
    # A and B open at the end of January (on time + overdue), none without a deadline:
    assert sum(january_2023[0][-3:-1]) == 2 and january_2023[0][-1] == 0
    moved = [*late[:4], "06/12/2022 08:00", *late[5:]]
    assert load(reform_office, "dossiers", csv_bytes(HEADER, [early, moved])).status == "done"
    assert horizon() == date(2022, 12, 1)
    assert not [r for r in stored() if r[2].year == 2023]
    assert stored() == rebuilt()


@pytest.mark.parametrize("june", ["not counted", "missing"])
def test_sums_that_disagree_are_recomputed_not_made_negative(
    reform_office, procedures, caplog, june
):
    # B, received in July, carries the data (and A's open counts) to the end of July.
    rows = [
        ["A", "1.002", "12-STP", "2", "03/03/2022 08:00", "", "", "Đang xử lý", "", "", ""],
        ["B", "1.002", "12-SYT", "2", "11/07/2022 08:00", "", "", "Đang xử lý", "", "", ""],
    ]
    assert load(reform_office, "dossiers", csv_bytes(HEADER, rows)).status == "done"
    # A roll-up kept another way (or edited by hand): June does not count A as open, or has
    # no row at all (the CHECK constraints refuse the first, a lookup finds the second).
    june_rows = DossierMonthly.objects.filter(month__month=6)
    if june == "missing":
        june_rows.delete()
    else:
        june_rows.update(open_on_time=0, open_overdue=0)
    rows[0][6:8] = ["20/05/2022 10:00", "Đã giải quyết"]  # A no longer open at the end of June
    assert load(reform_office, "dossiers", csv_bytes(HEADER, rows)).status == "done"
    assert "recomputing" in caplog.text
    assert stored() == rebuilt()
    assert not DossierMonthly.objects.filter(month__month=6).exists()
    april = DossierMonthly.objects.get(month__month=4, month__year=2022, agency__code="12-STP")
    assert april.open_on_time + april.open_overdue == 1  # A was open at the end of April


def test_rebuild_command_checks_then_repairs(reform_office, procedures):
    rows = [
        ["A", "1.002", "12-STP", "2", "03/03/2022 08:00", "", "", "Đang xử lý", "", "", ""],
        ["B", "1.002", "12-STP", "2", "11/07/2022 08:00", "", "", "Đang xử lý", "", "", ""],
    ]
    assert load(reform_office, "dossiers", csv_bytes(HEADER, rows)).status == "done"
    out = StringIO()
    call_command("rebuild_rollups", "--check", stdout=out)
    assert "0 dòng khác" in out.getvalue()
    rows_before = DossierMonthly.objects.count()
    DossierMonthly.objects.filter(month__month=5).update(open_overdue=7)  # changed
    DossierMonthly.objects.filter(month__month=6).delete()  # missing
    with pytest.raises(CommandError, match="khác kết quả tính lại"):
        call_command("rebuild_rollups", "--check", stdout=(out := StringIO()))
    assert f"Đã so sánh {rows_before} dòng số liệu theo tháng: 2 dòng khác" in out.getvalue()
    assert DossierMonthly.objects.get(month__month=5, month__year=2022).open_overdue == 7
    assert not DossierMonthly.objects.filter(month__month=6).exists()  # --check wrote nothing
    call_command("rebuild_rollups", stdout=StringIO())
    call_command("rebuild_rollups", "--check", stdout=(out := StringIO()))
    assert "0 dòng khác" in out.getvalue()


def test_the_write_tells_its_steps_to_the_caller(reform_office, procedures):
    from cchc.operations.services import import_create, import_execute

    rows = [["A", "1.002", "12-STP", "2", "03/03/2022 08:00", "", "", "Đang xử lý", "", "", ""]]
    run = import_create(actor=reform_office, kind="dossiers", file_name="a.csv",
                        content=csv_bytes(HEADER, rows))  # fmt: skip
    stages: list[str] = []
    run = import_execute(ImportRun.objects.get(pk=run.pk),
                         progress=lambda percent, stage: stages.append(stage))  # fmt: skip
    assert run.status == "done"
    steps = list(dict.fromkeys(stages))
    assert steps == ["Đọc tệp", "Kiểm tra dữ liệu", "Ghi dữ liệu", "Ghi hồ sơ",
                     "Cộng số liệu theo tháng", "Tính lại số liệu"]  # fmt: skip


def test_what_dossiers_refer_to_cannot_be_deleted(reform_office, procedures):
    """Dossiers and their roll-up carry no foreign-key constraint in the database (ADR 0007):
    the ORM's PROTECT is what keeps their agency, procedure and import run in place."""
    rows = [["A", "1.002", "12-STP", "2", "03/03/2022 08:00", "", "", "Đang xử lý", "", "", ""]]
    run = load(reform_office, "dossiers", csv_bytes(HEADER, rows))
    assert run.status == "done" and DossierMonthly.objects.exists()
    dossier = Dossier.objects.get(code="A")
    for referenced in (dossier.agency, dossier.procedure, ImportRun.objects.get(pk=run.pk)):
        with pytest.raises(ProtectedError) as refused:
            referenced.delete()
        assert dossier in refused.value.protected_objects
    assert Dossier.objects.filter(code="A", agency__code="12-STP").exists()


def test_a_rebuild_waits_for_a_dossier_write_in_progress(reform_office, procedures):
    """PostgreSQL: the recompute of the whole roll-up takes the lock an import holds while it
    writes dossiers (`lock_dossier_writes`). Without it, an import that committed during a
    rebuild had its counts overwritten by a recompute from the dossiers as they were before
    it, and nothing marked the figures for repair. Here another session holds the lock: the
    rebuild waits for it (and gives up at the lock timeout) instead of going ahead."""
    from django.db import OperationalError, connection, transaction

    from cchc.operations.rollups import LOCK

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's transactions take its one write lock when they begin")
    import psycopg

    # A run to recompute under (an import here would hold the lock itself until the test's
    # transaction ends).
    ImportRun.objects.create(kind="dossiers", file_name="h.csv", uploaded_by=reform_office,
                             status="done")  # fmt: skip
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [LOCK])
        with transaction.atomic(), pytest.raises(OperationalError, match="lock timeout"):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            rollup_rebuild(run=ImportRun.objects.order_by("-pk").first())
        other.execute("SELECT pg_advisory_unlock(%s)", [LOCK])
    assert rebuilt() == []  # with the lock free, it goes ahead


@pytest.mark.django_db(transaction=True)
def test_a_check_sees_one_state_while_an_import_commits(
    reference, reform_office, procedures, monkeypatch
):
    """`rebuild_rollups --check` writes nothing and takes no write lock: an import goes on
    during it (on SQLite a check used to hold the one write lock for minutes on a large
    history, and every upload waited). Here an import of a later month commits between the
    check's read of the range and its comparison: the check still compares one state (its
    snapshot) and finds no difference; the next check sees the import, also without one."""
    import threading

    from django.db import connection, connections

    from cchc.operations import rollups

    rows = [["A", "1.002", "12-STP", "2", "03/03/2022 08:00", "", "", "Đang xử lý", "", "", ""]]
    assert load(reform_office, "dossiers", csv_bytes(HEADER, rows)).status == "done"
    later = [["B", "1.002", "12-SKHDT", "1", "11/07/2022 08:00", "12/07/2022 10:00",
              "12/07/2022 09:00", "Đã giải quyết", "", "", ""]]  # fmt: skip
    whole_range, imported = rollups._whole_range, []

    def write_later():  # another process's import, on the thread's own connection
        try:
            imported.append(load(reform_office, "dossiers", csv_bytes(HEADER, later)).status)
        finally:
            connections.close_all()  # the test database is dropped at the end of the run

    def import_meanwhile():
        found = whole_range()
        assert not connection.get_autocommit()  # inside the check's snapshot
        writer = threading.Thread(target=write_later)
        writer.start()
        writer.join(timeout=60)
        return found

    monkeypatch.setattr(rollups, "_whole_range", import_meanwhile)
    call_command("rebuild_rollups", "--check", stdout=(out := StringIO()))
    assert imported == ["done"]  # committed while the check was reading
    assert "0 dòng khác" in out.getvalue()
    monkeypatch.undo()
    assert DossierMonthly.objects.filter(agency__code="12-SKHDT", month__month=7).exists()
    call_command("rebuild_rollups", "--check", stdout=(out := StringIO()))
    assert "0 dòng khác" in out.getvalue()
    assert stored() == rebuilt()
