"""Upload-to-dashboard for N dossiers, measured beside two baselines in the same run on the
same generated file:

  ours   — import_execute: read, parse and validate every row, write (upsert), roll up per
           agency × procedure × month, refresh the indicator snapshots;
  bare   — the same CSV loaded into an unindexed table with no checks
           (SQLite: executemany in one transaction; PostgreSQL: COPY);
  duckdb — DuckDB reading the same CSV and computing the same per-agency monthly counts;
  indexed floor — the rows "ours" stored (already validated and typed), written into a fresh
           table with the dossier table's indexes and constraints by a bulk load into a
           temporary staging table and one INSERT … SELECT … ON CONFLICT (code) DO UPDATE …
           WHERE the row differs (PostgreSQL: COPY of CSV; SQLite: executemany of the values
           as stored), in one transaction: what storing them indexed costs at the least.

Issue 20's read + validate goal is printed twice: the run's own stage ("Đọc tệp" → "Ghi dữ
liệu", the first import of the process) against one Polars typed read (`columnar_read`), and
the stage alone (`read_validate`, warm) beside that read, three pairs in turn.

With --write-only, the write alone on the file's validated rows (parsed and resolved by today's
importer first, untimed): the former per-row write (`tests/tabular_reference.write_by_row`) against the frame writer
(`write_dossier_frame`, issue 20) and the indexed floor, each from the same empty database
(each write rolled back), then again with the file already stored (every row unchanged);
and the frame writer's staging load by blocks of CSV against one `write_row` per row (PG).

Usage (a scratch database is created; the product's own database is not touched):
  .venv/bin/python benchmarks/import_dossiers.py --rows 100000
  .venv/bin/python benchmarks/import_dossiers.py --rows 1000000 --postgres postgres://postgres@127.0.0.1:5432/postgres
  .venv/bin/python benchmarks/import_dossiers.py --rows 1000000 --write-only
Needs `pip install -r requirements/bench.txt` (DuckDB). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--procedures", type=int, default=2_000)
    parser.add_argument("--postgres", help="server URL; a database cchc_bench is (re)created there")
    parser.add_argument(
        "--scratch",
        default="cchc_bench",
        help="name of the scratch database on --postgres (another name lets two runs share "
        "a server without dropping each other's)",
    )
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument(
        "--distribution",
        choices=["realistic", "uniform"],
        default="realistic",
        help="realistic (default): the demo generator's file — each agency handles its own "
        "tier's procedures, a few procedures take most dossiers; uniform: every dossier draws "
        "its agency and procedure uniformly (the worst case for the roll-up: nearly every "
        "agency × procedure × month is a row of its own)",
    )
    parser.add_argument(
        "--write-only",
        action="store_true",
        help="time the write alone: the former per-row write, the frame writer and the "
        "indexed floor on the same validated rows",
    )
    parser.add_argument("--repeat", type=int, default=1, help="rounds of --write-only")
    parser.add_argument(
        "--statements",
        type=float,
        metavar="SECONDS",
        help="also print each statement of our import that took at least SECONDS (where the "
        "time goes; the wrapper itself costs a little on every statement)",
    )
    return parser.parse_args()


class StatementClock:
    """Django's execute wrapper timing each statement of the import (and executemany)."""

    def __init__(self, least: float):
        self.least, self.slow, self.total = least, [], 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - started
            self.total += seconds
            if seconds >= self.least:
                self.slow.append((seconds, ("many: " if many else "") + " ".join(sql.split())))

    def report(self) -> None:
        print(f"statements through Django's cursor: {self.total:.1f} s; the slow ones:")
        for seconds, sql in self.slow:
            print(f"  {seconds:6.2f}  {sql[:160]}")


