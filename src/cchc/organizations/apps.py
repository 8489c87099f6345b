from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "cchc.organizations"
    verbose_name = "Cơ quan, đơn vị"
