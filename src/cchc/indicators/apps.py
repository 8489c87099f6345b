from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "cchc.indicators"
    verbose_name = "Chỉ số đo chỉ tiêu"

    def ready(self) -> None:
        from cchc.indicators import receivers  # noqa: F401 — connects to operational_data_changed
