"""Incremental refresh: one more month of dossiers on top of a large history, against the
same month loaded into an empty database, in the same run on the same file (PostgreSQL).

  history — N dossiers (default 10.000.000) received from 01/01/2021 to 30/11/2022 (those
            received before October 2022 all finished, 8% of the later ones still open), written
            straight into the table by SQL (generate_series; this is the "already loaded"
            state, not what is measured), then rolled up and snapshotted like after imports;
  month   — a CSV of M dossiers (default 100.000) received in December 2022, imported with
            `import_execute` (parse, validate, write, roll-up, snapshots) twice: into the
            database holding the history, and into an empty one.
Goal of issue 3: the first within 1,2× of the second.
Beside the seconds of each attempt (and the ratio of the fastest of each side), it prints what
the machine's other work changes little: CPU seconds of the importing process and of the
database server, and the write-ahead log written (MB, full-page images; the server's own
counters, so nothing else may write to it during the run).

Usage:
  .venv/bin/python benchmarks/incremental_month.py --postgres postgres://postgres@127.0.0.1:5432/postgres
  .venv/bin/python benchmarks/incremental_month.py --history 1000000 --postgres …   (quicker)
  … --keep-history --repeat 5   (the history kept as a template database for the next run;
                                 each measured import starts from a fresh copy of it; the
                                 order alternates, after one warm-up import not reported)
Needs requirements/bench.txt. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")]

from import_dossiers import prepare_database, uniform_catalogue, write_csv  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--history", type=int, default=10_000_000)
    parser.add_argument("--month", type=int, default=100_000)
    parser.add_argument("--procedures", type=int, default=2_000)
    parser.add_argument("--postgres", required=True, help="server URL (databases are recreated)")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument(
        "--distribution",
        choices=["realistic", "uniform"],
        default="realistic",
        help="realistic (default): the demo's catalogue; each agency handles its own tier's "
        "procedures, a few of them take most dossiers (history and month alike); uniform: "
        "agency and procedure drawn uniformly (the only file before the fourth session of 29/11/2026)",
    )
    parser.add_argument(
        "--keep-history",
        action="store_true",
        help="keep the loaded history as a template database and start from a copy of it on "
        "the next run with the same --history and --seed (migrations applied to the copy)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="import the month this many times into fresh copies"
    )
    return parser.parse_args()


def database_url(server: str, name: str) -> str:
    return server.rsplit("/", 1)[0] + "/" + name


def server_execute(server: str, *statements: str) -> list:
    """Run `statements` outside a transaction (databases are created and dropped); returns the
    rows of the last one, if it has any."""
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        for sql in statements:
            cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def recreate(server: str, name: str, template: str | None = None) -> str:
    create = f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
    # FORCE: a connection closed a moment ago may still be leaving the server.
    server_execute(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", create)
    return database_url(server, name)


def prepare(args, month_file: Path):
    """Schema, reference data, an importing account (returned), the procedure catalogue and
    the month's file (written anew: the same seed gives the same file)."""
    from cchc.demo.operations import write_dossier_file

    actor = prepare_database()
    if args.distribution == "realistic":
        write_dossier_file(month_file, seed=args.seed, year=2022, dossiers=args.month, months={12})
        return actor
    codes, agencies = uniform_catalogue(args.procedures, (2021, 2022))
    write_csv(month_file, rows=args.month, agencies=agencies, procedures=codes, seed=args.seed,
              start=datetime(2022, 12, 1, 7, 30), days=30)  # fmt: skip
    return actor


# The realistic history's procedures: each agency draws from its own tier's procedures (a
# department from its share of the province tier's), ranked in one shuffled order per tier;
# rank r is drawn with probability about 1/r, as the demo generator's Zipf-like pools.
POOL_SQL = """
CREATE TABLE bench_pool AS
WITH tiers AS (
  SELECT p.id, s.authority_tier AS tier,
         row_number() OVER (PARTITION BY s.authority_tier ORDER BY md5(p.code)) AS k
  FROM operations_procedure p
  JOIN operations_proceduresnapshot s ON s.procedure_id = p.id AND s.year = 2022
), agencies AS (
  SELECT id, level, row_number() OVER (PARTITION BY level ORDER BY code) - 1 AS d,
         count(*) OVER (PARTITION BY level) AS n
  FROM organizations_agency WHERE level <> 'province'
)
SELECT a.id AS agency_id,
       row_number() OVER (PARTITION BY a.id ORDER BY md5(t.id::text)) AS rank,
       t.id AS procedure_id
FROM agencies a JOIN tiers t
  ON (a.level = 'department' AND t.tier = 'province' AND t.k % a.n = a.d)
  OR (a.level IN ('district', 'commune') AND t.tier = a.level)
"""

