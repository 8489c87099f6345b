"""The public CCHC page (issue 18) under 100 concurrent anonymous visitors, measured with `wrk`,
against two baselines in the same run, all served by the same gunicorn as in production:

  static      — a static file (`/static/cchc/public.css`, WhiteNoise): the server's floor;
  uncached    — the home page rendered at every request: the same server restarted with the
                same settings but a dummy cache (`benchmarks/settings_nocache.py`): what the
                cache saves;
  cached      — the home page as visitors get it (`/cong-khai/`), from the page cache.

Goal (issue 18): p95 ≤ 50 ms at 100 concurrent users with 10M dossiers loaded. The public page
reads only releases and their frozen rows, so the dossiers do not enter its cost.

Runs against an existing database (`--database`, e.g. the 10M-dossier PostgreSQL one, after
the reform office published there), or with `--setup` builds a small one first: migrations, the
2022 reference data, three months of real (non-synthetic) snapshots, and a publication of the
plan, its figures, a PAR INDEX ranking, an inspection, a document and a news item through the
portal services (`tests/portal/publishing.py`).

Needs `wrk` (Debian: `apt-get install wrk`; it is a C load generator, one event loop per
thread).

Usage:
  .venv/bin/python benchmarks/public_page.py --setup \\
      --database sqlite:///$PWD/var/bench_public.sqlite3 --users 100 --seconds 30
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8766


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True)
    parser.add_argument("--setup", action="store_true", help="build a small database first")
    parser.add_argument(
        "--publish-bench-copy", action="store_true",
        help="on a benchmark copy of a large database (its name must contain 'bench', e.g. a "
        "copy of incremental_month.py's 10M-dossier history): treat its generated data as real "
        "(it is marked synthetic, which the portal refuses to publish), then publish one of "
        "each kind, the figures through the last month with data; prints how long the figures "
        "took to publish",
    )  # fmt: skip
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument(
        "--think-ms", type=int, default=0,
        help="each user waits this long after an answer before its next request (wrk's "
        "delay()): 0 (default) is a closed loop, every connection always waiting on the "
        "server — a stress test; 1000 models 100 people each opening a page a second",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2,
        help="gunicorn workers (default: one per core)",
    )  # fmt: skip
    return parser.parse_args()


def environment(args) -> dict[str, str]:
    return {
        **os.environ,
        "CCHC_DATABASE_URL": args.database,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "CCHC_SECRET_KEY": "bench-" + "x" * 60,
        "CCHC_ALLOWED_HOSTS": "127.0.0.1",
        "CCHC_SECURE_SSL_REDIRECT": "0",  # plain HTTP on 127.0.0.1, no proxy
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
    }


SETUP = """
import django
django.setup()
from django.core.management import call_command
from cchc.portal.models import Release
call_command("migrate", verbosity=0)
if not Release.objects.exists():
    call_command("load_reference_data", without_reorganisation=True, verbosity=0)
    from tests.factories import make_user
    from tests.portal.publishing import publish_everything
    publish_everything(make_user("bench-vp", "12-SNV", "reform_office"))
print("published:", Release.objects.public().count(), "releases")
"""


PUBLISH_COPY = """
import time
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from cchc.portal.models import PublishedFigure, Release
call_command("migrate", verbosity=0)
if not Release.objects.exists():
    assert "bench" in connection.settings_dict["NAME"], "only on a benchmark copy"
    with connection.cursor() as cursor:  # this copy only: its generated data count as real
        cursor.execute("UPDATE indicators_indicatorsnapshot SET synthetic = false")
        cursor.execute("UPDATE operations_importrun SET synthetic = false")
    from cchc.indicators.dashboard import data_through
    from tests.factories import make_user
    from tests.portal.publishing import publish_everything
    started = time.perf_counter()
    publish_everything(make_user("bench-vp", "12-SNV", "reform_office"),
                       through=data_through(2022), with_snapshots=False)
    print(f"published everything in {time.perf_counter() - started:.1f} s "
          f"({PublishedFigure.objects.count()} frozen figures)")
