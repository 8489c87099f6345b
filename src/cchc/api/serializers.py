"""What the API returns. Field names are the glossary's English identifiers; texts are the
Vietnamese the pages show."""

from rest_framework import serializers

from cchc.organizations.models import Agency, AgencySuccession
from cchc.plans.models import Plan, Target, TargetThreshold


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