def scratch_database(args) -> str:
    if args.postgres:
        import psycopg

        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {args.scratch}")
            conn.execute(f"CREATE DATABASE {args.scratch}")
        return args.postgres.rsplit("/", 1)[0] + f"/{args.scratch}"
    path = ROOT / "var" / "bench" / "bench.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def write_csv(
    path: Path,
    *,
    rows: int,
    agencies: list[str],
    procedures: list[str],
    seed: int,
    start: datetime = datetime(2022, 1, 1, 7, 30),
    days: int = 360,
) -> None:
    """`rows` dossiers received over `days` days from `start`, 92% of them finished."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "MaHoSo",
                "MaTTHC",
                "MaDonVi",
                "KenhThucHien",
                "NgayTiepNhan",
                "NgayHenTra",
                "NgayKetThucXuLy",
                "TrangThai",
                "PhiLePhi",
                "DuocThanhToanTrucTuyen",
                "DaSoHoaKetQua",
            ]
        )
        for i in range(rows):
            agency = agencies[i % len(agencies)]
            received = start + timedelta(minutes=rng.randrange(0, days * 24 * 60))
            due = received + timedelta(days=rng.randint(1, 20))
            finished = (
                received + timedelta(days=rng.randint(0, 25)) if rng.random() < 0.92 else None
            )
            out.writerow([
                f"{agency}-{received:%y%m%d}-{i:07d}", procedures[rng.randrange(len(procedures))], agency,
                2 if rng.random() < 0.3 else 1, received.strftime("%d/%m/%Y %H:%M"), due.strftime("%d/%m/%Y %H:%M"),
                finished.strftime("%d/%m/%Y %H:%M") if finished else "",
                "Đã giải quyết" if finished else "Đang xử lý",
                rng.choice([0, 0, 0, 50000, 100000]), int(rng.random() < 0.2), int(rng.random() < 0.25),
            ])  # fmt: skip


def prepare_database():
    """Schema, reference data and the importing account (returned) of a scratch database."""
    from django.core.management import call_command

    from cchc.organizations.accounts import account_ensure
    from cchc.organizations.models import Agency

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    actor, _ = account_ensure(username="bench", password="Bench-mark-2022", role="reform_office",
                              agency=Agency.objects.get(code="12-SNV"))  # fmt: skip
    return actor


def uniform_catalogue(count: int, years: tuple[int, ...]) -> tuple[list[str], list[str]]:
    """For the uniform file: `count` procedures (1.000000, …; province tier, 10 working days)
    with an entry for each of `years`. Returns their codes and the codes of the agencies that
    receive dossiers."""
    from cchc.operations.models import Procedure, ProcedureSnapshot
    from cchc.organizations.models import Agency

    codes = [f"1.{i:06d}" for i in range(count)]
    Procedure.objects.bulk_create([Procedure(code=c, name=f"Thủ tục {c}") for c in codes])
    ProcedureSnapshot.objects.bulk_create(
        [ProcedureSnapshot(procedure=p, year=y, authority_tier="province", processing_days=10)
         for p in Procedure.objects.all() for y in years]
    )  # fmt: skip
    agencies = list(Agency.objects.exclude(level="province").values_list("code", flat=True))
    return codes, agencies


def bare_load(path: Path, vendor: str) -> float:
    """Every cell as text into an unindexed table of as many columns as the file has."""
    from django.db import connection

    with path.open(encoding="utf-8") as handle:
        width = len(next(csv.reader(handle)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare")
        columns = ", ".join(f"c{i} text" for i in range(width))
        cursor.execute(f"CREATE TABLE bench_bare ({columns})")
    started = time.perf_counter()
    if vendor == "postgresql":
        raw = connection.connection
        with (
            raw.cursor() as cursor,
            cursor.copy("COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        raw.commit()
    else:
        with path.open(encoding="utf-8") as handle, connection.cursor() as cursor:
            reader = csv.reader(handle)
            next(reader)
            cursor.execute("BEGIN")
            cursor.executemany(
                f"INSERT INTO bench_bare VALUES ({', '.join(['%s'] * width)})", reader
            )
            cursor.execute("COMMIT")
    return time.perf_counter() - started


UNIFORM_NAMES = ["code", "procedure", "agency", "channel", "received", "due", "finished",
                 "status", "fee", "paid", "digitized"]  # fmt: skip
REALISTIC_NAMES = ["code", "procedure", "agency", "channel", "received", "due", "finished",
                   "status", "supplements", "supplement_days", "fee", "paid", "digitized"]  # fmt: skip


def columnar_read(path: Path, names: list[str]) -> float:
    """Seconds for Polars to read the same file with types — issue 20's yardstick for the
    read + validate stage: every column as text, then typed by vectorised expressions (the
    three moments by their common format, the counts and fee as integers, channel, status
    and the flags by their words) and the agency and procedure codes joined to their keys
    (one query each). No NFC, no stripping, no error messages, no due dates: what a columnar
    reader does at the least to hand over typed rows."""
    import polars as pl

    from cchc.operations.imports.dossiers import CHANNEL_WORDS, STATUS_WORDS
    from cchc.operations.models import Procedure
    from cchc.organizations.models import Agency

    started = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False, new_columns=names)
    moment = {name: pl.col(name).str.strptime(pl.Datetime("us"), "%d/%m/%Y %H:%M", strict=False)
              .dt.replace_time_zone("Asia/Ho_Chi_Minh")
              for name in ("received", "due", "finished")}  # fmt: skip
    whole = {name: pl.col(name).cast(pl.Int64, strict=False)
             for name in ("supplements", "supplement_days", "fee") if name in names}  # fmt: skip
    flags = {name: pl.col(name).replace_strict({"0": False, "1": True}, default=None,
                                               return_dtype=pl.Boolean)
             for name in ("paid", "digitized")}  # fmt: skip
    words = {
        "channel": pl.col("channel").replace_strict(
            {k: int(v) for k, v in CHANNEL_WORDS.items()}, default=None, return_dtype=pl.Int64),
        "status": pl.col("status").str.to_lowercase().replace_strict(
            {k: str(v) for k, v in STATUS_WORDS.items()}, default=None, return_dtype=pl.String),
    }  # fmt: skip
    frame = frame.with_columns(**moment, **whole, **flags, **words)
    agencies = pl.DataFrame(list(Agency.objects.values_list("code", "pk")),
                            schema={"agency": pl.String, "agency_id": pl.Int64}, orient="row")  # fmt: skip
    procedures = pl.DataFrame(list(Procedure.objects.values_list("code", "pk")),
                              schema={"procedure": pl.String, "procedure_id": pl.Int64},
                              orient="row")  # fmt: skip
    frame = frame.join(agencies, on="agency", how="left").join(procedures, on="procedure",
                                                               how="left")  # fmt: skip
    assert frame.height and frame.get_column("received").null_count() == 0
    return time.perf_counter() - started


def read_validate(path: Path) -> float:
    """Seconds for the product's read + validate stage alone, outside a run (no progress
    saved): `read_sheet` and the dossier importer's `parse`, for the province's office."""
    from cchc.core.tabular.sheet import read_sheet
    from cchc.operations.imports.dossiers import DossierImporter
    from cchc.organizations.scope import AgencyScope

    started = time.perf_counter()
    importer = DossierImporter(scope=AgencyScope.everything())
    sheet = read_sheet(path.read_bytes(), path.name, header_names=importer.header_titles())
    importer.parse(sheet)
    return time.perf_counter() - started


def duckdb_load(path: Path, names: list[str]) -> float:
    """DuckDB reads the CSV (columns renamed to `names`, in the file's order) and computes the
    per-agency × procedure × month counts."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        f"""CREATE TABLE d AS SELECT * FROM read_csv('{path}', header=true, names={names!r},
            timestampformat='%d/%m/%Y %H:%M',
            types={{'received': 'TIMESTAMP', 'due': 'TIMESTAMP', 'finished': 'TIMESTAMP'}})"""
    )
    con.execute(
        """SELECT agency, procedure, date_trunc('month', received) AS m, count(*),
                  count(*) FILTER (WHERE channel = 2),
                  count(*) FILTER (WHERE fee > 0 AND paid = 1),
                  count(*) FILTER (WHERE finished IS NOT NULL),
                  count(*) FILTER (WHERE finished <= due),
                  count(*) FILTER (WHERE digitized = 1)
           FROM d GROUP BY ALL"""
    ).fetchall()
    return time.perf_counter() - started


# --- the indexed floor ---------------------------------------------------------------------
FLOOR = "bench_floor"  # a fresh table with the dossier table's columns, indexes, constraints
FLOOR_STAGE = "bench_floor_stage"
FLOOR_COLUMNS = ["code", "procedure_id", "agency_id", "channel", "received_at", "due_at",
                 "finished_at", "status", "supplement_count", "supplement_days",
                 "finished_on_time", "fee", "paid_online", "result_digitized", "import_run_id"]  # fmt: skip


def floor_table(vendor: str) -> None:
    """(Re)create FLOOR empty, as the dossier table is: every index, the CHECK constraints."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR}")
        if vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {FLOOR} (LIKE operations_dossier INCLUDING ALL)")
            return
        cursor.execute(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = 'operations_dossier' "
            "AND sql IS NOT NULL ORDER BY type DESC"  # the table, then its indexes
        )
        for _kind, sql in cursor.fetchall():
            sql = re.sub(r'(INDEX\s+)"(\w+)"', r'\1"floor_\2"', sql)  # index names: the database's
            cursor.execute(sql.replace('"operations_dossier"', FLOOR))


