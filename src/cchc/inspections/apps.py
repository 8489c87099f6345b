from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "cchc.inspections"
    verbose_name = "Kiểm tra cải cách hành chính"

    def ready(self) -> None:
        # The import engine lives below this app: it learns of the inspections' kind here,
        # so that `operations` imports nothing above it.
        from cchc.inspections.imports import InspectionImporter
        from cchc.operations.imports import register

        register(InspectionImporter)
