"""The column engine (`core.tabular.parse`) against the per-cell path it replaces: the same
rows fed to both give the same values and the same errors, cell for cell (issue 20).

The reference is the importers' former per-row parsing (`tests/tabular_reference.by_cell`):
every cell through its column's parser. Hypothesis draws cells from the shapes Vietnamese exports
contain and from near misses (31/02, 24:00, "1,5", "1.23", words in other cases, spaces)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.core.tabular import cells as f
from cchc.core.tabular import excel
from cchc.core.tabular import parse as parse_module
from cchc.core.tabular import sheet as sheet_module
from cchc.core.tabular.columns import Column, ImportRejected
from cchc.core.tabular.parse import ZONE, parse_sheet
from cchc.core.tabular.reading import FileError, Table, read_table
from cchc.core.tabular.sheet import Sheet, read_sheet
from cchc.operations.imports.dossiers import CHANNEL_WORDS, STATUS_WORDS
from tests.tabular_reference import by_cell as reference_by_cell

ROOT = Path(__file__).resolve().parents[2]

COLUMNS = [
    Column("code", "Mã", f.text_up_to(12)),
    Column("note", "Ghi chú", f.text, required=False),
    Column("when", "Ngày", f.aware_datetime),
    Column("due", "Hẹn", f.aware_datetime, required=False),
    Column("day", "Ngày ký", f.day, required=False),
    Column("count", "Số lần", f.non_negative_small_integer, required=False),
    Column("total", "Tổng", f.integer, required=False),
    Column("fee", "Phí", f.money, required=False),
    Column("online", "Trực tuyến", f.boolean, required=False),
    Column("channel", "Kênh", f.choice(CHANNEL_WORDS, "kênh"), required=False),
    Column("status", "Trạng thái", f.choice(STATUS_WORDS, "trạng thái"), required=False),
    Column("score", "Điểm", f.decimal, required=False),
    Column("month", "Tháng", f.month_start, required=False),
]


def by_cell(table: Table, columns: list[Column]) -> tuple[list[dict], list[tuple]]:
    rows, errors = reference_by_cell(table, columns)
    return rows, sorted((e.row, e.column, e.message) for e in errors)


def by_column(table: Table, columns: list[Column]) -> tuple[list[dict], list[tuple]]:
    parsed = parse_sheet(Sheet.of_table(table), columns)
    errors = sorted((e.row, e.column, e.message) for e in parsed.errors)
    return parsed.rows(), errors


def same(left, right):
    """Values compared with their types (1 is not True, Decimal 1 is not int 1)."""
    assert len(left) == len(right)
    for a, b in zip(left, right, strict=True):
        assert a.keys() == b.keys(), (a, b)
        for key in a:
            assert a[key] == b[key] and type(a[key]) is type(b[key]), (key, a[key], b[key])


digit2 = st.integers(0, 39).map(str) | st.integers(0, 39).map(lambda n: f"{n:02d}")
year = st.sampled_from(["2022", "2024", "1999", "0000", "22", "2100", "9999"])
dmy = st.builds(
    lambda d, m, y, sep, t: f"{d}{sep}{m}{sep}{y}{t}",
    digit2, digit2, year, st.sampled_from(["/", "-", "."]),
    st.sampled_from(["", " 08:30", " 15:00:00", " 24:00", " 8:5", " 23:59:60", "T08:30", " 7:30:5"]),
)  # fmt: skip
national = st.builds(
    lambda y, m, d, h, mi, s: f"{y}{m:02d}{d:02d}{h:02d}{mi:02d}{s:02d}",
    st.sampled_from([2022, 2024, 1999]), st.integers(0, 13), st.integers(0, 32),
    st.integers(0, 25), st.integers(0, 61), st.integers(0, 61),
)  # fmt: skip
iso = st.sampled_from(["2022-01-05", "2022-1-5 08:30", "2022-01-05T08:30:00", "08:30 05/01/2022",
                       "20220105", "2024-02-30", "31/12/2022 23:59:59"])  # fmt: skip
numbers = st.sampled_from(
    ["0", "7", "007", "1.234", "1.234.567", "12.34", "1,5", "1.5", "-3", "32767", "32768", "1 234",
     "50.000", "50000", "1.500.000 đ", "99999999999999", "100000000000000", "1.000.000.000.000.000",
     "123456789012345678", "1234567890123456789", "+5", "١٢", "1.2345", "0.5", "１２"]
)  # fmt: skip
words = st.sampled_from(
    ["1", "2", "3", "4", "Trực tuyến", "TRỰC TUYẾN", "trực tiếp", "x", "X", "có", "Có", "không",
     "yes", "no", "đúng", "c", "k", "hoàn thành", "Đang giải quyết", "đã trả kết quả", "từ chối",
     "done", "DONE", "processing", "rút hồ sơ", "bổ sung hồ sơ", "?", "1.0"]
)  # fmt: skip
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=16)
cell = st.one_of(dmy, national, iso, numbers, words, texts, st.just(""), st.just("   "))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1,
                max_size=12))  # fmt: skip
def test_the_column_engine_gives_what_each_cell_parser_gives(raw_rows):
    table = Table(header=[c.title for c in COLUMNS],
                  rows=[[value.strip() for value in row] for row in raw_rows])  # fmt: skip
    old_rows, old_errors = by_cell(table, COLUMNS)
    new_rows, new_errors = by_column(table, COLUMNS)
    assert new_errors == old_errors
    same(new_rows, old_rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1,
                max_size=4),
       st.lists(st.integers(0, 3), min_size=16, max_size=40))  # fmt: skip
def test_a_column_of_few_values_typed_once_per_value_gives_what_each_cell_parser_gives(pool, picks):
    """A column repeating a few texts is typed once per distinct text (`BY_DISTINCT`): the
    same values and errors as the parser, cell by cell."""
    rows = [[value.strip() for value in pool[i % len(pool)]] for i in picks]
    table = Table(header=[c.title for c in COLUMNS], rows=rows)
    real, repetitive = parse_module._repetitive, []

    def spy(text):
        repetitive.append(real(text))
        return repetitive[-1]

    with mock.patch.object(parse_module, "DISTINCT_FROM_ROWS", 1), \
            mock.patch.object(parse_module, "_repetitive", spy):  # fmt: skip
        new_rows, new_errors = by_column(table, COLUMNS)
    assert any(repetitive)
    old_rows, old_errors = by_cell(table, COLUMNS)
    assert new_errors == old_errors
    same(new_rows, old_rows)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=1,
                max_size=12))  # fmt: skip
def test_columns_typed_side_by_side_give_what_one_after_another_gives(raw_rows):
    """A large sheet's columns are typed in threads (`PARALLEL_ROWS`): the same values, and
    the same errors in the same order, as typed one after another."""
    table = Table(header=[c.title for c in COLUMNS],
                  rows=[[value.strip() for value in row] for row in raw_rows])  # fmt: skip
    one_by_one = parse_sheet(Sheet.of_table(table), COLUMNS)
    with mock.patch.object(parse_module, "PARALLEL_ROWS", 1), \
            mock.patch.object(parse_module, "ThreadPoolExecutor", wraps=ThreadPoolExecutor) as pool:  # fmt: skip
        side_by_side = parse_sheet(Sheet.of_table(table), COLUMNS)
    assert pool.called
    assert side_by_side.errors == one_by_one.errors
    same(side_by_side.rows(), one_by_one.rows())


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("31/02/2022", "không phải ngày hợp lệ"),
        ("29/02/2022 08:00", "không phải ngày hợp lệ"),
        ("05/01/22 08:30", "không phải ngày hợp lệ"),
        ("05/01/2022 24:00", "không phải ngày hợp lệ"),
    ],
)
def test_a_date_that_does_not_exist_is_refused_with_the_parsers_words(cell, expected):
    table = Table(header=["Mã", "Ngày"], rows=[["A", cell]])
    parsed = parse_sheet(Sheet.of_table(table), COLUMNS[:1] + COLUMNS[2:3])
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "Ngày")]
    assert expected in parsed.errors[0].message


@pytest.mark.parametrize(
    "cell",
    [
        "12/06/1975 23:30",  # the hour Vietnam's clock gave twice (+8, then +7)
        "14/03/1945 23:30",  # an hour it skipped (+8 → +9)
        "12-06-1975 23:30:15",
        "19750612233000",
        datetime(1975, 6, 12, 23, 30),  # an XLSX's own date-time
    ],
)
def test_a_time_the_zone_gave_twice_or_skipped_is_the_parsers_not_a_system_error(cell):
    """Polars refuses to place such a wall-clock time; the column leaves it to the parser,
    which reads it as the earlier of the two (as Python's zoneinfo does)."""
    table = Table(header=["Mã", "Ngày", "Hẹn"], rows=[["A", cell, "05/01/2022 08:30"],
                                                      ["B", "05/01/2022 08:30", cell]])  # fmt: skip
    columns = [COLUMNS[0], COLUMNS[2], COLUMNS[3]]
    old_rows, old_errors = by_cell(table, columns)
    new_rows, new_errors = by_column(table, columns)
    assert new_errors == old_errors == []
    # The same moments (a skipped wall-clock time keeps the parser's +8 on its side, Polars
    # shows the moment at +9: equal as moments, not as wall-clock times).
    assert [[row[k].astimezone(UTC) for k in ("when", "due")] for row in new_rows] == [
        [row[k].astimezone(UTC) for k in ("when", "due")] for row in old_rows
    ]
    assert new_rows[0]["when"].utcoffset() != new_rows[1]["when"].utcoffset()


def test_the_cell_parsers_keep_the_calendars_clock_without_a_time_zone_database(tmp_path):
    """The cell parsers read local times on the province's clock, `core.calendar`'s, which
    holds (UTC+7) even where the machine has no time-zone database; they had their own
    `ZoneInfo` and could not even be imported there."""
    env = {**os.environ, "PYTHONTZPATH": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-c", "from cchc.core.tabular import cells; "
         "print(cells.aware_datetime('01/12/2022 08:00').isoformat())"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2022-12-01T08:00:00+07:00"


def test_typed_xlsx_cells_go_to_the_parser():
    table = Table(header=["Mã", "Ngày", "Số lần", "Phí"],
                  rows=[["A", datetime(2022, 1, 5, 8, 30), 3, 50000],
                        ["B", "06/01/2022 09:00", "4", "1.500"]])  # fmt: skip
    columns = [COLUMNS[0], COLUMNS[2], COLUMNS[5], COLUMNS[7]]
    old_rows, old_errors = by_cell(table, columns)
    new_rows, new_errors = by_column(table, columns)
    assert new_errors == old_errors == []
    same(new_rows, old_rows)
    assert new_rows[1]["fee"] == Decimal(1500)


moments = (
    st.none()
    | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))
    | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))
)  # a midnight


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(moments, moments, moments), min_size=1, max_size=12))
def test_excel_date_times_typed_at_once_give_what_the_parser_gives(cells):
    """An XLSX's own date-times (naive datetimes, or empty) in a date-time or date column are
    typed for the whole column at once (`_excel_moments`): the same values and errors as the
    parser, cell by cell — the zone's historic jumps (1945–1975) included."""
    table = Table(header=["Mã", "Ngày", "Hẹn", "Ngày ký"],
                  rows=[[f"A{i}", *row] for i, row in enumerate(cells)])  # fmt: skip
    columns = [COLUMNS[0], COLUMNS[2], COLUMNS[3], COLUMNS[4]]
    old_rows, old_errors = by_cell(table, columns)
    new_rows, new_errors = by_column(table, columns)
    assert new_errors == old_errors
    same(new_rows, old_rows)