def sqlite_values(frame, zone: str):
    """The frame's values as Django stores them on SQLite: aware date-times as naive text in
    the connection's zone (the loader's own rule, `frame_load.moment_text`). Booleans and
    whole numbers are stored as integers by the columns' affinity."""
    import polars as pl

    from cchc.core.frame_load import moment_text

    names = ("received_at", "due_at", "finished_at")
    return frame.with_columns(moment_text(pl.col(name), zone).alias(name) for name in names)


def floor_input(vendor: str, frame=None, run_id: int | None = None):
    """The validated rows as the floor takes them, in code order (as both writers write):
    PostgreSQL CSV bytes, SQLite tuples of the values as stored. From `frame` (the typed
    rows) when given, else from the dossier table (what "ours" stored)."""
    from django.db import connection

    columns = ", ".join(FLOOR_COLUMNS)
    if frame is not None:
        import io

        import polars as pl

        frame = frame.sort("code").with_columns(pl.lit(run_id).alias("import_run_id"))
        if vendor == "postgresql":
            buffer = io.BytesIO()
            frame.write_csv(buffer, include_header=False,
                            datetime_format="%Y-%m-%d %H:%M:%S%.6f%:z")  # fmt: skip
            return buffer.getvalue()
        return sqlite_values(frame, connection.timezone_name).rows()
    if vendor == "postgresql":
        import io

        buffer = io.BytesIO()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f'COPY (SELECT {columns} FROM operations_dossier ORDER BY code COLLATE "C") '
                "TO STDOUT WITH (FORMAT csv)"
            ) as copy,
        ):
            for block in copy:
                buffer.write(block)
        return buffer.getvalue()
    # Expressions, not columns: no declared type, so Django's converters (datetimes, booleans,
    # decimals) leave the values as stored and executemany binds them as they are, as the
    # values `sqlite_values` gives.
    raw = ", ".join(f"{c} || ''" if c.endswith("_at") else f"{c} + 0"
                    if c in ("finished_on_time", "fee", "paid_online", "result_digitized")
                    else c for c in FLOOR_COLUMNS)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {raw} FROM operations_dossier ORDER BY code")
        return cursor.fetchall()


