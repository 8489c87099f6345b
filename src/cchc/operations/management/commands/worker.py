"""The background worker: first repair what a stopped process left (imports stuck "đang xử
lý", figures left to recompute, queued runs whose task was lost; ADR 0016), then run
django-tasks' database worker with the options given — and, beside it, repair again every
RECOVER_EVERY, so that a run whose process died while this worker kept running (another
worker, a command) is taken up without restarting the worker."""

import logging
import os
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from cchc.operations.services import RECOVER_EVERY, imports_recover

logger = logging.getLogger(__name__)
# Seconds before django-tasks' worker is started again after the database failed it.
RESTART_AFTER = 5


def summary(done: dict[str, int]) -> str:
    return (
        f"Khôi phục: {done['requeued']} lần nạp chạy lại, {done['failed']} lần nạp dừng hẳn, "
        f"{done['figures']} lần nạp được tính lại số liệu."
    )


def recover_once(now=None) -> dict[str, int] | None:
    """One repair while the worker runs. A failure (SQLite still busy after its timeout
    while an import writes, a lost connection) is logged and left to the next pass: the
    worker itself keeps running."""
    try:
        done = imports_recover(now=now, starting=False)
    except Exception:
        logger.exception("Khôi phục các lần nạp bị dừng không thành công; sẽ thử lại sau.")
        return None
    if any(done.values()):
        logger.warning(summary(done))
    return done


def recover_while_running(
    stop: threading.Event, *, every: float = RECOVER_EVERY.total_seconds(), recover=recover_once
) -> None:
    """The repair thread: a pass every `every` seconds until `stop` is set. Its database
    connections are its own (Django's are per thread) and are closed after each pass, so
    none stays open, or goes stale, in the minutes between."""
    while not stop.wait(every):
        try:
            recover()
        finally:
            connections.close_all()


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý nền (nạp dữ liệu, tính lại số liệu) sau khi khôi phục các lần nạp bị dừng."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1, help="Giây giữa hai lần kiểm tra hàng đợi"
        )
        parser.add_argument("--recover-only", action="store_true", help="Chỉ khôi phục rồi dừng")

    def handle(self, *args, interval, recover_only, **options):
        self.stdout.write(summary(imports_recover()))
        if recover_only:
            return
        stop = threading.Event()
        repair = threading.Thread(
            target=recover_while_running, args=(stop,), name="cchc-recover", daemon=True
        )
        # With DEBUG, db_worker reloads on code changes: this process only watches the code
        # and runs `manage.py worker` again as a child, which does the work and the repairs.
        if not settings.DEBUG or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            repair.start()
        try:
            self.run_worker(interval)
        finally:  # db_worker ends on SIGTERM/SIGINT (SystemExit) or with an error
            stop.set()
            if repair.is_alive():
                repair.join()

    def run_worker(self, interval: float) -> None:
        """django-tasks' worker until it ends by itself (a signal), started again when the
        database fails it: SQLite still locked after its timeout by a writer that holds it
        longer (a rebuild of the roll-up, a very large import), a lost connection. Ending
        the process instead left every later upload waiting ("Đang chờ") and the repairs
        undone until someone restarted it."""
        while True:
            try:
                call_command("db_worker", interval=interval)
                return
            except (OperationalError, InterfaceError):
                logger.exception(
                    "Cơ sở dữ liệu đang bận hoặc mất kết nối; tiến trình nền chạy lại sau %s giây.",
                    RESTART_AFTER,
                )
                connections.close_all()
                time.sleep(RESTART_AFTER)
