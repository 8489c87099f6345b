"""Parsing column by column remembers what a repeated text parsed to (value or error), so a
status or a date seen before is parsed once; the natural key is never remembered."""

from __future__ import annotations

import pytest

from cchc.core.tabular.cells import CellError
from cchc.core.tabular.columns import Column, ImportRejected
from cchc.core.tabular.reading import Table
from cchc.operations.imports import base
from cchc.organizations.scope import AgencyScope


def counting_importer(calls: list[str]):
    def parse(value):
        calls.append(value)
        if value == "x":
            raise CellError("không hợp lệ")
        return value.upper()

    class Counting(base.Importer):
        kind = "test"
        title = "Thử"
        natural_key = ("code",)
        columns = [Column("code", "Mã", parse), Column("word", "Từ", parse)]

    return Counting(scope=AgencyScope.everything())


def test_a_repeated_text_is_parsed_once_its_error_reported_on_every_row():
    calls: list[str] = []
    rows = [["k1", "a"], ["k2", "b"], ["k3", "a"], ["k4", "x"], ["k5", "x"]]
    importer = counting_importer(calls)
    with pytest.raises(ImportRejected) as rejected:
        importer.parse(Table(header=["Mã", "Từ"], rows=rows))
    assert [(e.row, e.column) for e in rejected.value.errors] == [(5, "Từ"), (6, "Từ")]
    # Every key parsed (never remembered); "a" and "x" of the other column once each.
    assert sorted(calls) == ["a", "b", "k1", "k2", "k3", "k4", "k5", "x"]
