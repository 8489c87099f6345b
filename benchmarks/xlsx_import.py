"""XLSX import of N dossier rows against python-calamine reading the same file alone.

  calamine alone    — CalamineWorkbook → first sheet → to_python()
  read cell by cell — the former reading (python-calamine's cells, one Python value each,
                      gathered into columns), still taken by a sheet the fast path does not
                      cover (a column mixing numbers and text)
  read              — the import engine's read_sheet (ADR 0030: the header found in the
                      sheet's first rows, fastexcel's typed columns, text NFC)
  read + validate   — read_sheet + DossierImporter.parse (cells, duplicates, agencies,
                      procedures, due dates in working days, on-time status)

Usage: .venv/bin/python benchmarks/xlsx_import.py --rows 100000   (scratch SQLite database)
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def build_xlsx(rows: int, agencies: list[str], procedures: list[str], seed: int) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Mã hồ sơ", "Mã thủ tục", "Mã cơ quan", "Kênh thực hiện", "Ngày tiếp nhận",
                  "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái", "Phí, lệ phí"])  # fmt: skip
    start = datetime(2022, 1, 1, 7, 30)
    for i in range(rows):
        received = start + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        finished = received + timedelta(days=rng.randint(0, 20))
        sheet.append([f"X-{i:07d}", procedures[rng.randrange(len(procedures))],
                      agencies[i % len(agencies)], rng.choice([1, 2, 3]), received,
                      received + timedelta(days=15), finished, "Đã giải quyết",
                      rng.choice([0, 50000])])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    path = ROOT / "var" / "bench" / "xlsx.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.environ["CCHC_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    # As deployed: without DEBUG, whose SQL log formats every statement's parameters.
    os.environ.setdefault("CCHC_DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Q
    from python_calamine import CalamineWorkbook

    from cchc.core.tabular.excel import _by_cell as by_cell
    from cchc.core.tabular.sheet import read_sheet
    from cchc.operations.imports.dossiers import DossierImporter
    from cchc.operations.models import Procedure
    from cchc.organizations.models import Agency
    from cchc.organizations.scope import AgencyScope

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    codes = [f"1.{i:06d}" for i in range(2000)]
    Procedure.objects.bulk_create([Procedure(code=c, name=c) for c in codes])
    # Units that existed all through 2022 (the 2025 reorganisation's new ones refuse its dossiers).
    agencies = list(Agency.objects.exclude(level="province")
                    .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=date(2022, 1, 1)))
                    .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date(2022, 12, 31)))
                    .values_list("code", flat=True))  # fmt: skip
    content = build_xlsx(args.rows, agencies, codes, seed=2022)

    started = time.perf_counter()
    CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    alone = time.perf_counter() - started
    importer = DossierImporter(scope=AgencyScope.everything())
    started = time.perf_counter()
    by_cell(content, "hoso.xlsx", importer.header_titles())
    cell_by_cell = time.perf_counter() - started
    started = time.perf_counter()
    sheet = read_sheet(content, "hoso.xlsx", header_names=importer.header_titles())
    read = time.perf_counter() - started
    started = time.perf_counter()
    importer.parse(sheet)
    validate = time.perf_counter() - started

    print(f"\n{args.rows:,} rows, {len(content) / 2**20:.1f} MB XLSX".replace(",", "."))
    print(f"{'':24}{'seconds':>10}{'× calamine':>12}")
    for label, seconds in [
        ("calamine alone", alone),
        ("read cell by cell", cell_by_cell),
        ("read", read),
        ("read + validate", read + validate),
    ]:
        print(f"{label:24}{seconds:10.2f}{seconds / alone:12.2f}")


if __name__ == "__main__":
    main()
