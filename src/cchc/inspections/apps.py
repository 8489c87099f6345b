from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "cchc.inspections"
    verbose_name = "Kiểm tra cải cách hành chính"
