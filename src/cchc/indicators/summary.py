"""Each target's current value for a user, as shown on the plan's target cards (the home
page and the plan's page): year to date through the last month with data, in the user's scope,
with its verdict and a link to the target's page. Fills the seam `plans.selectors.target_values`
(ADR 0004) and is cached like the dashboard's figures (ADR 0005)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from cchc.indicators import dashboard, figures_cache
from cchc.organizations.selectors import membership_of, scope_for
from cchc.plans.models import Plan


def target_values(plan: Plan, user: Any) -> dict[int, str]:
    if membership_of(user) is None:
        return {}
    gen = figures_cache.generation()
    through = dashboard.data_through_remembered(plan.year, gen=gen)
    scope = scope_for(user)

    def compute() -> dict[int, str]:
        statuses = dashboard.plan_statuses(plan, scope=scope, through=through)
        return {
            s.target.pk: render_to_string(
                "indicators/_card_value.html",
                {"s": s, "through": through},
            )
            for s in statuses
            if s.overall is not None
        }

    values = figures_cache.cached(("cards", plan.pk, through), scope, compute, gen=gen)
    return {pk: mark_safe(html) for pk, html in values.items()}  # noqa: S308 — our own template
