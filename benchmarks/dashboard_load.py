"""The targets dashboard and its data pages under concurrent users, against a baseline page
in the same run (the login page: no database work), served by gunicorn as in production.

Runs against an existing PostgreSQL database that holds the plan, snapshots and dossiers —
e.g. the one `incremental_month.py` leaves behind (`cchc_bench_history`, 10 million dossiers,
account bench / Bench-mark-2022). Each simulated user logs in once, then requests the pages in
a loop for --seconds; latencies are measured at the client (127.0.0.1).

Two load generators, each with its baseline phase:
  python — 50 threads of this script (http.client), one per user: simple, but the threads share
           one interpreter lock and the machine's cores with the server, so their own waiting
           is part of the latencies they measure;
  wrk    — Debian's `wrk` (C, one event loop per core): 50 connections, each request carrying
           one of the 50 users' session cookies in turn (`apt-get install wrk`).
--client both (the default when wrk is installed) runs python then wrk.

Usage:
  .venv/bin/python benchmarks/dashboard_load.py \\
      --database postgres://postgres@127.0.0.1:5432/cchc_bench_history --users 50
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="gunicorn workers (default: one per core)",
    )
    parser.add_argument(
        "--client",
        choices=["both", "python", "wrk"],
        default="both" if shutil.which("wrk") else "python",
        help="load generator (default: both when wrk is installed)",
    )
    parser.add_argument("--username", default="bench")
    parser.add_argument("--password", default="Bench-mark-2022")
    return parser.parse_args()


def start_server(args) -> subprocess.Popen:
    env = {
        **os.environ,
        "CCHC_DATABASE_URL": args.database,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "CCHC_SECRET_KEY": "bench-" + "x" * 60,
        "CCHC_ALLOWED_HOSTS": "127.0.0.1",
        "CCHC_SECURE_SSL_REDIRECT": "0",  # plain HTTP on 127.0.0.1, no proxy
        "CCHC_AXES_FAILURE_LIMIT": "1000",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
    }
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True)  # noqa: S603 - fixed arguments
    server = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind",
         f"127.0.0.1:{PORT}", "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


class Client:
    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Host": "127.0.0.1"}  # fmt: skip
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{PORT}{path}"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, data

    def login(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/tai-khoan/dang-nhap/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()
        body = urlencode({"username": username, "password": password,
                          "csrfmiddlewaretoken": token})  # fmt: skip
        status, _ = self.request("POST", "/tai-khoan/dang-nhap/", body)
        if status != 302:
            raise SystemExit(f"login failed ({status})")


def pages(client: Client) -> list[str]:
    """The dashboard and every target detail page it links to."""
    _, body = client.request("GET", "/chi-tieu/")
    details = sorted(set(re.findall(rb'href="(/chi-tieu/\d+/)[?"]', body)))
    return ["/chi-tieu/", *(d.decode() for d in details)]


def run_users(args, paths: list[str] | None, baseline: bool) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + args.seconds

    def user(index: int) -> None:
        client = Client()
        if not baseline:
            client.login(args.username, args.password)
        mine = ["/tai-khoan/dang-nhap/"] if baseline else paths
        i = index
        while time.perf_counter() < stop:
            path = mine[i % len(mine)]
            i += 1
            started = time.perf_counter()
            status, _ = client.request("GET", path)
            elapsed = time.perf_counter() - started
            with lock:
                if status != 200:
                    errors.append(f"{path}: {status}")
                timings.setdefault("/chi-tieu/<pk>/" if path.count("/") > 2 and not baseline
                                   else path, []).append(elapsed)  # fmt: skip

    threads = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  {len(errors)} errors, e.g. {errors[:3]}")
    return timings


def summary(label: str, values: list[float], seconds: int) -> str:
    ordered = sorted(values)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] * 1000
    p99 = ordered[int(0.99 * (len(ordered) - 1))] * 1000
    return (f"{label:28}{len(values):8}{len(values) / seconds:9.1f}"
            f"{statistics.median(ordered) * 1000:9.0f}{p95:9.0f}{p99:9.0f}")  # fmt: skip


WRK_SCRIPT = """
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local threads = {}
local n = 0
bad = 0  -- global: done() reads it from each thread

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  n = id * 7
end

function request()
  n = n + 1
  local headers = {["Host"] = "127.0.0.1"}
  if #cookies > 0 then headers["Cookie"] = cookies[(n %% #cookies) + 1] end
  return wrk.format("GET", paths[(n %% #paths) + 1], headers)
end

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


def run_wrk(args, paths: list[str], cookies: list[str]) -> str:
    """One phase under wrk; the summary line of the table."""
    quoted = ", ".join(f'"{p}"' for p in paths)
    jar = ", ".join(f'"{c}"' for c in cookies)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % {"paths": quoted, "cookies": jar})
        script.flush()
        done = subprocess.run(  # noqa: S603 - Debian's wrk, fixed arguments
            [shutil.which("wrk") or "wrk", "-t", str(os.cpu_count() or 2), "-c", str(args.users),
             "-d", f"{args.seconds}s", "--timeout", "10s", "-s", script.name,
             f"http://127.0.0.1:{PORT}"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"wrk failed: {done.stderr or done.stdout}")
    out = done.stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, bad, socket_errors, p50, p95, p99 = map(int, line.split()[1:])
    label = "all dashboard pages" if cookies else f"baseline {paths[0]}"
    errors = f"   ({bad} not 200, {socket_errors} socket errors)" if bad or socket_errors else ""
    return (f"{label:28}{requests:8}{requests / args.seconds:9.1f}"
            f"{p50 / 1000:9.0f}{p95 / 1000:9.0f}{p99 / 1000:9.0f}{errors}")  # fmt: skip


def main() -> None:
    args = parse_args()
    server = start_server(args)
    try:
        probe = Client()
        probe.login(args.username, args.password)
        paths = pages(probe)
        print(f"{args.users} users, {args.seconds} s each phase, gunicorn {args.workers} workers; "
              f"{len(paths)} pages")  # fmt: skip
        header = f"{'':28}{'requests':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        if args.client in ("both", "python"):
            print("load generator: python threads")
            print(header)
            base = run_users(args, None, baseline=True)
            for label, values in base.items():
                print(summary(f"baseline {label}", values, args.seconds))
            timings = run_users(args, paths, baseline=False)
            every = [v for values in timings.values() for v in values]
            for label, values in sorted(timings.items()):
                print(summary(label, values, args.seconds))
            print(summary("all dashboard pages", every, args.seconds))
        if args.client in ("both", "wrk"):
            cookies = []
            for _ in range(args.users):  # each user's own session, as with the threads
                client = Client()
                client.login(args.username, args.password)
                cookies.append("; ".join(f"{k}={v}" for k, v in client.cookies.items()))
            print("load generator: wrk")
            print(header)
            print(run_wrk(args, ["/tai-khoan/dang-nhap/"], []), flush=True)
            print(run_wrk(args, paths, cookies), flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