# The history: %(n)s dossiers received between 01/01/2021 and 30/11/2022, written by SQL.
# `draws` (CTEs ending with g, a row per dossier), `procedure` and `agency` and `source` are
# the distribution's; the rest is common.
HISTORY_SQL = """
WITH {draws}
INSERT INTO operations_dossier (code, procedure_id, agency_id, channel, received_at, due_at,
    finished_at, status, supplement_count, supplement_days, finished_on_time, fee, paid_online,
    result_digitized, import_run_id)
SELECT 'H' || g.i, {procedure}, {agency},
       CASE WHEN g.r_misc < 0.3 THEN 2 ELSE 1 END,
       g.received,
       g.received + (1 + floor(g.r_due * 20)) * interval '1 day',
       CASE WHEN (g.r_finish < 0.92 OR g.received < timestamptz '2022-10-01 00:00+07') THEN g.received + floor(g.r_days * 26) * interval '1 day' END,
       CASE WHEN (g.r_finish < 0.92 OR g.received < timestamptz '2022-10-01 00:00+07') THEN 'done' ELSE 'processing' END,
       0, 0,
       CASE WHEN (g.r_finish < 0.92 OR g.received < timestamptz '2022-10-01 00:00+07') THEN floor(g.r_days * 26) <= 1 + floor(g.r_due * 20) END,
       CASE WHEN g.r_misc < 0.4 THEN 50000 ELSE 0 END,
       g.r_misc < 0.2, g.r_misc < 0.25, %(run)s
FROM {source}
"""
DRAWS = """timestamptz '2021-01-01 07:30+07' + random() * interval '698 days' AS received,
              random() AS r_finish, random() AS r_days, random() AS r_due, random() AS r_misc"""
HISTORIES = {
    # Every procedure and agency in turn.
    "uniform": HISTORY_SQL.format(
        draws=f"""p AS (SELECT array_agg(id ORDER BY id) AS ids FROM operations_procedure),
     a AS (SELECT array_agg(id ORDER BY id) AS ids FROM organizations_agency
           WHERE level <> 'province'),
     g AS (SELECT i, {DRAWS} FROM generate_series(1, %(n)s) AS i)""",
        procedure="p.ids[1 + (g.i::bigint * 7919) %% array_length(p.ids, 1)]",
        agency="a.ids[1 + g.i %% array_length(a.ids, 1)]",
        source="g, p, a",
    ),
    # Agencies weighted as the demo generator weighs them (a district 9, a department 5, a
    # commune 1), each drawing from its pool (POOL_SQL).
    "realistic": HISTORY_SQL.format(
        draws=f"""a AS (
       SELECT array_agg(id ORDER BY id, copy) AS ids
       FROM organizations_agency,
            generate_series(1, CASE level WHEN 'district' THEN 9 WHEN 'department' THEN 5
                                          ELSE 1 END) AS copy
       WHERE level <> 'province'),
     sizes AS (SELECT agency_id, max(rank) AS n FROM bench_pool GROUP BY agency_id),
     g AS (SELECT i, a.ids[1 + floor(random() * array_length(a.ids, 1))::int] AS agency_id,
                  random() AS r_rank, {DRAWS}
           FROM generate_series(1, %(n)s) AS i, a)""",
        procedure="pool.procedure_id",
        agency="g.agency_id",
        source="""g JOIN sizes ON sizes.agency_id = g.agency_id
JOIN bench_pool pool ON pool.agency_id = g.agency_id
                    AND pool.rank = floor(power(sizes.n + 1, g.r_rank))::int""",
    ),
}


def load_history(args, actor) -> float:
    """The history written by SQL, then rolled up and snapshotted for 2021 and 2022."""
    from django.db import connection

    from cchc.indicators.services import snapshots_refresh
    from cchc.operations.models import ImportRun
    from cchc.operations.rollups import rollup_rebuild

    run = ImportRun.objects.create(kind="dossiers", file_name="history.sql", uploaded_by=actor,
                                   status="done", synthetic=True)  # fmt: skip
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2022)")
        if args.distribution == "realistic":
            cursor.execute(POOL_SQL)
        cursor.execute(HISTORIES[args.distribution], {"n": args.history, "run": run.pk})
        cursor.execute("DROP TABLE IF EXISTS bench_pool")
        cursor.execute("ANALYZE operations_dossier")
    inserted = time.perf_counter() - started
    rollup_rebuild(run=run)
    snapshots_refresh(agency_ids=None, years=[2021, 2022])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = time.perf_counter() - started
    rows = f"{args.history:,}".replace(",", ".")
    print(f"history: {rows} rows inserted in {inserted:.0f} s, "
          f"with roll-up and snapshots {total:.0f} s")  # fmt: skip
    return total


