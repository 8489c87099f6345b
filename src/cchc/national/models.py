from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.models import TimeStampedModel
from cchc.organizations.models import Agency
from cchc.organizations.scope import ScopedQuerySet


class NationalFigureQuerySet(ScopedQuerySet):
    agency_field = "agency"


class NationalFigure(TimeStampedModel):
    """A monthly result of Decision 766 published nationally for the province or one of its
    agencies (kết quả Bộ chỉ số 766 công bố): the value of one national indicator, in percent,
    as the national portal shows it. Loaded by the reform office from the published table; one
    row per indicator × agency × month, a later file of the same month replacing it."""

    indicator = models.CharField(
        _("chỉ số Quyết định 766"), max_length=16,
        help_text=_("Mã chỉ số của Bộ chỉ số 766, ví dụ 766.4.3."),
    )  # fmt: skip
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("tháng"))
    value = models.DecimalField(_("giá trị công bố (%)"), max_digits=5, decimal_places=2)
    import_run = models.ForeignKey(
        "operations.ImportRun", verbose_name=_("lần nạp"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    objects = NationalFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết quả Bộ chỉ số 766 công bố")
        verbose_name_plural = _("kết quả Bộ chỉ số 766 công bố")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "agency", "month"], name="national_figure_key"
            )
        ]
        indexes = [models.Index(fields=["month", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.agency_id} {self.month:%m/%Y}: {self.value}"


class ComparisonSetting(TimeStampedModel):
    """The reform office's one setting of the comparison page: a difference between our
    figure and the published one larger than `threshold` percentage points is flagged
    (ngưỡng chênh lệch). One row; edited on the page, with history."""

    threshold = models.DecimalField(
        _("ngưỡng chênh lệch (điểm phần trăm)"), max_digits=5, decimal_places=2, default=5
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ngưỡng đối chiếu số liệu Quyết định 766")

    def __str__(self) -> str:
        return f"{self.threshold}"
