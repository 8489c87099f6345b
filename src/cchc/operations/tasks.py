"""The worker's tasks, and the repair of django-tasks' own rows when a worker died."""

from collections.abc import Iterable
from datetime import datetime

from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from cchc.operations.models import ImportRun


@task()
def run_import(run_id: int) -> str:
    from cchc.operations.services import import_execute

    run = import_execute(ImportRun.objects.select_related("uploaded_by").get(pk=run_id))
    return run.status


@task()
def refresh_figures(run_id: int) -> bool:
    """Try again to recompute the figures of a committed import (ADR 0016); on a second
    failure the run stays marked and the worker's next start recomputes it."""
    from cchc.operations.services import figures_refresh

    return figures_refresh(ImportRun.objects.get(pk=run_id))


# Of the tasks above, as django-tasks records them (`DBTaskResult.task_path`).
TASK_PATHS = (run_import.module_path, refresh_figures.module_path)


class ProcessStopped(Exception):
    """The process running a task ended (killed, out of memory, machine restarted) before
    the task did: django-tasks' database worker never records such an end."""


def tasks_stopped(runs: Iterable[tuple[int, datetime]]) -> int:
    """Mark FAILED the task rows left "RUNNING" by a process that died while running the
    task of an import run: `runs` are (run id, last heartbeat) of runs found dead. Only rows
    that began by that heartbeat: the task of a later attempt (queued again, claimed by
    another worker) began after it, and is left alone. Without this, a killed worker's rows
    stayed RUNNING for ever (and `prune_db_task_results` prunes finished rows only), while
    the run itself was repaired. Returns the number of rows marked."""
    marked = 0
    error = ProcessStopped("Tiến trình xử lý bị dừng khi đang chạy việc này.")
    for run_id, heartbeat in runs:
        rows = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING,
            task_path__in=TASK_PATHS,
            args_kwargs__args__0=run_id,
            started_at__lte=heartbeat,
        )
        for row in rows:
            row.set_failed(error)
            marked += 1
    return marked


def tasks_waiting(run_ids: Iterable[int]) -> set[int]:
    """Of `run_ids`, the runs whose import task is still in django-tasks' queue (READY): the
    repair pass sends a task only to a queued run that has none, instead of a second one to
    every queued run at each worker start (harmless, the claim runs a run once, but each
    left a task row that did nothing)."""
    ids = list(run_ids)
    if not ids:
        return set()
    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=TASK_PATHS[0]
    ).values_list("args_kwargs", flat=True)
    return {args["args"][0] for args in rows if args.get("args") and args["args"][0] in ids}
