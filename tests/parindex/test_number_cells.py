"""Numbers in framework and survey files: decimal columns (points, steps, thresholds, survey
points) read vi-VN and plain numbers, read a lone "." or "," as the decimal mark, and refuse
what is not a number (NaN, exponents, units) with the line and column."""

import io
from decimal import Decimal as D

import openpyxl
import pytest

from cchc.core.tabular.columns import ImportRejected
from cchc.parindex import frameworks, surveys
from cchc.parindex.models import SurveyScore
from cchc.parindex.services.results import survey_import

HEADER = (
    "code,parent_code,title,max_points,scoring_rule,evidence_required,source_url,"
    "scoring_type,step,indicator_code,full_at,zero_at\n"
)


def criteria(max_points: str, step: str = "", full_at: str = "", zero_at: str = ""):
    computed = "computed" if full_at else ""
    indicator = "ON_TIME_RATE" if full_at else ""
    text = (
        f"{HEADER}T,,Bộ,,,,,,,,,\n"
        f'1,T,Tiêu chí,"{max_points}",,,,{computed},"{step}",{indicator},"{full_at}","{zero_at}"\n'
    )
    return frameworks.parse_criteria(text.encode(), "bo.csv")


@pytest.mark.parametrize(
    ("written", "points"),
    [("2,5", D("2.5")), ("2.5", D("2.5")), ("1,25", D("1.25")), ("10", D(10)),
     ("1.000,5", D("1000.5"))],
)  # fmt: skip
def test_maximum_points_in_either_form(written, points):
    assert criteria(written)[1].max_points == points


def test_thresholds_and_steps_with_decimal_commas():
    row = criteria("4", step="0,5", full_at="95,5", zero_at="80")[1]
    assert (row.step, row.full_at, row.zero_at) == (D("0.5"), D("95.5"), D(80))


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("NaN", "không đọc được “NaN” là số"),  # used to fail the comparison with 0: a crash
        ("Infinity", "không đọc được"),
        ("1e1", "không đọc được"),  # used to be 10
        ("2,5 điểm", "không đọc được"),
        ("95%", "không ghi dấu “%”"),
    ],
)
def test_a_points_cell_that_is_not_a_number_is_refused_with_line_and_column(written, message):
    with pytest.raises(ImportRejected) as rejected:
        criteria(written)
    [error] = rejected.value.errors
    assert (error.row, error.column) == (3, "max_points")
    assert message in error.message


SURVEY_POINTS = next(c for c in surveys.COLUMNS if c.key == "points").parse


@pytest.mark.parametrize(
    ("written", "points"),
    [("1,978", D("1.978")), ("1.978", D("1.978")), ("2,75", D("2.75")), (2.75, D("2.75")),
     (1.978, D("1.978")), ("3", D(3))],
)  # fmt: skip
def test_survey_points_are_decimals_whatever_the_locale(written, points):
    """A score is small: "1.978" from an English-locale export is one point nine, never
    one thousand nine hundred (docs/imports.md)."""
    assert SURVEY_POINTS(written) == points


def survey_xlsx(rows):
    book = openpyxl.Workbook()
    book.active.append(["agency", "criterion", "points"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_survey_sheet_with_typed_and_written_points(reform_office, framework, opened):
    content = survey_xlsx([["12-STP", "1.3", 2.75], ["12-SKHDT", "1.3", "1,5"],
                           ["12-STC", "1.3", "2.25"]])  # fmt: skip
    survey_import(actor=reform_office, framework=framework, content=content, file_name="s.xlsx")
    assert dict(SurveyScore.objects.values_list("agency__code", "points")) == {
        "12-STP": D("2.75"),
        "12-SKHDT": D("1.5"),
        "12-STC": D("2.25"),
    }


def test_a_survey_point_that_is_not_a_number_rejects_the_sheet(reform_office, framework, opened):
    content = survey_xlsx([["12-STP", "1.3", "2,5"], ["12-SKHDT", "1.3", "NaN"]])
    with pytest.raises(ImportRejected) as rejected:
        surveys.parse_survey(content, "s.xlsx", framework=framework)
    [error] = rejected.value.errors
    assert (error.row, error.column) == (3, "points") and "không đọc được" in error.message
    assert not SurveyScore.objects.exists()


def test_a_survey_sheet_with_a_column_given_twice_is_refused(reform_office, framework, opened):
    """The survey reader now checks its header as every other import does (it used to keep
    the first of two "points" columns and read the file)."""
    book = openpyxl.Workbook()
    book.active.append(["agency", "criterion", "points", "Điểm"])
    book.active.append(["12-STP", "1.3", 2, 3])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportRejected) as rejected:
        surveys.parse_survey(buffer.getvalue(), "s.xlsx", framework=framework)
    assert [(e.row, e.message) for e in rejected.value.errors] == [(1, "cột bị lặp lại")]
    assert not SurveyScore.objects.exists()
