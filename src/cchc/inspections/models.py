from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.models import TimeStampedModel
from cchc.operations.models import ImportRun
from cchc.organizations.models import Agency
from cchc.organizations.scope import ScopedQuerySet


class Inspection(TimeStampedModel):
    """A reform inspection (kiểm tra CCHC) of an agency, for target 1.

    It comes from one of two places, and says which: an imported file (`import_run`, the run
    that last wrote it, as every imported record; `recorded_by` empty) or the reform office's
    page (`recorded_by`, the officer who entered it; `import_run` empty). An inspection typed
    on the page is not an import, so it no longer borrows a one-row run to hold its
    provenance; the officer is what the page knows and what a reader asks ("who entered
    this?"). Rows from before the page kept its officer carry the run it made then. Only an
    imported run can be synthetic (demo data): an inspection without a run is a real one."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan được kiểm tra"), on_delete=models.PROTECT,
        related_name="inspections",
    )  # fmt: skip
    inspected_on = models.DateField(_("ngày kiểm tra"))
    team = models.CharField(_("đoàn kiểm tra"), max_length=255, blank=True)
    covers_organisation = models.BooleanField(_("kết hợp kiểm tra tổ chức bộ máy"), default=False)
    covers_discipline = models.BooleanField(_("kết hợp kiểm tra kỷ luật, kỷ cương"), default=False)
    findings = models.TextField(_("kết quả, tồn tại"), blank=True)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi nhận"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True,
    )  # fmt: skip

    objects = ScopedQuerySet.as_manager()  # owned through `agency`

    class Meta:
        verbose_name = _("cuộc kiểm tra CCHC")
        verbose_name_plural = _("cuộc kiểm tra CCHC")
        constraints = [
            models.UniqueConstraint(fields=["agency", "inspected_on"], name="inspection_key")
        ]

    @property
    def synthetic(self) -> bool:
        """Demo data: only an imported inspection can be (its run says so)."""
        return self.import_run is not None and self.import_run.synthetic


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
