"""PAR INDEX (Chỉ số CCHC): criteria frameworks, assessments, appraisal and results.

Fields and constraints only; every rule lives in `scoring.py` (pure) and `services.py` (writes).
The scoring definitions and the workflow are described in docs/parindex.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.core.models import TimeStampedModel
from cchc.organizations.models import Agency, AgencyLevel
from cchc.organizations.scope import ScopedQuerySet
from cchc.plans.tiers import levels_of_year


class FrameworkGroup(models.TextChoices):
    """The agencies a framework assesses (đối tượng đánh giá): one agency level, or all."""

    DEPARTMENT = AgencyLevel.DEPARTMENT.value, _("Sở, ban, ngành")
    DISTRICT = AgencyLevel.DISTRICT.value, _("UBND cấp huyện")
    COMMUNE = AgencyLevel.COMMUNE.value, _("UBND cấp xã")
    ALL = "all", _("Sở, ban, ngành, UBND cấp huyện và cấp xã")


def group_words(levels, *, capital: bool = False) -> str:
    """ "sở, ban, ngành, UBND cấp huyện và cấp xã" / "sở, ban, ngành và UBND cấp xã"."""
    tiers = [w for level, w in ((AgencyLevel.DISTRICT, "cấp huyện"),
                                (AgencyLevel.COMMUNE, "cấp xã")) if level in levels]  # fmt: skip
    text = "sở, ban, ngành" if AgencyLevel.DEPARTMENT in levels else ""
    if tiers:
        local = "UBND " + " và ".join(tiers)
        text = (
            f"{text}, {local}"
            if text and len(tiers) > 1
            else (f"{text} và {local}" if text else local)
        )
    return text[:1].upper() + text[1:] if capital else text


# The agency levels each group assesses.
GROUP_LEVELS = {
    FrameworkGroup.DEPARTMENT: (AgencyLevel.DEPARTMENT,),
    FrameworkGroup.DISTRICT: (AgencyLevel.DISTRICT,),
    FrameworkGroup.COMMUNE: (AgencyLevel.COMMUNE,),
    FrameworkGroup.ALL: (AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT, AgencyLevel.COMMUNE),
}


class BandBasis(models.TextChoices):
    POINTS = "points", _("theo tổng điểm")
    PERCENT = "percent", _("theo chỉ số (%)")


class Framework(TimeStampedModel):
    """A criteria framework (bộ tiêu chí) for one year and one agency group: the tree of
    criteria with their maximum points, and the classification bands (xếp loại).

    `illustrative` marks an example shipped for the demo, to be replaced by the framework the
    provincial People's Committee issues; the pages show it as such."""

    code = models.CharField(_("mã"), max_length=32)
    title = models.CharField(_("tên bộ tiêu chí"), max_length=500)
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    group = models.CharField(_("đối tượng đánh giá"), max_length=16, choices=FrameworkGroup.choices)
    source = models.TextField(_("căn cứ, nguồn"), blank=True)
    source_url = models.URLField(_("địa chỉ nguồn"), max_length=1000, blank=True)
    illustrative = models.BooleanField(
        _("ví dụ minh họa"),
        default=False,
        help_text=_("Bộ tiêu chí mẫu; thay bằng bộ tiêu chí do UBND tỉnh ban hành."),
    )
    par_index = models.BooleanField(
        _("là Chỉ số CCHC"),
        default=True,
        help_text=_("Kết quả được tính cho chỉ tiêu “100% cơ quan được đánh giá, xếp loại Chỉ số "
                    "CCHC”. Bỏ chọn với các bộ chỉ số khác (chất lượng giải quyết TTHC…)."),
    )  # fmt: skip
    precision = models.PositiveSmallIntegerField(
        _("số chữ số thập phân của điểm"),
        default=3,
        help_text=_("Điểm tự chấm, thẩm định, điều tra xã hội học, thưởng, trừ ghi tối đa bấy "
                    "nhiêu chữ số thập phân (0–3)."),
    )  # fmt: skip
    display_places = models.PositiveSmallIntegerField(
        _("số chữ số thập phân khi hiển thị"),
        default=2,
        help_text=_("Tổng điểm và chỉ số được tính đúng, chỉ làm tròn (nửa lên) đến bấy nhiêu "
                    "chữ số thập phân khi hiển thị, xuất Excel, Word (0–3)."),
    )  # fmt: skip
    bands = models.JSONField(
        _("ngưỡng xếp loại"),
        default=list,
        blank=True,
        help_text=_('Danh sách {"min": "15", "label": "Xuất sắc"} từ cao xuống thấp; '
                    '"min" rỗng là mức thấp nhất.'),
    )  # fmt: skip
    band_basis = models.CharField(
        _("xếp loại theo"), max_length=8, choices=BandBasis.choices, default=BandBasis.POINTS
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["-year", "code", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "year", "group"], name="framework_code_year_group_unique"
            ),
            models.CheckConstraint(condition=Q(precision__lte=3), name="framework_precision_le_3"),
            models.CheckConstraint(
                condition=Q(display_places__lte=3), name="framework_display_places_le_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @cached_property
    def levels(self) -> tuple[str, ...]:
        """The agency levels the framework assesses: its group's, within the tiers of its
        year (plans.tiers: from 2026 no district UBND, even in the group "all")."""
        held = levels_of_year(self.year)
        return tuple(
            str(level) for level in GROUP_LEVELS[FrameworkGroup(self.group)] if level in held
        )

    @property
    def group_label(self) -> str:
        """ "Sở, ban, ngành và UBND cấp xã" for the group "all" of a two-tier year."""
        if self.group == FrameworkGroup.ALL:
            return group_words(self.levels, capital=True)
        return str(FrameworkGroup(self.group).label)


class ScoringType(models.TextChoices):
    SELF_ASSESSED = "self_assessed", _("Tự chấm, thẩm định")
    SURVEY = "survey", _("Điều tra xã hội học")
    COMPUTED = "computed", _("Tính từ số liệu")


class Criterion(TimeStampedModel):
    """A node of a framework's tree: an area (lĩnh vực), a criterion (tiêu chí) or a
    sub-criterion (tiêu chí thành phần). Only leaves with a maximum are scored; a parent's
    maximum bounds the sum of its children's.

    A computed criterion takes its points from an indicator of the registry on a linear scale
    (full points at `full_at`, none at `zero_at`); without an indicator it waits for the data
    (the points are entered or appraised)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("mã"), max_length=32)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    title = models.TextField(_("nội dung"))
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    scoring_type = models.CharField(
        _("cách chấm"), max_length=16, choices=ScoringType.choices,
        default=ScoringType.SELF_ASSESSED,
    )  # fmt: skip
    step = models.DecimalField(
        _("bước điểm"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Điểm chấm phải là bội số của bước này; trống: không giới hạn."),
    )
    evidence_required = models.BooleanField(_("cần tài liệu kiểm chứng"), default=False)
    evidence_note = models.TextField(_("tài liệu kiểm chứng"), blank=True)
    scoring_rule = models.TextField(_("cách tính điểm"), blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    indicator_code = models.CharField(_("mã chỉ số"), max_length=64, blank=True)
    full_at = models.DecimalField(
        _("mức đạt điểm tối đa"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    zero_at = models.DecimalField(
        _("mức 0 điểm"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    history = HistoricalRecords()

    # Not fields: set on the criteria `selectors.criteria_tree` returns (depth, is_leaf) and
    # on those the framework's page shows (views.frameworks.framework_detail: the rest).
    depth: int
    is_leaf: bool
    indicator_title: str
    scale: str
    indent: str
    scored: bool

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="criterion_code_unique"),
            models.CheckConstraint(
                condition=Q(max_points__isnull=True) | Q(max_points__gte=0),
                name="criterion_max_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(step__isnull=True) | Q(step__gt=0), name="criterion_step_positive"
            ),
            models.CheckConstraint(
                condition=Q(indicator_code="") | Q(scoring_type="computed", full_at__isnull=False),
                name="criterion_indicator_is_computed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title[:80]}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Đang tự chấm")
    SUBMITTED = "submitted", _("Đã gửi thẩm định")
    UNDER_APPRAISAL = "under_appraisal", _("Đang thẩm định")
    RETURNED = "returned", _("Chờ cơ quan giải trình")
    APPRAISED = "appraised", _("Đã thẩm định")
    FINALISED = "finalised", _("Đã chốt kết quả")
    PUBLISHED = "published", _("Đã công bố")


class AppraisedQuerySet(ScopedQuerySet):
    """Rows of an assessment: visible in the agencies of the scope and, to an appraiser,
    in the assessments assigned to it (same agency and same framework, i.e. the round it
    appraises) — with their scores, evidence and messages, and nothing else of that agency.
    `assessment_path` leads from the row to its assessment ("" for an assessment)."""

    assessment_path = ""

    def visible_to(self, scope) -> AppraisedQuerySet:
        if scope.sees_all or scope.appraiser_id is None:
            return super().visible_to(scope)
        prefix = f"{self.assessment_path}__" if self.assessment_path else ""
        assigned = AppraisalAssignment.objects.filter(
            appraiser_id=scope.appraiser_id,
            agency_id=OuterRef(f"{prefix}agency_id"),
            framework_id=OuterRef(f"{prefix}framework_id"),
        )
        return self.filter(Q(**{f"{self.agency_field}__in": scope.agency_ids}) | Exists(assigned))


class AssessmentQuerySet(AppraisedQuerySet):
    agency_field = "agency"


class Assessment(TimeStampedModel):
    """The assessment sheet (phiếu đánh giá) of one agency under one framework: its
    self-assessment (tự đánh giá), then the appraisal (thẩm định), then the result."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="assessments"
    )
    framework = models.ForeignKey(
        Framework, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT,
        related_name="assessments",
    )  # fmt: skip
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )  # fmt: skip
    deadline = models.DateField(_("hạn gửi tự chấm"))
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    appraised_at = models.DateTimeField(_("thẩm định xong lúc"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("chốt lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("mở lại lúc"), null=True, blank=True)
    reopen_reason = models.TextField(_("lý do mở lại"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("số lần mở lại"), default=0)
    synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phiếu đánh giá")
        verbose_name_plural = _("phiếu đánh giá")
        ordering = ["framework", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "framework"], name="assessment_one_per_agency_framework"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.framework}"


class ScoreQuerySet(AppraisedQuerySet):
    agency_field = "assessment__agency"
    assessment_path = "assessment"


class CriterionScore(TimeStampedModel):
    """The score of one criterion in one assessment: the agency's self-score (điểm tự chấm)
    with its explanation (giải trình), and the appraised score (điểm thẩm định) with the
    appraiser's reason. `version` goes up on every write; a writer passes the version it read
    and is refused if the row changed since (optimistic concurrency)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    self_score = models.DecimalField(
        _("điểm tự chấm"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    explanation = models.TextField(_("giải trình"), blank=True)
    not_applicable = models.BooleanField(_("không áp dụng"), default=False)
    indicator_value = models.DecimalField(
        _("giá trị chỉ số"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    appraised_score = models.DecimalField(
        _("điểm thẩm định"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    appraisal_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thẩm định"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    returned_for_explanation = models.BooleanField(_("yêu cầu giải trình"), default=False)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    objects = ScoreQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        ordering = ["assessment", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="score_one_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0),
                name="score_self_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(appraised_score__isnull=True) | Q(appraised_score__gte=0),
                name="score_appraised_not_negative",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="score_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.criterion.code}"


class MessageKind(models.TextChoices):
    QUESTION = "question", _("Yêu cầu giải trình")
    ANSWER = "answer", _("Giải trình")


class ScoreMessageQuerySet(AppraisedQuerySet):
    agency_field = "score__assessment__agency"
    assessment_path = "score__assessment"


class ScoreMessage(models.Model):
    """One turn of the per-criterion conversation: the appraiser asks for an explanation,
    the agency answers. Append-only."""

    score = models.ForeignKey(CriterionScore, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("loại"), max_length=8, choices=MessageKind.choices)
    text = models.TextField(_("nội dung"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người viết"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    objects = ScoreMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("trao đổi về tiêu chí")
        verbose_name_plural = _("trao đổi về tiêu chí")
        ordering = ["score", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class EvidenceQuerySet(AppraisedQuerySet):
    agency_field = "score__assessment__agency"
    assessment_path = "score__assessment"


class Evidence(TimeStampedModel):
    """An evidence file (tài liệu kiểm chứng) attached to a criterion score. Stored privately
    under a random name (`stored_name`, a path in the default storage); served only through a
    view that checks the reader's scope."""

    score = models.ForeignKey(CriterionScore, on_delete=models.CASCADE, related_name="evidence")
    stored_name = models.CharField(_("đường dẫn lưu trữ"), max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    objects = EvidenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["score", "created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class AssignmentQuerySet(ScopedQuerySet):
    agency_field = "agency"


class AppraisalAssignment(TimeStampedModel):
    """An appraiser (thành viên tổ thẩm định) assigned to appraise one agency's assessment
    under one framework (hence one year)."""

    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thẩm định"), on_delete=models.PROTECT,
        related_name="appraisal_assignments",
    )  # fmt: skip
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan được thẩm định"), on_delete=models.PROTECT,
        related_name="appraisal_assignments",
    )  # fmt: skip
    framework = models.ForeignKey(
        Framework, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT,
        related_name="appraisal_assignments",
    )  # fmt: skip

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân công thẩm định")
        verbose_name_plural = _("phân công thẩm định")
        ordering = ["framework", "agency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraiser", "agency", "framework"], name="assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.appraiser} → {self.agency} ({self.framework})"


class SurveyQuerySet(ScopedQuerySet):
    agency_field = "agency"


class SurveyScore(TimeStampedModel):
    """Points of a survey criterion (điều tra xã hội học) for one agency, imported from the
    survey's result sheet."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="survey_scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT,
        related_name="survey_scores",
    )  # fmt: skip
    points = models.DecimalField(_("điểm"), max_digits=8, decimal_places=3)
    note = models.CharField(_("ghi chú lần nạp"), max_length=500, blank=True)

    objects = SurveyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm điều tra xã hội học")
        verbose_name_plural = _("điểm điều tra xã hội học")
        ordering = ["criterion", "agency__code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "criterion"], name="survey_one_per_agency"),
            models.CheckConstraint(condition=Q(points__gte=0), name="survey_points_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.criterion.code}: {self.points}"


class AdjustmentKind(models.TextChoices):
    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


class AdjustmentQuerySet(ScopedQuerySet):
    agency_field = "assessment__agency"


class Adjustment(TimeStampedModel):
    """A bonus (điểm thưởng) or penalty (điểm trừ) on an assessment, with its reason."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(_("loại"), max_length=8, choices=AdjustmentKind.choices)
    points = models.DecimalField(_("điểm"), max_digits=8, decimal_places=3)
    reason = models.TextField(_("lý do"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    objects = AdjustmentQuerySet.as_manager()
    history = HistoricalRecords()

    # Not a field: set on the rows of the adjustments page (views.results.adjustments).
    locked: bool

    class Meta:
        verbose_name = _("điểm thưởng, điểm trừ")
        verbose_name_plural = _("điểm thưởng, điểm trừ")
        ordering = ["assessment", "kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="adjustment_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}"


class ResultQuerySet(ScopedQuerySet):
    agency_field = "assessment__agency"


class Result(models.Model):
    """The computed result of an assessment (kết quả Chỉ số CCHC): derived from the scores by
    `services.results.results_compute` and stored, with history, so that every published table can
    be
    read again as it was. Recomputing from unchanged scores writes nothing."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="result")
    self_total = models.DecimalField(_("tổng điểm tự chấm"), max_digits=9, decimal_places=3)
    appraised_total = models.DecimalField(_("điểm thẩm định"), max_digits=9, decimal_places=3)
    survey_total = models.DecimalField(
        _("điểm điều tra xã hội học"), max_digits=9, decimal_places=3
    )
    bonus = models.DecimalField(_("điểm thưởng"), max_digits=9, decimal_places=3)
    penalty = models.DecimalField(_("điểm trừ"), max_digits=9, decimal_places=3)
    total = models.DecimalField(_("tổng điểm"), max_digits=9, decimal_places=3)
    maximum = models.DecimalField(_("điểm tối đa áp dụng"), max_digits=9, decimal_places=3)
    index = models.DecimalField(
        _("chỉ số (%)"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("xếp hạng"), null=True, blank=True)
    rank_group = models.CharField(_("nhóm xếp hạng"), max_length=16, choices=AgencyLevel.choices)
    classification = models.CharField(_("xếp loại"), max_length=100, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"), auto_now=True)

    objects = ResultQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kết quả Chỉ số CCHC")
        verbose_name_plural = _("kết quả Chỉ số CCHC")
        ordering = ["assessment__framework", "rank_group", "rank"]

    def __str__(self) -> str:
        return f"{self.assessment} — {self.total}"