def test_a_column_of_excel_date_times_needs_no_parser_call_per_cell():
    table = Table(header=["Mã", "Ngày"],
                  rows=[["A", datetime(2022, 1, 5, 8, 30)], ["B", None], ["D", date(2022, 1, 7)],
                        ["C", datetime(2022, 1, 6, 9, 0, 0, 250)]])  # fmt: skip
    with mock.patch.object(parse_module, "_cell", wraps=parse_module._cell) as per_cell:
        parsed = parse_sheet(Sheet.of_table(table), [COLUMNS[0], COLUMNS[2]])
    assert not any(call.args[0] is COLUMNS[2] for call in per_cell.call_args_list)
    assert [(e.row, e.column, e.message) for e in parsed.errors] == [
        (3, "Ngày", "không được để trống")
    ]
    assert parsed.rows()[3]["when"] == datetime(2022, 1, 6, 9, 0, 0, 250, tzinfo=ZoneInfo(ZONE))


def csv_bytes(lines: list[str], *, bom=False, separator=",") -> bytes:
    text = "\n".join(lines).replace(",", separator) + "\n"
    return (("\ufeff" if bom else "") + text).encode()


@pytest.mark.parametrize(
    "content",
    [
        csv_bytes(["Mã,Ngày", "A,05/01/2022 08:30", "", "B,06/01/2022"]),
        csv_bytes(
            ["BÁO CÁO HỒ SƠ", "Tháng 1/2022", "", "Mã,Ngày", "A,05/01/2022", ",", "B,x"],
            bom=True,
            separator=";",
        ),
        csv_bytes(["Mã,Ngày", '"A\nB",05/01/2022', 'C,"06/01/2022"', "  D  , 07/01/2022 "]),
        csv_bytes(["Mã,Ngày", 'A,"unclosed', "B,06/01/2022"]),
        csv_bytes(["Mã,Ngày", 'A,"3"x', "B,06/01/2022"]),
        "Mã,Ngày\nA,05/01/2022\n".encode("utf-16"),
        "Mã,Ngày,Ghi chú\nA,05/01/2022,Hồ sơ trễ\u00a0hạn\n".encode(),
        csv_bytes(["Mã,Ngày", "A,05/01/2022,extra,cells", "B"]),
        # Quotes Polars reads otherwise than the csv module, and without an error: a quote
        # left open to the end of the file after a doubled one; a quote in an unquoted cell.
        'Mã,Ngày\nA,"ghi chú\n""""'.encode(),
        'Mã,Ngày\nA,05/01/2022\n", \r""'.encode(),
        csv_bytes(["Mã,Ngày", 'A,"x,"q", y"', "B,06/01/2022"]),
        # A row blank under the header with a note further right is a row (its empty cells
        # are reported); a quoted empty cell there is not a note.
        csv_bytes(["Mã,Ngày", "A,05/01/2022", ",,ghi chú bên cạnh", "B,06/01/2022"]),
        csv_bytes(["Mã,Ngày", '"A\nB",05/01/2022', ",,ghi chú", ",", "B,x"]),
        csv_bytes(["Mã,Ngày", "A,05/01/2022", ',,""', ',"",,', "B,x"]),
    ],
)
def test_reading_by_column_finds_the_rows_and_lines_the_row_reader_finds(content):
    names = ["Mã", "Ngày", "Ghi chú"]
    try:
        table = read_table(content, "t.csv", header_names=names)
    except Exception as exc:  # the same refusal on both paths
        with pytest.raises(type(exc)):
            read_sheet(content, "t.csv", header_names=names)
        return
    sheet = read_sheet(content, "t.csv", header_names=names)
    assert (sheet.header, sheet.header_line) == (table.header, table.header_line)
    assert sheet.lines.to_list() == [table.line(i) for i in range(len(table.rows))]
    for position in range(len(table.header)):
        column = sheet.column(position)
        expected = [row[position] if position < len(row) else "" for row in table.rows]
        got = column.to_list() if isinstance(column, pl.Series) else column
        assert got == expected


