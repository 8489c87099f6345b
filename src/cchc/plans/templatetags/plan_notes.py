"""`{% illustrative_plan_note plan_or_year %}`: the banner every page shows for an illustrative
plan (`Plan.illustrative`, the demo's plan of a year the province has not planned) — on the
plan's page, its dashboard and target pages, and the reports of its year — so it is never
read as a plan the province issued. Nothing for a real plan."""

from django import template
from django.utils.html import format_html

from cchc.plans.models import Plan

register = template.Library()

ILLUSTRATIVE_PLAN = "kế hoạch minh họa"


@register.simple_tag
def illustrative_plan_note(plan_or_year) -> str:
    plan = plan_or_year
    if not isinstance(plan, Plan):
        try:
            year = int(plan_or_year)
        except (TypeError, ValueError):
            return ""
        plan = Plan.objects.filter(year=year, illustrative=True).only("year", "source").first()
    if plan is None or not plan.illustrative:
        return ""
    return format_html(
        '<div class="alert alert-warning py-2 small" role="note" id="ke-hoach-minh-hoa">'
        '<span class="badge text-bg-warning">{}</span> Kế hoạch năm {} là <strong>kế hoạch '
        "minh họa</strong> do bản dùng thử tạo, không phải kế hoạch UBND tỉnh ban hành: chỉ tiêu, "
        "ngưỡng và đánh giá theo kế hoạch này chỉ để xem thử.{}</div>",
        ILLUSTRATIVE_PLAN,
        plan.year,
        format_html(" {}", plan.source) if plan.source else "",
    )
