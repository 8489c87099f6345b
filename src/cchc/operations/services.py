"""Imports of operational data: record the upload, run it as a background job, and on
success refresh the roll-ups and tell the indicator engine what changed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.services import ServiceError
from cchc.operations.imports import IMPORTERS
from cchc.operations.imports.base import ImportRejected, RowError, WriteResult
from cchc.operations.imports.reading import FileError, read_table
from cchc.operations.models import ImportRun, ImportStatus
from cchc.operations.signals import operational_data_changed
from cchc.organizations.access import may_write, require_write, write_scope
from cchc.organizations.models import Role
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import membership_of, scope_for

Progress = Callable[[int, str], None]


def importable_kinds(actor: AbstractBaseUser) -> list[str]:
    """The import kinds whose rows `actor` may author (organizations.access), in the upload
    form's order."""
    return [kind for kind, importer in IMPORTERS.items() if may_write(actor, importer.data_kind)]


def _file_path(run: ImportRun) -> str:
    suffix = PurePath(run.file_name).suffix.lower()[:8]
    return f"imports/{run.pk}{suffix}"


@transaction.atomic
def import_create(
    *, actor: AbstractBaseUser, kind: str, file_name: str, content: bytes
) -> ImportRun:
    """Record an upload and queue its processing. The file is kept privately under the
    run's number; nothing is written to operational tables until the job validates it."""
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
    run = ImportRun.objects.create(
        kind=kind,
        file_name=PurePath(file_name).name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
        uploaded_by=actor,
        agency=None if membership.role == Role.REFORM_OFFICE else membership.agency,
    )
    # The storage may pick another name when one is taken: keep the name it chose.
    run.stored_name = default_storage.save(_file_path(run), ContentFile(content))
    run.save(update_fields=["stored_name"])
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


def import_execute(run: ImportRun, *, progress: Progress | None = None) -> ImportRun:
    """Read, validate and (only when every row is valid) write the run's file in one
    transaction, then refresh what depends on it. Returns the run with its final status."""

    def report(percent: int, stage: str) -> None:
        _set(run, progress=percent, stage=stage)
        if progress:
            progress(percent, stage)

    kind = IMPORTERS[run.kind].data_kind
    if run.uploaded_by:  # rows are checked against what the uploader may write now
        scope, visible = write_scope(run.uploaded_by, kind), scope_for(run.uploaded_by)
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
    _set(run, status=ImportStatus.RUNNING, started_at=timezone.now())
    try:
        report(5, "Đọc tệp")
        with default_storage.open(run.stored_name, "rb") as handle:
            table = read_table(handle.read(), run.file_name,
                               header_names=importer.header_titles())  # fmt: skip
        _set(run, rows_total=len(table.rows))
        report(15, "Kiểm tra dữ liệu")
        rows = importer.parse(
            table, progress=lambda p: report(15 + p * 45 // 100, "Kiểm tra dữ liệu")
        )
        report(60, "Ghi dữ liệu")
        result = importer.write(rows, run=run)
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
    report(85, "Tính lại số liệu")
    data_changed(run=run, result=result)
    _set(
        run,
        status=ImportStatus.DONE,
        progress=100,
        stage="Hoàn tất",
        rows_created=result.created,
        rows_updated=result.updated,
        rows_unchanged=result.unchanged,
        finished_at=timezone.now(),
    )
    return run


def data_changed(*, run: ImportRun, result: WriteResult) -> None:
    """Notify the indicator engine of what changed (the dossier importer has already brought
    the monthly roll-up along, in its own transaction)."""
    affected = result.affected
    if affected.agency_ids or affected.months or affected.years:
        operational_data_changed.send(
            sender=ImportRun, run=run, agency_ids=affected.agency_ids, months=affected.months,
            years=affected.years,
        )  # fmt: skip


def _reject(run: ImportRun, errors: list[RowError]) -> ImportRun:
    from cchc.operations.imports.base import MAX_REPORTED_ERRORS

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