# The characters a damaged or hand-edited CSV is made of: separators, quotes (doubled or
# not), line breaks of every kind, blank cells, title rows, a second header.
CSV_PIECES = ["Mã,Ngày\n", "TIÊU ĐỀ\n", "A", "x", "Đ", " ", "\u00a0", ",", ",", ";", "\t", '"',
              '"', '""', "\n", "\n", "\r\n", "\r", "05/01/2022"]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(CSV_PIECES), max_size=40).map("".join))
def test_any_csv_text_reads_the_same_by_column_and_by_row(text):
    test_reading_by_column_finds_the_rows_and_lines_the_row_reader_finds(
        ("Mã,Ngày\n" + text).encode()
    )


def test_nfd_text_arrives_composed():
    import unicodedata

    content = unicodedata.normalize("NFD", "Mã,Ngày\nHồ,05/01/2022\n").encode()
    sheet = read_sheet(content, "t.csv", header_names=["Mã", "Ngày"])
    assert sheet.header == ["Mã", "Ngày"]
    assert sheet.column(0).to_list() == ["Hồ"]


def test_a_missing_column_is_a_header_error():
    table = Table(header=["Mã"], rows=[["A"]])
    with pytest.raises(ImportRejected) as caught:
        parse_sheet(Sheet.of_table(table), COLUMNS[:1] + COLUMNS[2:3])
    assert [(e.column, e.message) for e in caught.value.errors] == [("Ngày", "thiếu cột bắt buộc")]


