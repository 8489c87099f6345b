"""The public CCHC information page (issue 18): what the reform office has published.

Nothing is public until the reform office publishes it. A `Release` is one act of publishing
one thing — the plan, the targets' figures through a month, a PAR INDEX ranking, an
inspection's conclusion, a directive document, a news item — and stays public until it is
withdrawn, with a reason, by the office. The public pages read releases only, never the
working tables behind them, so a draft, an unpublished row or another file cannot be reached
from them.

The figures of a release are frozen when it is made (`PublishedFigure`): what was published
stays what the public reads, however the data are corrected later — a correction is a new
release. Synthetic (demo) data are refused at publication."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.models import TimeStampedModel
from cchc.inspections.models import Inspection
from cchc.organizations.models import Agency, Tier
from cchc.parindex.models import Framework
from cchc.plans.models import Plan


class DirectiveDocument(TimeStampedModel):
    """A directive document (văn bản chỉ đạo, điều hành) the reform office keeps for the
    public page: number, date, issuer, summary and the file itself (stored privately, served
    only through a release)."""

    number = models.CharField(_("số, ký hiệu"), max_length=64)
    issued_on = models.DateField(_("ngày ban hành"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    title = models.CharField(_("trích yếu"), max_length=500)
    summary = models.TextField(_("tóm tắt nội dung"), blank=True)
    stored_name = models.CharField(_("tệp lưu"), max_length=255, blank=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    content_type = models.CharField(_("loại tệp"), max_length=128, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người nhập"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    history = HistoricalRecords()

    # Not a field: set on the rows of the office's list (views.office.documents).
    is_public: bool

    class Meta:
        verbose_name = _("văn bản chỉ đạo, điều hành")
        verbose_name_plural = _("văn bản chỉ đạo, điều hành")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} ngày {self.issued_on:%d/%m/%Y}"


class NewsItem(TimeStampedModel):
    """A news item or announcement (tin bài CCHC) written by the reform office."""

    title = models.CharField(_("tiêu đề"), max_length=300)
    lead = models.TextField(_("tóm tắt"), blank=True)
    body = models.TextField(_("nội dung"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người viết"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    history = HistoricalRecords()

    # Not a field: set on the rows of the office's list (views.office.news_list).
    is_public: bool

    class Meta:
        verbose_name = _("tin bài CCHC")
        verbose_name_plural = _("tin bài CCHC")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ReleaseKind(models.TextChoices):
    PLAN = "plan", _("kế hoạch CCHC")
    FIGURES = "figures", _("số liệu chỉ tiêu")
    RANKING = "ranking", _("kết quả Chỉ số CCHC")
    INSPECTION = "inspection", _("kết luận kiểm tra CCHC")
    DOCUMENT = "document", _("văn bản chỉ đạo, điều hành")
    NEWS = "news", _("tin bài CCHC")


# The one field each kind of release points at (FIGURES: the plan, with `through`).
SUBJECT = {
    ReleaseKind.PLAN: "plan",
    ReleaseKind.FIGURES: "plan",
    ReleaseKind.RANKING: "framework",
    ReleaseKind.INSPECTION: "inspection",
    ReleaseKind.DOCUMENT: "document",
    ReleaseKind.NEWS: "news",
}
_SUBJECTS = ("plan", "framework", "inspection", "document", "news")


class ReleaseQuerySet(models.QuerySet):
    def public(self) -> ReleaseQuerySet:
        """The releases the public page shows: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


def _only(kind: str, field: str, *, through: bool = False) -> Q:
    """A release of `kind` points at `field` and at nothing else."""
    q = Q(kind=kind, **{f"{field}__isnull": False})
    for other in _SUBJECTS:
        if other != field:
            q &= Q(**{f"{other}__isnull": True})
    return q & Q(through__isnull=not through)


