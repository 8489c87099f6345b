"""Framework and survey files holding what the database cannot: numbers past a column's
digits or decimals, a note longer than its column, control characters, a NUL, huge cells,
an XLSX formula with no value, an agency the framework does not assess. Each used to end in
an error page (HTTP 500) or be written; each is now refused on the import page with its line
and column, in Vietnamese, and nothing is written (an outside review, faults 1–8)."""

from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cchc.parindex import frameworks, scoring
from cchc.parindex.models import Criterion, Framework, SurveyScore

pytestmark = pytest.mark.django_db

HEADER = (
    "code,parent_code,title,max_points,scoring_rule,evidence_required,source_url,"
    "scoring_type,step,indicator_code,full_at,zero_at\n"
)


def criteria(max_points="5", *, title="Tiêu chí", step="", full_at="", zero_at="") -> bytes:
    computed = ("computed", "ON_TIME_RATE") if full_at or zero_at else ("", "")
    row = (f'1,,"{title}","{max_points}",,,,{computed[0]},"{step}",{computed[1]},'
           f'"{full_at}","{zero_at}"\n')  # fmt: skip
    return (HEADER + row).encode()


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def framework_page(client, user, content: bytes, name: str = "bo.csv"):
    client.force_login(user)
    data = {
        "code": "KIEM-THU", "title": "Bộ tiêu chí kiểm thử", "year": "2032",
        "group": "department", "source": "", "source_url": "", "par_index": "on",
        "precision": "3", "bands": "", "band_basis": "points",
        "file": SimpleUploadedFile(name, content),
    }  # fmt: skip
    return client.post(reverse("parindex:framework_import"), data)


def stored() -> tuple[int, int, int]:
    return Framework.objects.count(), Criterion.objects.count(), SurveyScore.objects.count()


MILLION = 1_000_000


@pytest.mark.parametrize(
    ("content", "column", "words"),
    [
        # 1. a number the column cannot hold: the model's validation used to raise (HTTP 500)
        pytest.param(criteria("123456"), "max_points", "“123456” quá lớn (tối đa 99.999,999)",
                     id="max-points-6-digits"),
        pytest.param(criteria("123456789012"), "max_points", "quá lớn (tối đa 99.999,999)",
                     id="max-points-12-digits"),
        pytest.param(criteria("5", step="100000"), "step", "“100000” quá lớn (tối đa 999,999)",
                     id="step-6-digits"),
        pytest.param(criteria(full_at="95,12345"), "full_at",
                     "“95,12345” có 5 chữ số thập phân, cột này ghi tối đa 2", id="full-at-5-decimals"),
        pytest.param(criteria(full_at="95,123"), "full_at",
                     "“95,123” có 3 chữ số thập phân, cột này ghi tối đa 2", id="full-at-3-decimals"),
        pytest.param(criteria(full_at="123456789012345678901234567890"), "full_at",
                     "quá lớn (tối đa 9.999.999,99)", id="full-at-30-digits"),
        pytest.param(criteria(full_at="100", zero_at="-10000000"), "zero_at",
                     "“-10000000” quá nhỏ (tối thiểu -9.999.999,99)", id="zero-at-8-digits"),
        # 3. 29 digits and more: decimal.Overflow, InvalidOperation (HTTP 500)
        pytest.param(criteria("9" * 29), "max_points", f"“{'9' * 29}” quá lớn (tối đa 99.999,999)",
                     id="max-points-29-digits"),
        pytest.param(criteria("9" * MILLION), "max_points",
                     f"“{'9' * 60}… (1.000.000 ký tự)” quá lớn (tối đa 99.999,999)",
                     id="max-points-a-million-digits"),
        # 4. a long cell quoted whole: a megabyte of refusal
        pytest.param(criteria("a" * MILLION), "max_points",
                     f"không đọc được “{'a' * 60}… (1.000.000 ký tự)” là số", id="a-million-letters"),
        # 5. a control character, later an Excel download's HTTP 500
        pytest.param(criteria(title="Hài lòng\x01 của người dân"), "title",
                     "chứa ký tự điều khiển U+0001 (ký tự thứ 9)", id="control-in-title"),
        # 7. a formula no program computed: it is not an empty cell
        pytest.param(xlsx([HEADER.strip().split(","), ["1", "", '=HYPERLINK("http://x","y")', 5]]),
                     "title", "ô chứa công thức chưa có giá trị tính sẵn", id="xlsx-formula"),
    ],
)  # fmt: skip
def test_a_framework_file_the_database_cannot_hold_is_refused_on_its_page(
    client, reform_office, content, column, words
):
    name = "bo.xlsx" if content[:2] == b"PK" else "bo.csv"
    before = stored()
    response = framework_page(client, reform_office, content, name)
    assert response.status_code == 200
    [error] = response.context["errors"]
    assert (error.row, error.column) == (2, column)
    assert words in error.message
    assert len(error.message) < 300
    assert "Tệp bị từ chối, chưa ghi gì" in response.content.decode()
    assert stored() == before


@pytest.mark.parametrize("content", [criteria(title="A\x00"), b"code,title\n1,A\x00\n"])
def test_a_framework_csv_with_a_nul_is_refused_as_a_file_on_either_database(
    client, reform_office, content
):
    """PostgreSQL refused the text ("cannot contain NUL characters", HTTP 500); SQLite kept
    it. docs/imports.md says such a CSV is refused as a file, naming its line."""
    before = stored()
    response = framework_page(client, reform_office, content)
    assert response.status_code == 200
    [error] = response.context["errors"]
    assert error.message.startswith("Dòng 2 của tệp CSV chứa ký tự NUL (U+0000)")
    assert stored() == before


