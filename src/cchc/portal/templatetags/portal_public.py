"""Filters of the public pages."""

from __future__ import annotations

from django import template

from cchc.portal import selectors

register = template.Library()


@register.filter
def threshold(figure) -> str:
    """ "≥ 30%": the requirement a published figure was judged against, "" when none."""
    return selectors.threshold_words(figure)