class Counted:
    """What an import costs that the machine's other work does not change much, beside its
    seconds (which, on a shared machine, vary by a third from one attempt to the next): the
    CPU seconds of the importing process and of its database server's processes (its backend,
    and the parallel workers that ended meanwhile, counted by the server's main process), and
    the write-ahead log written meanwhile (pg_stat_wal: the whole server's, so nothing else
    may write to it during the run). CPU seconds are read in /proc: only when the server runs
    on this machine; otherwise they are left out."""

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]
        self.main = _server_main_pid()
        self.start = self._read()

    def _read(self) -> dict[str, float]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT wal_fpi, wal_bytes FROM pg_stat_wal")
            fpi, wal = cursor.fetchone()
        values = {"process": time.process_time(), "fpi": float(fpi), "wal": float(wal)}
        if self.main is not None:
            values["server"] = _cpu(self.backend, own=True) + _cpu(self.main, own=False)
        return values

    def stop(self) -> dict[str, float]:
        end = self._read()
        return {key: end[key] - self.start[key] for key in end}


def _server_main_pid() -> int | None:
    """The database server's main process, when it runs on this machine (its data
    directory's postmaster.pid), else None."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        try:
            cursor.execute("SHOW data_directory")
        except DatabaseError:  # not allowed to read it (not a superuser): not counted
            return None
        pid_file = Path(cursor.fetchone()[0]) / "postmaster.pid"
    try:
        return int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _cpu(pid: int, *, own: bool) -> float:
    """CPU seconds of process `pid` (own: its own user + system time; else: that of its
    children that ended and were waited for)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the name: state is field 3; utime, stime, cutime, cstime are fields 14–17.
    first = 14 if own else 16
    return (int(fields[first - 3]) + int(fields[first - 2])) / os.sysconf("SC_CLK_TCK")


def import_month(actor, path: Path) -> tuple[float, dict[str, float], int, dict[str, float]]:
    from cchc.operations.models import ImportKind, ImportRun
    from cchc.operations.services import import_create, import_execute

    marks: dict[str, float] = {}
    counted = Counted()
    started = time.perf_counter()
    run = import_create(
        actor=actor, kind=ImportKind.DOSSIERS, file_name=path.name, content=path.read_bytes()
    )
    run = import_execute(
        ImportRun.objects.get(pk=run.pk),
        progress=lambda p, stage: marks.setdefault(stage, time.perf_counter() - started),
    )
    seconds = time.perf_counter() - started
    assert run.status == "done", run.errors[:5]
    return seconds, marks, run.pk, counted.stop()


def full_recompute(run_pk: int) -> tuple[float, int, int]:
    """The previous way, for comparison in the same run: recompute from all dossiers the
    roll-up of every agency and month the import touched (it finds nothing left to change)."""
    from django.db import transaction

    from cchc.operations.models import DossierMonthly, ImportRun
    from cchc.operations.rollups import horizon, rollup_months

    touched = DossierMonthly.objects.filter(import_run_id=run_pk)
    agency_ids = set(touched.values_list("agency_id", flat=True).distinct())
    months = set(touched.values_list("month", flat=True).distinct())
    started = time.perf_counter()
    with transaction.atomic():
        rollup_months(agency_ids=agency_ids, months=months, run=ImportRun.objects.get(pk=run_pk),
                      open_until=horizon())  # fmt: skip
    return time.perf_counter() - started, len(agency_ids), len(months)


def switch(url: str) -> None:
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = url.rsplit("/", 1)[1]


def history_base(args) -> tuple[str, bool]:
    """The database holding the loaded history, which each measured run copies; True when
    it was kept from an earlier run with the same size and seed."""
    name = f"cchc_bench_base_{args.history}_{args.seed}_{args.distribution}"
    rows = server_execute(
        args.postgres,
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'",
    )
    if args.keep_history and rows and rows[0][0] == "complete":
        return name, True
    recreate(args.postgres, name)
    return name, False


def copy_of(args, base: str, name: str) -> str:
    from django.db import connections

    connections.close_all()  # a template database must have no connections
    return recreate(args.postgres, name, template=base)


def settle(args) -> None:
    """Before each measured import: write out what earlier steps left in memory (the copy of
    several GB of history, the migration), so that neither import pays for them."""
    server_execute(args.postgres, "CHECKPOINT")
    os.sync()


