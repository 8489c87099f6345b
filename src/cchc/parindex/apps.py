from django.apps import AppConfig


class ParIndexConfig(AppConfig):
    name = "cchc.parindex"
    verbose_name = "Chỉ số cải cách hành chính (PAR INDEX)"
