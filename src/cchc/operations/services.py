"""Imports of operational data: record the upload, run it as a background job, and on
success refresh the roll-ups and tell the indicator engine what changed."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.failpoints import failpoint
from cchc.core.locks import serialise
from cchc.core.services import ServiceError
from cchc.core.tabular.columns import ImportRejected, RowError
from cchc.core.tabular.reading import FileError
from cchc.core.tabular.sheet import read_sheet
from cchc.core.users import AnyUser
from cchc.operations.imports import IMPORTERS
from cchc.operations.imports.base import Affected, WriteResult
from cchc.operations.models import STOPPED_STAGE, ImportRun, ImportStatus
from cchc.operations.signals import operational_data_changed
from cchc.organizations.access import may_write, require_write, write_scope
from cchc.organizations.models import Role
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import membership_of, scope_for

Progress = Callable[[int, str], None]
logger = logging.getLogger(__name__)


def importable_kinds(user: AnyUser) -> list[str]:
    """The import kinds whose rows `user` may author (organizations.access), in the upload
    form's order."""
    return [kind for kind, importer in IMPORTERS.items() if may_write(user, importer.data_kind)]


def _file_path(run: ImportRun) -> str:
    suffix = PurePath(run.file_name).suffix.lower()[:8]
    return f"imports/{run.pk}{suffix}"


@transaction.atomic
def import_create(
    *, actor: AnyUser, kind: str, file_name: str, content: bytes, queue: bool = True
) -> ImportRun:
    """Record an upload and queue its processing. The file is kept privately under the
    run's number; nothing is written to operational tables until the job validates it.
    `queue=False` (a command that runs the import itself): the worker never picks it up.
    `actor`: an account, or an API token's principal (an authenticated AnonymousUser)."""
    if kind not in IMPORTERS:
        raise ServiceError(_("Chưa hỗ trợ nạp loại dữ liệu này."))
    require_write(actor, IMPORTERS[kind].data_kind)
    if not content:
        raise ServiceError(_("Tệp rỗng."))
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ServiceError(
            _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": settings.IMPORT_MAX_BYTES // 2**20}
        )
    membership = membership_of(actor)
    assert membership is not None  # `require_write` passed: the actor has a role
    run = ImportRun.objects.create(
        kind=kind,
        file_name=PurePath(file_name).name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
        # An API caller is no account (`api.tokens.TokenUser`): its run names it in its
        # file name and is checked against the caller given to `import_execute`.
        uploaded_by=actor if isinstance(actor, Model) else None,
        agency=None if membership.role == Role.REFORM_OFFICE else membership.agency,
        by_worker=queue,
    )
    # The storage may pick another name when one is taken: keep the name it chose.
    run.stored_name = default_storage.save(_file_path(run), ContentFile(content))
    run.save(update_fields=["stored_name"])
    if queue:
        from cchc.operations.tasks import run_import

        transaction.on_commit(lambda: run_import.enqueue(run.pk))
    return run


STEP_TIMEOUT = 6 * 3600  # seconds; a step older than the longest write is forgotten


def _step_key(run: ImportRun) -> str:
    return f"cchc:import-step:{run.pk}"


def write_step(run: ImportRun) -> str | None:
    """The step the write of a running import has reached ("Ghi hồ sơ", "Cộng số liệu theo
    tháng"), or None outside the write."""
    if run.status != ImportStatus.RUNNING:
        return None
    return caches["progress"].get(_step_key(run))


