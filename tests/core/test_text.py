import unicodedata

import pytest

from cchc.core.text import without_accents


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
