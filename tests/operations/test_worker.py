"""A running worker repairs what a dead process left without being restarted (ADR 0016):
its repair pass, the thread that runs it every RECOVER_EVERY, and the command that starts
and stops that thread around django-tasks' worker. No real waiting: the thread's clock is
the `stop` event, replaced here by one that answers at once."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.db.models.signals import post_init
from django.utils import timezone

from cchc.operations import tasks
from cchc.operations.management.commands import worker
from cchc.operations.models import Dossier, ImportRun
from cchc.operations.services import LEASE, RECOVER_EVERY, import_create
from tests.operations.test_import_runs_end import dossier_file


def upload(actor) -> ImportRun:
    """An upload queued for the worker (its task is sent on commit, which a test that rolls
    back never reaches: the run stays queued)."""
    return import_create(actor=actor, kind="dossiers", file_name="hs.csv", content=dossier_file())


@pytest.mark.django_db
def test_a_run_whose_process_died_is_taken_up_by_the_running_worker(reform_office, catalogue):
    # Another worker claimed the run and died: "đang xử lý", heartbeat no longer written.
    run = upload(reform_office)
    died = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(status="running", heartbeat_at=died, attempts=1)
    assert worker.recover_once(now=died + RECOVER_EVERY) == {
        "requeued": 0, "failed": 0, "figures": 0,
    }  # fmt: skip  # within the lease: maybe still alive
    done = worker.recover_once(now=died + LEASE + RECOVER_EVERY)
    # Queued again and sent to the worker (the test settings' backend runs it at once).
    assert done == {"requeued": 1, "failed": 0, "figures": 0}
    run.refresh_from_db()
    assert (run.status, run.attempts, run.rows_created) == ("done", 2, 6)
    assert Dossier.objects.count() == 6


@pytest.mark.django_db
def test_while_running_only_runs_whose_task_may_be_lost_are_sent_again(
    reform_office, catalogue, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks, "run_import", SimpleNamespace(enqueue=sent.append))
    waiting = upload(reform_office)  # queued just now: its task is in the queue
    forgotten = upload(reform_office)  # queued long ago and never started: its task was lost
    ImportRun.objects.filter(pk=forgotten.pk).update(
        created_at=timezone.now() - LEASE - timedelta(minutes=1)
    )
    worker.recover_once()
    assert sent == [forgotten.pk]
    # At the worker's start no task can be running: every queued run is sent.
    sent.clear()
    call_command("worker", recover_only=True, stdout=None)
    assert sent == [waiting.pk, forgotten.pk]


@pytest.mark.django_db
def test_a_pass_leaves_alone_a_run_another_worker_took_up_since_it_read_it(
    reform_office, catalogue, monkeypatch
):
    # Every worker makes the pass: another one queued this dead run again, and a worker
    # claimed it, between this pass reading the run and writing it.
    run = upload(reform_office)
    died = timezone.now() - LEASE - timedelta(minutes=1)
    ImportRun.objects.filter(pk=run.pk).update(status="running", heartbeat_at=died, attempts=1)
    sent = []
    monkeypatch.setattr(tasks, "run_import", SimpleNamespace(enqueue=sent.append))

    def claimed_meanwhile(sender, instance, **kwargs):
        post_init.disconnect(claimed_meanwhile, sender=ImportRun)
        ImportRun.objects.filter(pk=instance.pk).update(
            status="running", heartbeat_at=timezone.now(), attempts=2
        )

    post_init.connect(claimed_meanwhile, sender=ImportRun)
    assert worker.recover_once() == {"requeued": 0, "failed": 0, "figures": 0}
    run.refresh_from_db()
    assert (run.status, run.attempts, sent) == ("running", 2, [])  # not queued a second time


@pytest.mark.django_db
def test_a_repair_pass_that_fails_is_logged_and_left_to_the_next(monkeypatch, caplog):
    def busy(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(worker, "imports_recover", busy)
    with caplog.at_level(logging.ERROR):
        assert worker.recover_once() is None
    assert "sẽ thử lại sau" in caplog.text


class Clock(threading.Event):
    """The thread's `stop.wait(every)`, answered at once: `ticks` periods pass, then stop."""

    def __init__(self, ticks: int):
        super().__init__()
        self.ticks, self.waits = ticks, []

    def wait(self, timeout=None):
        self.waits.append(timeout)
        return len(self.waits) > self.ticks


