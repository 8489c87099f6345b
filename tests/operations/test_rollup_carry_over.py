"""Migration operations 0007 carries roll-ups written before its counters over: what it can
know exactly from a stored row it sets, the rest keeps its earlier meaning until a rebuild."""

import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from cchc.operations.models import Dossier, DossierMonthly, ImportRun, Procedure
from cchc.organizations.models import Agency

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "cchc.operations.migrations.0007_roll_up_counts_results_and_unknown_deadlines"
)


def test_stored_rows_get_unknown_deadlines_and_results_and_two_supplements_are_late():
    run = ImportRun.objects.create(kind="dossiers", file_name="t.csv")
    procedure = Procedure.objects.create(code="P1", name="Thủ tục")
    agency = Agency.objects.get(code="12-STP")
    # As an earlier version stored it: 7 finished, 3 on time, 2 late, so 2 without a verdict.
    row = DossierMonthly.objects.create(
        agency=agency, procedure=procedure, month=date(2022, 1, 1), source="dossiers",
        import_run=run, finished=7, finished_on_time=3, finished_late=2, results_digitized=4,
    )  # fmt: skip
    at = datetime(2022, 1, 5, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    for code, supplements, status in [("X", 2, "done"), ("Y", 0, "done"), ("Z", 3, "processing")]:
        Dossier.objects.create(
            code=code, procedure=procedure, agency=agency, channel=1, received_at=at,
            finished_at=at if status == "done" else None, status=status,
            supplement_count=supplements, import_run=run,
        )  # fmt: skip
    migration.carry_over(apps, None)
    row.refresh_from_db()
    assert (row.finished_unknown_deadline, row.results_granted) == (2, 7)
    verdicts = dict(Dossier.objects.values_list("code", "finished_on_time"))
    assert verdicts == {"X": False, "Y": None, "Z": None}
