"""A news item's body is shown as paragraphs, with everything the office typed escaped."""

import pytest
from django.template import Context, Template

from cchc.portal.templatetags.portal import news_body


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("", ""),
        (None, ""),
        ("   \n\n  ", ""),
        ("Một đoạn.", "<p>Một đoạn.</p>"),
        ("Đoạn một.\n\nĐoạn hai.", "<p>Đoạn một.</p>\n<p>Đoạn hai.</p>"),
        ("Đoạn một.\r\n\r\nĐoạn hai.", "<p>Đoạn một.</p>\n<p>Đoạn hai.</p>"),
        ("Dòng 1\nDòng 2", "<p>Dòng 1<br>Dòng 2</p>"),
        ("A\n   \n\n\nB", "<p>A</p>\n<p>B</p>"),  # a line of spaces is a blank line
        ("  thụt đầu dòng  ", "<p>thụt đầu dòng</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('<a href="x" onclick="y">Xem</a>', "<p>&lt;a href=&quot;x&quot; onclick=&quot;y&quot;&gt;Xem&lt;/a&gt;</p>"),
        ("Tôm & cá 'tươi'", "<p>Tôm &amp; cá &#x27;tươi&#x27;</p>"),
    ],
)  # fmt: skip
def test_the_body_is_paragraphs_of_escaped_text(typed, shown):
    assert news_body(typed) == shown


def test_the_filter_is_what_templates_load():
    rendered = Template("{% load portal %}{{ body|news_body }}").render(
        Context({"body": "<b>Đậm</b>\n\nHết."})
    )
    assert rendered == "<p>&lt;b&gt;Đậm&lt;/b&gt;</p>\n<p>Hết.</p>"
