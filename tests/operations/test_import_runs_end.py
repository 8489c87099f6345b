"""Issue 20: an import never stays "đang xử lý" forever and never leaves wrong figures that
nothing repairs. A process dying is simulated by an exception no handler of the product
catches (`Killed`, a BaseException, as a SIGKILL would end it): what the database holds
afterwards is what it would hold after a kill — an open transaction is rolled back, a
committed one stays. Every figure is then checked against a recompute from scratch."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cchc.core.failpoints import ENV, KILLED
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.receivers import indicators_of_kind
from cchc.indicators.services import snapshots_refresh
from cchc.operations import selectors, services
from cchc.operations.imports import IMPORTERS
from cchc.operations.models import Dossier, ImportKind, ImportRun
from cchc.operations.services import LEASE, MAX_ATTEMPTS, import_create, import_execute
from tests.operations.importing import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Mã hồ sơ", "Mã thủ tục", "Mã cơ quan", "Kênh thực hiện", "Ngày tiếp nhận",
          "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái"]  # fmt: skip


def dossier_file(n: int = 6) -> bytes:
    rows = [
        [f"K-{i}", "1.001", "12-STP", "2" if i % 2 else "1", f"0{1 + i % 3}/03/2022 08:30",
         "", f"0{4 + i % 3}/03/2022 10:00", "Đã giải quyết"]
        for i in range(n)
    ]  # fmt: skip
    return csv_bytes(HEADER, rows)


def hand_counted_online_share() -> tuple[int, int]:
    """Target 6c for March 2022 counted from the file as the test wrote it, not by the
    product: the dossiers received online (channel "2") of all those received."""
    rows = list(csv.reader(io.StringIO(dossier_file().decode())))[1:]
    march = [row for row in rows if row[4][3:10] == "03/2022"]
    return sum(row[3] == "2" for row in march), len(march)


def stored_online_share() -> tuple[int, int]:
    rows = IndicatorSnapshot.objects.filter(indicator="ONLINE_DOSSIER_SHARE", month="2022-03-01")
    return (sum(r.numerator for r in rows), sum(r.denominator for r in rows))


class Killed(BaseException):
    """The process ends here: no `except Exception` of the product sees it."""


def queued(actor, content: bytes | None = None) -> ImportRun:
    return import_create(actor=actor, kind="dossiers", file_name="hs.csv",
                         content=content or dossier_file())  # fmt: skip


# The figures a dossier import changes (and only those: the others were never computed).
CODES = indicators_of_kind(ImportKind.DOSSIERS)


def snapshot_rows() -> list[tuple]:
    fields = [f.attname for f in IndicatorSnapshot._meta.concrete_fields
              if f.attname not in {"id", "computed_at"}]  # fmt: skip
    return sorted(IndicatorSnapshot.objects.filter(indicator__in=CODES).values_list(*fields))


def recomputed(*, expect_figures: bool = True) -> list[tuple]:
    """The same figures recomputed from scratch from the stored data, in a transaction that
    is rolled back, so that the product's own figures stay as they were."""
    try:
        with transaction.atomic():
            IndicatorSnapshot.objects.filter(indicator__in=CODES).delete()
            snapshots_refresh(agency_ids=None, years=[2022], codes=CODES)
            fresh = snapshot_rows()
            raise _Rollback
    except _Rollback:
        pass
    assert fresh or not expect_figures, "the recompute found no figures: the data misses them"
    return fresh


class _Rollback(Exception):
    pass


def later() -> timezone.datetime:
    return timezone.now() + LEASE + timedelta(seconds=1)


def test_a_run_is_executed_once(reform_office, catalogue):
    run = queued(reform_office)
    first = import_execute(ImportRun.objects.get(pk=run.pk))
    assert (first.status, first.rows_created, first.attempts) == ("done", 6, 1)
    again = import_execute(ImportRun.objects.get(pk=run.pk))  # e.g. the worker after a command
    assert (again.status, again.rows_created, again.rows_unchanged, again.attempts) == (
        "done", 6, 0, 1,
    )  # fmt: skip


