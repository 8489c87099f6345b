from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "cchc.portal"
    label = "portal"
    verbose_name = "Trang thông tin CCHC công khai"

    def ready(self) -> None:
        # The inspection's Word conclusion (a lower app) quotes the published conclusion.
        from cchc.portal.selectors import inspection_public_conclusion
        from cchc.reports import inspection_conclusion

        inspection_conclusion.public_conclusion.supply(inspection_public_conclusion)
