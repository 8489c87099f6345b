from django.apps import AppConfig


def _indicator_choices() -> list[tuple[str, str]]:
    from cchc.indicators.registry import INDICATORS

    return [(i.code, i.title) for i in INDICATORS.values()]


class IndicatorsConfig(AppConfig):
    name = "cchc.indicators"
    verbose_name = "Chỉ số đo chỉ tiêu"

    def ready(self) -> None:
        from cchc.indicators import receivers  # noqa: F401 — connects to operational_data_changed
        from cchc.plans import forms as plan_forms

        # Seam of ADR 0004: the target form offers the registry's indicators.
        plan_forms.indicator_choices.supply(_indicator_choices)
        # and the plan's target cards show each target's current value.
        from cchc.indicators.summary import target_values
        from cchc.plans import selectors as plan_selectors

        plan_selectors.target_values.supply(target_values)
        from cchc.operations.selectors import figures_pending

        plan_selectors.figures_pending.supply(figures_pending)

        # The catalogue of a year accepts the authority tiers of that year's plan (no cấp
        # huyện from 2026): operations sits beside plans, so this app, above both, joins them.
        from cchc.operations.imports import procedures
        from cchc.plans.tiers import tiers_of_year

        procedures.tiers_of_year.supply(tiers_of_year)
