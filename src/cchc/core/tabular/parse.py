"""Parsing a sheet by column (ADR 0019): every declared column typed at once with Polars,
every error collected with its row and column in Vietnamese.

A column's cell parser (`cells.py`) stays the rule: it says what a cell means and words
the error. Where it declares a vector form (`cells.vector`), the engine accepts the
commonest shapes for the whole column in one pass — dd/mm/yyyy [hh:mm[:ss]] and the national
synchronisation's yyyyMMddHHmmss, digits and vi-VN thousands, the words of a choice — giving
exactly what the parser gives for them; the cells it does not accept (a rarer date format,
"1,5", an unknown word, a value too long) go to the parser, once per distinct text, which
either accepts them or says why not. Columns without a vector form, and an XLSX's typed
cells (numbers, dates), go to the parser once per distinct value. So a file's result never
depends on which path read it: the property tests feed the same rows to both."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

import polars as pl

from cchc.core.calendar import LOCAL_TZ_NAME, zoned_moments
from cchc.core.tabular.cells import (
    CONTROL_PATTERN,
    FALSE_WORDS,
    TRUE_WORDS,
    CellError,
    is_blank,
)
from cchc.core.tabular.columns import Column, ImportRejected, RowError, check_header
from cchc.core.tabular.excel import EXCEL_DAY_ZERO, excel_cells, uncomputed_formulas
from cchc.core.tabular.sheet import Sheet

ZONE = LOCAL_TZ_NAME
BLANK_REQUIRED = "không được để trống"
UNCOMPUTED_FORMULA = (
    "ô chứa công thức chưa có giá trị tính sẵn; hãy mở tệp bằng Excel hoặc LibreOffice và "
    "lưu lại (để công thức được tính), hoặc dán giá trị thay cho công thức, rồi nạp lại"
)
NO_ROWS = "tệp chỉ có dòng tiêu đề, không có dữ liệu"
# Digits, or vi-VN thousands ("1.234.567"); at most 18 digits so that Int64 holds them.
WHOLE = r"^(?:[0-9]{1,18}|[1-9][0-9]{0,2}(?:\.[0-9]{3}){1,5})$"
DMY = r"^([0-9]{1,2}){sep}([0-9]{1,2}){sep}([0-9]{4})(?: ([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2}))?)?$"
BOOLEAN_WORDS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS - {""}, False)}

DTYPES: dict[str, Any] = {
    "text": pl.String,
    "integer": pl.Int64,
    "money": pl.Int64,
    "boolean": pl.Boolean,
    "datetime": pl.Datetime("us", ZONE),
    "date": pl.Date,
}


@dataclass
class Parsed:
    """The typed columns ("_row": each row's line; a column's cell is null where it is
    blank or refused), every error, and which cells were refused."""

    frame: pl.DataFrame
    errors: list[RowError]
    refused: dict[str, pl.Series]
    columns: list[Column]

    def rows(self) -> list[dict]:
        """The rows as dicts of the parsers' own values (what the per-row importers take):
        a refused cell's key is left out, a blank one is None."""
        rows = self.frame.to_dicts()
        for column in self.columns:
            back = _to_python(column)
            mask = self.refused.get(column.key)
            bad = set(mask.arg_true().to_list()) if mask is not None and mask.any() else ()
            key = column.key
            for index, row in enumerate(rows):
                if index in bad:
                    del row[key]
                elif back is not None and row[key] is not None:
                    row[key] = back(row[key])
        return rows


def _kind(column: Column) -> tuple[str | None, Any]:
    return getattr(column.parse, "vector", (None, None))


