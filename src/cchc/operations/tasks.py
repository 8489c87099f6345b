from django_tasks import task

from cchc.operations.models import ImportRun


@task()
def run_import(run_id: int) -> str:
    from cchc.operations.services import import_execute

    run = import_execute(ImportRun.objects.select_related("uploaded_by").get(pk=run_id))
    return run.status
