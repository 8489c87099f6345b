"""Upload-to-dashboard for N dossiers, measured beside two baselines in the same run on the
same generated file:

  ours   — import_execute: read, parse and validate every row, write (upsert), roll up per
           agency × procedure × month, refresh the indicator snapshots;
  bare   — the same CSV loaded into an unindexed table with no checks
           (SQLite: executemany in one transaction; PostgreSQL: COPY);
  duckdb — DuckDB reading the same CSV and computing the same per-agency monthly counts.

Usage (a scratch database is created; the product's own database is not touched):
  .venv/bin/python benchmarks/import_dossiers.py --rows 100000
  .venv/bin/python benchmarks/import_dossiers.py --rows 1000000 --postgres postgres://postgres@127.0.0.1:5432/postgres
Needs `pip install -r requirements/bench.txt` (DuckDB). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
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
    return parser.parse_args()


def scratch_database(args) -> str:
    if args.postgres:
        import psycopg

        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS cchc_bench")
            conn.execute("CREATE DATABASE cchc_bench")
        return args.postgres.rsplit("/", 1)[0] + "/cchc_bench"
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
        from cchc.operations.synthetic import write_dossier_file

        write_dossier_file(path, seed=args.seed, year=2022, dossiers=args.rows)
        names = REALISTIC_NAMES
    else:
        codes, agencies = uniform_catalogue(args.procedures, (2022,))
        write_csv(path, rows=args.rows, agencies=agencies, procedures=codes, seed=args.seed)
        names = UNIFORM_NAMES
    size_mb = path.stat().st_size / 2**20
    vendor = connection.vendor

    stages: list[tuple[str, float]] = []
    started = time.perf_counter()
    run = import_create(
        actor=actor, kind=ImportKind.DOSSIERS, file_name=path.name, content=path.read_bytes()
    )
    run = import_execute(
        ImportRun.objects.get(pk=run.pk),
        progress=lambda p, stage: stages.append((stage, time.perf_counter() - started)),
    )
    ours = time.perf_counter() - started
    assert run.status == "done", run.errors[:5]
    bare = bare_load(path, vendor)
    duck = duckdb_load(path, names)

    marks = {}
    for stage, at in stages:
        marks.setdefault(stage, at)
    print(f"\n{args.rows:,} dossiers ({args.distribution}), {size_mb:.0f} MB CSV, "
          f"database {vendor}".replace(",", "."))  # fmt: skip
    print(f"{'':34}{'seconds':>10}{'rows/s':>12}")
    for label, seconds in [
        ("ours: upload → dashboard", ours),
        ("bare load (no checks)", bare),
        ("DuckDB load + indicators", duck),
    ]:
        print(f"{label:34}{seconds:10.1f}{args.rows / seconds:12,.0f}")
    print(f"ratio ours / bare: {ours / bare:.1f}×   ours / DuckDB: {ours / duck:.1f}×")
    print("stages (s since start):", ", ".join(f"{k} {v:.1f}" for k, v in marks.items()))


if __name__ == "__main__":
    main()