def test_a_command_line_import_is_not_a_queued_task(
    reform_office, catalogue, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "hs.csv"
    path.write_bytes(dossier_file())
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("import_data", "dossiers", str(path), user=reform_office.username)
    assert callbacks == []  # nothing handed to the worker
    run = ImportRun.objects.get()
    assert (run.status, run.by_worker, Dossier.objects.count()) == ("done", False, 6)


@pytest.mark.parametrize("where", ["parse", "write"])
def test_a_process_killed_before_the_write_commits_is_run_again(
    reform_office, catalogue, monkeypatch, where
):
    run = queued(reform_office)
    importer = IMPORTERS["dossiers"]
    original = getattr(importer, where)

    def killed(self, *args, **kwargs):
        original(self, *args, **kwargs)  # the work is done (written, for "write") …
        raise Killed  # … and the process dies before its transaction commits

    monkeypatch.setattr(importer, where, killed)
    with pytest.raises(Killed):
        import_execute(ImportRun.objects.get(pk=run.pk))
    monkeypatch.setattr(importer, where, original)
    run.refresh_from_db()
    assert run.status == "running" and not Dossier.objects.exists()  # nothing committed

    assert services.imports_recover(now=timezone.now())["requeued"] == 0  # still within lease
    done = services.imports_recover(now=later())
    # The test settings' task backend runs the re-queued import at once.
    assert done["requeued"] == 1
    run.refresh_from_db()
    assert (run.status, run.attempts, run.rows_created) == ("done", 2, 6)
    assert run.figures_pending is None
    assert snapshot_rows() == recomputed()


def test_figures_left_stale_by_a_kill_after_the_commit_are_repaired(
    reform_office, catalogue, monkeypatch
):
    run = queued(reform_office)

    def killed(**kwargs):
        raise Killed

    monkeypatch.setattr(services, "data_changed", killed)
    with pytest.raises(Killed):
        import_execute(ImportRun.objects.get(pk=run.pk))
    monkeypatch.undo()
    run.refresh_from_db()
    # The dossiers and the run's "done" committed together, with the figures still owed.
    assert run.status == "done" and Dossier.objects.count() == 6
    assert run.figures_pending == {"agency_ids": [run_agency()], "months": ["2022-03-01"],
                                   "years": []}  # fmt: skip
    assert selectors.figures_pending()
    stale = snapshot_rows()
    assert stale != recomputed()  # the figures were wrong …
    assert services.imports_recover(now=later())["figures"] == 1
    assert not selectors.figures_pending()
    assert snapshot_rows() == recomputed()  # … and are right after the worker's restart
    assert stored_online_share() == hand_counted_online_share() == (3, 6)


def run_agency() -> int:
    return Dossier.objects.values_list("agency_id", flat=True).first()


def test_a_refresh_that_fails_is_retried_by_the_worker(reform_office, catalogue, monkeypatch):
    calls = []
    real = services.data_changed

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is busy")
        real(**kwargs)

    monkeypatch.setattr(services, "data_changed", flaky)
    run = import_execute(ImportRun.objects.get(pk=queued(reform_office).pk))
    # The retry task (run at once by the test settings' backend) recomputed the figures.
    run.refresh_from_db()
    assert len(calls) == 2 and run.figures_pending is None and run.stage == "Hoàn tất"
    assert snapshot_rows() == recomputed()


def test_a_dead_command_line_run_is_failed_with_its_reason(reform_office, catalogue):
    run = import_create(actor=reform_office, kind="dossiers", file_name="hs.csv",
                        content=dossier_file(), queue=False)  # fmt: skip
    ImportRun.objects.filter(pk=run.pk).update(status="running", heartbeat_at=timezone.now())
    assert services.imports_recover(now=later())["failed"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and "bị dừng giữa chừng" in run.errors[0]["message"]
    assert not Dossier.objects.exists()


def test_a_run_whose_process_keeps_dying_is_failed(reform_office, catalogue):
    run = queued(reform_office)
    ImportRun.objects.filter(pk=run.pk).update(
        status="running", heartbeat_at=timezone.now(), attempts=MAX_ATTEMPTS
    )
    assert services.imports_recover(now=later()) == {"requeued": 0, "failed": 1, "figures": 0}
    run.refresh_from_db()
    assert run.status == "failed" and f"bị dừng {MAX_ATTEMPTS} lần" in run.errors[0]["message"]


def test_the_page_says_the_figures_are_being_recomputed(client, reform_office, catalogue):
    run = queued(reform_office)
    ImportRun.objects.filter(pk=run.pk).update(status="done", figures_pending={"years": [2022]})
    client.force_login(reform_office)
    page = client.get(reverse("operations:import_detail", args=[run.pk])).content.decode()
    assert "đang được tính lại" in page and 'hx-trigger="every 1s"' in page


def test_a_done_run_does_not_say_all_figures_are_recomputed_while_another_runs_are_not(
    client, reform_office, catalogue
):
    """The same file loaded again after a kill just after the commit wrote nothing and owed
    nothing, and said "Số liệu chỉ tiêu đã được tính lại" while the killed run's were not."""
    owing, again = queued(reform_office), queued(reform_office)
    ImportRun.objects.filter(pk=owing.pk).update(status="done", figures_pending={"years": [2022]})
    ImportRun.objects.filter(pk=again.pk).update(status="done", progress=100)
    client.force_login(reform_office)
    url = reverse("operations:import_detail", args=[again.pk])
    page = client.get(url).content.decode()
    assert "Số liệu chỉ tiêu đã được tính lại." not in page
    assert "số liệu của một lần nạp khác <strong>đang được tính lại</strong>" in page
    ImportRun.objects.filter(pk=owing.pk).update(figures_pending=None)
    assert "Số liệu chỉ tiêu đã được tính lại." in client.get(url).content.decode()


def test_a_stopped_run_is_not_called_a_rejected_file(client, reform_office, catalogue):
    run = import_create(actor=reform_office, kind="dossiers", file_name="hs.csv",
                        content=dossier_file(), queue=False)  # fmt: skip
    ImportRun.objects.filter(pk=run.pk).update(status="running", heartbeat_at=timezone.now())
    services.imports_recover(now=later())
    client.force_login(reform_office)
    page = client.get(reverse("operations:import_detail", args=[run.pk])).content.decode()
    assert "Bị dừng — không ghi gì" in page and "Tệp bị từ chối" not in page
    assert "Lỗi hệ thống" not in page and "bị dừng giữa chừng; chưa ghi gì" in page


# --- a real process, killed at each step ---------------------------------------------------


def database_url() -> str:
    """The test database, as a URL another process can open."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def import_killed_at(place: str, path, username: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "CCHC_DATABASE_URL": database_url(), ENV: place,
                   "DJANGO_SETTINGS_MODULE": "config.settings.test"}  # fmt: skip
    return subprocess.run(  # noqa: S603 — this interpreter, fixed arguments
        [sys.executable, "manage.py", "import_data", "dossiers", str(path), "--user", username],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("place", "written"),
    [("import:validated", False), ("import:writing", False), ("import:committed", True),
     ("import:refreshed", True)],
)  # fmt: skip
def test_a_command_killed_at_each_step_leaves_nothing_that_recovery_does_not_repair(
    reference, reform_office, catalogue, tmp_path, place, written
):
    path = tmp_path / "hs.csv"
    path.write_bytes(dossier_file())
    ended = import_killed_at(place, path, reform_office.username)
    assert ended.returncode == KILLED, ended.stderr
    run = ImportRun.objects.get()
    # What the kill left: the write is all or nothing, and "done" commits with it.
    assert Dossier.objects.count() == (6 if written else 0)
    assert run.status == ("done" if written else "running")
    assert (run.figures_pending is not None) == written
    if place == "import:committed":
        assert snapshot_rows() != recomputed()  # figures owed, and wrong until repaired
    done = services.imports_recover(now=later())
    run.refresh_from_db()
    if written:
        assert done["figures"] == 1 and run.figures_pending is None and run.stage == "Hoàn tất"
    else:
        assert done["failed"] == 1 and run.status == "failed"
    assert snapshot_rows() == recomputed(expect_figures=written)
    assert stored_online_share() == (hand_counted_online_share() if written else (0, 0))


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_dossiers_at_once_both_end_well(
    reference, reform_office, catalogue, monkeypatch
):
    """Both files validated at the same moment, then both written: the second waits for the
    first (PostgreSQL: the advisory lock; SQLite: its write lock) and finds its rows there,
    instead of failing on the dossier code's unique index ("Lỗi hệ thống")."""
    importer = IMPORTERS["dossiers"]
    parse = importer.parse
    together = threading.Barrier(2, timeout=60)

    def parse_then_wait(self, *args, **kwargs):
        rows = parse(self, *args, **kwargs)
        together.wait()
        return rows

    monkeypatch.setattr(importer, "parse", parse_then_wait)
    # Not queued: in a transactional test the commit would run them at once, one by one.
    runs = [import_create(actor=reform_office, kind="dossiers", file_name="hs.csv",
                          content=dossier_file(), queue=False) for _ in range(2)]  # fmt: skip
    results = {}

    def execute(pk):
        try:
            results[pk] = import_execute(ImportRun.objects.get(pk=pk)).status
        finally:
            connection.close()

    threads = [threading.Thread(target=execute, args=(run.pk,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert results == {run.pk: "done" for run in runs}
    counts = sorted(ImportRun.objects.values_list("rows_created", "rows_unchanged"))
    assert counts == [(0, 6), (6, 0)] and Dossier.objects.count() == 6
    assert snapshot_rows() == recomputed()


def test_the_figures_pages_say_figures_are_being_recomputed(client, reform_office, catalogue):
    from cchc.plans.models import Plan

    client.force_login(reform_office)
    target = Plan.objects.get(year=2022).targets.first()
    # The home page and the plan's page show the targets' values on their cards too.
    pages = [reverse("indicators:dashboard"), reverse("indicators:target_detail", args=[target.pk]),
             reverse("home"), reverse("plans:plan_detail", args=[target.plan_id])]  # fmt: skip
    for url in pages:
        assert "đang được tính lại" not in client.get(url).content.decode()
    run = queued(reform_office)
    ImportRun.objects.filter(pk=run.pk).update(status="done", figures_pending={"years": [2022]})
    for url in pages:
        assert "đang được tính lại" in client.get(url).content.decode()


def test_a_run_not_heard_from_says_so_and_by_when_it_is_taken_up(client, reform_office, catalogue):
    """After its process was killed a run read "Đang xử lý" with a moving bar for 10–15
    minutes (the lease), and nothing on the page said why."""
    run = queued(reform_office)
    client.force_login(reform_office)
    url = reverse("operations:import_detail", args=[run.pk])
    heard = timezone.now() - timedelta(seconds=30)
    ImportRun.objects.filter(pk=run.pk).update(status="running", heartbeat_at=heard)
    assert "Chưa nhận được tín hiệu" not in client.get(url).content.decode()
    silent = timezone.now() - timedelta(minutes=3)
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=silent)
    page = client.get(url).content.decode()
    local = timezone.localtime(silent)
    latest = timezone.localtime(silent + services.LEASE + services.RECOVER_EVERY)
    assert f"Chưa nhận được tín hiệu của tiến trình xử lý từ {local:%H:%M}" in page
    assert f"chậm nhất lúc {latest:%H:%M}" in page


def test_the_task_rows_of_a_dead_worker_are_marked_failed(reform_office, catalogue):
    """django-tasks' database worker records a task RUNNING when it starts it and never hears
    of a process that died: the rows of a killed worker stayed RUNNING for ever. The repair
    that takes up a dead run marks them FAILED — only those that began by the run's last
    heartbeat (a later attempt's task is alive) and only those of the dead run."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from cchc.operations.tasks import ProcessStopped, refresh_figures, run_import

    dead, alive, owed = queued(reform_office), queued(reform_office), queued(reform_office)
    beat = timezone.now()
    # Written, its figures owed by a process that died while recomputing them.
    ImportRun.objects.filter(pk=owed.pk).update(status="done", heartbeat_at=beat,
        figures_pending={"agency_ids": [], "months": [], "years": [2022]})  # fmt: skip
    ImportRun.objects.filter(pk=dead.pk).update(status="running", heartbeat_at=beat,
                                                attempts=MAX_ATTEMPTS)  # fmt: skip
    ImportRun.objects.filter(pk=alive.pk).update(status="running", heartbeat_at=later())

    def row(task, run_id: int, started) -> DBTaskResult:
        return DBTaskResult.objects.create(
            task_path=task.module_path, args_kwargs={"args": [run_id], "kwargs": {}},
            status=TaskResultStatus.RUNNING, started_at=started, run_after=started,
            backend_name="default", queue_name="default", exception_class_path="", traceback="",
        )  # fmt: skip

    died = row(run_import, dead.pk, beat - timedelta(seconds=5))
    newer = row(run_import, dead.pk, beat + timedelta(seconds=5))  # a later attempt's task
    other = row(run_import, alive.pk, beat - timedelta(seconds=5))
    refresh = row(refresh_figures, alive.pk, beat - timedelta(seconds=5))
    recomputing = row(refresh_figures, owed.pk, beat - timedelta(seconds=5))
    assert services.imports_recover(now=later()) == {"requeued": 0, "failed": 1, "figures": 1}
    states = {r.pk: (r.status, r.exception_class_path) for r in DBTaskResult.objects.all()}
    stopped = f"{ProcessStopped.__module__}.{ProcessStopped.__qualname__}"
    assert states[died.pk] == states[recomputing.pk] == (TaskResultStatus.FAILED, stopped)
    for living in (newer, other, refresh):
        assert states[living.pk] == (TaskResultStatus.RUNNING, "")
    assert "bị dừng" in DBTaskResult.objects.get(pk=died.pk).traceback
