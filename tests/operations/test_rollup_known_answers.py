"""The monthly roll-up of dossiers, computed in the database, on a small hand-built set."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cchc.operations.models import Dossier, DossierMonthly, ImportRun, Procedure
from cchc.operations.rollups import rollup_months
from cchc.organizations.models import Agency

pytestmark = pytest.mark.django_db
YEAR_2022 = [date(2022, month, 1) for month in range(1, 13)]
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day, month, hour=9):
    return datetime(2022, month, day, hour, tzinfo=VN)


@pytest.fixture
def setting():
    run = ImportRun.objects.create(kind="dossiers", file_name="t.csv")
    procedure = Procedure.objects.create(code="P1", name="Thủ tục")
    agency = Agency.objects.get(code="12-STP")
    rows = [
        # code, channel, received, due, finished, status, fee, paid, digitised, on time
        ("A", 2, at(5, 1), at(20, 1), at(18, 1), "done", 50000, True, True, True),
        ("B", 1, at(31, 1, 23), at(10, 2), at(15, 2), "done", 0, False, False, False),
        ("C", 1, at(10, 1), at(25, 1), None, "processing", 0, False, False, None),
        ("D", 2, at(12, 1), at(28, 2), None, "processing", 0, False, False, None),
        ("E", 1, at(15, 1), at(20, 1), at(16, 1), "withdrawn", 0, False, False, None),
        ("F", 3, at(1, 2), at(5, 2), at(3, 2), "rejected", 20000, False, False, True),
    ]
    for code, channel, received, due, finished, status, fee, paid, digitised, on_time in rows:
        Dossier.objects.create(
            code=code, procedure=procedure, agency=agency, channel=channel, received_at=received,
            due_at=due, finished_at=finished, status=status, fee=fee, paid_online=paid,
            result_digitized=digitised, finished_on_time=on_time, import_run=run,
        )  # fmt: skip
    return run, procedure, agency


def counts(agency, month):
    row = DossierMonthly.objects.get(agency=agency, month=month)
    return {
        f: getattr(row, f)
        for f in ("received", "received_online", "with_fee", "paid_online", "finished",
                  "finished_on_time", "finished_late", "results_digitized", "open_on_time",
                  "open_overdue")
    }  # fmt: skip


def test_known_answers(setting):
    run, _procedure, agency = setting
    rollup_months(agency_ids={agency.pk}, months={date(2022, 1, 1), date(2022, 2, 1)}, run=run)
    # B is received on 31/01 at 23:00 local time: January, not February (UTC would say 16:00).
    assert counts(agency, date(2022, 1, 1)) == {
        "received": 5, "received_online": 2, "with_fee": 1, "paid_online": 1,
        "finished": 1, "finished_on_time": 1, "finished_late": 0, "results_digitized": 1,
        # open at 31/01 24:00: B (due 10/02) and D (due 28/02) on time; C (due 25/01) overdue;
        # E was withdrawn and does not count.
        "open_on_time": 2, "open_overdue": 1,
    }  # fmt: skip
    assert counts(agency, date(2022, 2, 1)) == {
        "received": 1, "received_online": 0, "with_fee": 1, "paid_online": 0,
        "finished": 2, "finished_on_time": 1, "finished_late": 1, "results_digitized": 0,
        "open_on_time": 0, "open_overdue": 2,  # C and D (due 28/02 09:00) are past due at 28/02 24:00
    }  # fmt: skip


def test_rerun_is_idempotent_and_imported_statistics_are_kept(setting):
    run, procedure, agency = setting
    other = Procedure.objects.create(code="P2", name="Thủ tục nạp sẵn")
    DossierMonthly.objects.create(
        agency=agency, procedure=other, month=date(2022, 1, 1), source="imported",
        received=99, import_run=run,
    )  # fmt: skip
    rollup_months(agency_ids={agency.pk}, months=YEAR_2022, run=run)
    first = sorted(
        DossierMonthly.objects.values_list("procedure_id", "month", "received", "open_overdue")
    )
    rollup_months(agency_ids={agency.pk}, months=YEAR_2022, run=run)
    second = sorted(
        DossierMonthly.objects.values_list("procedure_id", "month", "received", "open_overdue")
    )
    assert first == second
    assert DossierMonthly.objects.get(procedure=other).received == 99
    assert DossierMonthly.objects.filter(procedure=procedure).count() == 12  # open C, D every month


def test_only_the_named_months_are_recomputed(setting):
    run, _procedure, agency = setting
    rollup_months(agency_ids={agency.pk}, months=YEAR_2022, run=run)
    whole = sorted(DossierMonthly.objects.values_list("month", "received", "open_overdue"))
    DossierMonthly.objects.update(received=0, open_overdue=0)
    rollup_months(agency_ids={agency.pk}, months={date(2022, 2, 1)}, run=run)
    again = dict(
        (m, (r, o))
        for m, r, o in DossierMonthly.objects.values_list("month", "received", "open_overdue")
    )
    assert again[date(2022, 2, 1)] == next((r, o) for m, r, o in whole if m == date(2022, 2, 1))
    assert again[date(2022, 1, 1)] == (0, 0)  # not named: left alone


def test_a_rerun_writes_only_what_changed(setting):
    """Rows no longer produced go, changed rows take the new counts and run, and an unchanged
    row is not rewritten (it keeps the run that last changed it)."""
    run, procedure, agency = setting
    rollup_months(agency_ids={agency.pk}, months=YEAR_2022, run=run)
    later = ImportRun.objects.create(kind="dossiers", file_name="t2.csv")
    Dossier.objects.filter(code="A").update(received_at=at(5, 3), finished_at=at(18, 3))
    stale = DossierMonthly.objects.create(
        agency=agency, procedure=Procedure.objects.create(code="P3", name="Đã hết"),
        month=date(2022, 4, 1), source="dossiers", received=5, import_run=run,
    )  # fmt: skip
    rollup_months(agency_ids={agency.pk}, months=YEAR_2022, run=later)
    assert not DossierMonthly.objects.filter(pk=stale.pk).exists()
    runs = dict(
        DossierMonthly.objects.filter(procedure=procedure).values_list("month", "import_run")
    )
    assert runs[date(2022, 1, 1)] == later.pk and runs[date(2022, 3, 1)] == later.pk  # A moved
    assert runs[date(2022, 6, 1)] == run.pk  # only C and D open, as before: untouched
    assert counts(agency, date(2022, 3, 1))["received"] == 1
    assert counts(agency, date(2022, 1, 1))["received"] == 4


@pytest.mark.parametrize(
    ("moment", "month"),
    [
        (datetime(2022, 2, 1, 0, 30, tzinfo=VN), date(2022, 2, 1)),  # 31/01 17:30 in UTC
        (datetime(2022, 1, 31, 23, 59, 59, 999999, tzinfo=VN), date(2022, 1, 1)),
        (datetime(2023, 1, 1, 6, 59, tzinfo=VN), date(2023, 1, 1)),  # still 2022 in UTC
        (datetime(2022, 12, 31, 16, 59, tzinfo=ZoneInfo("UTC")), date(2022, 12, 1)),
        (datetime(2022, 12, 31, 17, 0, tzinfo=ZoneInfo("UTC")), date(2023, 1, 1)),
    ],
)
def test_month_of_an_instant_is_taken_in_vietnam_time(setting, moment, month):
    from cchc.operations.rollups import _month

    run, procedure, agency = setting
    Dossier.objects.create(code="EDGE", procedure=procedure, agency=agency, channel=1,
                           received_at=moment, status="received", import_run=run)  # fmt: skip
    found = Dossier.objects.filter(code="EDGE").annotate(m=_month("received_at")).get().m
    assert found == month
