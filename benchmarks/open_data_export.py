"""Peak memory and time of the open data's dossier export (`portal.opendata.dossiers`) on a
generated dataset, by chunk size: the streamed export's memory should follow the chunk, not
the year.

    CCHC_DATABASE_URL=sqlite:///var/bench-od.sqlite3 python manage.py migrate
    ... load_reference_data; generate_demo_data --dossiers 1000000
    CCHC_DATABASE_URL=... python benchmarks/open_data_export.py [--chunks 20000 100000 0]

The demo generator's dossiers are synthetic, and synthetic data are never published: for the
measurement only, inside a transaction rolled back at the end, their import runs are marked
real and a FIGURES release of 2022 through December is recorded directly. Each chunk size runs
in a fresh process (peak RSS, VmHWM, is per process); 0 means the whole year in one chunk, what
an export without streaming would hold. Results: docs/open-data.md, "Measured"."""

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


def measure(chunk: int) -> dict:
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
    args = parser.parse_args()
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
