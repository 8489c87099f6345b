from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "cchc.indicators"
    verbose_name = "Chỉ số đo chỉ tiêu"

    def ready(self) -> None:
        from cchc.indicators import receivers  # noqa: F401 — connects to operational_data_changed
        from cchc.indicators.registry import INDICATORS
        from cchc.plans import forms as plan_forms

        # Seam of ADR 0004: the target form offers the registry's indicators.
        plan_forms.indicator_choices = lambda: [(i.code, i.title) for i in INDICATORS.values()]
