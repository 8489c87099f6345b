"""The one-stop system's dossier push (issue 18): a batch of N dossiers (10.000 by default)
POSTed as JSON to /api/v1/dossiers/ with a push token, answered after the write, the roll-up
and the figures — beside, in the same run, the same number of dossiers of the same file
loaded as a CSV through the import page's path (`import_create` + `import_execute`), and the
same batch pushed again (nothing changes). The request goes through Django's test client in
process: no network, the JSON encoding and decoding counted.

Usage (a scratch database is created; the product's own database is not touched):
  .venv/bin/python benchmarks/api_push.py
  .venv/bin/python benchmarks/api_push.py --rows 10000 --postgres postgres://postgres@127.0.0.1:5432/postgres
Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--postgres", help="server URL; a database cchc_bench_push is (re)created")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    from benchmarks.import_dossiers import prepare_database, scratch_database

    args.scratch = "cchc_bench_push"
    os.environ["CCHC_DATABASE_URL"] = scratch_database(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("CCHC_DEBUG", "0")
    os.environ["CCHC_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from cchc.api.tokens import token_issue
    from cchc.demo.operations import write_dossier_file
    from cchc.operations.models import ImportKind
    from cchc.operations.services import import_create, import_execute
    from cchc.organizations.models import Agency

    actor = prepare_database()
    path = ROOT / "var" / "bench" / f"push_{args.rows * 2}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_dossier_file(path, seed=args.seed, year=2022, dossiers=args.rows * 2)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    first, second = rows[: args.rows], rows[args.rows : args.rows * 2]

    # Baseline: the first half as a file, through the import page's path.
    out = ROOT / "var" / "bench" / f"push_file_{args.rows}.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(first)
    started = time.perf_counter()
    run = import_create(actor=actor, kind=ImportKind.DOSSIERS, file_name=out.name,
                        content=out.read_bytes(), queue=False)  # fmt: skip
    run = import_execute(run)
    as_file = time.perf_counter() - started
    assert run.status == "done", run.errors[:3]

    _token, text = token_issue(actor=actor, agency=Agency.objects.get(code="12"),
                               purpose="push_dossiers", name="Benchmark",
                               expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {text}")
    body = json.dumps({"dossiers": second})
    timings = []
    for _attempt in range(2):  # new dossiers, then the same batch again
        started = time.perf_counter()
        response = client.post("/api/v1/dossiers/", body, content_type="application/json")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:500]
    answer = response.json()
    print(f"\n{args.rows:,} dossiers a batch, database {connection.vendor}, "
          f"{len(body) / 2**20:.1f} MB of JSON".replace(",", "."))  # fmt: skip
    print(f"{'':44}{'seconds':>9}")
    print(f"{'file through the import page (baseline)':44}{as_file:9.2f}")
    print(f"{'API push, new dossiers':44}{timings[0]:9.2f}")
    print(
        f"{'API push, the same batch again':44}{timings[1]:9.2f}  ({answer['unchanged']} unchanged)"
    )
    print(f"push / file: {timings[0] / as_file:.2f}×   goal: ≤ 2 s a batch of 10.000 on PostgreSQL")


if __name__ == "__main__":
    main()
