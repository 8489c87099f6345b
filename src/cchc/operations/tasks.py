from django_tasks import task

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