def main() -> None:
    args = parse_args()
    base, kept = history_base(args)
    os.environ["CCHC_DATABASE_URL"] = database_url(args.postgres, base)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    # As deployed: without DEBUG, whose SQL log formats every statement's parameters.
    os.environ.setdefault("CCHC_DEBUG", "0")
    os.environ["CCHC_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    path = ROOT / "var" / "bench" / f"december_{args.month}_{args.distribution}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if kept:
        print(f"history: the copy kept in {base}")
    else:
        actor = prepare(args, path)
        load_history(args, actor)
        switch(args.postgres)
        server_execute(args.postgres, f"COMMENT ON DATABASE {base} IS 'complete'")
    switch(database_url(args.postgres, base))

    def into_history(first: bool):
        switch(copy_of(args, base, "cchc_bench_history"))
        call_command("migrate", verbosity=0)  # the copy may predate this code's migrations
        actor = get_user_model().objects.get(username="bench")
        settle(args)
        seconds, marks, run_pk, counted = import_month(actor, path)
        return seconds, marks, counted, full_recompute(run_pk) if first else None

    def into_empty():
        switch(recreate(args.postgres, "cchc_bench_empty"))
        actor = prepare(args, path)  # the same file again, and the catalogue it names
        settle(args)
        seconds, marks, _run_pk, counted = import_month(actor, path)
        return seconds, marks, counted

    # The first import in a process pays for what is loaded once (modules, the working-day
    # calendar, compiled queries): a warm-up import, not reported, so that neither does.
    into_empty()
    results = []
    counts: list[tuple[dict[str, float], dict[str, float]]] = []
    for attempt in range(args.repeat):
        # Alternating which goes first, so that neither always follows the other.
        if attempt % 2 == 0:
            on_history, marks_history, counted_history, recompute = into_history(attempt == 0)
            on_empty, marks_empty, counted_empty = into_empty()
        else:
            on_empty, marks_empty, counted_empty = into_empty()
            on_history, marks_history, counted_history, recompute = into_history(False)
        results.append((on_empty, on_history, marks_empty, marks_history, recompute))
        counts.append((counted_empty, counted_history))
    switch(args.postgres)
    if not args.keep_history:
        server_execute(args.postgres, f"DROP DATABASE {base}")

    print(f"\none month ({args.month:,} dossiers) on PostgreSQL".replace(",", "."))
    for on_empty, on_history, marks_empty, marks_history, recompute in results:
        print(f"  into an empty database:           {on_empty:8.1f} s")
        print(f"  on top of {args.history:>12,} dossiers: {on_history:8.1f} s".replace(",", "."))
        print(f"  ratio: {on_history / on_empty:.2f}×  (goal ≤ 1,2×)")
        if recompute:
            seconds, n_agencies, n_months = recompute
            print(f"  full recompute of the {n_agencies} agencies × {n_months} months it "
                  f"touched, on the history (the way before the delta roll-up): {seconds:.1f} s")  # fmt: skip
        for label, marks in (("empty", marks_empty), ("history", marks_history)):
            print(f"  stages, {label} (s since start):",
                  ", ".join(f"{k} {v:.1f}" for k, v in marks.items()))  # fmt: skip
    ratios = sorted(on_history / on_empty for on_empty, on_history, *_rest in results)
    print(f"median ratio of {len(ratios)}: {statistics.median(ratios):.2f}×  "
          f"(min {ratios[0]:.2f}×, max {ratios[-1]:.2f}×)")  # fmt: skip
    fastest_empty = min(on_empty for on_empty, *_rest in results)
    fastest_history = min(on_history for _empty, on_history, *_rest in results)
    print(f"fastest of each: {fastest_empty:.2f} s and {fastest_history:.2f} s, "
          f"ratio {fastest_history / fastest_empty:.2f}×")  # fmt: skip
    print_counted(counts)


COUNTED = (
    ("process", "CPU s, importing process", 1.0),
    ("server", "CPU s, database server", 1.0),
    ("wal", "WAL written, MB", 1e6),
    ("fpi", "full-page images in the WAL", 1.0),
)


def print_counted(counts: list[tuple[dict[str, float], dict[str, float]]]) -> None:
    """Per measure: each attempt's empty → history figures, and the median ratio."""
    print("counted (each attempt: empty → history; median ratio):")
    for key, label, unit in COUNTED:
        if any(key not in side for pair in counts for side in pair):
            print(f"  {label}: not counted (the server is not on this machine)")
            continue
        pairs = [(empty[key] / unit, history[key] / unit) for empty, history in counts]
        places = 0 if key == "fpi" else 2
        shown = "  ".join(f"{e:.{places}f}→{h:.{places}f}" for e, h in pairs)
        ratios = [h / e for e, h in pairs if e]
        median = f"{statistics.median(ratios):.2f}×" if ratios else "—"
        print(f"  {label}: {shown}   ({median})")


if __name__ == "__main__":
    main()
