from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "cchc.national"
    verbose_name = "Đối chiếu số liệu Quyết định 766"

    def ready(self) -> None:
        # The import engine lives below this app: it learns of this kind here, so that
        # `operations` imports nothing above it (ADR "national figures beside ours").
        from cchc.national.imports import NationalFigureImporter
        from cchc.operations.imports import register

        register(NationalFigureImporter)
