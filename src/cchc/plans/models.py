from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.formatting import format_date, format_number
from cchc.core.models import TimeStampedModel
from cchc.organizations.models import Agency, AgencyLevel, Tier
from cchc.plans import tiers
from cchc.plans.tiers import all_tiers

if TYPE_CHECKING:
    from cchc.plans.services import TargetCopy


class ReformArea(TimeStampedModel):
    """Reform area (lĩnh vực cải cách) of Resolution 76/NQ-CP, plus direction and
    management (chỉ đạo điều hành), under which plans group their tasks."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    source = models.CharField(_("nguồn"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("lĩnh vực cải cách")
        verbose_name_plural = _("lĩnh vực cải cách")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Plan(TimeStampedModel):
    """Annual reform plan of a province (Kế hoạch CCHC năm …)."""

    province = models.ForeignKey(
        Agency,
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"level": AgencyLevel.PROVINCE},
    )
    year = models.PositiveSmallIntegerField(_("năm kế hoạch"))
    number = models.CharField(_("số, ký hiệu"), max_length=64, blank=True)
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    effective_on = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    signer = models.CharField(_("người ký"), max_length=255, blank=True)
    purposes = models.TextField(_("mục đích"), blank=True)
    requirements = models.TextField(_("yêu cầu"), blank=True, help_text=_("Mỗi dòng một yêu cầu."))
    source = models.CharField(_("nguồn"), max_length=500, blank=True)
    source_note = models.TextField(_("ghi chú về nguồn"), blank=True)
    # Since 01/07/2025 local government has two levels (no cấp huyện): a plan says which tiers
    # its targets, pages and reports know (plans.tiers), in the order of `Tier`.
    tiers = models.JSONField(
        _("các cấp của kế hoạch"),
        default=all_tiers,
        help_text=_("Các cấp hành chính kế hoạch đặt chỉ tiêu, theo dõi và báo cáo: từ năm 2026 "
                    "là cấp tỉnh và cấp xã (không còn cấp huyện)."),
    )  # fmt: skip
    # The demo's plan of a year the province has not planned (`create_illustrative_plan`): its
    # targets modelled on another plan's. Every page that shows the plan or its figures says
    # so; it is never presented as a plan the province issued.
    illustrative = models.BooleanField(
        _("kế hoạch minh họa"),
        default=False,
        help_text=_("Kế hoạch do bản dùng thử tạo để minh họa, không phải văn bản tỉnh ban hành."),
    )

    history = HistoricalRecords()

    # Not a field: set on the plan `services.plan_create` returns — what copying another plan's
    # targets kept and dropped (None when nothing was copied).
    target_copy: TargetCopy | None

    class Meta:
        verbose_name = _("kế hoạch CCHC")
        verbose_name_plural = _("kế hoạch CCHC")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="plan_one_per_province_year")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def requirement_list(self) -> list[str]:
        return [line.strip() for line in self.requirements.splitlines() if line.strip()]

    @property
    def tier_list(self) -> list[str]:
        """The declared tiers in order (province, district, commune)."""
        return tiers.ordered(self.tiers or tiers.ALL_TIERS)

    @property
    def has_district_tier(self) -> bool:
        return Tier.DISTRICT in self.tier_list

    @property
    def tier_words(self) -> str:
        """ "cấp tỉnh và cấp xã": how a sentence names the plan's tiers."""
        return tiers.words(self.tier_list)

    @property
    def agency_levels(self) -> frozenset[str]:
        """The agency levels a target of this plan can name (plans.tiers.levels_of)."""
        return tiers.levels_of(self.tier_list)


