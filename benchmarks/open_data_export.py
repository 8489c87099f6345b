"""Peak memory and time of the open data's dossier export (`portal.opendata.dossiers`) on a
generated dataset, by chunk size: the streamed export's memory should follow the chunk, not
the year.

    CCHC_DATABASE_URL=sqlite:///var/bench-od.sqlite3 python manage.py migrate
    ... load_reference_data; generate_demo_data --dossiers 1000000
    CCHC_DATABASE_URL=... python benchmarks/open_data_export.py [--chunks 20000 100000 0]
    CCHC_DATABASE_URL=... python benchmarks/open_data_export.py --verify

The demo generator's dossiers are synthetic, and synthetic data are never published: for the
measurement only, inside a transaction rolled back at the end, their import runs are marked
real and a FIGURES release of 2022 through December is recorded directly. Each chunk size runs
in a fresh process (peak RSS, VmHWM, is per process); 0 means the whole year in one chunk, what
an export without streaming would hold. `--verify` instead compares DuckDB's figures from the
exported files with the product's, every agency, indicator and month. Results:
docs/open-data.md, "Measured"."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _verify(out: Path) -> dict:
    """DuckDB's figures from the exported files against the product's (`per_agency`), every
    agency, indicator and month: the differences found, by indicator."""
    import duckdb

    from cchc.indicators.selectors import per_agency
    from cchc.organizations.scope import AgencyScope

    con = duckdb.connect()
    con.execute("SET VARIABLE ho_so = ?", [f"{out}/**/*.parquet"])
    con.execute("SET VARIABLE tu_dien = ?", [f"{out}/tu-dien-du-lieu.json"])
    sql = (ROOT / "docs/open-data/recompute_targets.sql").read_text()
    mine = {(r[0], r[1], r[4]): (r[5], r[6]) for r in con.sql(sql).fetchall() if r[2] == "co_quan"}
    found: dict[str, int] = {}
    checked = 0
    for code in ("ONLINE_DOSSIER_SHARE", "ONLINE_PAYMENT_SHARE", "RESULT_DIGITISATION",
                 "ON_TIME_RATE"):  # fmt: skip
        for month in sorted({k[1] for k in mine}):
            product = {
                r["agency__code"]: (r["n"], r["d"])
                for r in per_agency(
                    code, scope=AgencyScope.everything(), year=month.year, through=month
                )
                if r["d"]
            }
            duck = {k[2]: v for k, v in mine.items() if k[0] == code and k[1] == month}
            checked += len(product)
            found[code] = found.get(code, 0) + len(set(product.items()) ^ set(duck.items()))
    return {"checked": checked, **found}


def measure(chunk: int, verify: bool = False) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from cchc.operations.models import Dossier, ImportRun
    from cchc.plans.models import Plan
    from cchc.portal.models import Release, ReleaseKind
    from cchc.portal.opendata import dossiers

    with transaction.atomic():
        ImportRun.objects.filter(synthetic=True).update(synthetic=False)
        user, _ = get_user_model().objects.get_or_create(username="bench-opendata")
        Release.objects.create(
            kind=ReleaseKind.FIGURES, plan=Plan.objects.get(year=2022), through=date(2022, 12, 1),
            published_at=timezone.now(), published_by=user,
        )  # fmt: skip
        total = Dossier.objects.count()
        with tempfile.TemporaryDirectory() as out:
            before = _rss_kib()
            Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
            started = time.perf_counter()
            rows = dossiers.write_partitions(2022, Path(out), chunk=chunk or 10**8)
            seconds = time.perf_counter() - started
            peak = _peak_kib()
            files = list(Path(out).rglob("*.parquet"))
            size = sum(f.stat().st_size for f in files)
            duck = None
            if verify:
                return {"differences": _verify(Path(out))}
            try:
                import duckdb

                started = time.perf_counter()
                con = duckdb.connect()
                con.execute("SET VARIABLE ho_so = ?", [f"{out}/**/*.parquet"])
                con.execute("SET VARIABLE tu_dien = ?", [f"{out}/tu-dien-du-lieu.json"])
                sql = (ROOT / "docs/open-data/recompute_targets.sql").read_text()
                recomputed = len(con.sql(sql).fetchall())
                duck = {"seconds": round(time.perf_counter() - started, 2), "rows": recomputed}
            except ImportError:
                pass
        transaction.set_rollback(True)
    return {
        "chunk": chunk or "all",
        "dossiers_in_db": total,
        "rows_written": rows,
        "seconds": round(seconds, 1),
        "rss_before_mib": round(before / 1024),
        "peak_rss_mib": round(peak / 1024),
        "peak_above_start_mib": round((peak - before) / 1024),
        "parquet_files": len(files),
        "parquet_mib": round(size / 2**20, 1),
        "duckdb_recompute": duck,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, nargs="+", default=[20_000, 100_000, 0])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--verify", action="store_true",
        help="so sánh số liệu DuckDB tính lại với số liệu của sản phẩm (mọi cơ quan, tháng)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.verify:
        print(json.dumps(measure(50_000, verify=True), default=str))
        return
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return
    for chunk in args.chunks:
        out = subprocess.run(  # noqa: S603 — this script itself, with an integer
            [sys.executable, __file__, "--one", str(chunk)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