def test_points_written_with_more_zeros_than_the_column_keeps_are_read():
    [row] = frameworks.parse_criteria(criteria("5,0000", full_at="95,500"), "bo.csv")
    assert (row.max_points, row.full_at) == (D("5.000"), D("95.50"))


# --- survey points ------------------------------------------------------------------------


def survey_page(client, user, framework, text: str):
    client.force_login(user)
    address = reverse("parindex:survey_import", kwargs={"pk": framework.pk})
    upload = SimpleUploadedFile("dtxhh.csv", text.encode())
    return client.post(address, {"file": upload})


SURVEY = "Mã cơ quan,Mã tiêu chí,Điểm,Ghi chú\n12-STP,1.3,2,\n"


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        # 2. a note longer than its column (500): the model's validation (HTTP 500)
        pytest.param("12-STC,1.3,1," + "n" * 600, "note", "dài 600 ký tự, tối đa 500 ký tự",
                     id="note-600"),
        # 3. 29 digits: InvalidOperation in scoring.shown (HTTP 500)
        pytest.param("12-STC,1.3," + "9" * 29 + ",", "points",
                     f"“{'9' * 29}” quá lớn (tối đa 99.999,999)", id="points-29-digits"),
        pytest.param("12-STC,1.3," + "9" * 100_000 + ",", "points",
                     f"“{'9' * 60}… (100.000 ký tự)” quá lớn (tối đa 99.999,999)",
                     id="points-100000-digits"),
        # 4. quoted whole
        pytest.param("12-STC,1.3," + "z" * 100_000 + ",", "points",
                     f"không đọc được “{'z' * 60}… (100.000 ký tự)” là số", id="points-letters"),
        # 5. a control character in the note
        pytest.param("12-STC,1.3,1,ghi\x1fchú", "note", "chứa ký tự điều khiển U+001F",
                     id="control-in-note"),
        pytest.param("12-STC,1.3,1,ghi\ufffechú", "note", "chứa ký tự không hợp lệ U+FFFE",
                     id="noncharacter-in-note"),
        # 6. an agency of the framework's level without an assessment under it (Sở Nội vụ:
        # the round opened three other departments), once written
        pytest.param("12-SNV,1.3,1,", "agency",
                     "Sở Nội vụ (12-SNV) không có phiếu đánh giá theo bộ tiêu chí này",
                     id="agency-not-assessed"),
    ],
)  # fmt: skip
def test_a_survey_sheet_the_database_cannot_hold_is_refused_on_its_page(
    client, reform_office, framework, opened, line, column, words
):
    response = survey_page(client, reform_office, framework, SURVEY + line + "\n")
    assert response.status_code == 200
    [error] = response.context["errors"]
    assert (error.row, error.column) == (3, column)
    assert words in error.message
    assert len(error.message) < 300
    assert not SurveyScore.objects.exists()


def test_a_survey_sheet_with_a_nul_is_refused_as_a_file(client, reform_office, framework, opened):
    response = survey_page(client, reform_office, framework, SURVEY + "12-STC,1.3,1,ghi\x00chú\n")
    assert response.status_code == 200
    [error] = response.context["errors"]
    assert error.message.startswith("Dòng 3 của tệp CSV chứa ký tự NUL (U+0000)")
    assert not SurveyScore.objects.exists()


def test_a_note_as_long_as_its_column_is_written(client, reform_office, framework, opened):
    response = survey_page(
        client, reform_office, framework, SURVEY.replace("2,\n", "2," + "n" * 500 + "\n")
    )
    assert response.status_code == 302
    assert SurveyScore.objects.get().note == "n" * 500


# --- load_frameworks --year ---------------------------------------------------------------


@pytest.mark.parametrize("year", ["0", "-5", "99999", "1900", "1999", "2101"])
def test_load_frameworks_refuses_a_year_the_import_page_refuses(year):
    """0, -5 and 99999 ended in a ValueError's traceback; 1900 was loaded."""
    with pytest.raises(CommandError) as refused:
        call_command("load_frameworks", "--year", year, verbosity=0)
    assert (
        str(refused.value) == f"Năm đánh giá phải từ 2000 đến 2100 (nhận {int(year)}). Chưa nạp gì."
    )
    assert not Framework.objects.exists()


def test_a_framework_spec_outside_the_years_is_refused():
    spec = frameworks.FrameworkSpec(code="X", title="X", group="department", year=1900)
    with pytest.raises(frameworks.ServiceError, match="Năm đánh giá phải từ 2000 đến 2100"):
        spec.check()


@pytest.mark.parametrize(
    ("number", "text"),
    [("9" * 29, "9" * 29), ("-" + "9" * 40 + ".50", "-" + "9" * 40 + ",5"), ("2.00", "2"),
     ("1E+2", "100"), ("1E-5", "0,00001"), ("17.967", "17,967")],
)  # fmt: skip
def test_a_number_of_any_length_is_shown_in_a_message(number, text):
    """`scoring.shown` rounded to the decimal context's 28 digits: 29 nines raised
    InvalidOperation while wording a refusal (HTTP 500)."""
    assert scoring.shown(D(number)) == text