class LegalBasis(TimeStampedModel):
    """A document a plan is based on (căn cứ), as a structured reference."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="legal_bases")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.TextField(_("nguyên văn"))
    number = models.CharField(_("số, ký hiệu"), max_length=64, blank=True)
    doc_type = models.CharField(_("loại văn bản"), max_length=64, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    title = models.TextField(_("trích yếu"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("căn cứ")
        verbose_name_plural = _("căn cứ")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="legal_basis_order_unique")
        ]

    def __str__(self) -> str:
        return self.number or self.text[:60]


class Comparator(models.TextChoices):
    GTE = "gte", _("tối thiểu (≥)")
    GT = "gt", _("trên (>)")
    LTE = "lte", _("tối đa (≤)")
    LT = "lt", _("dưới (<)")
    BETWEEN = "between", _("trong khoảng")


class TargetUnit(models.TextChoices):
    PERCENT = "percent", _("%")
    COUNT = "count", _("số lượng")


class TargetKind(models.TextChoices):
    SHARE = "share", _("tỷ lệ / giá trị trong năm")
    GROWTH = "growth", _("tăng so với năm gốc")


class GrowthMeasure(models.TextChoices):
    """What "tăng x%" of a growth target means; the verdict uses it, the pages show both."""

    RELATIVE = "relative", _("tăng tương đối của số lượng (%)")
    POINTS = "points", _("tăng của tỷ lệ, tính bằng điểm phần trăm")


COMPARATOR_SYMBOLS = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<", "between": ""}
TIER_ORDER = {"": -1, **{tier: i for i, tier in enumerate(Tier.values)}}


class Target(TimeStampedModel):
    """Measurable goal of a plan (chỉ tiêu). A numbered item of the plan that measures
    several quantities is stored as several rows sharing `number`, with parts a, b, c."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    number = models.PositiveSmallIntegerField(_("số thứ tự trong kế hoạch"))
    part = models.CharField(_("phần"), max_length=2, blank=True)
    source_text = models.TextField(_("nguyên văn chỉ tiêu"))
    quantity = models.CharField(_("nội dung đo"), max_length=500)
    comparator = models.CharField(
        _("so sánh"), max_length=8, choices=Comparator.choices, default=Comparator.GTE
    )
    unit = models.CharField(
        _("đơn vị"), max_length=8, choices=TargetUnit.choices, default=TargetUnit.PERCENT
    )
    kind = models.CharField(
        _("loại"), max_length=8, choices=TargetKind.choices, default=TargetKind.SHARE
    )
    baseline_year = models.PositiveSmallIntegerField(_("năm gốc"), null=True, blank=True)
    # "Tăng tối thiểu 10% thủ tục …" (plan 4345, target 6) grows a count by 10 % of itself.
    growth_measure = models.CharField(
        _("cách tính mức tăng"), max_length=8, choices=GrowthMeasure.choices,
        default=GrowthMeasure.RELATIVE,
        help_text=_("Chỉ tiêu tăng trưởng: mức tăng mà chỉ tiêu nói tới, dùng để đánh giá đạt "
                    "hay chưa; trang số liệu nêu cả hai cách tính."),
    )  # fmt: skip
    scope_levels = models.JSONField(
        _("đối tượng áp dụng"),
        default=list,
        blank=True,
        help_text=_("Các cấp cơ quan thuộc phạm vi chỉ tiêu."),
    )
    scope_note = models.TextField(_("ghi chú phạm vi"), blank=True)
    # "đến hết năm 2025": a target set for a later year than the plan's (not the baseline
    # year of a growth target, "so với năm 2021").
    target_year = models.PositiveSmallIntegerField(
        _("năm đạt chỉ tiêu"),
        null=True,
        blank=True,
        help_text=_("Khi chỉ tiêu nêu mốc thời gian, ví dụ “đến hết năm 2025”."),
    )
    indicator_code = models.CharField(
        _("mã chỉ số đo"),
        max_length=64,
        blank=True,
        help_text=_("Chỉ số của hệ thống dùng để đo chỉ tiêu này."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "number", "part"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number", "part"], name="target_number_part_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="share") | Q(baseline_year__isnull=False),
                name="target_growth_has_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}. {self.quantity}"

    @property
    def label(self) -> str:
        return f"{self.number}{self.part}"

    @property
    def scope_level_labels(self) -> list[str]:
        return [str(AgencyLevel(level).label) for level in self.scope_levels]

    def threshold_lines(self) -> list[tuple[str, str]]:
        """(tier label or "", requirement) pairs, e.g. ("Cấp tỉnh", "≥ 30%") or
        ("", "tăng ≥ 10% so với năm 2021"); uses prefetched thresholds."""
        symbol = COMPARATOR_SYMBOLS[self.comparator]
        unit = "%" if self.unit == TargetUnit.PERCENT else ""
        lines = []
        for t in sorted(self.thresholds.all(), key=lambda t: TIER_ORDER.get(t.tier, -1)):
            if self.kind == TargetKind.GROWTH and self.growth_measure == GrowthMeasure.POINTS:
                unit = " điểm phần trăm"
            if self.comparator == Comparator.BETWEEN:
                text = f"{format_number(t.value, 2)}{unit} – {format_number(t.upper, 2)}{unit}"
            else:
                text = f"{symbol} {format_number(t.value, 2)}{unit}"
            if self.kind == TargetKind.GROWTH:
                text = f"tăng {text} so với năm {self.baseline_year}"
            lines.append((t.get_tier_display() if t.tier else "", text))
        return lines


class TargetThreshold(TimeStampedModel):
    """The value a target must reach, for one tier (cấp tỉnh/huyện/xã) or, with an empty
    tier, for the whole scope. `upper` is set only for a range."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="thresholds")
    tier = models.CharField(_("cấp"), max_length=16, choices=Tier.choices, blank=True)
    value = models.DecimalField(_("ngưỡng"), max_digits=9, decimal_places=2)
    upper = models.DecimalField(
        _("ngưỡng trên"), max_digits=9, decimal_places=2, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ngưỡng chỉ tiêu")
        verbose_name_plural = _("ngưỡng chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["target", "tier"], name="threshold_one_per_tier"),
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(upper__gte=models.F("value")),
                name="threshold_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.label} {self.get_tier_display() or ''} {self.value}"


class Task(TimeStampedModel):
    """Reform task of a plan (nhiệm vụ), with its lead agency (cơ quan chủ trì) and
    coordinating agencies (cơ quan phối hợp). Empty where the plan names none."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    area = models.ForeignKey(
        ReformArea, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="tasks"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung nhiệm vụ"))
    output = models.TextField(_("sản phẩm, kết quả"), blank=True)
    deadline = models.DateField(_("thời gian hoàn thành"), null=True, blank=True)
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan chủ trì"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
    )
    coordinating_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("cơ quan phối hợp"),
        blank=True,
        related_name="coordinated_tasks",
    )
    owner = models.ForeignKey(
        Agency,
        verbose_name=_("nhiệm vụ riêng của cơ quan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="own_tasks",
        help_text=_(
            "Trống: nhiệm vụ của kế hoạch tỉnh. Có giá trị: nhiệm vụ cơ quan tự đặt trong kế "
            "hoạch triển khai của mình; chỉ cơ quan đó và cấp tỉnh thấy."
        ),
    )
    # The demo's plan in motion (demo.plans): a lead, coordinators and a deadline the plan's
    # document does not give, set to show the tracker at work. Shown as "minh họa" wherever
    # the task is; cleared when the reform office assigns the task itself.
    illustrative = models.BooleanField(
        _("phân công minh họa"),
        default=False,
        help_text=_("Cơ quan chủ trì, phối hợp và thời hạn do bản dùng thử đặt để minh họa, "
                    "không có trong văn bản kế hoạch."),
    )  # fmt: skip

    history = HistoricalRecords(m2m_fields=[coordinating_agencies])

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "area__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "area", "order"], name="task_order_unique")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, scope) -> ProgressReportQuerySet:
        """Reports of the tasks an agency in scope leads or coordinates: everyone working on
        a task sees its whole timeline, and nobody else does (except province-wide roles)."""
        if scope.sees_all:
            return self.all()
        ids = scope.agency_ids
        return self.filter(
            Q(task__lead_agency_id__in=ids) | Q(task__coordinating_agencies__in=ids)
        ).distinct()


class ProgressReport(TimeStampedModel):
    """A report on a task's progress (báo cáo tiến độ) by its lead agency, or a contribution
    by a coordinating agency. The lead agency's latest report gives the task its status."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan báo cáo"), on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField(_("của cơ quan chủ trì"))
    status = models.CharField(_("tình trạng"), max_length=16, choices=ProgressStatus.choices)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    text = models.TextField(_("nội dung"))
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người báo cáo"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Written by the demo's generator (demo.plans), not by an agency: marked wherever shown.
    synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)

    objects = ProgressReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_le_100"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="progress_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.get_status_display()} {self.percent}%"


class ReminderLog(models.Model):
    """One reminder e-mail sent about a task (or the weekly digest, task empty) — so that
    running the daily job twice on the same day sends nothing twice."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("loại nhắc"), max_length=16)
    day = models.DateField(_("ngày"))
    recipients = models.PositiveSmallIntegerField(_("số người nhận"), default=0)

    class Meta:
        verbose_name = _("thư nhắc việc")
        verbose_name_plural = _("thư nhắc việc")
        constraints = [
            models.UniqueConstraint(fields=["task", "kind", "day"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.task_id} {format_date(self.day)}"


class ProgressEvidence(TimeStampedModel):
    """An evidence file attached to a progress report; served only to readers of the report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    stored_name = models.CharField(max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")

    def __str__(self) -> str:
        return self.original_name
