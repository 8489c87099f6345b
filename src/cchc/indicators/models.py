from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.organizations.models import Agency, Tier
from cchc.organizations.scope import ScopedQuerySet


class SnapshotQuerySet(ScopedQuerySet):
    agency_field = "agency"


class IndicatorSnapshot(models.Model):
    """Numerator and denominator of one indicator for one agency and one month, computed
    from operational data. Every figure on a dashboard, report or API is summed from these.

    For "flow" indicators the month's own counts are stored (a period sums its months); for
    "stock" indicators the state at the month's end (a period takes its last month).
    Province-wide facts (the procedure catalogue, information systems) are stored on the
    province agency, with `tier` saying which authority level a row counts for."""

    indicator = models.CharField(_("chỉ số"), max_length=64)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    tier = models.CharField(_("cấp"), max_length=16, choices=Tier.choices)
    month = models.DateField(_("tháng"))
    numerator = models.BigIntegerField(_("tử số"))
    denominator = models.BigIntegerField(_("mẫu số"))
    synthetic = models.BooleanField(_("từ dữ liệu mô phỏng"), default=False)
    excluded = models.BigIntegerField(
        _("không tính vào tỷ lệ"),
        default=0,
        help_text=_("Bản ghi không thuộc tử số lẫn mẫu số, nêu riêng bên cạnh giá trị."),
    )
    # A flow that also counts a state at the period's end (Decision 766's on-time rate: the
    # dossiers still open then): that state at this month's end, added once, for the period's
    # last month only, to the sums of the period's months.
    end_numerator = models.BigIntegerField(_("tử số, tình trạng cuối tháng"), default=0)
    end_denominator = models.BigIntegerField(_("mẫu số, tình trạng cuối tháng"), default=0)
    end_excluded = models.BigIntegerField(
        _("không tính vào tỷ lệ, tình trạng cuối tháng"), default=0
    )
    computed_at = models.DateTimeField(_("tính lúc"), auto_now=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("số liệu chỉ số theo tháng")
        verbose_name_plural = _("số liệu chỉ số theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "agency", "tier", "month"], name="snapshot_key"
            )
        ]
        indexes = [models.Index(fields=["indicator", "month"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.agency_id} {self.month:%m/%Y}: {self.numerator}/{self.denominator}"


class FiguresGeneration(models.Model):
    """One row whose counter grows whenever what the target pages show may change: snapshots
    refreshed, a plan, target, threshold or agency saved. Cached page figures are keyed by it,
    so every server process sees a change at once, whatever cache it keeps (see
    `indicators.figures_cache`)."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("thế hệ số liệu chỉ tiêu")

    def __str__(self) -> str:
        return str(self.value)
