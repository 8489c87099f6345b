import unicodedata

import pytest

from cchc.core.text import without_accents, xml_safe


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Sở Tư pháp", "So Tu phap"),
        ("Đường Đắk", "Duong Dak"),
        ("Huyện Tam Đường", "Huyen Tam Duong"),
        ("ỦY BAN NHÂN DÂN", "UY BAN NHAN DAN"),
        ("Ngày tiếp nhận", "Ngay tiep nhan"),
        ("MaHoSo 123", "MaHoSo 123"),
    ],
)
def test_accents_come_off_whatever_the_normal_form(text, folded):
    assert without_accents(text) == folded
    assert without_accents(unicodedata.normalize("NFD", text)) == folded


def test_dates_are_formatted_by_the_locale():
    from datetime import UTC, date, datetime

    from cchc.core.formatting import format_date, format_datetime

    assert format_date(date(2022, 3, 5)) == "05/03/2022"
    assert format_date(None) == ""
    # 20:30 UTC on 4 March is 03:30 on 5 March in Việt Nam: the local day is shown.
    moment = datetime(2022, 3, 4, 20, 30, tzinfo=UTC)
    assert format_date(moment) == "05/03/2022"
    assert format_datetime(moment) == "03:30 05/03/2022"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Rà soát thủ tục", "Rà soát thủ tục"),
        ("Dòng một\x0bdòng hai", "Dòng một\ndòng hai"),  # Word's line break, pasted
        ("Trang một\x0cTrang hai", "Trang một\nTrang hai"),  # its page break
        ("a\x00b\x01c\x07d\x1fe\ufffef\uffffg", "abcdefg"),
        ("tab\tnewline\ncr\r", "tab\tnewline\ncr\r"),  # what XML holds stays
    ],
)
def test_text_is_kept_to_what_a_word_or_excel_file_can_hold(typed, kept):
    assert xml_safe(typed) == kept
