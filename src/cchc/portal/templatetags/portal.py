"""How a news item's body is shown — the one rendering the office's preview and the public
page share: the text the office typed, every character escaped (no HTML is ever taken from
it), paragraphs where it left a blank line, line breaks where it pressed Enter."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


@register.filter
def news_body(text: str | None) -> SafeString:
    """`text` as HTML paragraphs: `{{ news.body|news_body }}` (after `{% load portal %}`)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return mark_safe("")
    paragraphs = (p.strip() for p in _BLANK_LINE.split(text))
    html = "\n".join(
        "<p>" + "<br>".join(escape(line.strip()) for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p
    )
    return mark_safe(html)  # noqa: S308 — every piece of the text went through escape()
