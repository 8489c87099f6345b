from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cchc.api"
    label = "api"
    verbose_name = "API"
