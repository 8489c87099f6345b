"""Reading and typing the dossier file by column (Polars, pyarrow) against today's path,
on the same generated province-shaped file, in one run (issue 20, choosing the library).

  today    — the import engine (issue 20): `read_sheet` + `parse_sheet` (reading and typing by
             column with Polars, the cell parsers for the cells the vector forms leave) +
             the dossier import's duplicate-code check; `resolve` (agencies, procedures:
             the database) is left out of every path (until 06/12/2026 "today" was the
             former per-cell path);
  polars   — read_csv all-text (UTF-8 BOM and the separator detected), NFC, then each
             column typed by vectorised expressions; a non-blank cell they do not accept
             goes to today's cell parser (fields.py), which accepts it (a rare shape) or
             words the error, so errors keep their row, column and Vietnamese message;
  pyarrow  — the same with pyarrow.csv + pyarrow.compute;
  XLSX     — a 100,000-row .xlsx of the same rows: python-calamine alone (the floor),
             today's read_table + parsing, Polars read_excel(engine="calamine") and
             fastexcel → Arrow (both python-calamine's Rust library) + the same typing.

Each measurement runs in a fresh process (`--child`); its figures are wall seconds of the
read + type stage and the process's peak resident memory (/proc/self/status VmHWM), printed
with the resident memory it had before the stage began (interpreter, Django, the library).
Before timing, every path types a sample of the big file plus hand-made awkward rows
(other date formats, "1.234", "1,5", NFD text, duplicates, bad values) and the script
asserts that Polars and pyarrow give today's values and today's errors (row, column,
message).

Usage (the file is made once in var/bench/ with a scratch SQLite database, as
benchmarks/import_dossiers.py makes it):
  .venv-bench/bin/python benchmarks/columnar_read.py --rows 1000000 --xlsx-rows 100000 --repeat 3
Needs `pip install -r requirements/bench.txt` (Polars, pyarrow, fastexcel).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
BENCH = ROOT / "var" / "bench"

# The dossier file's columns by key: how each is typed. Titles and aliases come from
# DossierImporter.columns, the cell parsers from fields.py (the fallback and the messages).
KINDS = {
    "code": ("text", 64),
    "procedure": ("text", 10_000),
    "agency": ("text", 10_000),
    "channel": ("choice", "channel"),
    "received_at": ("datetime", None),
    "due_at": ("datetime", None),
    "finished_at": ("datetime", None),
    "status": ("choice", "status"),
    "supplement_count": ("integer", 32_767),
    "supplement_days": ("integer", 32_767),
    "fee": ("money", 10**14),
    "paid_online": ("boolean", None),
    "result_digitized": ("boolean", None),
}
FAST_DATETIME = "%d/%m/%Y %H:%M"  # nearly every cell of a Vietnamese export
# Digits, or vi-VN thousands ("1.234.567"); at most 18 digits so that Int64 holds them.
WHOLE = r"^(?:\d{1,18}|[1-9]\d{0,2}(?:\.\d{3}){1,5})$"
ZONE = "Asia/Ho_Chi_Minh"
STAGES: dict[str, float] = {}  # seconds of the typing by kind of column, in a child


def setup_django() -> None:
    os.environ["CCHC_DATABASE_URL"] = f"sqlite:///{BENCH / 'columnar.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("CCHC_DEBUG", "0")
    import django

    django.setup()


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    """The process's peak resident memory (VmHWM: unlike getrusage's ru_maxrss it starts
    afresh at exec, so a child does not inherit the parent's peak)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


# --- the spec, shared by every path -------------------------------------------------------
def spec():
    """[(key, title, required, kind, arg, cell parser)] and the header names."""
    from cchc.core.tabular.cells import DATETIME_FORMATS, FALSE_WORDS, TRUE_WORDS
    from cchc.core.tabular.columns import column_names
    from cchc.operations.imports.dossiers import CHANNEL_WORDS, STATUS_WORDS, DossierImporter

    mappings = {
        "channel": {k.lower(): int(v) for k, v in CHANNEL_WORDS.items()},
        "status": {str(k).lower(): str(v) for k, v in STATUS_WORDS.items()},
        "boolean": {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS - {""}, False)},
    }
    columns = [
        (c.key, c.title, c.required, *KINDS[c.key], c.parse) for c in DossierImporter.columns
    ]
    return columns, column_names(DossierImporter.columns), mappings, DATETIME_FORMATS


