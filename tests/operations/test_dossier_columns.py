"""The dossier import by column gives, for the same rows, what the per-row path gave: the
same errors (row, column, words) or the same values to write, due dates and on-time
included (issue 20). The reference path is `tests/tabular_reference.py`."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.core.tabular.columns import ImportRejected
from cchc.core.tabular.reading import Table
from cchc.operations.imports.dossiers import DossierImporter
from cchc.operations.models import Dossier, ImportRun, Procedure, ProcedureSnapshot
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from tests.tabular_reference import dossiers_by_row

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = [c.title for c in DossierImporter.columns]


@pytest.fixture
def procedures(db):
    for code, days in (("1.001", 10), ("1.002", 3), ("1.003", None)):
        procedure = Procedure.objects.create(code=code, name=f"Thủ tục {code}")
        if days is not None:
            ProcedureSnapshot.objects.create(procedure=procedure, year=2022, processing_days=days,
                                             authority_tier="province")  # fmt: skip
    # A dossier another agency owns: a district's file may not take it over.
    run = ImportRun.objects.create(kind="dossiers", file_name="x.csv")
    Dossier.objects.create(
        code="K-9", procedure=Procedure.objects.get(code="1.001"),
        agency=Agency.objects.get(code="12-STP"), channel=1, status="processing",
        received_at=datetime(2022, 1, 3, 8, tzinfo=VN), import_run=run,
    )  # fmt: skip


def new_path(importer, table):
    try:
        frame = importer.parse(table)
    except ImportRejected as exc:
        return None, [(e.row, e.column, e.message) for e in exc.errors]
    return frame.to_dicts(), []


def old_path(importer, table):
    rows, errors = dossiers_by_row(importer, table)
    if errors:
        return None, errors
    plain = []
    for row in rows:
        plain.append({
            "code": row["code"], "procedure_id": row["procedure"].pk, "agency_id": row["agency"].pk,
            "channel": int(row["channel"]), "received_at": row["received_at"],
            "due_at": row["due_at"], "finished_at": row["finished_at"],
            "status": str(row["status"]), "supplement_count": row["supplement_count"],
            "supplement_days": row["supplement_days"],
            "finished_on_time": row["finished_on_time"], "fee": int(row["fee"]),
            "paid_online": row["paid_online"], "result_digitized": row["result_digitized"],
        })  # fmt: skip
    return plain, []


moment = st.builds(
    lambda d, m, hh, mm: f"{d:02d}/{m:02d}/2022 {hh:02d}:{mm:02d}",
    st.integers(1, 31), st.sampled_from([1, 2, 4, 5, 9, 12]), st.integers(6, 18),
    st.sampled_from([0, 30, 59]),
)  # fmt: skip
row = st.fixed_dictionaries({
    "code": st.sampled_from(["A-1", "A-2", "A-3", "a-1", "K-9", "", "B-" + "9" * 70]),
    "procedure": st.sampled_from(["1.001", "1.002", "1.003", "9.999", ""]),
    "agency": st.sampled_from(["12-STP", "12-stp", "106", "106-02", "12-SNV", "nope", "Sở Tư pháp"]),
    "channel": st.sampled_from(["1", "2", "3", "Trực tuyến", "4", ""]),
    "received_at": moment | st.sampled_from(["", "31/02/2022", "20220105083000"]),
    "due_at": st.just("") | moment,
    "finished_at": st.just("") | moment,
    "status": st.sampled_from(["done", "Đã giải quyết", "processing", "từ chối", "rút hồ sơ", "?"]),
    "supplement_count": st.sampled_from(["", "0", "1", "2", "1,5"]),
    "supplement_days": st.sampled_from(["", "0", "2", "7"]),
    "fee": st.sampled_from(["", "0", "50.000", "1.500.000 đ", "-1"]),
    "paid_online": st.sampled_from(["", "1", "0", "có", "?"]),
    "result_digitized": st.sampled_from(["", "1", "x"]),
})  # fmt: skip


def clean(n, procedure, agency, channel, received, due, finished, status, count, days, fee):
    """A row that passes every check (its code unique by `n`), so that the values to write
    are compared: due dates, the 15:00 rule, supplements, on-time."""
    start = datetime(2022, 1, 1, 7, tzinfo=VN) + received
    end = start + finished if status in ("done", "từ chối") else None
    return {
        "code": f"C-{n}", "procedure": procedure, "agency": agency, "channel": channel,
        "received_at": f"{start:%d/%m/%Y %H:%M}",
        "due_at": f"{start + due:%d/%m/%Y %H:%M}" if due is not None else "",
        "finished_at": f"{end:%d/%m/%Y %H:%M}" if end else "",
        "status": status, "supplement_count": count, "supplement_days": days, "fee": fee,
        "paid_online": "1", "result_digitized": "",
    }  # fmt: skip


hours = st.integers(0, 24 * 60).map(lambda h: timedelta(hours=h))
clean_rows = st.lists(
    st.tuples(
        st.sampled_from(["1.001", "1.002", "1.003"]), st.sampled_from(["12-STP", "106", "106-02"]),
        st.sampled_from(["1", "2", "3"]),
        # Received at any minute of 2022, around 15:00 often.
        (st.integers(0, 364).map(lambda d: timedelta(days=d))
         .flatmap(lambda d: st.sampled_from([d + timedelta(hours=h, minutes=m)
                                             for h in (1, 7, 8) for m in (0, 59, 60, 61)]))),
        st.none() | hours, hours, st.sampled_from(["done", "từ chối", "processing"]),
        st.sampled_from(["", "0", "1", "2"]), st.sampled_from(["", "0", "1", "5"]),
        st.sampled_from(["", "0", "50.000"]),
    ),
    min_size=1, max_size=10,
)  # fmt: skip


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(clean_rows)
def test_clean_files_give_the_same_values_to_write(procedures, drawn):
    rows = [clean(n, *values) for n, values in enumerate(drawn)]
    written, errors = run_both(AgencyScope.everything(), rows)
    assert errors == [] and len(written) == len(rows)


def run_both(scope, rows):
    table = Table(header=HEADER, rows=[[r[c.key] for c in DossierImporter.columns] for r in rows])
    importer = DossierImporter(scope=scope, visible=scope)
    new_rows, new_errors = new_path(importer, table)
    old_rows, old_errors = old_path(DossierImporter(scope=scope, visible=scope), table)
    assert new_errors == old_errors
    assert new_rows == old_rows
    return new_rows, new_errors


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(row, min_size=1, max_size=8))
def test_by_column_as_by_row_for_the_province(procedures, rows):
    run_both(AgencyScope.everything(), rows)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(row, min_size=1, max_size=8))
def test_by_column_as_by_row_for_a_district(procedures, district_officer, rows):
    from cchc.organizations.access import DataKind, write_scope
    from cchc.organizations.selectors import scope_for

    scope = write_scope(district_officer, DataKind.OPERATIONAL)
    table = Table(header=HEADER, rows=[[r[c.key] for c in DossierImporter.columns] for r in rows])
    new = new_path(DossierImporter(scope=scope, visible=scope_for(district_officer)), table)
    old = old_path(DossierImporter(scope=scope, visible=scope_for(district_officer)), table)
    assert new == old


def test_a_clean_file_gives_due_dates_and_on_time_as_before(procedures):
    rows = [
        # Paper, received Friday 28/1/2022 16:00 (after 15:00, then Tết): 1.002's 3 days.
        {"code": "A-1", "procedure": "1.002", "agency": "12-STP", "channel": "1",
         "received_at": "28/01/2022 16:00", "due_at": "", "finished_at": "10/02/2022 09:00",
         "status": "done", "supplement_count": "", "supplement_days": "", "fee": "",
         "paid_online": "", "result_digitized": ""},
        # Online, same moment: counts from the 28th itself.
        {"code": "A-2", "procedure": "1.002", "agency": "12-STP", "channel": "2",
         "received_at": "28/01/2022 16:00", "due_at": "", "finished_at": "10/02/2022 09:00",
         "status": "done", "supplement_count": "1", "supplement_days": "1", "fee": "50.000",
         "paid_online": "1", "result_digitized": "1"},
    ]  # fmt: skip
    written, errors = run_both(AgencyScope.everything(), rows)
    assert errors == []
    # By hand: paper → received Mon 7/2 (28/1 after 15:00; 31/1–4/2 Tết; 5–6/2 weekend),
    # + 3 working days = Thu 10/2; online → from Fri 28/1: 7, 8, 9/2 → Wed 9/2.
    assert written[0]["due_at"] == datetime(2022, 2, 10, 17, tzinfo=VN)
    assert written[0]["finished_on_time"] is True
    assert written[1]["due_at"] == datetime(2022, 2, 9, 17, tzinfo=VN)
    # Finished 10/2, due 9/2 moved by one working day waited → 10/2: on time.
    assert written[1]["finished_on_time"] is True