def _plain(value: Any) -> Any:
    """A parser's value as the typed column holds it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value)
    return value


def _to_python(column: Column) -> Callable[[Any], Any] | None:
    """Turns a typed column's value back into the parser's own (an enum member, a Decimal)."""
    kind, arg = _kind(column)
    if kind == "money":
        return Decimal
    # A choice's members, only when every value is one: a mapping mixing members and their
    # plain values keeps the plain ones (equal either way).
    if kind == "choice" and all(isinstance(v, Enum) for v in arg.values()):
        return {_plain(v): v for v in arg.values()}.__getitem__
    return None


def _dtype(column: Column) -> Any:
    kind, arg = _kind(column)
    if kind == "choice":
        values = {_plain(v) for v in arg.values()}
        if all(isinstance(v, bool) for v in values):
            return pl.Boolean
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return pl.Int64
        if all(isinstance(v, str) for v in values):
            return pl.String
        return pl.Object
    return DTYPES.get(kind or "", pl.Object)


def parse_sheet(
    sheet: Sheet, columns: list[Column], required=None, *, empty: str = NO_ROWS
) -> Parsed:
    """Every column of `columns` typed; raises ImportRejected for the header's errors (a
    column missing or given twice; `required`: as `check_header` takes it) and, after them,
    for a sheet without rows (`empty`: what that error says, in the import's own words).
    Cell errors are returned, not raised: the caller adds its own checks (references,
    duplicates) to one report."""
    positions, errors = check_header(sheet, columns, required)
    if errors:
        raise ImportRejected(errors)
    if not sheet.height:
        raise ImportRejected([RowError(sheet.first_data_line, "", empty)])
    lines = sheet.lines.alias("_row")

    def typed(column: Column) -> tuple[pl.Series, pl.Series, list[RowError]]:
        position = positions.get(column.key)
        cells = sheet.column(position) if position is not None else None
        if cells is None:
            cells = pl.repeat("", sheet.height, dtype=pl.String, eager=True)
        if isinstance(cells, pl.Series) and cells.dtype == pl.String:
            return _text_column(column, cells, lines)
        return _python_column(column, cells, lines)

    if sheet.height >= PARALLEL_ROWS and len(columns) > 1:
        with ThreadPoolExecutor(max_workers=min(len(columns), os.cpu_count() or 1)) as pool:
            results = list(pool.map(typed, columns))  # in the columns' order
    else:
        results = [typed(column) for column in columns]
    out: list[pl.Series] = [lines]
    refused: dict[str, pl.Series] = {}
    for column, (value, bad, found) in zip(columns, results, strict=True):
        out.append(value.alias(column.key))
        refused[column.key] = bad
        errors += found
    if sheet.workbook is not None and any(e.message == BLANK_REQUIRED for e in errors):
        errors = _formulas_named(errors, uncomputed_formulas(sheet.workbook), columns, positions)
    return Parsed(pl.DataFrame(out), errors, refused, columns)


def _formulas_named(
    errors: list[RowError],
    formulas: set[tuple[int, int]],
    columns: list[Column],
    positions: dict[str, int],
) -> list[RowError]:
    """An XLSX cell that reads as empty because it holds a formula no program computed yet
    (a workbook written by a program) is not said to be empty: its error says why."""
    if not formulas:
        return errors
    at = {c.title: positions[c.key] for c in columns if c.key in positions}
    return [
        RowError(e.row, e.column, UNCOMPUTED_FORMULA)
        if e.message == BLANK_REQUIRED and (e.row, at.get(e.column)) in formulas
        else e
        for e in errors
    ]


# From this many rows the columns are typed side by side, one per core: Polars lets go of
# the interpreter while it works, so while one thread waits on a column's expression another
# types the next column (the cell parsers, in Python, still take turns). Below it, a
# thread costs more than it saves.
PARALLEL_ROWS = 50_000


def _cell(column: Column, value: Any) -> tuple[bool, Any]:
    """(True, the parser's value) or (False, the error's message; None: a blank cell the
    column may leave empty)."""
    if is_blank(value):
        return False, (BLANK_REQUIRED if column.required else None)
    try:
        return True, column.parse(value)
    except CellError as exc:
        return False, str(exc)


def _python_column(
    column: Column, cells: list[Any] | pl.Series, lines: pl.Series
) -> tuple[pl.Series, pl.Series, list[RowError]]:
    """Cells of any Python type (an XLSX's numbers and dates beside text), one parser call
    per distinct value; or a column of Excel's date-times (a Datetime Series, `excel.py`)."""
    moments = _excel_moments(column, cells, lines)
    if moments is not None:
        return moments
    if isinstance(cells, pl.Series):
        cells = excel_cells(cells)
    seen: dict[tuple[type, Any], tuple[bool, Any]] = {}
    values: list[Any] = []
    bad: list[bool] = []
    errors: list[RowError] = []
    line_of = lines.to_list()
    for index, cell in enumerate(cells):
        try:
            key = (cell.__class__, cell)
            result = seen.get(key)
            if result is None:
                result = seen[key] = _cell(column, cell)
        except TypeError:  # an unhashable value
            result = _cell(column, cell)
        ok, value = result
        if ok:
            values.append(value)
            bad.append(False)
        else:
            values.append(None)
            bad.append(value is not None)
            if value is not None:
                errors.append(RowError(line_of[index], column.title, value))
    dtype = _dtype(column)
    if dtype is not pl.Object:
        values = [None if v is None else _plain(v) for v in values]
    return _series(values, dtype), pl.Series(bad, dtype=pl.Boolean), errors


def _series(values: list[Any], dtype: Any) -> pl.Series:
    """The parsers' values as a column of `dtype`. Aware date-times go through UTC: Polars
    refuses one whose wall-clock time its zone skipped (14/03/1945 23:30, which the parser
    reads as +8, as zoneinfo does), though the moment itself is plain."""
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        utc = [None if v is None else v.astimezone(UTC).replace(tzinfo=None) for v in values]
        return (
            pl.Series(utc, dtype=pl.Datetime(dtype.time_unit))
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(dtype.time_zone)
        )
    return pl.Series(values, dtype=dtype)


def _excel_moments(
    column: Column, cells: list[Any] | pl.Series, lines: pl.Series
) -> tuple[pl.Series, pl.Series, list[RowError]] | None:
    """A date or date-time column whose cells are all Excel's own date-times (naive
    `datetime`s from python-calamine, a `date` at midnight, or a Datetime Series from
    fastexcel) or empty, typed at once: what the parser makes of such a cell is the same
    moment in Vietnam's time (`aware_datetime`) or its day (`day`), so the column needs no
    call per cell (nearly every cell of a receipt time is distinct: 100.000 rows' three date
    columns took 1 s one cell at a time). None when another kind of cell is there (a time of
    day alone, which the parser refuses), or the zone's history makes a moment ambiguous:
    the parser decides."""
    kind, _arg = _kind(column)
    if kind not in ("datetime", "date") or not len(cells):
        return None
    if isinstance(cells, pl.Series):
        if (cells.dt.date() == EXCEL_DAY_ZERO).any():
            return None
        naive = cells.cast(pl.Datetime("us"))
    else:
        moments: list[datetime | None] = []
        for cell in cells:
            if cell is None or (cell.__class__ is datetime and cell.tzinfo is None):
                moments.append(cell)
            elif cell.__class__ is date:  # python-calamine gives a midnight as a date
                moments.append(datetime(cell.year, cell.month, cell.day))
            else:
                return None
        naive = pl.Series(moments, dtype=pl.Datetime("us"))
    value = naive.dt.date() if kind == "date" else zoned_moments(naive)
    blank = naive.is_null()
    if value.null_count() > blank.sum():  # a moment the zone's clock skipped or repeated
        return None
    errors = _required_blanks(column, blank, lines)
    bad = blank if errors else pl.repeat(False, len(cells), dtype=pl.Boolean, eager=True)
    return value, bad, errors


def _required_blanks(column: Column, blank: pl.Series, lines: pl.Series) -> list[RowError]:
    """An error on each blank cell (`blank`) of a required column; none for another column."""
    if not column.required or not blank.any():
        return []
    return [RowError(line, column.title, BLANK_REQUIRED) for line in lines.filter(blank).to_list()]


def _text_column(
    column: Column, text: pl.Series, lines: pl.Series
) -> tuple[pl.Series, pl.Series, list[RowError]]:
    kind, arg = _kind(column)
    blank = text == ""
    dtype = _dtype(column)
    if kind is None:
        value = pl.repeat(None, text.len(), dtype=dtype, eager=True)
        ok = pl.repeat(False, text.len(), dtype=pl.Boolean, eager=True)
    elif kind in BY_DISTINCT and _repetitive(text):
        distinct = text.unique()
        value = _accepted(*VECTOR[kind](distinct, arg, dtype))
        value = text.replace_strict(distinct, value, default=None, return_dtype=value.dtype)
        ok = value.is_not_null()
    else:
        value, ok = VECTOR[kind](text, arg, dtype)
        ok = ok.fill_null(False)
        value = _accepted(value, ok)
    todo = ~ok & ~blank
    bad = pl.repeat(False, text.len(), dtype=pl.Boolean, eager=True)
    errors: list[RowError] = []
    if todo.any():
        indices = todo.arg_true()
        seen: dict[str, tuple[bool, Any]] = {}
        fixed_at, fixed, bad_at = [], [], []
        line_of = lines.gather(indices).to_list()
        for index, line, cell in zip(
            indices.to_list(), line_of, text.gather(indices).to_list(), strict=True
        ):
            result = seen.get(cell)
            if result is None:
                result = seen[cell] = _cell(column, cell)
            good, parsed = result
            if good:
                fixed_at.append(index)
                fixed.append(parsed if dtype is pl.Object else _plain(parsed))
            else:
                bad_at.append(index)
                errors.append(RowError(line, column.title, parsed))
        if fixed and dtype is pl.Object:  # no scatter on objects: rebuilt as a list
            merged = value.to_list()
            for index, item in zip(fixed_at, fixed, strict=True):
                merged[index] = item
            value = pl.Series(merged, dtype=pl.Object)
        elif fixed:
            value = value.scatter(fixed_at, _series(fixed, dtype))
        if bad_at:
            bad = bad.scatter(bad_at, True)
    if found := _required_blanks(column, blank, lines):
        errors += found
        bad = bad | blank
    return value, bad, errors


def _accepted(value: pl.Series, ok: pl.Series) -> pl.Series:
    """A vector form's values where it accepted the cell, null elsewhere."""
    return pl.select(pl.when(ok.fill_null(False)).then(value)).to_series()


# The kinds whose vector form costs more per cell than looking a cell up: a column repeating
# a few values (a count, a fee, a due date at 17:00 every day of a year) is typed once per
# distinct text, then each cell takes its text's value (0,025 s → 0,01 s for 300.000 counts).
BY_DISTINCT = frozenset({"integer", "money", "datetime", "date"})


def _repetitive(text: pl.Series) -> bool:
    """Whether `text` holds fewer than a quarter as many distinct values as cells (estimated:
    the estimate costs a hash of each cell, not a set of them)."""
    if text.len() < DISTINCT_FROM_ROWS:
        return False
    return cast(int, text.approx_n_unique()) * 4 <= text.len()


DISTINCT_FROM_ROWS = 1000  # below, the estimate and the look-up cost more than they save


# --- the vector forms: (typed value, accepted) for a whole column of stripped text -------------
def _text(text: pl.Series, limit: int, dtype) -> tuple[pl.Series, pl.Series]:
    """Text within its width and without a character the parser refuses (`NOT_IN_XML`)."""
    within = (text.str.len_chars() <= limit) & (text != "")
    return text, within & ~text.str.contains(CONTROL_PATTERN)


def _whole(text: pl.Series, limit: int | None, dtype, *, below: bool = False):
    whole = text.str.contains(WHOLE)
    digits = pl.select(pl.when(whole).then(text.str.replace_all(".", "", literal=True)))
    value = digits.to_series().cast(pl.Int64)
    if limit is None:
        return value, whole
    return value, whole & (value < limit if below else value <= limit)


def _money(text: pl.Series, limit: int, dtype) -> tuple[pl.Series, pl.Series]:
    return _whole(text, limit, dtype, below=True)


def _words(text: pl.Series, mapping: dict[str, Any], dtype) -> tuple[pl.Series, pl.Series]:
    """A column of words (a choice, a flag) looked up case-blind: each distinct text is
    lower-cased and looked up once, then the column takes its value — a column of a few
    words over a million rows costs a hash of each cell, not a lower-cased copy of it
    (0,05 s instead of 0,23 s for the status of a million dossiers)."""
    plain = {k: _plain(v) for k, v in mapping.items()}
    distinct = text.unique()
    meaning = distinct.str.to_lowercase().replace_strict(plain, default=None, return_dtype=dtype)
    value = text.replace_strict(distinct, meaning, default=None, return_dtype=dtype)
    return value, value.is_not_null()


def _boolean(text: pl.Series, arg, dtype) -> tuple[pl.Series, pl.Series]:
    return _words(text, BOOLEAN_WORDS, pl.Boolean)


def _choice(text: pl.Series, mapping: dict[str, Any], dtype) -> tuple[pl.Series, pl.Series]:
    if dtype is pl.Object:  # values Polars cannot hold: every cell to the parser
        return pl.repeat(None, text.len(), dtype=dtype, eager=True), text == "\0"
    return _words(text, mapping, dtype)


def _moments(text: pl.Series) -> pl.DataFrame:
    """Year, month, day, hour, minute, second of the cells in one of the vector shapes
    (null elsewhere), and whether they make a real moment (31/02 does not)."""
    frame = text.to_frame("t")
    parts = []
    for sep in ("/", "-"):
        found = frame.select(
            pl.col("t")
            .str.extract_groups(DMY.replace("{sep}", sep))
            .struct.rename_fields(["d", "m", "y", "hh", "mi", "ss"])
        ).unnest("t")
        parts.append(found.with_columns(pl.all().cast(pl.Int32)))
    national = frame.select(
        pl.when(pl.col("t").str.contains(r"^[0-9]{14}$")).then(pl.col("t")).alias("n")
    ).get_column("n")
    slices = {
        name: national.str.slice(start, width).cast(pl.Int32)
        for name, start, width in (("y", 0, 4), ("m", 4, 2), ("d", 6, 2), ("hh", 8, 2),
                                   ("mi", 10, 2), ("ss", 12, 2))
    }  # fmt: skip
    parts.append(pl.DataFrame(slices).select(["d", "m", "y", "hh", "mi", "ss"]))
    moments = _first(parts)
    clock = [pl.col(c).fill_null(0) for c in ("hh", "mi", "ss")]
    last_day = (
        pl.date(pl.col("y").clip(1, 9999), pl.col("m").clip(1, 12), 1).dt.month_end().dt.day()
    )
    valid = (
        pl.col("y").is_between(1, 9999) & pl.col("m").is_between(1, 12)
        & (pl.col("d") >= 1) & (pl.col("d") <= last_day)
        & (clock[0] <= 23) & (clock[1] <= 59) & (clock[2] <= 59)
    )  # fmt: skip
    return moments.with_columns(
        pl.col("hh", "mi", "ss").fill_null(0), valid.fill_null(False).alias("valid")
    )


def _first(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Each row's parts from the first shape that matched it."""
    matched = [p.get_column("y").is_not_null() for p in parts]
    columns = {}
    for name in ("d", "m", "y", "hh", "mi", "ss"):
        expr = pl.lit(None, dtype=pl.Int32)
        for part, hit in reversed(list(zip(parts, matched, strict=True))):
            expr = pl.when(hit).then(part.get_column(name)).otherwise(expr)
        columns[name] = expr
    return pl.select(*(expr.alias(name) for name, expr in columns.items()))


def _build(moments: pl.DataFrame, *, zone: str | None, as_date: bool) -> pl.Series:
    valid = pl.col("valid")
    safe = {
        "y": pl.when(valid).then(pl.col("y")).otherwise(2000),
        "m": pl.when(valid).then(pl.col("m")).otherwise(1),
        "d": pl.when(valid).then(pl.col("d")).otherwise(1),
    }
    if as_date:
        built = pl.date(safe["y"], safe["m"], safe["d"])
    else:
        built = pl.datetime(safe["y"], safe["m"], safe["d"], pl.col("hh"), pl.col("mi"),
                            pl.col("ss"), time_unit="us")  # fmt: skip
        if zone:  # null where the clock skipped or repeated: the parser decides
            built = built.dt.replace_time_zone(zone, ambiguous="null", non_existent="null")
    return moments.select(pl.when(valid).then(built).alias("v")).get_column("v")


# The shape of nearly every cell of a Vietnamese export, parsed by Polars' own strptime on
# the whole column (several times faster than taking the parts apart); the cells it leaves
# go through `_moments`, then the parser.
COMMON = r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{1,2}$"
COMMON_FORMAT = "%d/%m/%Y %H:%M"


def _moment_column(text: pl.Series, *, zone: str | None, as_date: bool):
    """(value, accepted) of a date or date-time column (`zone`: ZONE or None)."""
    common = text.str.contains(COMMON)
    # Without Polars' cache of parsed texts: a column of receipt times is nearly all distinct
    # (and a repetitive one arrives here as its distinct texts), so the cache only costs
    # (0,016 s → 0,010 s for 300.000).
    value = text.str.strptime(pl.Datetime("us"), COMMON_FORMAT, strict=False, cache=False)
    value = pl.select(pl.when(common & (value.dt.year() >= 1)).then(value)).to_series()
    if as_date:
        value = value.dt.date()
    elif zone:
        value = zoned_moments(value)
    ok = value.is_not_null()
    rest = ~ok & (text != "")
    if rest.any():
        indices = rest.arg_true()
        moments = _moments(text.gather(indices))
        value = value.scatter(indices, _build(moments, zone=zone, as_date=as_date))
        ok = value.is_not_null()
    return value, ok


def _datetime(text: pl.Series, arg, dtype) -> tuple[pl.Series, pl.Series]:
    return _moment_column(text, zone=ZONE, as_date=False)


def _date(text: pl.Series, arg, dtype) -> tuple[pl.Series, pl.Series]:
    return _moment_column(text, zone=None, as_date=True)


VECTOR: dict[str, Callable[[pl.Series, Any, Any], tuple[pl.Series, pl.Series]]] = {
    "text": _text,
    "integer": _whole,
    "money": _money,
    "boolean": _boolean,
    "choice": _choice,
    "datetime": _datetime,
    "date": _date,
}
