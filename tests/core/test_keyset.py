"""Keyset paging's cursor: written by a page, read back exactly; anything else refused."""

from datetime import UTC, datetime, timedelta

import pytest

from cchc.core.keyset import Cursor


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2022, 1, 5, 1, 0, 0, 123456, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # before 1970: negative
        datetime(2022, 1, 5, 8, tzinfo=UTC) + timedelta(microseconds=1),
    ],
)
def test_a_cursor_reads_back_to_the_same_microsecond(moment):
    cursor = Cursor(moment, 42)
    assert Cursor.parse(str(cursor)) == cursor


@pytest.mark.parametrize(
    "text", ["", "abc", "1.", ".1", "1.2.3", "1,5.2", "1e5.2", "9" * 30 + ".1", "1.-2", " 1.2"]
)
def test_a_cursor_no_page_wrote_is_refused(text):
    with pytest.raises(ValueError):
        Cursor.parse(text)