class Release(TimeStampedModel):
    """One thing published on the public page by the reform office, public until withdrawn."""

    kind = models.CharField(_("loại"), max_length=16, choices=ReleaseKind.choices)
    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    through = models.DateField(
        _("số liệu đến hết tháng"), null=True, blank=True,
        help_text=_("Ngày đầu của tháng cuối cùng được tính."),
    )  # fmt: skip
    framework = models.ForeignKey(
        Framework, verbose_name=_("bộ tiêu chí"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("cuộc kiểm tra"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    document = models.ForeignKey(
        DirectiveDocument, verbose_name=_("văn bản"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="releases",
    )  # fmt: skip
    news = models.ForeignKey(
        NewsItem, verbose_name=_("tin bài"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="releases",
    )  # fmt: skip
    # An inspection's conclusion as the office words it for the public (the findings recorded
    # for the agency may name people or drafts; the office writes what is published).
    conclusion = models.TextField(_("kết luận công khai"), blank=True)
    published_at = models.DateTimeField(_("công bố lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người công bố"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    withdrawn_at = models.DateTimeField(_("gỡ lúc"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người gỡ"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    withdraw_reason = models.CharField(_("lý do gỡ"), max_length=500, blank=True)

    objects = ReleaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nội dung công khai")
        verbose_name_plural = _("nội dung công khai")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_only(ReleaseKind.PLAN, "plan")
                | _only(ReleaseKind.FIGURES, "plan", through=True)
                | _only(ReleaseKind.RANKING, "framework")
                | _only(ReleaseKind.INSPECTION, "inspection")
                | _only(ReleaseKind.DOCUMENT, "document")
                | _only(ReleaseKind.NEWS, "news"),
                name="release_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdraw_reason=""),
                name="release_withdrawn_with_reason",
            ),
            # One public release per subject (per plan and month for figures).
            *(
                models.UniqueConstraint(
                    fields=[field, *(["through"] if kind == ReleaseKind.FIGURES else [])],
                    condition=Q(kind=kind, withdrawn_at__isnull=True),
                    name=f"release_public_{kind}",
                )
                for kind, field in SUBJECT.items()
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_public(self) -> bool:
        return self.withdrawn_at is None


class PublishedFigure(models.Model):
    """One figure of a FIGURES release, frozen when published: a target's value over January
    to `month` of the plan's year — for the whole province (`agency` empty; `tier` empty for
    the overall value, else the tier's), or for one agency (as the target page lists them)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="figures")
    target_label = models.CharField(_("chỉ tiêu"), max_length=16)
    target_text = models.TextField(_("nội dung chỉ tiêu"))
    indicator = models.CharField(_("chỉ số"), max_length=64)
    month = models.DateField(_("đến hết tháng"))
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    tier = models.CharField(_("cấp"), max_length=16, choices=Tier.choices, blank=True)
    numerator = models.BigIntegerField(_("tử số"), null=True)
    denominator = models.BigIntegerField(_("mẫu số"), null=True)
    value = models.DecimalField(_("giá trị"), max_digits=12, decimal_places=2, null=True)
    unit = models.CharField(_("đơn vị"), max_length=16, blank=True)
    threshold = models.DecimalField(
        _("ngưỡng"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    comparator = models.CharField(_("so sánh"), max_length=4, blank=True)
    met = models.BooleanField(_("đạt"), null=True)
    # The verdict of the target (province rows, empty tier): dashboard.TargetStatus.status.
    status = models.CharField(_("đánh giá"), max_length=16, blank=True)

    # Not a field: set on the figures `services.figures_publish` builds — a synthetic figure
    # stops the publication.
    synthetic: bool

    class Meta:
        verbose_name = _("số liệu đã công bố")
        verbose_name_plural = _("số liệu đã công bố")
        indexes = [models.Index(fields=["release", "month", "target_label"])]

    def __str__(self) -> str:
        return f"{self.target_label} {self.month:%m/%Y} {self.agency_id or 'tỉnh'}: {self.value}"


class PublishedTask(models.Model):
    """One task of a FIGURES release, frozen when published: its status as the task board gave
    it on the day of publication (the lead agency's latest report and the deadline)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(
        "plans.Task", verbose_name=_("nhiệm vụ"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    area = models.CharField(_("lĩnh vực"), max_length=255)
    area_order = models.PositiveSmallIntegerField(_("thứ tự lĩnh vực"), default=0)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung nhiệm vụ"))
    lead_agency = models.CharField(_("cơ quan chủ trì"), max_length=255, blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=16)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), null=True)

    class Meta:
        verbose_name = _("nhiệm vụ đã công bố")
        verbose_name_plural = _("nhiệm vụ đã công bố")
        ordering = ["release", "area_order", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
