"""Framework and survey files as they arrive damaged (issue 20: both read by the import
engine): every kind of bad file is refused with its line and column, and nothing is
written, even when the only bad cell is on the file's last line."""

import io
import unicodedata
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from cchc.parindex.models import Criterion, Framework, SurveyScore
from cchc.parindex.services.frameworks import framework_import
from cchc.parindex.services.results import survey_import
from tests.parindex.conftest import SMALL_CSV, small_spec

pytestmark = pytest.mark.django_db

CORRUPT_XLSX = b"PK\x03\x04" + b"\x00" * 64  # a zip signature, then nothing readable
UNREADABLE = (
    "Dòng 1: Không đọc được tệp Excel: tệp hỏng hoặc không phải tệp .xlsx. Hãy mở tệp bằng "
    "Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi nạp lại."
)


def framework_refused(user, content: bytes, name: str = "bo.csv") -> list[str]:
    before = (Framework.objects.count(), Criterion.objects.count())
    with pytest.raises(ValidationError) as info:
        framework_import(actor=user, spec=small_spec(), content=content, file_name=name)
    assert (Framework.objects.count(), Criterion.objects.count()) == before
    return info.value.messages


def survey_refused(user, framework, content: bytes, name: str = "dtxhh.csv") -> list[str]:
    with pytest.raises(ValidationError) as info:
        survey_import(actor=user, framework=framework, content=content, file_name=name)
    assert not SurveyScore.objects.exists()
    return info.value.messages


# --- criteria frameworks ------------------------------------------------------------------


def test_a_framework_whose_only_bad_cell_is_on_its_last_line_writes_nothing(reform_office):
    lines = SMALL_CSV.splitlines()
    assert lines[-1].startswith("2.2,2,Tỷ lệ hồ sơ đúng hạn,4,")
    lines[-1] = lines[-1].replace(",4,", ",bốn,", 1)
    messages = framework_refused(reform_office, ("\n".join(lines) + "\n").encode())
    assert messages == [
        "Dòng 9, cột max_points: không đọc được “bốn” là số (ví dụ: 1.234,5 hoặc 1234.5)"
    ]


def test_a_corrupt_xlsx_framework_is_refused_as_a_file(reform_office):
    assert framework_refused(reform_office, CORRUPT_XLSX, "bo.xlsx") == [UNREADABLE]


def test_a_framework_with_a_column_given_twice_is_refused(reform_office):
    text = "code,title,Mã,parent_code,max_points,scoring_rule,evidence_required,source_url\n"
    assert framework_refused(reform_office, (text + "A,Một,A,,1,,,\n").encode()) == [
        "Dòng 1, cột Mã: cột bị lặp lại"
    ]


# --- survey points ------------------------------------------------------------------------


def test_a_survey_sheet_without_a_criterion_column_is_refused(reform_office, framework, opened):
    content = "Mã cơ quan,Điểm\n12-STP,2\n".encode()
    assert survey_refused(reform_office, framework, content) == [
        "Dòng 1, cột criterion: thiếu cột bắt buộc"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Dòng 1: Tệp rỗng: không có dòng tiêu đề và dữ liệu."),
        ("Mã cơ quan,Mã tiêu chí,Điểm\n".encode(),
         "Dòng 2: tệp chỉ có dòng tiêu đề, không có dữ liệu"),
        (b"\n\n", "Dòng 1: Tệp rỗng: không có dòng tiêu đề và dữ liệu."),
    ],
)  # fmt: skip
def test_an_empty_survey_sheet_is_refused(reform_office, framework, opened, content, message):
    assert survey_refused(reform_office, framework, content) == [message]


def test_a_corrupt_xlsx_survey_sheet_is_refused(reform_office, framework, opened):
    assert survey_refused(reform_office, framework, CORRUPT_XLSX, "dtxhh.xlsx") == [UNREADABLE]


def test_a_survey_sheet_whose_only_bad_point_is_on_its_last_line_writes_nothing(
    reform_office, framework, opened
):
    book = openpyxl.Workbook()
    book.active.append(["Mã cơ quan", "Mã tiêu chí", "Điểm"])
    book.active.append(["12-STP", "1.3", 2.5])
    book.active.append(["12-STC", "1.3", "3"])
    book.active.append(["12-SKHDT", "1.3", "3,5"])  # above the criterion's 3 points
    buffer = io.BytesIO()
    book.save(buffer)
    messages = survey_refused(reform_office, framework, buffer.getvalue(), "dtxhh.xlsx")
    assert len(messages) == 1 and messages[0].startswith("Dòng 4, cột points: ")


def test_a_survey_sheet_in_decomposed_unicode_is_read(reform_office, framework, opened):
    """A file saved by macOS tools can hold "Điểm" and agency names as base letters plus
    combining accents (NFD): they are the same titles and names."""
    text = 'Cơ quan,Mã tiêu chí,Điểm,Ghi chú\nSở Tư pháp,1.3,"2,5",Đợt một\n12-STC,1.3,3,\n'
    content = unicodedata.normalize("NFD", text).encode()
    assert content != text.encode()
    survey_import(actor=reform_office, framework=framework, content=content,
                  file_name="dtxhh.csv")  # fmt: skip
    scores = {s.agency.code: (s.points, s.note) for s in SurveyScore.objects.all()}
    assert scores == {"12-STP": (D("2.5"), "Đợt một"), "12-STC": (D(3), "")}