def floor_write(vendor: str, data) -> float:
    """Seconds to put `data` (floor_input) into FLOOR as described in the module's docstring,
    committed."""
    from django.db import connection, transaction

    columns = ", ".join(FLOOR_COLUMNS)
    compared = FLOOR_COLUMNS[1:-1]
    sets = ", ".join(f"{c} = excluded.{c}" for c in FLOOR_COLUMNS[1:])
    if vendor == "postgresql":
        differs = (f"({', '.join(f'{FLOOR}.{c}' for c in compared)}) IS DISTINCT FROM "
                   f"({', '.join(f'excluded.{c}' for c in compared)})")  # fmt: skip
    else:
        differs = " OR ".join(f"{FLOOR}.{c} IS NOT excluded.{c}" for c in compared)
    upsert = (f"INSERT INTO {FLOOR} ({columns}) SELECT {columns} FROM {FLOOR_STAGE} WHERE true "
              f"ON CONFLICT (code) DO UPDATE SET {sets} WHERE {differs}")  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_STAGE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {FLOOR_STAGE} AS SELECT {columns} FROM {FLOOR} "
                       "WHERE 1 = 0")  # fmt: skip
        if vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {FLOOR_STAGE} FROM STDIN WITH (FORMAT csv)") as copy:
                view = memoryview(data)
                for start in range(0, len(view), 1 << 20):
                    copy.write(view[start : start + (1 << 20)])
        else:
            cursor.executemany(
                f"INSERT INTO {FLOOR_STAGE} VALUES ({', '.join(['%s'] * len(FLOOR_COLUMNS))})",
                data,
            )
        cursor.execute(upsert)
        cursor.execute(f"DROP TABLE {FLOOR_STAGE}")
    return time.perf_counter() - started


def vacuum(vendor: str) -> None:
    """After a rolled-back write on PostgreSQL: the dead rows and their index entries out of
    the way of the next measurement."""
    if vendor != "postgresql":
        return
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("operations_dossier", "operations_dossiermonthly", FLOOR):
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- --write-only ---------------------------------------------------------------------------
class _Undo(Exception):
    pass


