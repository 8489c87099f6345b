"""The set-based writer of a dossier frame (`write_dossier_frame`) against today's writer
(`DossierImporter.write`) on the same rows, from the same database state: the same stored
bytes in every column of every dossier (read back with SQL, not through the ORM), the same
keys for new rows, the same counts, roll-up rows and affected agencies and months, and the
same steps told to the caller. Each writer runs in a savepoint that is then rolled back, so
both start from exactly the same rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.operations.imports import dossier_write
from cchc.operations.imports.dossier_write import write_dossier_frame
from cchc.operations.models import Dossier, DossierMonthly, ImportRun, Procedure
from cchc.operations.rollups import rollup_rebuild
from cchc.organizations.models import Agency
from tests.tabular_reference import frame_of_rows, write_by_row

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCIES = ["12-STP", "12-SKHDT", "12-SYT"]
LARGEST_FEE = 10**14 - 1  # DecimalField(14, 0)


def probe_missing_stored_codes(codes: pl.Series) -> pl.Series:
    """The probe at its worst: it sees only a new code whenever the file has one, so that a
    file mixing stored and new codes is first inserted as new, meets a stored code in the
    unique index, and is written again the exact way."""
    new = codes.filter(~codes.is_in(list(Dossier.objects.values_list("code", flat=True))))
    return new[:1] if len(new) else codes[:1]


@pytest.fixture(params=["probe", "probe missing the stored codes"])
def world(catalogue, request, monkeypatch):
    """Every test twice: with the writer's probe of the file's codes, and with one that
    misses every stored code it can (`probe_missing_stored_codes`)."""
    if request.param != "probe":
        monkeypatch.setattr(dossier_write, "_probe", probe_missing_stored_codes)
    other = Procedure.objects.create(code="1.002", name="Đăng ký khai sinh")
    agencies = list(Agency.objects.filter(code__in=AGENCIES).order_by("code"))
    return {"procedures": [catalogue, other], "agencies": agencies}


def dossier(code, world, *, procedure=0, agency=0, channel=1, received=None, due=None,
            finished=None, status="processing", supplement_count=0, supplement_days=0,
            on_time=None, fee=0, paid=False, digitized=False) -> dict:  # fmt: skip
    """A row as `DossierImporter.resolve` leaves it."""
    return {
        "code": code, "procedure": world["procedures"][procedure],
        "agency": world["agencies"][agency], "channel": channel,
        "received_at": received or datetime(2022, 3, 1, 8, 30, tzinfo=VN), "due_at": due,
        "finished_at": finished, "status": status, "supplement_count": supplement_count,
        "supplement_days": supplement_days, "finished_on_time": on_time, "fee": Decimal(fee),
        "paid_online": paid, "result_digitized": digitized,
    }  # fmt: skip


def new_run() -> ImportRun:
    return ImportRun.objects.create(kind="dossiers", file_name="t.csv")


def stored_text(model) -> tuple[list[str], str]:
    """Each column of `model`'s table as the database stores it: SQLite's `quote()` (type and
    value: 1 is not '1', '…:00' is not '…:00.000000'), PostgreSQL's text form."""
    columns = [f.column for f in model._meta.concrete_fields]
    if connection.vendor == "postgresql":
        return columns, ", ".join(f"{c}::text" for c in columns)
    return columns, ", ".join(f"quote({c})" for c in columns)


def raw_dossiers(before: set[str]) -> list[tuple]:
    """Every dossier's stored columns, by code. A new row's key is given from the first new
    key: both writers give new rows consecutive keys in code order, and PostgreSQL does not
    take back the keys of a rolled-back savepoint."""
    columns, select = stored_text(Dossier)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT code, {select} FROM operations_dossier d ORDER BY d.code")  # noqa: S608
        rows = [(code, dict(zip(columns, row, strict=True))) for code, *row in cursor.fetchall()]
    first = min((int(row["id"]) for code, row in rows if code not in before), default=0)
    for code, row in rows:
        row["_code"] = code  # as stored, for the caller's lookups
        if code not in before:
            row["id"] = f"new+{int(row['id']) - first}"
    return [tuple(row.items()) for _code, row in rows]


def raw_rollup() -> list[tuple]:
    columns, select = stored_text(DossierMonthly)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM operations_dossiermonthly")  # noqa: S608
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    # Roll-up keys are not compared: PostgreSQL does not take back those of a savepoint.
    return sorted(tuple((k, v) for k, v in row.items() if k != "id") for row in rows)


class _Undo(Exception):
    pass


