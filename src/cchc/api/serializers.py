"""What the API returns. Field names are the glossary's English identifiers; texts are the
Vietnamese the pages show."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cchc.organizations.models import Agency, AgencySuccession
from cchc.plans.models import (
    Plan,
    ProgressEvidence,
    ProgressReport,
    ProgressStatus,
    Target,
    TargetThreshold,
)
from cchc.plans.task_status import STATUS_LABELS as TASK_STATUS_LABELS


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    other_names = serializers.ListField(source="other_name_list", child=serializers.CharField())

    class Meta:
        model = Agency
        fields = ["code", "name", "other_names", "level", "parent", "valid_from", "valid_to"]


class SuccessionSerializer(serializers.ModelSerializer):
    predecessor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    successor = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AgencySuccession
        fields = ["predecessor", "successor", "effective_on", "kind", "weight", "legal_basis",
                  "certainty"]  # fmt: skip


class AgencyDetailSerializer(AgencySerializer):
    predecessors = SuccessionSerializer(source="predecessions", many=True, read_only=True)
    successors = SuccessionSerializer(source="successions", many=True, read_only=True)

    class Meta(AgencySerializer.Meta):
        fields = [*AgencySerializer.Meta.fields, "predecessors", "successors"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["year", "number", "title", "issuer", "place", "issued_on", "effective_on",
                  "signer", "tiers"]  # fmt: skip


class ThresholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetThreshold
        fields = ["tier", "value", "upper"]


class TargetSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    thresholds = ThresholdSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = ["label", "quantity", "comparator", "unit", "kind", "baseline_year",
                  "growth_measure", "indicator_code", "source_text", "thresholds"]  # fmt: skip


class FigureSerializer(serializers.Serializer):
    """One value as the dashboard gives it: numerator, denominator, value (%), the last month
    it rests on, whether it comes from synthetic data, and its judgement."""

    tier = serializers.CharField(allow_blank=True)
    numerator = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    denominator = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    through = serializers.DateField(allow_null=True)
    synthetic = serializers.BooleanField()
    threshold = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    at_risk = serializers.BooleanField(allow_null=True)


class AgencyFigureSerializer(serializers.Serializer):
    agency = serializers.CharField(source="agency__code")
    name = serializers.CharField(source="agency__name")
    tier = serializers.CharField()
    numerator = serializers.DecimalField(source="n", max_digits=30, decimal_places=6)
    denominator = serializers.DecimalField(source="d", max_digits=30, decimal_places=6)
    value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    synthetic = serializers.BooleanField()


class TargetFiguresSerializer(serializers.Serializer):
    plan_year = serializers.IntegerField()
    target = serializers.CharField()
    units = serializers.CharField(help_text="thoi_do: đơn vị thời đó; hien_nay: đơn vị hiện nay")
    status = serializers.CharField()
    overall = FigureSerializer(allow_null=True)
    tiers = FigureSerializer(many=True)
    agencies = AgencyFigureSerializer(many=True)


class AgencyRefSerializer(serializers.Serializer):
    """An agency named in an answer: its code and name."""

    code = serializers.CharField()
    name = serializers.CharField()


class AreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TaskSerializer(serializers.Serializer):
    """A task of the plan as the task board shows it (`plans.selectors.task_board`): the
    status its lead agency's latest report gives it today (`plans.task_status`), the percent
    of that report, and whether it is at risk of missing its deadline."""

    id = serializers.IntegerField(source="task.pk")
    area = AreaSerializer(source="task.area")
    order = serializers.IntegerField(source="task.order")
    text = serializers.CharField(source="task.text")
    output = serializers.CharField(source="task.output", allow_blank=True)
    deadline = serializers.DateField(source="task.deadline", allow_null=True)
    lead_agency = AgencyRefSerializer(source="task.lead_agency", allow_null=True)
    coordinating_agencies = AgencyRefSerializer(source="task.coordinating_agencies.all",
                                                many=True)  # fmt: skip
    own_task_of = serializers.CharField(
        source="task.owner.code", allow_null=True,
        help_text="Nhiệm vụ riêng của cơ quan (mã cơ quan); null: nhiệm vụ của kế hoạch tỉnh.",
    )  # fmt: skip
    illustrative = serializers.BooleanField(source="task.illustrative")
    role = serializers.CharField(
        allow_blank=True, help_text="lead: phạm vi của mã chủ trì; coordinating: phối hợp; "
                                    "rỗng: người đọc toàn tỉnh.",
    )  # fmt: skip
    status = serializers.CharField(help_text=", ".join(TASK_STATUS_LABELS))
    status_label = serializers.SerializerMethodField()
    percent = serializers.IntegerField(allow_null=True)
    at_risk = serializers.BooleanField()
    last_report_at = serializers.DateTimeField(allow_null=True)
    synthetic = serializers.BooleanField()

    def get_status_label(self, row) -> str:
        return TASK_STATUS_LABELS[row.status]


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")

    class Meta:
        model = ProgressEvidence
        fields = ["name", "content_type", "size", "sha256"]


class ProgressReportSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer()
    status_label = serializers.CharField(source="get_status_display")
    reported_at = serializers.DateTimeField(source="created_at")
    reported_by = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "agency", "is_lead", "status", "status_label", "percent", "text",
                  "completed_on", "reported_at", "reported_by", "synthetic", "evidence"]  # fmt: skip

    def get_reported_by(self, report) -> str | None:
        """The account, as the task's page names it (none for the demo's generated reports)."""
        return None if report.synthetic else report.reported_by.username


@extend_schema_field({"type": "string", "format": "binary"})
class EvidenceFileField(serializers.FileField):
    """A file sent in a multipart form (the schema says binary, not a URL)."""


class ProgressReportInputSerializer(serializers.Serializer):
    """What a progress report sends (multipart/form-data; JSON without files): the fields of
    the task page's form, checked by that form and written by the page's service."""

    status = serializers.ChoiceField(choices=ProgressStatus.choices)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField(help_text="Nội dung đã thực hiện, khó khăn, đề xuất.")
    completed_on = serializers.DateField(
        required=False, help_text="YYYY-MM-DD hoặc dd/mm/yyyy; bắt buộc khi status là done."
    )
    files = serializers.ListField(
        child=EvidenceFileField(), required=False,
        help_text="Tài liệu kiểm chứng (PDF, Word, Excel, PNG, JPEG; nhận diện theo nội dung), "
                  "lặp lại trường files cho mỗi tệp.",
    )  # fmt: skip


class AreaScoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    points = serializers.CharField(help_text="điểm của lĩnh vực, làm tròn như khi công bố")
    maximum = serializers.CharField(help_text="điểm tối đa của các tiêu chí áp dụng")


class ParIndexResultSerializer(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    agency = AgencyRefSerializer()
    self_total = serializers.CharField()
    appraised_total = serializers.CharField()
    survey_total = serializers.CharField()
    bonus = serializers.CharField()
    penalty = serializers.CharField()
    total = serializers.CharField()
    maximum = serializers.CharField()
    index = serializers.CharField(allow_null=True, help_text="chỉ số (%)")
    classification = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField()
    synthetic = serializers.BooleanField()
    areas = AreaScoreSerializer(many=True)


class ParIndexGroupSerializer(serializers.Serializer):
    level = serializers.CharField()
    label = serializers.CharField()
    results = ParIndexResultSerializer(many=True)


class CriterionAreaSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    max_points = serializers.CharField(allow_null=True)


class ParIndexFrameworkSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    group = serializers.CharField()
    group_label = serializers.CharField()
    par_index = serializers.BooleanField()
    illustrative = serializers.BooleanField()
    display_places = serializers.IntegerField(
        help_text="số chữ số thập phân khi công bố: mọi điểm, chỉ số làm tròn nửa lên đến đây"
    )
    band_basis = serializers.CharField()
    areas = CriterionAreaSerializer(many=True)
    groups = ParIndexGroupSerializer(many=True)


class ParIndexYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    frameworks = ParIndexFrameworkSerializer(many=True)