def timed_undone(write) -> tuple[float, dict[str, float]]:
    """Seconds of `write(stage)` inside a transaction that is then rolled back, and the
    seconds from its start at which each stage began."""
    from django.db import transaction

    marks: dict[str, float] = {}
    started = time.perf_counter()
    seconds = 0.0
    try:
        with transaction.atomic():
            write(lambda name: marks.setdefault(name, time.perf_counter() - started))
            seconds = time.perf_counter() - started
            raise _Undo
    except _Undo:
        pass
    return seconds, marks


def copy_by_row(frame) -> None:
    """The frame writer's staging load with one `write_row` per row instead of CSV blocks."""
    from django.db import connection

    from cchc.operations.imports import dossier_write as w

    names = ", ".join(w.COLUMNS)
    types = ", ".join(f"{c} {w.Dossier._meta.get_field(c).db_type(connection)}"
                      for c in w.COLUMNS)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {w.STAGE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {w.STAGE} ({types})")
        with cursor.cursor.copy(f"COPY {w.STAGE} ({names}) FROM STDIN") as copy:
            for row in frame.select(w.COLUMNS).iter_rows():
                copy.write_row(row)


def write_only(args, path: Path, vendor: str) -> None:
    from cchc.core.tabular.sheet import read_sheet
    from cchc.operations.imports import dossier_write as w
    from cchc.operations.imports.dossiers import DossierImporter
    from cchc.operations.models import ImportRun
    from cchc.organizations.scope import AgencyScope
    from tests.tabular_reference import rows_of_frame, write_by_row

    clock = time.perf_counter()
    importer = DossierImporter(scope=AgencyScope.everything())
    sheet = read_sheet(path.read_bytes(), path.name, header_names=importer.header_titles())
    frame = importer.parse(sheet)
    rows = rows_of_frame(frame)
    print(f"validated rows and frame ready in {time.perf_counter() - clock:.1f} s (untimed)")
    run = ImportRun.objects.create(kind="dossiers", file_name=path.name)
    floor_table(vendor)
    data = floor_input(vendor, frame, run.pk)
    vacuum(vendor)

    def old(stage):  # the former per-row write, kept as the tests' reference
        write_by_row(rows, run=run, stage=stage)

    def new(stage):
        w.write_dossier_frame(frame, run=run, stage=stage)

    results: dict[str, list[tuple[float, dict]]] = {}

    def measure(label: str, write) -> None:
        results.setdefault(label, []).append(timed_undone(write))
        vacuum(vendor)

    def measure_floor(label: str) -> None:
        results.setdefault(label, []).append((floor_write(vendor, data), {}))
        if label.startswith("empty"):
            floor_table(vendor)
        vacuum(vendor)

    def staging(label: str, load) -> None:
        results.setdefault(label, []).append(timed_undone(lambda stage: load()))

    for _ in range(args.repeat):
        measure("empty: today's write", old)
        measure("empty: frame writer", new)
        measure_floor("empty: indexed floor")
        if vendor == "postgresql":
            staging("staging load: CSV blocks", lambda: w._stage(frame.select(w.COLUMNS)))
            staging("staging load: write_row", lambda: copy_by_row(frame))
        else:
            staging("staging load: executemany", lambda: w._stage(frame.select(w.COLUMNS)))
    # The same file again, every row stored already and unchanged.
    old(lambda name: None)
    floor_write(vendor, data)
    vacuum(vendor)
    for _ in range(args.repeat):
        measure("again: today's write", old)
        measure("again: frame writer", new)
        measure_floor("again: indexed floor")

    import statistics

    count = f"{args.rows:,}".replace(",", ".")
    print(f"\n{count} dossiers ({args.distribution}), the write alone, database {vendor}, "
          f"median of {args.repeat}")  # fmt: skip
    # "before roll-up": until the roll-up stage began (the dossiers written, the delta's
    # take-away done), comparable with the floor, which has no roll-up.
    print(
        f"{'':30}{'seconds':>9}{'÷ floor':>9}{'before roll-up':>16}{'÷ floor':>9}   "
        "stages (s from start)  [every round]"
    )
    floors = {}
    for label, runs in results.items():
        seconds = statistics.median(s for s, _m in runs)
        if label.endswith("floor"):
            floors[label.split(":")[0]] = seconds
    for label, runs in results.items():
        seconds = statistics.median(s for s, _m in runs)
        floor = floors.get(label.split(":")[0])
        ratio = f"{seconds / floor:8.2f}×" if floor and not label.startswith("staging") else ""
        before = [m.get("Cộng số liệu theo tháng") for _s, m in runs]
        before = statistics.median(before) if None not in before else None
        before_text = f"{before:16.2f}{before / floor:8.2f}×" if before and floor else " " * 25
        marks = ", ".join(f"{k} {v:.2f}" for k, v in runs[len(runs) // 2][1].items())
        every = "/".join(f"{s:.2f}" for s, _m in runs)
        print(f"{label:30}{seconds:9.2f}{ratio:>9}{before_text}   {marks}  [{every}]")


def main() -> None:
    args = parse_args()
    os.environ["CCHC_DATABASE_URL"] = scratch_database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    # As deployed: without DEBUG, whose SQL log formats every statement's parameters.
    os.environ.setdefault("CCHC_DEBUG", "0")
    os.environ["CCHC_TASKS_BACKEND"] = (
        "django_tasks.backends.dummy.DummyBackend"  # we run the job ourselves
    )
    import django

    django.setup()
    from django.db import connection

    from cchc.operations.models import ImportKind, ImportRun
    from cchc.operations.services import import_create, import_execute

    actor = prepare_database()
    path = ROOT / "var" / "bench" / f"dossiers_{args.rows}_{args.distribution}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if args.distribution == "realistic":
        from cchc.demo.operations import write_dossier_file

        write_dossier_file(path, seed=args.seed, year=2022, dossiers=args.rows)
        names = REALISTIC_NAMES
    else:
        codes, agencies = uniform_catalogue(args.procedures, (2022,))
        write_csv(path, rows=args.rows, agencies=agencies, procedures=codes, seed=args.seed)
        names = UNIFORM_NAMES
    size_mb = path.stat().st_size / 2**20
    vendor = connection.vendor
    if args.write_only:
        write_only(args, path, vendor)
        return

    import contextlib

    clock = StatementClock(args.statements) if args.statements is not None else None
    stages: list[tuple[str, float]] = []
    started = time.perf_counter()
    run = import_create(
        actor=actor, kind=ImportKind.DOSSIERS, file_name=path.name, content=path.read_bytes()
    )
    with connection.execute_wrapper(clock) if clock else contextlib.nullcontext():
        run = import_execute(
            ImportRun.objects.get(pk=run.pk),
            progress=lambda p, stage: stages.append((stage, time.perf_counter() - started)),
        )
    ours = time.perf_counter() - started
    assert run.status == "done", run.errors[:5]
    floor_table(vendor)
    floor = floor_write(vendor, floor_input(vendor))
    bare = bare_load(path, vendor)
    duck = duckdb_load(path, names)
    columnar = columnar_read(path, names)

    marks = {}
    for stage, at in stages:
        marks.setdefault(stage, at)
    print(f"\n{args.rows:,} dossiers ({args.distribution}), {size_mb:.0f} MB CSV, "
          f"database {vendor}".replace(",", "."))  # fmt: skip
    print(f"{'':34}{'seconds':>10}{'rows/s':>12}")
    for label, seconds in [
        ("ours: upload → dashboard", ours),
        ("indexed floor (typed rows)", floor),
        ("bare load (no checks)", bare),
        ("DuckDB load + indicators", duck),
    ]:
        print(f"{label:34}{seconds:10.2f}{args.rows / seconds:12,.0f}")
    print(f"ratio ours / indexed floor: {ours / floor:.2f}×   ours / bare: {ours / bare:.1f}×   "
          f"ours / DuckDB: {ours / duck:.1f}×")  # fmt: skip
    print("stages (s since start):", ", ".join(f"{k} {v:.1f}" for k, v in marks.items()))
    in_run = marks["Ghi dữ liệu"] - marks["Đọc tệp"]
    print(f"read + validate (Đọc tệp → Ghi dữ liệu): {in_run:.2f} s   Polars typed read "
          f"(columnar_read): {columnar:.2f} s   ratio {in_run / columnar:.2f}× "
          "(issue 20: ≤ 2×)")  # fmt: skip
    # The same two side by side, three times in turn: one pair's ratio is not moved by the
    # machine's speed changing between the import and the yardstick.
    pairs = [(read_validate(path), columnar_read(path, names)) for _ in range(3)]
    print("read + validate alone, beside Polars' typed read, in turn: " + ", ".join(
        f"{alone:.2f} s / {typed:.2f} s = {alone / typed:.2f}×" for alone, typed in pairs
    ))  # fmt: skip
    if clock:
        clock.report()


if __name__ == "__main__":
    main()