def undone(write) -> dict:
    """What `write()` returns and leaves in the database, then the database as it was."""
    before = set(Dossier.objects.values_list("code", flat=True))
    state: dict = {}
    try:
        with transaction.atomic():
            stages: list[str] = []
            result = write(stages.append)
            state = {
                "counts": (result.created, result.updated, result.unchanged),
                "affected": (
                    sorted(result.affected.agency_ids),
                    sorted(result.affected.months),
                    sorted(result.affected.years),
                ),
                "stages": stages,
                "dossiers": raw_dossiers(before),
                "rollup": raw_rollup(),
            }
            # The roll-up the write brought along is the one recomputed from every dossier.
            rollup_rebuild(run=new_run())
            state["rollup_rebuilt"] = raw_rollup()
            raise _Undo
    except _Undo:
        pass
    return state


def old_write(rows, run):
    return lambda stage: write_by_row(rows, run=run, stage=stage)


def new_write(rows, run):
    return lambda stage: write_dossier_frame(frame_of_rows(rows), run=run, stage=stage)


def compare(rows: list[dict]) -> dict:
    """Both writers on `rows` from the present state; asserts they agree, returns the state."""
    run = new_run()
    old, new = undone(old_write(rows, run)), undone(new_write(rows, run))
    for key in ("counts", "affected", "stages", "dossiers", "rollup"):
        assert new[key] == old[key], key
    assert new["rollup"] == new["rollup_rebuilt"]
    return new


def load(rows: list[dict]) -> None:
    """Rows stored by today's writer (the state the next file meets)."""
    write_by_row(rows, run=new_run())


def varied(world) -> list[dict]:
    """Every shape the frame's columns take: open and finished, on time, late and unknown,
    with and without an appointment date, fee 0 and the largest, microseconds, each channel
    and status, supplements, around a month's end in Vietnam's time."""
    at = datetime(2022, 1, 31, 23, 30, tzinfo=VN)  # 16:30 UTC: January here, January there
    return [
        dossier("A-001", world, received=at, due=at + timedelta(days=5),
                finished=at + timedelta(days=2), status="done", on_time=True, fee=50_000,
                paid=True, digitized=True),
        dossier("A-002", world, agency=1, channel=2, received=at + timedelta(hours=1),
                due=at + timedelta(days=1), finished=at + timedelta(days=9), status="rejected",
                on_time=False, fee=LARGEST_FEE, supplement_count=1, supplement_days=3),
        dossier("A-003", world, procedure=1, channel=3, received=at - timedelta(days=40),
                due=None, finished=at, status="done", on_time=None),
        dossier("A-004", world, received=datetime(2022, 2, 28, 23, 59, 59, 999_999, tzinfo=VN),
                due=datetime(2022, 3, 10, 17, tzinfo=VN), status="supplement",
                supplement_count=2, supplement_days=32_767),
        dossier("A-005", world, agency=2, received=datetime(2022, 3, 1, 0, 0, 0, 5, tzinfo=VN),
                status="withdrawn", fee=1),
        dossier("Mã-đặc-biệt 'x\",y'", world, agency=2, status="received", paid=True),
        dossier(" \\N,\r\n\t ", world, channel=2, status="received"),  # CSV's awkward bytes
        dossier("A-000", world, procedure=1, received=datetime(2021, 12, 31, 17, tzinfo=VN),
                status="paused"),
    ]  # fmt: skip


def test_a_new_file_into_an_empty_database(world):
    state = compare(varied(world))
    assert state["counts"] == (8, 0, 0)
    assert state["stages"] == ["Ghi hồ sơ", "Cộng số liệu theo tháng"]
    assert state["rollup"], "the file makes roll-up rows"


def test_the_same_file_again_changes_nothing(world):
    rows = varied(world)
    load(rows)
    first_run = set(Dossier.objects.values_list("import_run_id", flat=True))
    state = compare(rows)
    assert state["counts"] == (0, 0, 8)
    assert state["stages"] == [] and state["affected"] == ([], [], [])
    # Unchanged rows keep the run that wrote them.
    assert {dict(row)["import_run_id"] for row in state["dossiers"]} == {
        str(pk) for pk in first_run
    }


def test_a_file_changing_some_adding_some_and_leaving_others(world):
    rows = varied(world)
    load(rows)
    again = [dict(row) for row in rows]
    again[0]["fee"] = Decimal(0)  # fee gone
    again[1]["finished_on_time"] = None  # late → deadline unknown
    again[2]["due_at"] = datetime(2022, 2, 5, 17, tzinfo=VN)  # deadline now known
    again[2]["finished_on_time"] = True
    again[3]["received_at"] += timedelta(microseconds=1)  # one microsecond later
    del again[5]  # left out of the file: stays as it is
    again += [dossier("B-001", world, fee=LARGEST_FEE), dossier("0-first", world, agency=1)]
    state = compare(again)
    assert state["counts"] == (2, 4, 3)