def python_cell(parse, raw: str):
    """Today's cell parser on one cell the vectorised path left: (ok, value or message)."""
    from cchc.core.tabular.parse import _cell

    class _Column:  # what the engine's `_cell` reads of a Column
        required = True

    _Column.parse = staticmethod(parse)
    return _cell(_Column, raw)


def plain(value):
    """A typed value as the comparison sees it: Decimal → int, enums → their value."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    return value


# --- today's path: the import engine -------------------------------------------------------
def today(content: bytes, name: str):
    """(the typed columns, `Parsed`; errors as (line, title, message)), before `resolve`: the
    import engine's reading and typing by column (`read_sheet`, `parse_sheet`, ADR 0019) and
    the duplicate-code check, as the dossier import runs them. (Until issue 20 this was the
    former per-cell path, kept as the tests' reference in tests/tabular_reference.py.)"""
    from cchc.core.tabular.parse import parse_sheet
    from cchc.core.tabular.sheet import read_sheet
    from cchc.operations.imports.dossiers import DossierImporter

    importer = DossierImporter(scope=None)
    sheet = read_sheet(content, name, header_names=DossierImporter.header_titles())
    parsed = parse_sheet(sheet, importer.columns)
    errors = list(parsed.errors) + importer._duplicate_codes(parsed.frame)
    return parsed, [(e.row, e.column, e.message) for e in errors]


# --- Polars -------------------------------------------------------------------------------
def polars_read_csv(path: Path):
    import polars as pl

    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8-sig")
    separator = max([",", ";", "\t"], key=first.count)
    # Polars skips a UTF-8 BOM itself; every column as text.
    return pl.read_csv(path, separator=separator, infer_schema=False, encoding="utf8")


def polars_read_xlsx(path: Path):
    import polars as pl

    return pl.read_excel(path, engine="calamine", infer_schema_length=0)


def polars_type(frame, header_line: int = 1):
    """(typed DataFrame in the spec's keys, errors, cells handed to the cell parser)."""
    import polars as pl

    from cchc.core.tabular.reading import map_header

    columns, names, mappings, formats = spec()
    positions, repeated = map_header(list(frame.columns), names)
    assert not repeated
    first_line = header_line + 1
    out, errors, fallback = {}, [], 0
    for key, title, required, kind, arg, parse in columns:
        clock = time.perf_counter()
        if key not in positions:
            out[key] = pl.repeat(None, frame.height, eager=True)
            continue
        raw = frame.get_column(frame.columns[positions[key]])
        if raw.dtype != pl.String:
            raw = raw.cast(pl.String)
        # NFC only where a column has non-ASCII text (most are codes, digits and dates).
        text = raw.fill_null("")
        if text.str.contains(r"[^\x00-\x7f]").any():
            text = text.str.normalize("NFC").str.replace_all("\u00a0", " ", literal=True)
        text = text.str.strip_chars()
        blank = text == ""
        if kind == "text":
            value = text
            ok = text.str.len_chars() <= arg
        elif kind == "datetime":
            value = text.str.strptime(pl.Datetime("us"), FAST_DATETIME, strict=False)
            rest = value.is_null() & ~blank
            if rest.any():  # the other accepted formats, tried only on the cells left
                others = text.filter(rest).to_frame("t").select(
                    pl.coalesce(
                        [pl.col("t").str.strptime(pl.Datetime("us"), f, strict=False)
                         for f in formats]
                    )
                ).to_series()  # fmt: skip
                value = value.scatter(rest.arg_true(), others)
            ok = value.is_not_null()
            value = value.dt.replace_time_zone(ZONE)
        elif kind in ("integer", "money"):
            whole = text.str.contains(WHOLE)
            value = (
                pl.select(pl.when(whole).then(text.str.replace_all(".", "", literal=True)))
                .to_series()
                .cast(pl.Int64)
            )
            ok = whole & (value < arg if kind == "money" else value <= arg)
        else:  # choice, boolean
            mapping = mappings["boolean" if kind == "boolean" else arg]
            dtype = {"channel": pl.Int64, "status": pl.String}.get(arg, pl.Boolean)
            value = text.str.to_lowercase().replace_strict(
                mapping, default=None, return_dtype=dtype
            )
            ok = value.is_not_null()
        ok = ok.fill_null(False)
        todo = ~ok & ~blank
        value = pl.select(pl.when(ok).then(value)).to_series().alias(key)
        if todo.any():  # rare shapes and errors: today's parser, cell by cell
            indices = todo.arg_true().to_list()
            fallback += len(indices)
            fixed_at, fixed = [], []
            for index, cell in zip(indices, text.gather(indices).to_list(), strict=True):
                good, result = python_cell(parse, cell)
                if good:
                    fixed_at.append(index)
                    fixed.append(plain(result))
                else:
                    errors.append((first_line + index, title, result))
            if fixed:
                value = value.scatter(fixed_at, pl.Series(fixed, dtype=value.dtype))
        if required and blank.any():
            errors += [(first_line + i, title, "không được để trống")
                       for i in blank.arg_true().to_list()]  # fmt: skip
        out[key] = value
        STAGES[kind] = STAGES.get(kind, 0) + time.perf_counter() - clock
    clock = time.perf_counter()
    typed = pl.DataFrame(out)
    codes = typed.get_column("code")
    duplicated = codes.is_not_null() & ~codes.is_first_distinct()
    if duplicated.any():
        lines = typed.select(pl.int_range(first_line, first_line + typed.height).alias("line"),
                             "code")  # fmt: skip
        firsts = lines.with_columns(pl.col("line").min().over("code").alias("first"))
        title = next(c[1] for c in columns if c[0] == "code")
        for line, first in firsts.filter(duplicated).select("line", "first").iter_rows():
            errors.append((line, title, f"trùng với dòng {first}"))
    STAGES["duplicates"] = time.perf_counter() - clock
    return typed, errors, fallback


# --- pyarrow ------------------------------------------------------------------------------
def arrow_read_csv(path: Path):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8-sig")
    separator = max([",", ";", "\t"], key=first.count)
    names = next(csv.reader([first.rstrip("\r\n")], delimiter=separator))
    # pyarrow skips a UTF-8 BOM itself; every column as text, "" kept as "".
    return pcsv.read_csv(
        path,
        parse_options=pcsv.ParseOptions(delimiter=separator),
        convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    )


def arrow_read_xlsx(path: Path):
    import fastexcel

    return fastexcel.read_excel(str(path)).load_sheet(0, dtypes="string").to_arrow()


def arrow_type(table, header_line: int = 1):
    import pyarrow as pa
    import pyarrow.compute as pc

    from cchc.core.tabular.reading import map_header

    columns, names, mappings, formats = spec()
    positions, repeated = map_header(list(table.column_names), names)
    assert not repeated
    first_line = header_line + 1
    height = table.num_rows
    out, errors, fallback = {}, [], 0
    for key, title, required, kind, arg, parse in columns:
        clock = time.perf_counter()
        if key not in positions:
            out[key] = pa.nulls(height)
            continue
        raw = table.column(positions[key])
        if isinstance(raw, pa.ChunkedArray):
            raw = raw.combine_chunks()
        if raw.type != pa.string():
            raw = raw.cast(pa.string())
        text = pc.fill_null(raw, "")
        if pc.any(pc.match_substring_regex(text, r"[^\x00-\x7f]")).as_py():
            text = pc.replace_substring(pc.utf8_normalize(text, "NFC"), "\u00a0", " ")
        text = pc.utf8_trim_whitespace(text)
        blank = pc.equal(text, "")
        if kind == "text":
            value = text
            ok = pc.less_equal(pc.utf8_length(text), arg)
        elif kind == "datetime":
            # Arrow's strptime rolls 31/02 over into March: a parse counts only when its
            # day and month are those written (a day not written dd/mm goes to the cell
            # parser). Printing every value back with strftime instead costs 1 s a column.
            value = pc.strptime(text, format=FAST_DATETIME, unit="us", error_is_null=True)
            shaped = pc.match_substring_regex(text, r"^\d\d/\d\d/")
            written_day = pc.cast(pc.if_else(shaped, pc.utf8_slice_codeunits(text, 0, 2), None),
                                  pa.int64())  # fmt: skip
            written_month = pc.cast(
                pc.if_else(shaped, pc.utf8_slice_codeunits(text, 3, 5), None), pa.int64()
            )
            same = pc.and_(pc.equal(pc.day(value), written_day),
                           pc.equal(pc.month(value), written_month))  # fmt: skip
            value = pc.if_else(pc.fill_null(same, False), value, None)
            rest = pc.and_(pc.is_null(value), pc.invert(blank))
            if pc.any(rest).as_py():
                subset = pc.filter(text, rest)
                found = pa.nulls(len(subset), pa.timestamp("us"))
                for fmt in formats:  # the few cells left: printed back to be sure
                    tried = pc.strptime(subset, format=fmt, unit="us", error_is_null=True)
                    tried = pc.if_else(pc.equal(pc.strftime(tried, format=fmt), subset),
                                       tried, None)  # fmt: skip
                    found = pc.coalesce(found, tried)
                value = pc.replace_with_mask(value, rest, found)
            ok = pc.is_valid(value)
            value = pc.assume_timezone(value, ZONE)
        elif kind in ("integer", "money"):
            whole = pc.match_substring_regex(text, WHOLE)
            digits = pc.if_else(whole, pc.replace_substring(text, ".", ""), None)
            value = pc.cast(digits, pa.int64())
            limit = pc.less(value, arg) if kind == "money" else pc.less_equal(value, arg)
            ok = pc.and_(whole, limit)
        else:
            mapping = mappings["boolean" if kind == "boolean" else arg]
            dtype = {"channel": pa.int64(), "status": pa.string()}.get(arg, pa.bool_())
            keys = pa.array(list(mapping), pa.string())
            index = pc.index_in(pc.utf8_lower(text), value_set=keys)
            value = pc.take(pa.array(list(mapping.values()), dtype), index)
            ok = pc.is_valid(value)
        ok = pc.fill_null(ok, False)
        todo = pc.and_(pc.invert(ok), pc.invert(blank))
        value = pc.if_else(ok, value, pa.scalar(None, value.type))
        if pc.any(todo).as_py():
            indices = pc.indices_nonzero(todo).to_pylist()
            fallback += len(indices)
            fixed = [None] * len(indices)
            for n, (index, cell) in enumerate(
                zip(indices, pc.take(text, indices).to_pylist(), strict=True)
            ):
                good, result = python_cell(parse, cell)
                if good:
                    fixed[n] = plain(result)
                else:
                    errors.append((first_line + index, title, result))
            value = pc.replace_with_mask(value, todo, pa.array(fixed, value.type))
        if required and pc.any(blank).as_py():
            errors += [(first_line + i, title, "không được để trống")
                       for i in pc.indices_nonzero(blank).to_pylist()]  # fmt: skip
        out[key] = value
        STAGES[kind] = STAGES.get(kind, 0) + time.perf_counter() - clock
    clock = time.perf_counter()
    typed = pa.table(out)
    lines = pa.array(range(first_line, first_line + height), pa.int64())
    keyed = pa.table({"code": typed.column("code"), "line": lines})
    groups = keyed.group_by("code").aggregate([("line", "min"), ("line", "count")])
    repeated_codes = groups.filter(pc.greater(groups.column("line_count"), 1))
    if repeated_codes.num_rows:
        title = next(c[1] for c in columns if c[0] == "code")
        joined = keyed.join(repeated_codes, "code")
        joined = joined.filter(pc.not_equal(joined.column("line"), joined.column("line_min")))
        for line, first in zip(joined.column("line").to_pylist(),
                               joined.column("line_min").to_pylist(), strict=True):  # fmt: skip
            errors.append((line, title, f"trùng với dòng {first}"))
    STAGES["duplicates"] = time.perf_counter() - clock
    return typed, errors, fallback


# --- the files ----------------------------------------------------------------------------
def make_files(rows: int, xlsx_rows: int) -> tuple[Path, Path, Path]:
    """The province-shaped CSV (import_dossiers.py's file), saved as Excel's "CSV UTF-8"
    does in a vi-VN locale (BOM, ";"), a 100k-row XLSX of its first rows (cells as text,
    as one-stop systems export them) and a sample with awkward rows for the check."""
    source = BENCH / f"dossiers_{rows}_realistic.csv"
    if not source.exists():
        command = [sys.executable, __file__, "--child", "generate", "--rows", str(rows)]
        subprocess.run(command, check=True)  # noqa: S603 — this script, our arguments
    semicolon = BENCH / f"dossiers_{rows}_bom_semicolon.csv"
    if not semicolon.exists():
        with source.open(encoding="utf-8", newline="") as src, \
                semicolon.open("w", encoding="utf-8-sig", newline="") as dst:  # fmt: skip
            csv.writer(dst, delimiter=";").writerows(csv.reader(src))
    xlsx = BENCH / f"dossiers_{rows}_first_{xlsx_rows}.xlsx"
    if not xlsx.exists():
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        with source.open(encoding="utf-8", newline="") as src:
            for n, row in enumerate(csv.reader(src)):
                if n > xlsx_rows:
                    break
                sheet.append(row)
        workbook.save(xlsx)
    sample = BENCH / "columnar_sample.csv"
    with source.open(encoding="utf-8", newline="") as src:
        reader = csv.reader(src)
        header = next(reader)
        kept = [row for n, row in enumerate(reader) if n % max(1, rows // 20_000) == 0]
    with sample.open("w", encoding="utf-8-sig", newline="") as dst:
        out = csv.writer(dst, delimiter=";")
        out.writerow(header)
        out.writerows(kept)
        out.writerows(awkward_rows(kept[:60]))
    return semicolon, xlsx, sample


def awkward_rows(base: list[list[str]]) -> list[list[str]]:
    """Rows a real export holds now and then: each changes one or two cells of a clean row
    (columns in the file's order: code, procedure, agency, channel, received, due, finished,
    status, supplements, supplement days, fee, paid, digitised)."""
    nfd = unicodedata.normalize("NFD", "Đã giải quyết")
    changes = [
        {4: "5/1/2022 8:30"}, {4: "2022-01-05T08:30:00"}, {4: "20220105083000"},
        {4: "05-01-2022 08:30"}, {4: "2022-01-05"}, {4: "08:30 05/01/2022"},
        {4: "05/01/2022 08:30:15"}, {4: "31/02/2022 10:00"}, {4: "hôm qua"}, {4: ""},
        {5: ""}, {6: "", 7: "Đang xử lý"}, {5: "29/02/2022 17:00"},
        {8: "1.234"}, {8: "1,5"}, {8: "1 234"}, {8: "-1"}, {8: "40.000"}, {9: "abc"},
        {9: " 12 "}, {10: "1.500.000"}, {10: "50.000 đ"}, {10: "50,000"}, {10: "1,5"},
        {10: "99999999999999999999"}, {3: "Trực tuyến"}, {3: "TRỰC TIẾP"}, {3: "9"},
        {7: nfd}, {7: "đã trả kết quả"}, {7: "xyz"}, {11: "x"}, {11: "Có"}, {12: "không"},
        {11: "maybe"}, {0: "A" * 70}, {2: "\u00a0105\u00a0"}, {1: ""}, {0: base[0][0]},
    ]  # fmt: skip
    rows = []
    for n, change in enumerate(changes):
        row = list(base[n % len(base)])
        row[0] = f"{row[0]}-awk{n}"
        for index, cell in change.items():
            row[index] = cell
        rows.append(row)
    return rows


# --- the check: same values, same errors --------------------------------------------------
def check(sample: Path) -> None:
    content = sample.read_bytes()
    parsed, expected = today(content, sample.name)
    rows = parsed.rows()  # the parsers' own values, a row's refused cells left out
    keys = list(KINDS)
    want = {r["_row"]: [plain(r.get(k)) for k in keys] for r in rows}
    bad_lines = {line for line, _, _ in expected}
    for label, (typed, errors, fallback) in {
        "polars": polars_type(polars_read_csv(sample)),
        "pyarrow": arrow_type(arrow_read_csv(sample)),
    }.items():
        got = typed.to_dicts() if hasattr(typed, "to_dicts") else typed.to_pylist()
        mismatches = []
        for index, row in enumerate(got):
            line = index + 2
            if line in bad_lines:  # today's row keeps only the cells that parsed
                continue
            values = [plain(row[k]) for k in keys]
            if values != want[line]:
                mismatches.append((line, values, want[line]))
        diff_errors = set(expected) ^ set(errors)
        print(f"check {label}: {len(got):,} rows, {len(errors)} errors ({fallback} cells to "
              f"the cell parser), {len(mismatches)} value mismatches, "
              f"{len(diff_errors)} error differences")  # fmt: skip
        for line, values, wanted in mismatches[:10]:
            print(f"  line {line}: {label} {values}\n           today  {wanted}")
        for item in sorted(diff_errors)[:10]:
            print("  error only in", "today" if item in expected else label, item)
        assert not mismatches and not diff_errors, label
    print(f"check: both agree with today on {len(rows):,} rows and {len(expected)} errors")


# --- one measurement per process ----------------------------------------------------------
def child(mode: str, path: Path) -> dict:
    import polars  # noqa: F401  — loaded before the start figure in every process alike
    import pyarrow  # noqa: F401

    start_rss = rss_mb()
    started = time.perf_counter()
    errors = fallback = None
    if mode == "today":
        parsed, errors = today(path.read_bytes(), path.name)
        count = parsed.frame.height
    elif mode == "calamine":
        from python_calamine import CalamineWorkbook

        count = len(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()) - 1
    elif mode == "polars-read":
        count = polars_read_csv(path).height
    elif mode == "pyarrow-read":
        count = arrow_read_csv(path).num_rows
    else:
        reader = {
            ("polars", ".csv"): polars_read_csv, ("polars", ".xlsx"): polars_read_xlsx,
            ("pyarrow", ".csv"): arrow_read_csv, ("pyarrow", ".xlsx"): arrow_read_xlsx,
        }[mode, path.suffix]  # fmt: skip
        typer = polars_type if mode == "polars" else arrow_type
        typed, errors, fallback = typer(reader(path))
        count = len(typed)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak": peak_mb(), "start": start_rss, "rows": count,
            "errors": None if errors is None else len(errors), "fallback": fallback,
            "stages": STAGES}  # fmt: skip


def measure(mode: str, path: Path) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--file", str(path)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of every measurement")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    BENCH.mkdir(parents=True, exist_ok=True)
    if args.child == "generate":
        (BENCH / "columnar.sqlite3").unlink(missing_ok=True)
        setup_django()
        from django.core.management import call_command

        from cchc.demo.operations import write_dossier_file

        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        write_dossier_file(BENCH / f"dossiers_{args.rows}_realistic.csv", seed=2022,
                           year=2022, dossiers=args.rows)  # fmt: skip
        return
    setup_django()
    if args.child:
        print(json.dumps(child(args.child, Path(args.file))))
        return
    import polars
    import pyarrow

    big, xlsx, sample = make_files(args.rows, args.xlsx_rows)
    check(sample)
    print(f"\nPolars {polars.__version__}, pyarrow {pyarrow.__version__}; "
          f"load average before: {os.getloadavg()[0]:.2f}")  # fmt: skip
    size = big.stat().st_size / 2**20
    plans = [
        (f"CSV {args.rows:_} rows ({size:.0f} MB, UTF-8 BOM, ';')".replace("_", "."), big,
         [("today: the engine (read_sheet + parse_sheet)", "today"),
          ("Polars: read all-text only", "polars-read"),
          ("Polars: read + NFC + typed + errors", "polars"),
          ("pyarrow: read all-text only", "pyarrow-read"),
          ("pyarrow: read + NFC + typed + errors", "pyarrow")]),
        (f"XLSX {args.xlsx_rows:_} rows ({xlsx.stat().st_size / 2**20:.0f} MB, text cells)"
         .replace("_", "."), xlsx,
         [("python-calamine alone (floor)", "calamine"),
          ("today: the engine (read_sheet + parse_sheet)", "today"),
          ("Polars read_excel(calamine) + typed", "polars"),
          ("fastexcel → Arrow + typed", "pyarrow")]),
    ]  # fmt: skip
    for heading, path, modes in plans:
        # Rounds, each measuring every path once, so that a change in the machine's load
        # falls on all of them; the median and the range of the rounds are printed.
        runs = {mode: [] for _, mode in modes}
        for _ in range(args.repeat):
            for _, mode in modes:
                runs[mode].append(measure(mode, path))
        print(f"\n{heading}, {args.repeat} round(s)")
        print(f"{'':46}{'median s':>9}{'min–max':>13}{'× today':>8}{'peak MB':>8}{'start':>6}"
              f"{'errors':>7}")  # fmt: skip
        base = statistics.median(r["seconds"] for r in runs["today"])
        for label, mode in modes:
            seconds = sorted(r["seconds"] for r in runs[mode])
            median = statistics.median(seconds)
            last = runs[mode][-1]
            ratio = "" if mode == "calamine" else f"{base / median:.1f}"
            errors = "" if last["errors"] is None else last["errors"]
            print(f"{label:46}{median:9.2f}{f'{seconds[0]:.2f}–{seconds[-1]:.2f}':>13}"
                  f"{ratio:>8}{max(r['peak'] for r in runs[mode]):8.0f}{last['start']:6.0f}"
                  f"{errors:>7}")  # fmt: skip
            if last["stages"]:
                stages = {k: statistics.median(r["stages"][k] for r in runs[mode])
                          for k in last["stages"]}  # fmt: skip
                print(" " * 48 + "typing (median s): "
                      + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