def test_the_repair_thread_makes_one_pass_each_half_lease_until_stopped():
    passes = []
    clock = Clock(ticks=3)
    # In a thread of its own, as in the worker: the connections it closes are its own.
    thread = threading.Thread(
        target=worker.recover_while_running,
        args=(clock,),
        kwargs={"recover": lambda: passes.append(len(clock.waits))},
    )
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert passes == [1, 2, 3]  # one pass after each period, none after the stop
    assert clock.waits == [LEASE.total_seconds() / 2] * 4


@pytest.mark.django_db
def test_the_worker_repairs_beside_django_tasks_worker_and_stops_with_it(monkeypatch):
    seen = []

    def db_worker(name, **options):  # django-tasks' worker, which runs until a signal
        assert name == "db_worker" and options == {"interval": 1}
        seen.append([t.name for t in threading.enumerate() if t.name == "cchc-recover"])
        raise SystemExit(0)  # as on SIGTERM

    monkeypatch.setattr(worker, "call_command", db_worker)
    with pytest.raises(SystemExit):
        call_command("worker", stdout=None)
    assert seen == [["cchc-recover"]]  # the repair thread ran beside it …
    assert not [t for t in threading.enumerate() if t.name == "cchc-recover"]  # … and stopped


@pytest.mark.django_db
def test_the_worker_goes_on_when_the_database_was_busy_too_long(monkeypatch, caplog):
    """SQLite still locked after its timeout (another writer held it longer, e.g. a rebuild
    of the roll-up) made django-tasks' worker raise, which ended the whole process: later
    uploads waited "Đang chờ" until someone restarted it. It is started again instead."""
    calls = []

    def db_worker(name, **options):
        calls.append(name)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        raise SystemExit(0)  # then stopped by a signal

    monkeypatch.setattr(worker, "call_command", db_worker)
    monkeypatch.setattr(worker, "RESTART_AFTER", 0)
    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit):
        call_command("worker", stdout=None)
    assert calls == ["db_worker", "db_worker"]
    assert "tiến trình nền chạy lại sau 0 giây" in caplog.text


@pytest.mark.django_db
def test_a_command_run_that_died_before_it_began_is_failed_not_left_waiting(
    reform_office, catalogue
):
    """`import_data` records its run, then claims it: a process killed in between left the
    run "Đang chờ" for good, which no repair looked at (it is not the worker's to run)."""
    from cchc.operations.services import NEVER_BEGAN

    run = import_create(actor=reform_office, kind="dossiers", file_name="hs.csv",
                        content=dossier_file(), queue=False)  # fmt: skip
    assert (run.status, run.by_worker, run.heartbeat_at) == ("queued", False, None)
    assert worker.recover_once(now=run.created_at + RECOVER_EVERY) is not None
    run.refresh_from_db()
    assert run.status == "queued"  # within the lease: the command may still be starting
    done = worker.recover_once(now=run.created_at + LEASE + RECOVER_EVERY)
    assert done == {"requeued": 0, "failed": 1, "figures": 0}
    run.refresh_from_db()
    assert (run.status, run.stage, run.errors[0]["message"]) == ("failed", "Bị dừng", NEVER_BEGAN)
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_a_run_whose_task_is_still_queued_is_not_sent_a_second_one(
    reform_office, catalogue, monkeypatch
):
    """At each worker start every queued run was sent a task, also those whose task was
    still in django-tasks' queue: one run could gather three task rows, two doing nothing."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    sent = []
    in_queue, lost = upload(reform_office), upload(reform_office)
    DBTaskResult.objects.create(
        task_path=tasks.TASK_PATHS[0], args_kwargs={"args": [in_queue.pk], "kwargs": {}},
        status=TaskResultStatus.READY, run_after=timezone.now(), backend_name="default",
        queue_name="default", exception_class_path="", traceback="",
    )  # fmt: skip
    monkeypatch.setattr(tasks, "run_import", SimpleNamespace(enqueue=sent.append))
    call_command("worker", recover_only=True, stdout=None)
    assert sent == [lost.pk]
