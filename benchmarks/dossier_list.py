"""The dossier list (`/du-lieu/ho-so/`) on a large history: page 1, page 50 and the last
page, with and without filters, keyset paging against the old paging in the same run.

  old — what the list did before issue 17: Django's Paginator over the list ordered by date
        alone, i.e. an exact COUNT(*) of the selection, then LIMIT 50 OFFSET 50·(n−1);
  new — keyset paging (`core.keyset.keyset_page`: the 51 rows after the previous page's last
        key, or the 51 oldest for the last page) and the count stopped early
        (`bounded_count`, at the view's DOSSIER_COUNT_LIMIT); and the whole page through
        Django's test client (session, form and its agencies, rows, count, template).

Each figure is the median of --repeat runs after one warm-up run (the data in memory, as on a
server that has been serving the list); a figure whose warm-up took over 5 s is one more run.

The history: N dossiers written by SQL as `incremental_month.py` writes
them (realistic distribution: each agency its own tier's procedures, a few procedures take
most dossiers; received 01/01/2021–30/11/2022). PostgreSQL: --load N fills an empty
database once; SQLite: --sqlite PATH --copy-from <PostgreSQL URL> copies that history into a
new SQLite file once.

Usage:
  .venv/bin/python benchmarks/dossier_list.py --database postgres://postgres@127.0.0.1:5432/h1 --load 10000000
  .venv/bin/python benchmarks/dossier_list.py --database postgres://postgres@127.0.0.1:5432/h1
  .venv/bin/python benchmarks/dossier_list.py --sqlite var/bench/dossiers.sqlite3 \\
      --copy-from postgres://postgres@127.0.0.1:5432/h1 [--rows 1000000]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")]
PAGE = 50


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", help="PostgreSQL URL of the database to measure")
    parser.add_argument("--load", type=int, help="first fill the (empty) database with N dossiers")
    parser.add_argument("--sqlite", help="path of the SQLite file to measure")
    parser.add_argument("--copy-from", help="PostgreSQL URL to copy the history from into --sqlite")
    parser.add_argument("--rows", type=int, help="with --copy-from: copy only the first N dossiers")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--only", help="measure only the cases whose label contains one of these (comma-separated)"
    )
    args = parser.parse_args()
    if bool(args.database) == bool(args.sqlite):
        parser.error("give --database or --sqlite")
    return args


def setup(url: str) -> None:
    os.environ["CCHC_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("CCHC_DEBUG", "0")  # as deployed: no SQL log
    os.environ["CCHC_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]


def load_postgres(rows: int) -> None:
    """The realistic history of `incremental_month.py`, without its roll-up (the list does
    not read it)."""
    from django.db import connection
    from import_dossiers import prepare_database
    from incremental_month import HISTORIES, POOL_SQL

    from cchc.demo.operations import write_dossier_file
    from cchc.operations.models import Dossier, ImportRun

    if Dossier.objects.exists():
        raise SystemExit("--load wants an empty database")
    started = time.perf_counter()
    actor = prepare_database()
    # Loads the demo's catalogue of 2022 (the dossiers name its procedures); the file is not used.
    catalogue = ROOT / "var" / "bench" / "catalogue-only.csv"
    catalogue.parent.mkdir(parents=True, exist_ok=True)
    write_dossier_file(catalogue, seed=2022, year=2022, dossiers=1000, months={12})
    run = ImportRun.objects.create(kind="dossiers", file_name="history.sql", uploaded_by=actor,
                                   status="done", synthetic=True)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2022)")
        cursor.execute(POOL_SQL)
        cursor.execute(HISTORIES["realistic"], {"n": rows, "run": run.pk})
        cursor.execute("DROP TABLE IF EXISTS bench_pool")
        cursor.execute("ANALYZE")
    print(f"loaded {rows:,} dossiers in {time.perf_counter() - started:.0f} s".replace(",", "."))


DOSSIER_COLUMNS = ("id", "code", "procedure_id", "agency_id", "channel", "received_at", "due_at",
                   "finished_at", "status", "supplement_count", "supplement_days",
                   "finished_on_time", "fee", "paid_online", "result_digitized")  # fmt: skip


def copy_to_sqlite(source: str, limit_rows: int | None = None) -> None:
    """The PostgreSQL history into this (new) SQLite database: the same procedures (same ids),
    agencies matched by code, every dossier (or the first `limit_rows`, by id); the secondary
    indexes dropped during the copy and built after it."""
    from datetime import UTC

    import psycopg
    from django.core.management import call_command
    from django.db import connection, transaction
    from import_dossiers import prepare_database

    from cchc.operations.models import Dossier, ImportRun, Procedure
    from cchc.organizations.models import Agency

    started = time.perf_counter()
    actor = prepare_database()
    call_command("migrate", verbosity=0)
    run = ImportRun.objects.create(kind="dossiers", file_name="history.sql", uploaded_by=actor,
                                   status="done", synthetic=True)  # fmt: skip
    here = dict(Agency.objects.values_list("code", "pk"))
    with psycopg.connect(source) as pg:
        agencies = {pk: here[code] for pk, code in pg.execute(
            "SELECT id, code FROM organizations_agency")}  # fmt: skip
        Procedure.objects.bulk_create(
            Procedure(pk=pk, code=code, name=name, field=field)
            for pk, code, name, field in pg.execute(
                "SELECT id, code, name, field FROM operations_procedure")
        )  # fmt: skip
        table = Dossier._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                           "AND tbl_name = %s AND sql IS NOT NULL", [table])  # fmt: skip
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        columns = ", ".join(DOSSIER_COLUMNS)
        insert = (f"INSERT INTO {table} ({columns}, import_run_id) "
                  f"VALUES ({', '.join(['%s'] * (len(DOSSIER_COLUMNS) + 1))})")  # fmt: skip

        def utc(moment):
            return moment and moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

        copied = 0
        with pg.cursor(name="history") as rows, transaction.atomic():
            rows.itersize = 100_000
            limit = f" LIMIT {int(limit_rows)}" if limit_rows else ""
            rows.execute(f"SELECT {columns} FROM {table} ORDER BY id{limit}")
            batch = []
            for (pk, code, procedure, agency, channel, received, due, finished, status, count,
                 days, on_time, fee, paid, digitised) in rows:  # fmt: skip
                batch.append((pk, code, procedure, agencies[agency], channel, utc(received),
                              utc(due), utc(finished), status, count, days, on_time, int(fee),
                              paid, digitised, run.pk))  # fmt: skip
                if len(batch) == 100_000:
                    with connection.cursor() as cursor:
                        cursor.executemany(insert, batch)
                    copied += len(batch)
                    batch = []
            with connection.cursor() as cursor:
                cursor.executemany(insert, batch)
        copied += len(batch)
    copy_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    print(f"copied {copied:,} dossiers in {copy_seconds:.0f} s, indexes and ANALYZE "
          f"{time.perf_counter() - started - copy_seconds:.0f} s".replace(",", "."))  # fmt: skip


def median_ms(function, repeat: int) -> float:
    started = time.perf_counter()
    function()  # warm-up, not counted
    times = []
    # A figure of seconds (the old last page) is clear enough after one more run.
    for _ in range(repeat if time.perf_counter() - started < 5 else 1):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def cases():
    """(label, user, query) of each list measured: the province's, an agency's opened from
    its drill-down, and the searches a person makes."""
    from django.db.models import Count

    from cchc.operations.models import Dossier, Procedure
    from cchc.organizations.accounts import account_ensure
    from cchc.organizations.models import Agency

    office = account_ensure(username="bench", password="Bench-mark-2022", role="reform_office",
                            agency=Agency.objects.get(code="12-SNV"))[0]  # fmt: skip
    busiest = Dossier.objects.values("agency").annotate(n=Count("pk")).order_by("-n")[0]
    district = Agency.objects.get(pk=busiest["agency"])
    officer = account_ensure(username="bench-huyen", password="Bench-mark-2022",
                             role="agency_officer", agency=district)[0]  # fmt: skip
    department = (Agency.objects.filter(level="department", dossiers__isnull=False)
                  .order_by("code").first())  # fmt: skip
    popular = Procedure.objects.get(
        pk=Dossier.objects.filter(agency=department).values("procedure")
        .annotate(n=Count("pk")).order_by("-n")[0]["procedure"]
    )  # fmt: skip
    rare = Procedure.objects.get(
        pk=Dossier.objects.filter(agency=department).values("procedure")
        .annotate(n=Count("pk")).order_by("n")[0]["procedure"]
    )  # fmt: skip
    code = Dossier.objects.order_by("-pk").values_list("code", flat=True)[1000]
    name_words = " ".join(popular.name.split()[:3])
    return [
        ("tỉnh, không lọc", office, {}),
        ("tỉnh, kênh trực tuyến", office, {"kenh": "2"}),
        (
            "tỉnh, tiếp nhận 03/2022",
            office,
            {"tiep_nhan_tu": "01/03/2022", "tiep_nhan_den": "31/03/2022"},
        ),
        ("một huyện (?co_quan=, drill-down)", office, {"co_quan": district.pk}),
        ("huyện: cán bộ của huyện, không lọc", officer, {}),
        (
            "một sở, kênh trực tuyến, đã giải quyết",
            office,
            {"co_quan": department.pk, "kenh": "2", "trang_thai": "done"},
        ),
        (
            "một sở, thủ tục nhiều hồ sơ (tên)",
            office,
            {"co_quan": department.pk, "thu_tuc": name_words},
        ),
        ("một sở, thủ tục ít hồ sơ (mã)", office, {"co_quan": department.pk, "thu_tuc": rare.code}),
        ("tỉnh, thủ tục ít hồ sơ (mã)", office, {"thu_tuc": rare.code}),
        (f"tỉnh, mã hồ sơ (phần đầu {code[:-2]})", office, {"ma": code[:-2]}),
        ("tỉnh, đã giải quyết năm 2022 (drill-down)", office, {"nam": "2022", "loc": "finished"}),
    ]


def measure(args) -> None:
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client
    from django.test.client import RequestFactory

    from cchc.core.keyset import Cursor, bounded_count, keyset_page
    from cchc.operations import selectors, views
    from cchc.operations.forms import DossierSearchForm
    from cchc.organizations.selectors import agency_tree, scope_for

    print(f"{connection.vendor}, {connection.settings_dict['NAME']}; median of {args.repeat} "
          "runs after a warm-up, milliseconds")  # fmt: skip
    head = (f"{'':44}{'rows':>9} │{'old p.1':>9}{'old p.50':>9}{'old last':>9} │"
            f"{'new p.1':>9}{'new p.50':>9}{'new last':>9} │{'page 1':>8}{'page 50':>8}"
            f"{'last':>8}")  # fmt: skip
    print(" " * 54 + "query: count + rows" + " " * 26 + "whole page (test client)")
    print(head)
    factory = RequestFactory()
    for label, user, query in cases():
        if args.only and not any(part in label for part in args.only.split(",")):
            continue
        request = factory.get("/du-lieu/ho-so/", query)
        request.user = user
        scope = scope_for(user)
        form = DossierSearchForm(request.GET, agencies=agency_tree(scope=scope))
        assert form.is_valid(), form.errors
        selection = form.selection()
        qs = selectors.dossiers(scope=scope, agency_id=form.cleaned_data["co_quan"],
                                search=form.search(), **selection)  # fmt: skip
        by = selectors.dossier_order(selection["counted"])
        old_qs = qs.order_by(f"-{by}")

        def old(number, old_qs=old_qs):
            paginator = Paginator(old_qs, PAGE)
            page = paginator.page(paginator.num_pages if number == "last" else number)
            return list(page.object_list)

        total = qs.count()
        deep = qs[PAGE * 49 - 1 : PAGE * 49] if total > PAGE * 49 else []
        cursor = Cursor(getattr(deep[0], by), deep[0].pk) if deep else None

        def new(where, qs=qs, by=by, cursor=cursor):
            arguments = {"older_than": cursor} if where == 50 else {"last": where == "last"}
            rows = keyset_page(qs, by=by, size=PAGE, **arguments).rows
            bounded_count(qs, views.DOSSIER_COUNT_LIMIT)
            return rows

        client = Client()
        client.force_login(user)
        urls = {1: {}, 50: {"sau": str(cursor)} if cursor else None, "last": {"trang": "cuoi"}}

        def whole(where, client=client, query=query, urls=urls):
            response = client.get("/du-lieu/ho-so/", {**query, **urls[where]})
            assert response.status_code == 200, response.status_code
            return response

        figures = []
        for function in (old, new, whole):
            for where in (1, 50, "last"):
                if where == 50 and cursor is None:
                    figures.append("—")
                    continue
                figures.append(f"{median_ms(lambda f=function, w=where: f(w), args.repeat):.0f}")
        count = f"{total:,}".replace(",", ".")
        row = (f"{label[:43]:44}{count:>9} │{figures[0]:>9}{figures[1]:>9}{figures[2]:>9} │"
               f"{figures[3]:>9}{figures[4]:>9}{figures[5]:>9} │{figures[6]:>8}{figures[7]:>8}"
               f"{figures[8]:>8}")  # fmt: skip
        print(row, flush=True)


def main() -> None:
    args = parse_args()
    if args.sqlite:
        path = Path(args.sqlite)
        if args.copy_from and path.exists():
            raise SystemExit(f"{path} exists: remove it to copy the history again")
        path.parent.mkdir(parents=True, exist_ok=True)
        setup(f"sqlite:///{path.resolve()}")
        if args.copy_from:
            copy_to_sqlite(args.copy_from, args.rows)
    else:
        setup(args.database)
        if args.load:
            load_postgres(args.load)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    measure(args)


if __name__ == "__main__":
    main()
