"""`insert_frame` stores what the ORM's values, bound one by one, store (ADR 0031): on SQLite
the rows travel narrow (columns packed into integers, date-times as microseconds) and are
unpacked by SQL, which must give back every value to the byte and with the same storage
class, in the frame's order. The reference here is plain Python: the ORM's form of each
value (`str()` of the naive UTC date-time, of the date; booleans as 0 and 1) bound by
`executemany`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.core import frame_load
from cchc.core.frame_load import insert_frame

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the narrow rows are SQLite's"),
]
ZONES = [ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("UTC"), ZoneInfo("America/St_Johns")]
INT64 = (-(2**63), 2**63 - 1)


def stored(frame: pl.DataFrame, load) -> list[tuple]:
    """Every value and its storage class, row by row, after `load(table)` filled a table of
    untyped columns (no affinity: each value kept as it came)."""
    names = ", ".join(f'"{name}"' for name in frame.columns)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS t_frame")
        cursor.execute(f"CREATE TEMPORARY TABLE t_frame ({names})")
        load("t_frame")
        typed = ", ".join(f'"{name}", typeof("{name}")' for name in frame.columns)
        cursor.execute(f"SELECT {typed} FROM t_frame ORDER BY rowid")  # noqa: S608
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE t_frame")
    return rows


def orm_form(value, zone: str):
    """A value as Django binds it on SQLite (`adapt_*field_value`), for a connection whose
    date-times are stored in `zone`."""
    if isinstance(value, datetime):
        return str(value.astimezone(ZoneInfo(zone)).replace(tzinfo=None))
    if isinstance(value, date):
        return str(value)
    if isinstance(value, bool):
        return int(value)
    return value


def by_row(frame: pl.DataFrame):
    def load(table: str) -> None:
        zone = connection.timezone_name
        rows = [tuple(orm_form(value, zone) for value in row) for row in frame.rows()]
        marks = ", ".join(["%s"] * frame.width)
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608

    return load


def assert_stored_alike(frame: pl.DataFrame) -> None:
    assert stored(frame, lambda table: insert_frame(table, frame)) == stored(frame, by_row(frame))


def ints(low: int, high: int):
    return st.lists(st.one_of(st.none(), st.integers(low, high)), min_size=1, max_size=30)


moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.sampled_from(ZONES)
)
few_texts = st.sampled_from(["", "done", "Đã xử lý", "it's", "%s", "100%", " a ", "NULL"])


@st.composite
def frames(draw) -> pl.DataFrame:
    """A frame of every kind the loader takes: whole numbers of narrow and wide ranges
    (64-bit extremes included), flags, texts of few and of many values, dates and aware
    date-times across the years Python knows, each column with or without NULLs."""
    height = draw(st.integers(1, 30))

    def column(values):
        if draw(st.integers(0, 4)) == 0:  # one value in every row: packed in no bits
            cells = [draw(values)] * height
        else:
            cells = draw(st.lists(values, min_size=height, max_size=height))
        return cells if draw(st.booleans()) else [v if i % 3 else None for i, v in enumerate(cells)]

    low = draw(st.integers(*INT64))
    width = draw(st.sampled_from([0, 1, 7, 40, 41, 63]))
    high = min(low + 2**width - 1, INT64[1])
    data = {
        "narrow": pl.Series(column(st.integers(low, high)), dtype=pl.Int64),
        "wide": pl.Series(column(st.integers(*INT64)), dtype=pl.Int64),
        "small": pl.Series(column(st.integers(0, 3)), dtype=pl.Int16),
        "flag": pl.Series(column(st.booleans()), dtype=pl.Boolean),
        "choice": pl.Series(column(few_texts), dtype=pl.String),
        "text": pl.Series(column(st.text(max_size=8)), dtype=pl.String),
        "day": pl.Series(column(st.dates()), dtype=pl.Date),
    }
    zone = draw(st.sampled_from(["Asia/Ho_Chi_Minh", "UTC"]))
    data["moment"] = pl.Series(
        column(moments.map(lambda m: m.astimezone(UTC))), dtype=pl.Datetime("us", "UTC")
    ).dt.convert_time_zone(zone)
    frame = pl.DataFrame(data)
    return frame.select(draw(st.permutations(frame.columns)))


@settings(
    max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(frames())
def test_narrow_rows_store_what_the_orm_stores(frame):
    assert_stored_alike(frame)


@settings(
    max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(frame=frames())
def test_date_times_in_another_zone_are_stored_as_text_of_that_zone(frame, monkeypatch):
    """A connection that stores local date-times (DATABASES' TIME_ZONE): bound as text."""
    monkeypatch.setitem(connection.__dict__, "timezone_name", "Asia/Ho_Chi_Minh")
    assert_stored_alike(frame)


def test_few_narrow_columns_carry_a_dossier_row():
    """What the packing is for: a dossier row's 14 values travel as 6 (one packed integer,
    the code, three date-times, and a fee whose range is too wide to pack), and the
    statement's parameters hold only the ranked texts."""
    vn = ZoneInfo("Asia/Ho_Chi_Minh")
    frame = pl.DataFrame(
        {
            "code": [f"H{i:05d}" for i in range(100)],
            "procedure_id": [954 + i % 7 for i in range(100)],
            "agency_id": [30 + i % 3 for i in range(100)],
            "channel": [1 + i % 3 for i in range(100)],
            "received_at": [datetime(2022, 1, 1 + i % 28, 8, tzinfo=vn) for i in range(100)],
            "due_at": [datetime(2022, 2, 1 + i % 28, 17, tzinfo=vn) for i in range(100)],
            "finished_at": [
                None if i % 4 else datetime(2022, 3, 1, 9, tzinfo=vn) for i in range(100)
            ],
            "status": ["done" if i % 2 else "processing" for i in range(100)],
            "supplement_count": [i % 2 for i in range(100)],
            "supplement_days": [i % 5 for i in range(100)],
            "finished_on_time": [None if i % 3 else bool(i % 2) for i in range(100)],
            "fee": [0 if i % 2 else 10**13 + i for i in range(100)],
            "paid_online": [bool(i % 2) for i in range(100)],
            "result_digitized": [False] * 100,
        }
    ).with_columns(
        pl.col("received_at", "due_at", "finished_at").dt.convert_time_zone("Asia/Ho_Chi_Minh")
    )
    plan = frame_load._plan(frame)
    narrow = frame_load._narrow(frame, plan)
    assert narrow.width == 6
    assert plan.words == 1
    assert [name for name, *_ in plan.loose] == [
        "code", "received_at", "due_at", "finished_at", "fee",
    ]  # fmt: skip
    _expressions, params = frame_load._unpacking(frame, plan)
    assert params == ["done", "processing"]
    assert_stored_alike(frame)


def test_rows_alike_in_every_column_are_all_stored():
    """Every column packed in 0 bits (the same value in every row): the narrow rows still
    carry the rows."""
    frame = pl.DataFrame({"n": [7, 7, 7], "s": ["a", "a", "a"], "b": [True, True, True]})
    assert_stored_alike(frame)
    assert len(stored(frame, lambda table: insert_frame(table, frame))) == 3


def test_a_text_column_of_many_values_is_bound_as_it_is():
    """Estimated too varied to collect (a code per row), or collected and found more than
    RANKED: bound as text either way, and stored alike."""
    many = pl.DataFrame({"code": [f"HS-{i}" for i in range(1_000)], "few": ["a", "b"] * 500})
    plan = frame_load._plan(many)
    assert [name for name, *_ in plan.loose] == ["code"]
    assert [c.name for c in plan.packed] == ["few"]
    assert_stored_alike(many)


def test_days_before_1900_are_bound_as_text():
    """SQLite 3.40's calendar makes Python's 0300-03-01 its 0300-02-29 (found by the test
    above): dates and date-times before 1900 go as the ORM's text, from 1900 through
    SQLite's calendar."""
    old = pl.DataFrame(
        {
            "day": [date(300, 3, 1), date(2022, 1, 1)],
            "moment": [datetime(300, 3, 1, 9, tzinfo=UTC), datetime(2022, 1, 1, tzinfo=UTC)],
        }
    )
    assert_stored_alike(old)
    plan = frame_load._plan(old)
    assert not plan.packed and [kind for *_, kind in plan.loose] == ["value", "value"]
    recent = pl.DataFrame({"day": [date(1900, 1, 1)], "moment": [datetime(1900, 1, 1, tzinfo=UTC)]})
    plan = frame_load._plan(recent)
    assert [c.name for c in plan.packed] == ["day"]
    assert [kind for *_, kind in plan.loose] == ["moment"]
    assert_stored_alike(recent)


def test_a_refused_row_raises_and_leaves_nothing_behind():
    """A row the target refuses (a CHECK constraint) fails the whole load inside the
    caller's transaction, as one INSERT per row would."""
    from django.db import IntegrityError, transaction

    frame = pl.DataFrame({"n": [1, 2, -1, 4]})
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE t_checked (n integer CHECK (n >= 0))")
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_frame("t_checked", frame)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM t_checked")
        assert cursor.fetchone() == (0,)


def test_an_unsupported_column_is_a_programming_error():
    with pytest.raises(TypeError, match="not supported"):
        insert_frame("t", pl.DataFrame({"x": [1.5]}))
