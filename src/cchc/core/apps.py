from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cchc.core"
    verbose_name = "Dùng chung"
