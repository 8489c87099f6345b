from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.models import TimeStampedModel
from cchc.organizations.models import Agency
from cchc.organizations.scope import ScopedQuerySet
from cchc.reports.periods import KIND_LABELS, report_period


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")


class PeriodicReport(TimeStampedModel):
    """An agency's periodic reform report (báo cáo CCHC định kỳ) for a period: the narrative
    the officer writes, and the generated .docx (Decree 30/2020 layout) and .xlsx annex."""

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT)
    kind = models.CharField(_("kỳ báo cáo"), max_length=16, choices=list(KIND_LABELS.items()))
    year = models.PositiveSmallIntegerField(_("năm"))
    # The quarter (1–4) of a quarterly report; 0 for the other kinds (a real value, so that
    # the uniqueness below holds on every database).
    number = models.PositiveSmallIntegerField(_("quý"), default=0)
    number_symbol = models.CharField(
        _("số, ký hiệu"),
        max_length=64,
        blank=True,
        help_text=_("Ví dụ: 05/BC-STP; để trống số khi là dự thảo: /BC-STP"),
    )
    overview = models.TextField(_("đánh giá chung"), blank=True)
    results = models.TextField(_("kết quả theo lĩnh vực"), blank=True)
    difficulties = models.TextField(_("tồn tại, hạn chế, nguyên nhân"), blank=True)
    proposals = models.TextField(_("phương hướng, đề xuất, kiến nghị"), blank=True)
    signing_authority = models.CharField(_("chức vụ người ký"), max_length=100, default="GIÁM ĐỐC")
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    docx_path = models.CharField(max_length=255, blank=True)
    xlsx_path = models.CharField(max_length=255, blank=True)
    generated_at = models.DateTimeField(_("tạo tệp lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    # Who saved what and when: the refusal of a stale save names the last writer.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "year", "number"], name="report_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.period.title}"

    @property
    def period(self):
        return report_period(
            self.kind, self.year, self.number or None, cutoff_day=settings.REPORT_CUTOFF_DAY
        )


class DocumentKind(models.TextChoices):
    """The Word documents rendered from a template a province may replace (docs/reports.md,
    "Mẫu văn bản"); the value is the bundled file's name in data/document_templates/."""

    PERIODIC_REPORT = "bao_cao_dinh_ky", _("Báo cáo định kỳ cải cách hành chính")
    PAR_INDEX_ANNEX = "phu_luc_chi_so_cchc", _("Phụ lục kết quả Chỉ số cải cách hành chính")
    INSPECTION_CONCLUSION = "ket_luan_kiem_tra", _("Kết luận kiểm tra công tác cải cách hành chính")


class DocumentTemplate(TimeStampedModel):
    """A province's own version of a Word template (docxtpl), uploaded by the reform office.
    Versions are kept; the active one is used, and with none active the bundled template is.
    A file is stored only after it rendered with sample data (document_templates.upload)."""

    kind = models.CharField(_("loại văn bản"), max_length=32, choices=DocumentKind.choices)
    province = models.ForeignKey(
        Agency, verbose_name=_("tỉnh"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    file_name = models.CharField(_("tên tệp"), max_length=255)
    content = models.BinaryField(_("nội dung tệp"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("tải lên lúc"))
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("mẫu văn bản")
        verbose_name_plural = _("mẫu văn bản")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "province", "version"], name="document_template_version"
            ),
            models.UniqueConstraint(
                fields=["kind", "province"],
                condition=models.Q(active=True),
                name="document_template_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — phiên bản {self.version}"