def test_a_file_moving_dossiers_between_months_and_agencies(world):
    rows = varied(world)
    load(rows)
    moved = [dict(row) for row in rows]
    moved[0]["agency"] = world["agencies"][2]
    moved[1]["received_at"] = datetime(2022, 4, 2, 9, tzinfo=VN)  # finished before received?
    moved[1]["finished_at"] = datetime(2022, 4, 20, 9, tzinfo=VN)
    moved[4]["received_at"] = datetime(2023, 1, 2, 9, tzinfo=VN)  # the horizon moves on
    moved[7]["procedure"] = world["procedures"][0]
    state = compare(moved)
    assert state["counts"] == (0, 4, 4)
    # …and back: the horizon moves back to where it was.
    load(moved)
    assert compare(rows)["counts"] == (0, 4, 4)


def test_values_are_stored_as_the_orm_stores_them(world):
    """Beside today's writer (itself `insert_rows` and `bulk_update`): the ORM's own save."""
    rows = varied(world)
    run = new_run()
    write_dossier_frame(frame_of_rows(rows), run=run, stage=lambda name: None)
    for row in rows:
        Dossier.objects.create(
            code=f"ORM {row['code']}", import_run=run,
            **{k: v for k, v in row.items() if k != "code"},
        )  # fmt: skip
    stored = {dict(r)["_code"]: dict(r) for r in raw_dossiers(set())}
    for row in rows:
        ours, orm = stored[row["code"]], stored[f"ORM {row['code']}"]
        assert {k: v for k, v in ours.items() if k not in ("id", "code", "_code")} == {
            k: v for k, v in orm.items() if k not in ("id", "code", "_code")
        }


def test_a_new_month_on_stored_dossiers(world):
    """No code of the file is stored, some dossiers are: the file is loaded straight into
    the table after one lookup of its codes, with the keys and roll-up of the staged way."""
    load(varied(world))
    at = datetime(2022, 4, 1, 7, 0, tzinfo=VN)
    month = [dossier(f"D-{i:03d}", world, agency=i % 3, procedure=i % 2, channel=1 + i % 3,
                     received=at + timedelta(hours=i), finished=at + timedelta(days=2 + i),
                     status="done", on_time=i % 2 == 0, fee=i * 1_000, paid=i % 2 == 1)
             for i in range(6)]  # fmt: skip
    # Codes that sort before, between and after the stored ones, and look like them.
    month += [dossier("A-0005", world), dossier("0", world), dossier("A-001 ", world)]
    state = compare(month)
    assert state["counts"] == (9, 0, 0)
    assert state["stages"] == ["Ghi hồ sơ", "Cộng số liệu theo tháng"]


def test_every_code_of_the_file_is_found_stored(world):
    """Codes with quotes, backslashes, line breaks and Vietnamese letters are looked up as
    they are: found, so the file is compared, not inserted again."""
    rows = varied(world)
    load(rows)
    changed = [{**row, "fee": Decimal(7)} for row in rows]
    assert compare(changed)["counts"] == (0, 8, 0)


def _refused(world, at: datetime) -> dict:
    """A finished dossier finished before it was received: the table's CHECK refuses it."""
    return dossier("C-001", world, received=at, finished=at - timedelta(days=1), status="done")


@pytest.mark.parametrize(
    "stored, case",
    [
        (0, "new rows into an empty table"),
        (3, "new rows beside stored ones"),
        (8, "a new month, no code of it stored"),
        (3, "a stored row changed into a refused one"),
    ],
)
def test_a_refused_row_leaves_nothing_written(world, stored, case):
    """All or nothing on every path: the direct load into the table (empty or not) and the
    staged update of stored rows."""
    rows = varied(world)
    load(rows[:stored])
    before = (raw_dossiers(set()), raw_rollup())
    at = datetime(2022, 5, 2, tzinfo=VN)
    if case == "a new month, no code of it stored":
        bad = [dossier("N-001", world, received=at), _refused(world, at)]
    elif case == "a stored row changed into a refused one":
        bad = [*rows[3:], {**rows[1], "finished_at": rows[1]["received_at"] - timedelta(days=1)}]
    else:
        bad = [*rows, _refused(world, at)]
    with pytest.raises(IntegrityError):
        write_dossier_frame(frame_of_rows(bad), run=new_run(), stage=lambda name: None)
    assert (raw_dossiers(set()), raw_rollup()) == before
    # Nothing of the failed write is left in the way of the next one.
    assert compare(rows)["counts"] == (8 - stored, 0, stored)


