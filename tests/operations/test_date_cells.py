"""The fast dd/mm/yyyy path of date cells accepts and refuses exactly what the list of
formats does (strptime), and gives the same moment."""

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.core.tabular import cells as f


def by_formats(raw: str):
    for fmt in f.DATETIME_FORMATS:
        try:
            return datetime.strptime(raw.strip(), fmt)
        except ValueError:
            continue
    return None


def parsed(raw: str):
    try:
        return f._parse_datetime(raw)
    except f.CellError:
        return None


@pytest.mark.parametrize(
    "raw",
    ["05/01/2022", "5/1/2022 8:30", "05-01-2022 08:30:15", "31/02/2022", "05/01-2022",
     "2022-01-05", "05/01/2022 24:00", "05/01/2022  08:30", "1/13/2022", "05/01/2022 8:5",
     "20220105083000", "00/01/2022", "05/01/22", " 29/02/2024 23:59:59 ", "29/02/2023"],
)  # fmt: skip
def test_same_as_the_formats(raw):
    assert parsed(raw) == by_formats(raw)


digits = st.integers(min_value=0, max_value=99).map(str) | st.integers(0, 9).map(lambda n: f"0{n}")


@settings(max_examples=300, deadline=None)
@given(digits, st.sampled_from("/-"), digits, st.integers(1990, 2100), st.none() | digits,
       digits, st.none() | digits)  # fmt: skip
def test_any_dd_mm_yyyy_cell_as_the_formats(d, sep, m, y, hh, mm, ss):
    raw = f"{d}{sep}{m}{sep}{y}"
    if hh is not None:
        raw += f" {hh}:{mm}" + (f":{ss}" if ss is not None else "")
    assert parsed(raw) == by_formats(raw)