def _set(run: ImportRun, **fields) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def import_execute(run: ImportRun, *, progress: Progress | None = None, caller=None) -> ImportRun:
    """Read, validate and (only when every row is valid) write the run's file in one
    transaction, then refresh what depends on it. Returns the run with its final status.

    The run is claimed first (queued → running, in one UPDATE): a run already taken by
    another process, or finished, is returned as it is, so that no file is run twice. The
    write and the run's "done" with the figures it leaves to recompute commit together;
    the figures are then refreshed and, should that fail or the process die, stay marked
    "đang tính lại" until the worker recomputes them (ADR 0016)."""
    if not _claim(run):
        run.refresh_from_db()
        return run

    def report(percent: int, stage: str) -> None:
        _set(run, progress=percent, stage=stage, heartbeat_at=timezone.now())
        if progress:
            progress(percent, stage)

    kind = IMPORTERS[run.kind].data_kind
    uploader = caller or run.uploaded_by  # `caller`: who pushed the rows through the API
    if uploader:  # rows are checked against what the uploader may write now
        scope, visible = write_scope(uploader, kind), scope_for(uploader)
    else:
        scope = visible = AgencyScope.everything()

    def step(name: str) -> None:
        # Steps inside the write's transaction: a stage saved on the run there would be seen
        # by the page only once it has committed, so the page reads them from the progress
        # cache (`write_step`), the command from its bar.
        caches["progress"].set(_step_key(run), name, timeout=STEP_TIMEOUT)
        if progress:
            progress(70, name)

    importer = IMPORTERS[run.kind](scope=scope, visible=visible, stage=step)
    try:
        report(5, "Đọc tệp")
        with default_storage.open(run.stored_name, "rb") as handle:
            table = read_sheet(handle.read(), run.file_name,
                               header_names=importer.header_titles())  # fmt: skip
        _set(run, rows_total=table.height)
        report(15, "Kiểm tra dữ liệu")
        rows = importer.parse(
            table, progress=lambda p: report(15 + p * 45 // 100, "Kiểm tra dữ liệu")
        )
        report(60, "Ghi dữ liệu")
        failpoint("import:validated")
        _write(run, importer, rows)
    except FileError as exc:
        return _reject(run, [RowError(0, "", str(exc))])
    except ImportRejected as exc:
        return _reject(run, exc.errors)
    except Exception:
        _set(run, status=ImportStatus.FAILED, finished_at=timezone.now(),
             errors=[RowError(0, "", "Lỗi hệ thống khi xử lý tệp; chưa ghi gì. Hãy báo quản trị viên.").as_dict()])  # fmt: skip
        raise
    finally:
        caches["progress"].delete(_step_key(run))
    if progress:
        progress(85, FIGURES_STAGE)
    failpoint("import:committed")
    figures_refresh(run, retry=True)
    return run


# A run's process is dead when its heartbeat is older than this: longer than the longest
# write (one transaction, during which the heartbeat cannot be seen; 1M dossiers ≈ 40 s).
LEASE = timedelta(minutes=10)
# How often a running worker looks for dead runs (`manage.py worker`): a run whose process
# died is taken up again between LEASE and LEASE + RECOVER_EVERY after its last heartbeat.
RECOVER_EVERY = LEASE / 2
# Longer than a step normally goes without a heartbeat (a write of 1M dossiers ≈ 40 s).
SILENT = timedelta(minutes=2)


def silence(run: ImportRun, *, now=None) -> tuple[datetime, datetime] | None:
    """(heartbeat, latest repair) of a running run whose process has said nothing for over
    SILENT: its page says so, and by when a dead process's run is taken up (queued again or
    stopped) — the lease, then at most one repair pass. None while it is heard from."""
    now = now or timezone.now()
    if run.status != ImportStatus.RUNNING or run.heartbeat_at is None:
        return None
    if now - run.heartbeat_at <= SILENT:
        return None
    return run.heartbeat_at, run.heartbeat_at + LEASE + RECOVER_EVERY


WRITE_ATTEMPTS = 3  # a write that found the database busy (SQLite) is tried again
MAX_ATTEMPTS = 3  # a run whose process died this many times is failed, not re-queued
FIGURES_STAGE = "Tính lại số liệu"
# Imports that write the same tables take the same lock: dossiers and monthly statistics
# both bring the dossier roll-up along.
LOCK_GROUP = {"dossier_stats": "dossiers"}


def _claim(run: ImportRun) -> bool:
    now = timezone.now()
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now,
        attempts=F("attempts") + 1,
    )  # fmt: skip
    run.refresh_from_db()
    return bool(claimed)


