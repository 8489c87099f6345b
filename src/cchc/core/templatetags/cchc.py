from django import template
from django.utils.html import format_html

from cchc.core.concurrency import version_of
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


SYNTHETIC = "dữ liệu mô phỏng"


@register.simple_tag
def synthetic_badge(title: str = "") -> str:
    """The one mark of generated (demo) data, wherever a user meets it."""
    if title:
        return format_html(
            '<span class="badge text-bg-warning" title="{}">{}</span>', title, SYNTHETIC
        )
    return format_html('<span class="badge text-bg-warning">{}</span>', SYNTHETIC)


ILLUSTRATIVE = "minh họa"


@register.simple_tag
def illustrative_badge() -> str:
    """The mark of what the demo set on real records the document leaves empty (a task's
    lead, coordinators and deadline): not a fact of the plan."""
    return format_html(
        '<span class="badge text-bg-warning" title="{}">{}</span>',
        "Do bản dùng thử đặt để minh họa, không có trong văn bản kế hoạch",
        ILLUSTRATIVE,
    )


@register.simple_tag
def synthetic_note(text: str) -> str:
    """The badge with a sentence saying what on the page is generated."""
    return format_html(
        '<div class="alert alert-warning py-2 small" role="note">{} {}</div>',
        synthetic_badge(),
        text,
    )


@register.filter
def version_token(instance) -> str:
    """The version of a row for a hand-written edit form's hidden `version` input
    (core.concurrency)."""
    return version_of(instance)