def test_an_xlsx_with_a_title_row_reads_the_same_by_column(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH HỒ SƠ"])
    sheet.append([])
    sheet.append(["Mã", "Ngày"])
    sheet.append(["A", "05/01/2022 08:30"])
    sheet.append(["B", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    table = read_table(content, "t.xlsx", header_names=["Mã", "Ngày"])
    read = read_sheet(content, "t.xlsx", header_names=["Mã", "Ngày"])
    assert read.header_line == table.header_line == 3
    assert read.lines.to_list() == [4, 5]
    assert read.column(1) == ["05/01/2022 08:30", 3]


@pytest.mark.parametrize("left", [1, 2, 3], ids=["from B", "from C", "from D"])
def test_an_xlsx_table_away_from_column_a_reads_the_same_by_column(left):
    """A table under titles, starting further right than column A, with an empty column
    inside it: each empty column is a column of blank cells (two of them came out with one
    name and ended in "Lỗi hệ thống")."""
    pad = [None] * left
    content = xlsx_of([
        [*pad, "DANH SÁCH HỒ SƠ"], [],
        [*pad, "Mã", "Ngày", None, "Số lần"],
        [*pad, "A", "05/01/2022 08:30", None, 2],
        [*pad, "B", "06/01/2022 09:00", None, 3],
    ])  # fmt: skip
    names = ["Mã", "Ngày", "Số lần"]
    table = read_table(content, "t.xlsx", header_names=names)
    read = read_sheet(content, "t.xlsx", header_names=names)
    assert read.header_line == table.header_line == 3
    columns = [COLUMNS[0], COLUMNS[2], COLUMNS[5]]
    old_rows, old_errors = by_cell(table, columns)
    parsed = parse_sheet(read, columns)
    assert old_errors == []
    assert parsed.rows() == old_rows
    assert [row["count"] for row in parsed.rows()] == [2, 3]


def xlsx_of(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# What a spreadsheet's cells hold, by kind: text, Excel's own numbers, dates, date-times (to
# the second, as people type them), times of day and TRUE/FALSE, written by openpyxl as Excel
# writes them. From 1/3/1900: Excel counts a 29/2/1900 that never was, and its days before
# then are not dates people keep.
CELL_KINDS = [
    cell,
    st.integers(-5, 100_000),
    st.sampled_from([1.5, 0.25, 8.125, 1234.5, 50000.0, 1e20, 12345678901234567.0, -0.0]),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.times().map(lambda moment: moment.replace(microsecond=0)),
    st.booleans(),
]


@st.composite
def spreadsheet_rows(draw) -> list[list]:
    """Rows whose columns each hold one kind of cell (or nothing) — what fastexcel reads by
    column — or, now and then, any kind in any cell (read cell by cell)."""
    if draw(st.integers(0, 4)) == 0:
        kinds = [st.one_of(st.none(), *CELL_KINDS)] * len(COLUMNS)
    else:
        kinds = [st.none() | draw(st.sampled_from(CELL_KINDS)) for _ in COLUMNS]
    size = draw(st.integers(1, 6))
    # The first column (the code) filled: a sheet of blank rows has no rows to compare.
    return [[f"M{i}", *(draw(kind) for kind in kinds[1:])] for i in range(size)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spreadsheet_rows(), st.booleans(), st.booleans())
def test_an_xlsx_read_by_column_gives_what_its_cells_read_one_by_one_give(raw_rows, title, long):
    """fastexcel's typed columns (ADR 0030) give every column the values and errors that
    python-calamine's cells give, one by one, through each column's parser (the reference):
    under title rows or not, in a sheet cut to find its header (`excel.HEAD_ROWS`) or not."""
    names = [c.title for c in COLUMNS]
    if long:  # longer than the rows read to find the header in
        raw_rows = raw_rows * (excel.HEAD_ROWS // len(raw_rows) + 1)
    above = [["DANH SÁCH HỒ SƠ"], [], [None, "Tháng 1/2022"]] if title else []
    content = xlsx_of([*above, names, *raw_rows])
    old_rows, old_errors = by_cell(read_table(content, "t.xlsx", header_names=names), COLUMNS)
    parsed = parse_sheet(read_sheet(content, "t.xlsx", header_names=names), COLUMNS)
    assert sorted((e.row, e.column, e.message) for e in parsed.errors) == old_errors
    same(parsed.rows(), old_rows)


@pytest.mark.parametrize("rows", [3, 500])
def test_an_xlsx_of_typed_columns_is_read_by_fastexcel(rows):
    """A sheet whose every column holds one kind of cell (text, numbers, dates) under title
    rows is read by column, not cell by cell; its header and lines are the sheet's."""
    names = ["Mã", "Ngày", "Số lần", "Phí", "Trực tuyến"]
    body = [[None, f"A{i}", datetime(2022, 1, 5, 8, i % 60), i % 4, 50000.0, i % 2 == 0]
            for i in range(rows)]  # fmt: skip
    content = xlsx_of([["BÁO CÁO"], [], [None, *names], *body[:1], [], *body[1:]])
    with mock.patch.object(excel, "_by_cell", wraps=excel._by_cell) as by_cell_reading:
        sheet = read_sheet(content, "t.xlsx", header_names=names)
    assert not by_cell_reading.called
    assert (sheet.header[1:], sheet.header_line) == (names, 3)
    assert sheet.lines.to_list() == [4, *range(6, rows + 5)]
    assert sheet.column(1).to_list()[:2] == ["A0", "A1"]
    assert sheet.column(2).to_list()[:1] == [datetime(2022, 1, 5, 8, 0)]  # one Datetime column
    assert sheet.column(3)[:2] == [0, 1] and sheet.column(4)[0] == 50000


def test_an_xlsx_column_of_mixed_cells_is_read_cell_by_cell():
    content = xlsx_of([["Mã", "Số lần"], *[[f"A{i}", i] for i in range(200)], ["B", "3"]])
    with mock.patch.object(excel, "_by_cell", wraps=excel._by_cell) as by_cell_reading:
        sheet = read_sheet(content, "t.xlsx", header_names=["Mã", "Số lần"])
    assert by_cell_reading.called
    assert sheet.column(1)[-2:] == [199, "3"]


@pytest.mark.parametrize("reader", [read_table, read_sheet])
def test_a_title_without_separators_does_not_decide_the_separator(reader):
    """Found in the browser: a report title above a ";" header made the file read with ","."""
    content = ("\ufeffBÁO CÁO DANH SÁCH HỒ SƠ\nĐơn vị: Văn phòng UBND tỉnh, Lai Châu\n"
               "Mã;Ngày\nA;05/01/2022 08:30\n").encode()  # fmt: skip
    read = reader(content, "t.csv", header_names=["Mã", "Ngày"])
    assert (read.header, read.header_line) == (["Mã", "Ngày"], 3)


@pytest.mark.parametrize("cell", ["100000000000000000000", 10**20, -(2**63) - 1])
def test_a_whole_number_beyond_64_bits_is_refused_not_a_system_error(cell):
    table = Table(header=["Mã", "Tổng"], rows=[["A", cell], ["B", "9.223.372.036.854.775.807"]])
    parsed = parse_sheet(Sheet.of_table(table), [COLUMNS[0], COLUMNS[6]])
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "Tổng")]
    assert "quá lớn" in parsed.errors[0].message
    assert parsed.rows()[1]["total"] == 2**63 - 1


@pytest.mark.parametrize("prefix", [b"", b"x:"])
def test_a_sheet_is_cut_after_its_first_rows_and_closed(prefix):
    """The head's copy of a worksheet (`excel._first_rows`): its first HEAD_ROWS rows, empty
    ones written as `<row/>` included, and its two open elements closed with the prefix the
    sheet's writer used (the .NET SDK writes `x:`)."""
    p = prefix
    rows = [b'<%brow r="%d"><%bc r="A%d"><%bv>1</%bv></%bc></%brow>' % (p, i, p, i, p, p, p, p)
            for i in range(1, excel.HEAD_ROWS + 10)]  # fmt: skip
    rows[3] = b'<%brow r="4" spans="1:3"/>' % p
    xml = b'<%bworksheet xmlns:x="m"><%bsheetData>%b</%bsheetData></%bworksheet>' % (
        p,
        p,
        b"".join(rows),
        p,
        p,
    )
    cut = excel._first_rows(xml)
    assert cut.count(b"row r=") == excel.HEAD_ROWS
    assert cut.endswith(b"</%bsheetData></%bworksheet>" % (p, p))
    from xml.etree import ElementTree

    ElementTree.fromstring(cut)  # well-formed  # noqa: S314


FILLER = "A,05/01/2022\n" * 60  # 780 bytes: past the start decoded in the tests below


@pytest.mark.parametrize("head_bytes", [450, 600, 760])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(st.sampled_from(CSV_PIECES), max_size=40).map("".join))
def test_a_csv_decoded_only_at_its_start_reads_as_one_decoded_whole(head_bytes, text):
    """Only a CSV's first `sheet.HEAD_BYTES` (cut after a line break, at least the lines the
    separator is judged on) are decoded to find the separator and header; Polars reads the
    bytes and each column is composed by itself. Cut anywhere, the file reads as the row
    reader reads the whole text."""
    content = unicodedata.normalize("NFD", "Mã,Ngày\n" + text + "\n" + FILLER).encode()
    with mock.patch.object(sheet_module, "HEAD_BYTES", head_bytes):
        assert sheet_module._Head.of(content).cut or content.count(b"\n", 0, head_bytes) <= 31
        test_reading_by_column_finds_the_rows_and_lines_the_row_reader_finds(content)


def test_bytes_that_are_not_utf8_after_the_start_are_refused_with_the_usual_words():
    content = "Mã,Ngày\n".encode() + FILLER.encode() + b"B,\xff\xfe\n"
    with mock.patch.object(sheet_module, "HEAD_BYTES", 600), pytest.raises(FileError) as refused:
        assert sheet_module._Head.of(content).cut
        read_sheet(content, "t.csv", header_names=["Mã", "Ngày"])
    assert "không ở mã UTF-8" in str(refused.value)


def test_a_long_csv_composes_each_column_past_its_start():
    content = unicodedata.normalize(
        "NFD", "Mã,Trạng thái\n" + "A,Đã giải quyết\nB,Đang giải quyết\xa0\n" * 40
    ).encode()
    with mock.patch.object(sheet_module, "HEAD_BYTES", 1500):
        assert sheet_module._Head.of(content).cut
        sheet = read_sheet(content, "t.csv", header_names=["Mã", "Trạng thái"])
    assert sheet.header == ["Mã", "Trạng thái"]
    assert set(sheet.column(1).to_list()) == {"Đã giải quyết", "Đang giải quyết"}


def test_an_xlsx_header_under_many_blank_rows_is_found_as_the_row_reader_finds_it():
    """More blank rows than the head holds above the header: the sheet is read cell by cell,
    and the header is the one the row reader finds (not a title row among the first)."""
    names = ["Mã", "Số lần"]
    blank_then_header = [["BÁO CÁO"], *[[None]] * excel.HEAD_ROWS, names, ["A", 1], ["B", 2]]
    content = xlsx_of(blank_then_header)
    table = read_table(content, "t.xlsx", header_names=names)
    sheet = read_sheet(content, "t.xlsx", header_names=names)
    assert (sheet.header, sheet.header_line) == (table.header, table.header_line)
    assert sheet.lines.to_list() == table.lines


def test_an_xlsx_with_a_column_named_twice_is_reported_not_a_system_error():
    content = xlsx_of([["Mã", "Số lần", "Mã"], *[[f"A{i}", i, f"B{i}"] for i in range(150)]])
    with pytest.raises(ImportRejected) as rejected:
        parse_sheet(read_sheet(content, "t.xlsx", header_names=["Mã", "Số lần"]), COLUMNS[:1])
    assert [e.message for e in rejected.value.errors] == ["cột bị lặp lại"]
