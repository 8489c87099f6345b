from django import template

from cchc.core.formatting import format_number, format_percent, format_size

register = template.Library()


@register.filter
def vn_number(value, places: int = 1) -> str:
    return format_number(value, int(places))


@register.filter
def vn_fixed(value, places: int = 2) -> str:
    """Exactly `places` decimals: score columns line up (11,00 beside 11,25)."""
    return format_number(value, int(places), fixed=True)


@register.filter
def vn_percent(value, places: int = 1) -> str:
    return format_percent(value, int(places))


@register.filter
def vn_size(value) -> str:
    return format_size(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