def _write(run: ImportRun, importer, rows: list[dict]) -> None:
    """The rows, and the run's "done" with what it changed, in one transaction."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                serialise(f"import:{LOCK_GROUP.get(run.kind, run.kind)}")
                result = importer.write(rows, run=run)
                _set(
                    run, status=ImportStatus.DONE, progress=85, stage=FIGURES_STAGE,
                    rows_created=result.created, rows_updated=result.updated,
                    rows_unchanged=result.unchanged, finished_at=timezone.now(),
                    heartbeat_at=timezone.now(), figures_pending=_pending(result.affected),
                )  # fmt: skip
                failpoint("import:writing")  # written, not yet committed
            return
        except OperationalError as exc:  # SQLite: another writer held the database too long
            if "locked" not in str(exc) or attempt == WRITE_ATTEMPTS:
                raise
            time.sleep(attempt * 2)


def _pending(affected) -> dict | None:
    if not (affected.agency_ids or affected.months or affected.years):
        return None
    return {
        "agency_ids": sorted(affected.agency_ids),
        "months": sorted(m.isoformat() for m in affected.months),
        "years": sorted(affected.years),
    }


def figures_refresh(run: ImportRun, *, retry: bool = False) -> bool:
    """Recompute the figures a committed run changed and clear its mark. On failure the
    mark stays (the pages say "đang tính lại"); with `retry`, the worker is asked to try
    again. Returns whether the figures are up to date."""
    pending = run.figures_pending
    if pending is not None:
        _set(run, heartbeat_at=timezone.now())
        try:
            data_changed(run=run, result=WriteResult(affected=Affected(
                agency_ids=set(pending["agency_ids"]), years=set(pending["years"]),
                months={date.fromisoformat(m) for m in pending["months"]},
            )))  # fmt: skip
            failpoint("import:refreshed")  # figures written, the mark not yet cleared
        except Exception:
            logger.exception("Tính lại số liệu sau lần nạp #%s không thành công", run.pk)
            if retry:
                from cchc.operations.tasks import refresh_figures

                refresh_figures.enqueue(run.pk)
            return False
    _set(run, figures_pending=None, progress=100, stage="Hoàn tất")
    return True


NEVER_BEGAN = "Lệnh nạp bị dừng trước khi bắt đầu xử lý tệp; chưa ghi gì. Hãy nạp lại tệp."


def imports_recover(*, now=None, starting: bool = True) -> dict[str, int]:
    """What a dead process left (`manage.py worker` calls it when it starts, `starting`,
    and every RECOVER_EVERY while it runs): a running run whose heartbeat is older than the
    lease wrote nothing (its write is one transaction) — the worker's are queued again
    (failed after MAX_ATTEMPTS), a command's failed with the reason, as is a command's run
    recorded more than the lease ago and never begun; the figures of
    committed runs still marked pending are recomputed; queued runs whose task was lost are
    queued again. At the start that is every queued run; while the worker runs, those
    queued more than the lease ago, since a run waiting its turn still has its task (the
    claim keeps any run from running twice, so a task sent twice costs a task that does
    nothing, not a second import). Returns what was done, by kind."""
    from cchc.operations.tasks import run_import, tasks_stopped, tasks_waiting

    now = now or timezone.now()
    dead = ImportRun.objects.filter(status=ImportStatus.RUNNING, heartbeat_at__lt=now - LEASE)
    done = {"requeued": 0, "failed": 0, "figures": 0}
    stale = ImportRun.objects.filter(figures_pending__isnull=False, heartbeat_at__lt=now - LEASE)
    # The worker's own record of the tasks those runs' dead processes were running.
    tasks_stopped(
        (pk, beat)
        for pk, beat in [*dead.values_list("pk", "heartbeat_at"),
                         *stale.values_list("pk", "heartbeat_at")]
        if beat is not None
    )  # fmt: skip
    for run in list(dead):
        # Changed only if still dead when written: every worker makes this pass, and another
        # one may have queued the run again, and a worker claimed it, since this one read it.
        still_dead = dead.filter(pk=run.pk)
        if run.by_worker and run.attempts < MAX_ATTEMPTS:
            done["requeued"] += still_dead.update(status=ImportStatus.QUEUED, progress=0,
                stage="Chờ chạy lại (tiến trình xử lý đã bị dừng giữa chừng)")  # fmt: skip
        else:
            reason = (
                "Tiến trình nạp bị dừng giữa chừng; chưa ghi gì. Hãy nạp lại tệp."
                if not run.by_worker
                else f"Tiến trình xử lý bị dừng {run.attempts} lần khi nạp tệp này; chưa ghi gì. "
                "Hãy báo quản trị viên."
            )
            done["failed"] += still_dead.update(status=ImportStatus.FAILED, finished_at=now,
                stage=STOPPED_STAGE, errors=[RowError(0, "", reason).as_dict()])  # fmt: skip
    # A command's run that never began: its process ended between recording the run and
    # claiming it (a moment, normally). Nothing was written; it would wait "Đang chờ" for good.
    never_began = ImportRun.objects.filter(
        status=ImportStatus.QUEUED, by_worker=False, created_at__lt=now - LEASE
    )
    done["failed"] += never_began.update(status=ImportStatus.FAILED, finished_at=now,
        stage=STOPPED_STAGE, errors=[RowError(0, "", NEVER_BEGAN).as_dict()])  # fmt: skip
    for run in stale.order_by("pk"):
        done["figures"] += figures_refresh(run)
    waiting = ImportRun.objects.filter(status=ImportStatus.QUEUED, by_worker=True)
    if not starting:  # the runs queued again above are among them: created before they died
        waiting = waiting.filter(created_at__lt=now - LEASE)
    ready = tasks_waiting([run.pk for run in waiting])
    for run in waiting.order_by("pk"):
        if run.pk not in ready:  # its task is still in the queue: not sent a second time
            run_import.enqueue(run.pk)
    return done


def data_changed(*, run: ImportRun | None, result: WriteResult, kind: str = "") -> None:
    """Notify the indicator engine of what changed (the dossier importer has already brought
    the monthly roll-up along, in its own transaction). `run` None: data of `kind` entered on
    a page, not imported (an inspection)."""
    affected = result.affected
    if run is not None:
        kind = kind or run.kind
    if affected.agency_ids or affected.months or affected.years:
        operational_data_changed.send(
            sender=ImportRun, run=run, kind=kind, agency_ids=affected.agency_ids,
            months=affected.months, years=affected.years,
        )  # fmt: skip


def _reject(run: ImportRun, errors: list[RowError]) -> ImportRun:
    from cchc.core.tabular.columns import MAX_REPORTED_ERRORS

    _set(
        run,
        status=ImportStatus.REJECTED,
        progress=100,
        finished_at=timezone.now(),
        stage="Bị từ chối",
        errors=[e.as_dict() for e in errors[:MAX_REPORTED_ERRORS]],
        rows_created=0,
        rows_updated=0,
    )
    if len(errors) > MAX_REPORTED_ERRORS:
        run.errors.append(
            {
                "row": 0,
                "column": "",
                "message": f"… và {len(errors) - MAX_REPORTED_ERRORS} lỗi khác",
            }
        )
        _set(run, errors=run.errors)
    return run