print("published:", Release.objects.public().count(), "releases")
"""


def setup(env: dict[str, str], script: str = SETUP) -> None:
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)  # noqa: S603


def start_server(args, env: dict[str, str], *, cached: bool = True) -> subprocess.Popen:
    if not cached:
        env = {**env, "DJANGO_SETTINGS_MODULE": "benchmarks.settings_nocache"}
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True)  # noqa: S603 - fixed arguments
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind",
         f"127.0.0.1:{PORT}", "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/cong-khai/", headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            body = response.read().decode()
            if response.status != 200:
                raise SystemExit(f"/cong-khai/ answered {response.status}")
            if "Số liệu đến hết tháng" not in body:
                print("note: no figures are published in this database")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


WRK_SCRIPT = """
local path = "%(path)s"
local threads = {}
bad = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function request()
  return wrk.format("GET", path, {["Host"] = "127.0.0.1"})
end
%(delay)s

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local errors = 0
  for _, thread in ipairs(threads) do errors = errors + thread:get("bad") end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, errors,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def drain() -> None:
    """Wait until the server has worked off the requests a phase left queued (wrk stops
    sending, not the server answering), so they do not delay the next phase."""
    for _ in range(300):
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        connection.request("GET", "/static/cchc/public.css", headers={"Host": "127.0.0.1"})
        connection.getresponse().read()
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.5)


def run_wrk(args, label: str, path: str, *, users: int | None = None) -> str:
    drain()
    users = users or args.users
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        think = args.think_ms if users > 1 else 0
        delay = f"function delay()\n  return {think}\nend\n" if think else ""
        script.write(WRK_SCRIPT % {"path": path, "delay": delay})
        script.flush()
        done = subprocess.run(  # noqa: S603 - Debian's wrk, fixed arguments
            [shutil.which("wrk") or "wrk", "-t", str(min(users, os.cpu_count() or 2)), "-c", str(users),
             "-d", f"{args.seconds}s", "--timeout", "10s", "-s", script.name,
             f"http://127.0.0.1:{PORT}"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"wrk failed: {done.stderr or done.stdout}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    requests, bad, socket_errors, p50, p95, p99 = map(int, line.split()[1:])
    errors = f"   ({bad} not 200, {socket_errors} socket errors)" if bad or socket_errors else ""
    return (f"{label:34}{requests:9}{requests / args.seconds:9.1f}"
            f"{p50 / 1000:9.1f}{p95 / 1000:9.1f}{p99 / 1000:9.1f}{errors}")  # fmt: skip


def main() -> None:
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian, Ubuntu)")
    env = environment(args)
    if args.setup:
        setup(env)
    elif args.publish_bench_copy:
        setup(env, PUBLISH_COPY)
    header = f"{'':34}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    think = f", each waiting {args.think_ms} ms between requests" if args.think_ms else ""
    print(f"{args.users} anonymous connections{think} (wrk, {os.cpu_count()} threads), "
          f"{args.seconds} s each phase, gunicorn {args.workers} workers, "
          f"database {args.database.split('://')[0]}")  # fmt: skip
    rows: dict[int, list[str]] = {args.users: [], 1: []}
    servers = [
        (True, [("baseline: static file", "/static/cchc/public.css"),
                ("home page /cong-khai/ (cached)", "/cong-khai/")]),
        (False, [("baseline: home page, uncached", "/cong-khai/")]),
    ]  # fmt: skip
    for cached, phases in servers:
        server = start_server(args, env, cached=cached)
        try:
            for users in rows:
                for label, path in phases:
                    rows[users].append(run_wrk(args, label, path, users=users))
        finally:
            server.terminate()
            server.wait()
    print(header, *rows[args.users], sep="\n")
    print("one connection (the server's own time per request):")
    print(*rows[1], sep="\n")


if __name__ == "__main__":
    main()
