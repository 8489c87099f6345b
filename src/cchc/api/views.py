"""Read endpoints of /api/v1/ (issue 18, first part). Every queryset of agency data goes
through `.visible_to(scope_for(request.user))`, as on the pages: a token of an agency reads
what an officer of that agency reads; another agency's row answers 404 like a missing one."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.api import serializers as s
from cchc.indicators import dashboard
from cchc.indicators.registry import INDICATORS
from cchc.indicators.selectors import AT_THE_TIME, TODAY, per_agency
from cchc.organizations.models import Agency, AgencySuccession
from cchc.organizations.selectors import scope_for
from cchc.plans.models import Plan


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({name: f"“{text}” không phải ngày dạng YYYY-MM-DD."}) from None


def plan_or_404(year: int) -> Plan:
    """The plan of `year`, or a 404 in Vietnamese (Django's `get_object_or_404` says "No Plan
    matches the given query.")."""
    plan = Plan.objects.filter(year=year).first()
    if plan is None:
        raise NotFound(_("Không có kế hoạch năm %(year)s.") % {"year": year})
    return plan


class AgencyList(generics.ListAPIView):
    """The agencies the caller may read; `on` (YYYY-MM-DD): only those running that day."""

    serializer_class = s.AgencySerializer

    @extend_schema(parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="ngày")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = Agency.objects.visible_to(scope_for(self.request.user)).select_related("parent")
        day = _day(self.request.query_params.get("on"), "on")
        return qs.active_on(day) if day else qs


class AgencyDetail(generics.RetrieveAPIView):
    serializer_class = s.AgencyDetailSerializer
    lookup_field = "code"

    def get_queryset(self):
        links = AgencySuccession.objects.select_related("predecessor", "successor")
        return (
            Agency.objects.visible_to(scope_for(self.request.user))
            .select_related("parent")
            .prefetch_related(Prefetch("predecessions", links), Prefetch("successions", links))
        )

    def get_object(self):
        """The agency, or the same 404 whether it does not exist or is outside the scope."""
        agency = self.get_queryset().filter(code=self.kwargs["code"]).first()
        if agency is None:
            raise NotFound(_("Không có cơ quan mã “%(code)s” mà bạn đọc được.")
                           % {"code": self.kwargs["code"]})  # fmt: skip
        self.check_object_permissions(self.request, agency)
        return agency


class PlanList(generics.ListAPIView):
    """The province's plans: shared, as every role reads them (ADR 0001)."""

    serializer_class = s.PlanSerializer
    queryset = Plan.objects.order_by("-year")


class TargetList(generics.ListAPIView):
    serializer_class = s.TargetSerializer

    def get_queryset(self):
        plan = plan_or_404(self.kwargs["year"])
        return plan.targets.prefetch_related("thresholds").order_by("number", "part")


def _figure(evaluation, tier: str = "") -> dict | None:
    if evaluation is None:
        return None
    return {
        "tier": tier, "numerator": evaluation.numerator, "denominator": evaluation.denominator,
        "value": evaluation.value, "through": evaluation.through,
        "synthetic": evaluation.synthetic, "threshold": evaluation.threshold,
        "met": evaluation.met, "at_risk": evaluation.at_risk,
    }  # fmt: skip


class TargetFigures(APIView):
    """A target's figures for the caller's scope, as its page gives them: the value judged
    against the plan's thresholds (per tier where the plan sets tiers), and per agency.
    `through` (YYYY-MM): the last month counted (default: the last month with data);
    `units`: thoi_do (default) or hien_nay (records re-expressed in today's units)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("through", OpenApiTypes.STR, description="tháng cuối, YYYY-MM"),
            OpenApiParameter("units", OpenApiTypes.STR, enum=[AT_THE_TIME, TODAY]),
        ],
        responses=s.TargetFiguresSerializer,
    )
    def get(self, request, year: int, label: str):
        plan = plan_or_404(year)
        target = next((t for t in plan.targets.prefetch_related("thresholds") if t.label == label),
                      None)  # fmt: skip
        if target is None or target.indicator_code not in INDICATORS:
            return Response({"detail": "Không có chỉ tiêu này hoặc chỉ tiêu chưa có chỉ số đo."},
                            status=404)  # fmt: skip
        units = request.query_params.get("units", AT_THE_TIME)
        if units not in (AT_THE_TIME, TODAY):
            raise ValidationError({"units": "Chỉ nhận thoi_do hoặc hien_nay."})
        through = dashboard.data_through(year)
        asked = request.query_params.get("through")
        if asked:
            try:
                y, m = (int(p) for p in asked.split("-"))
                chosen = date(y, m, 1)
            except ValueError:
                raise ValidationError({"through": f"“{asked}” không phải tháng YYYY-MM."}) from None
            if chosen.year != year:
                raise ValidationError({"through": f"Tháng phải thuộc năm {year}."})
            through = min(chosen, through) if through else chosen
        scope = scope_for(request.user)
        status = dashboard.target_status(target, scope=scope, year=year, through=through)
        rows = per_agency(
            target.indicator_code, scope=scope, year=year, through=through,
            baseline_year=target.baseline_year, growth_measure=target.growth_measure,
            levels=status.levels, units=units,
        )  # fmt: skip
        data = {
            "plan_year": year, "target": target.label, "units": units, "status": status.status,
            "overall": _figure(status.overall),
            "tiers": [_figure(e, tier) for tier, e in status.tiers],
            "agencies": rows,
        }  # fmt: skip
        return Response(s.TargetFiguresSerializer(data).data)
