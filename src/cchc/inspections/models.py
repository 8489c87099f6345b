from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.models import TimeStampedModel
from cchc.operations.models import Inspection
from cchc.organizations.models import Agency
from cchc.organizations.scope import ScopedQuerySet


class InspectionPlanItem(TimeStampedModel):
    """An agency the reform office plans to inspect in a year (kế hoạch kiểm tra CCHC), with
    the reasons the proposal gave or the office wrote."""

    year = models.PositiveSmallIntegerField(_("năm"))
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT)
    planned_month = models.PositiveSmallIntegerField(_("tháng dự kiến"), null=True, blank=True)
    reasons = models.TextField(_("lý do lựa chọn"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan trong kế hoạch kiểm tra")
        verbose_name_plural = _("kế hoạch kiểm tra CCHC")
        constraints = [
            models.UniqueConstraint(fields=["year", "agency"], name="inspection_plan_once")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.agency}"


class RecommendationQuerySet(ScopedQuerySet):
    agency_field = "inspection__agency"


class Recommendation(TimeStampedModel):
    """A recommendation of an inspection (kiến nghị sau kiểm tra), followed until closed."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    text = models.TextField(_("nội dung kiến nghị"))
    due_on = models.DateField(_("thời hạn khắc phục"), null=True, blank=True)
    closed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    closing_note = models.TextField(_("kết quả khắc phục"), blank=True)

    objects = RecommendationQuerySet.as_manager()
    # Who closed it and when: the refusal of a stale close names the last writer.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kiến nghị sau kiểm tra")
        verbose_name_plural = _("kiến nghị sau kiểm tra")
        ordering = ["closed_on", "due_on", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