def test_an_empty_frame_writes_nothing(world):
    result = write_dossier_frame(frame_of_rows([]), run=new_run(), stage=lambda name: None)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert not Dossier.objects.exists()


# --- random files -------------------------------------------------------------------------
MOMENTS = st.datetimes(
    min_value=datetime(2021, 11, 1), max_value=datetime(2023, 2, 28), timezones=st.just(VN)
)


@st.composite
def random_dossier(draw, code: str) -> dict:
    received = draw(MOMENTS)
    finished = draw(st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90)))
    status = draw(st.sampled_from(
        ["done", "rejected", "withdrawn"] if finished is not None
        else ["received", "processing", "supplement", "paused", "withdrawn"]
    ))  # fmt: skip
    due = draw(st.none() | st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)))
    return {
        "code": code, "procedure": draw(st.integers(0, 1)), "agency": draw(st.integers(0, 2)),
        "channel": draw(st.sampled_from([1, 2, 3])), "received_at": received,
        "due_at": None if due is None else received + due,
        "finished_at": None if finished is None else received + finished, "status": status,
        "supplement_count": draw(st.integers(0, 3)), "supplement_days": draw(st.integers(0, 9)),
        "finished_on_time": draw(st.none() | st.booleans()),
        "fee": Decimal(draw(st.sampled_from([0, 1, 50_000, LARGEST_FEE]))),
        "paid_online": draw(st.booleans()), "result_digitized": draw(st.booleans()),
    }  # fmt: skip


@st.composite
def two_files(draw):
    """A first file, and a second that re-sends some of its dossiers (as they were, or
    changed in any column) and adds new ones."""
    first = [draw(random_dossier(f"F-{i:03d}")) for i in range(draw(st.integers(0, 12)))]
    second = []
    for row in first:
        kept = draw(st.sampled_from(["left out", "same", "changed"]))
        if kept == "same":
            second.append(row)
        elif kept == "changed":
            second.append(draw(random_dossier(row["code"])))
    second += [draw(random_dossier(f"N-{i:03d}")) for i in range(draw(st.integers(0, 8)))]
    return first, second


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(files=two_files())
def test_random_files_are_written_alike(world, files):
    def resolved(rows):
        return [{**row, "procedure": world["procedures"][row["procedure"]],
                 "agency": world["agencies"][row["agency"]]} for row in rows]  # fmt: skip

    first, second = map(resolved, files)
    try:
        with transaction.atomic():
            if first:
                load(first)
            compare(second)
            raise _Undo
    except _Undo:
        pass


def table_indexes() -> dict[str, str]:
    """The dossier table's indexes as the database defines them (name → definition)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
                [Dossier._meta.db_table],
            )
        else:
            cursor.execute(
                "SELECT name, COALESCE(sql, '') FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s",
                [Dossier._meta.db_table],
            )
        return dict(cursor.fetchall())


@pytest.mark.parametrize("stored", [0, 3, 5])
def test_indexes_set_aside_for_a_large_first_load_come_back(world, stored):
    """SQLite builds the plain indexes after the rows when the table holds no more dossiers
    than the write adds (0 or 3 stored, 5 new rows below: set aside; 5 stored, 3 new: kept).
    Whatever happens, the table ends with the same indexes — after a write and after a
    refused one — and the lookups the roll-up makes after the insert find them."""
    rows = varied(world)
    load(rows[:stored])
    defined = table_indexes()
    # The model's four plain indexes and the import run's (SQLite; PostgreSQL's count differs).
    plain = [n for n, sql in defined.items() if sql.startswith("CREATE INDEX")]
    assert connection.vendor != "sqlite" or len(plain) == 5
    seen: list[str] = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy), pytest.raises(IntegrityError):
        write_dossier_frame(
            frame_of_rows([*rows[stored:], _refused(world, datetime(2022, 5, 2, tzinfo=VN))]),
            run=new_run(), stage=lambda name: None,
        )  # fmt: skip
    assert table_indexes() == defined
    dropped = [sql for sql in seen if sql.startswith("DROP INDEX")]
    new_rows = len(rows) - stored + 1
    expect_set_aside = connection.vendor == "sqlite" and stored <= new_rows
    assert sorted(sql.split('"')[1] for sql in dropped) == (
        sorted(plain) if expect_set_aside else []
    )
    seen.clear()
    with connection.execute_wrapper(spy):
        result = write_dossier_frame(
            frame_of_rows(rows[stored:]), run=new_run(), stage=lambda name: None
        )
    assert result.created == len(rows) - stored
    assert table_indexes() == defined
    assert len([sql for sql in seen if sql.startswith("DROP INDEX")]) == (
        len(plain) if connection.vendor == "sqlite" and stored <= len(rows) - stored else 0
    )
