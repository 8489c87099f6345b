from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "cchc.operations"
    verbose_name = "Dữ liệu nghiệp vụ"
