from django_tasks import task


@task()
def build_dossier_zip(year: int, url: str) -> bool:
    """Build a year's dossier zip in the background worker (a million dossiers take tens of
    seconds, longer than a request may last); the download page serves it once built."""
    from cchc.portal.opendata.dossiers import year_zip

    return year_zip(year, url=url) is not None
