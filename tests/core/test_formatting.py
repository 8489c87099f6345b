from decimal import Decimal

import pytest

from cchc.core.formatting import format_number, format_percent, format_seconds, format_size


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (30, 1, "30"),
        (Decimal("15.50"), 2, "15,5"),
        (Decimal("1234.5"), 1, "1.234,5"),
        (1234567, 0, "1.234.567"),
        (Decimal("0.05"), 1, "0,1"),  # half up, not banker's rounding
        (Decimal("0.04"), 1, "0"),
        (Decimal("-3.25"), 1, "-3,3"),
        (Decimal("99.999"), 2, "100"),
        (None, 1, "—"),
    ],
)
def test_format_number(value, places, expected):
    assert format_number(value, places) == expected


def test_format_percent_keeps_no_data_distinct_from_zero():
    assert format_percent(None) == "—"
    assert format_percent(0) == "0%"
    assert format_percent(Decimal("86.29"), 2) == "86,29%"


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [(11, 2, "11,00"), (Decimal("11.25"), 2, "11,25"), (Decimal("1234.5"), 2, "1.234,50"),
     (Decimal("0.125"), 2, "0,13"), (None, 2, "—")],
)  # fmt: skip
def test_format_number_fixed_keeps_the_decimals(value, places, expected):
    assert format_number(value, places, fixed=True) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.0, "dưới 0,1 giây"),
        (0.049, "dưới 0,1 giây"),
        (0.05, "0,1 giây"),
        (1234.56, "1.234,6 giây"),
    ],
)
def test_format_seconds(seconds, expected):
    assert format_seconds(seconds) == expected


@pytest.mark.parametrize(
    ("size", "text"),
    [(None, "—"), (850, "850 byte"), (12_800, "12,5 KB"), (23_837_293, "22,7 MB"),
     (1024**3, "1 GB"), (3 * 1024**2, "3 MB")],
)  # fmt: skip
def test_file_sizes_read_the_vietnamese_way(size, text):
    assert format_size(size) == text


def test_synthetic_marks_are_one_badge_and_escape_their_text():
    from django.template import Context, Template

    html = Template("{% load cchc %}{% synthetic_badge title %}|{% synthetic_note text %}").render(
        Context({"title": "do <máy> sinh", "text": "Hồ sơ <thử>."})
    )
    badge, note = html.split("|")
    assert badge == (
        '<span class="badge text-bg-warning" title="do &lt;máy&gt; sinh">dữ liệu mô phỏng</span>'
    )
    assert note.startswith('<div class="alert alert-warning py-2 small" role="note">')
    assert '<span class="badge text-bg-warning">dữ liệu mô phỏng</span> Hồ sơ &lt;thử&gt;.' in note


def test_a_number_of_any_size_is_written_out():
    """A value read from a file is shown in its refusal ("quá lớn: …"): one of 29 digits was
    past the default precision of 28 and raised (an error page instead of the message)."""
    assert format_number(10**30, 0) == "1" + ".000" * 10
    assert format_number(Decimal("123456789012345678901234567890.55"), 1) == (
        "123.456.789.012.345.678.901.234.567.890,6"
    )
    assert format_number(10**5000, 0)  # past the 4.300 digits Python writes an int out
