"""Reads of the PAR INDEX: frameworks and their criteria, assessments in a user's scope,
progress, appraisers' assignments, the inputs of the scoring and the results tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from cchc.organizations.scope import AgencyScope
from cchc.parindex import scoring
from cchc.parindex.models import (
    Adjustment,
    AdjustmentKind,
    AppraisalAssignment,
    Assessment,
    Criterion,
    CriterionScore,
    Evidence,
    Framework,
    Result,
    ScoringType,
    SurveyScore,
)


def scorable_criteria(framework: Framework) -> QuerySet[Criterion]:
    """The criteria that are scored: leaves of the tree that have a maximum."""
    has_children = Criterion.objects.filter(parent=OuterRef("pk"))
    return (
        framework.criteria.filter(max_points__isnull=False)
        .annotate(has_children=Exists(has_children))
        .filter(has_children=False)
        .order_by("order")
    )


def criteria_tree(framework: Framework) -> list[Criterion]:
    """Every criterion of the framework in file order, with `depth` (0 for a root) and
    `is_leaf` set, for showing the tree."""
    criteria = list(framework.criteria.order_by("order"))
    by_id = {c.pk: c for c in criteria}
    parents = {c.parent_id for c in criteria}
    for criterion in criteria:
        depth, current = 0, criterion
        while current.parent_id is not None:
            depth, current = depth + 1, by_id[current.parent_id]
        criterion.depth = depth  # type: ignore[attr-defined]
        criterion.is_leaf = criterion.pk not in parents  # type: ignore[attr-defined]
    return criteria


def framework_list() -> QuerySet[Framework]:
    return Framework.objects.annotate(
        criterion_count=Count("criteria", distinct=True),
        assessment_count=Count("assessments", distinct=True),
    ).order_by("-year", "illustrative", "code")


def assessments(*, scope: AgencyScope) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(scope).select_related("agency", "framework")


def assessment_detail(*, scope: AgencyScope, pk: int) -> Assessment:
    """One assessment in scope with its scores (criterion, evidence, conversation) and its
    adjustments; raises Assessment.DoesNotExist outside the scope."""
    scores = CriterionScore.objects.select_related("criterion", "appraised_by").prefetch_related(
        "evidence", "messages"
    )
    return (
        assessments(scope=scope)
        .prefetch_related(Prefetch("scores", queryset=scores), "adjustments")
        .get(pk=pk)
    )


def evidence_for(*, scope: AgencyScope, pk: int) -> Evidence:
    """An evidence file as a reader may download it: 404 (DoesNotExist) outside the scope."""
    return Evidence.objects.visible_to(scope).select_related("score__assessment").get(pk=pk)


@dataclass(frozen=True)
class Progress:
    """How far an agency's self-assessment is: criteria it must score (self-assessed, not
    marked not applicable, or marked) and those done. Shown as "32/58 tiêu chí"."""

    done: int
    total: int

    def __str__(self) -> str:
        return f"{self.done}/{self.total} tiêu chí"


def progress(assessment: Assessment) -> Progress:
    scores = assessment.scores.filter(criterion__scoring_type=ScoringType.SELF_ASSESSED)
    counts = scores.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(self_score__isnull=False) | Q(not_applicable=True)),
    )
    return Progress(done=counts["done"], total=counts["total"])


def appraiser_agency_ids(user: AbstractBaseUser | AnonymousUser) -> set[int]:
    """The agencies assigned to `user` for appraisal (every framework, every year): the
    part of an appraiser's scope that comes from assignments."""
    if not user.is_authenticated:
        return set()
    return set(
        AppraisalAssignment.objects.filter(appraiser=user).values_list("agency_id", flat=True)
    )


def is_assigned(user: AbstractBaseUser, assessment: Assessment) -> bool:
    return AppraisalAssignment.objects.filter(
        appraiser=user, agency_id=assessment.agency_id, framework_id=assessment.framework_id
    ).exists()


def appraiser_assessments(user: AbstractBaseUser) -> QuerySet[Assessment]:
    """The assessments an appraiser is assigned to, whatever their state."""
    assigned = AppraisalAssignment.objects.filter(
        appraiser=user, agency=OuterRef("agency"), framework=OuterRef("framework")
    )
    return (
        Assessment.objects.filter(Exists(assigned))
        .select_related("agency", "framework")
        .order_by("framework", "agency__code")
    )


def scoring_inputs(framework: Framework) -> dict[int, scoring.AgencyInput]:
    """Everything `scoring.evaluate` needs, per assessment id, in four queries: scores with
    their criteria, survey points, adjustments, and the assessments' agency levels."""
    items = list(
        framework.assessments.select_related("agency")
        .order_by("agency__code")
        .only("pk", "agency__level", "agency_id")
    )
    scorable = {c.pk: c for c in scorable_criteria(framework)}
    survey = {
        (s.agency_id, s.criterion_id): s.points
        for s in SurveyScore.objects.filter(criterion__framework=framework)
    }
    adjustments: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in (
        Adjustment.objects.filter(assessment__framework=framework)
        .values("assessment_id", "kind")
        .annotate(points=Sum("points"))
    ):
        adjustments[row["assessment_id"]][row["kind"]] += row["points"]
    lines: dict[int, list[scoring.Line]] = defaultdict(list)
    agency_of = {a.pk: a.agency_id for a in items}
    for score in CriterionScore.objects.filter(assessment__framework=framework).order_by(
        "criterion__order"
    ):
        criterion = scorable.get(score.criterion_id)
        if criterion is None:
            continue
        lines[score.assessment_id].append(
            scoring.Line(
                code=criterion.code,
                max_points=criterion.max_points,
                scoring_type=criterion.scoring_type,
                self_score=score.self_score,
                appraised_score=score.appraised_score,
                survey_points=survey.get((agency_of[score.assessment_id], criterion.pk)),
                not_applicable=score.not_applicable,
            )
        )
    return {
        a.pk: scoring.AgencyInput(
            lines=tuple(lines[a.pk]),
            bonus=adjustments[a.pk][AdjustmentKind.BONUS],
            penalty=adjustments[a.pk][AdjustmentKind.PENALTY],
            group=a.agency.level,
        )
        for a in items
    }


def results_table(*, framework: Framework, scope: AgencyScope) -> QuerySet[Result]:
    """The framework's results in scope, by group then rank (unranked last), then code."""
    from django.db.models import F

    return (
        Result.objects.visible_to(scope)
        .filter(assessment__framework=framework)
        .select_related("assessment__agency")
        .order_by("rank_group", F("rank").asc(nulls_last=True), "assessment__agency__code")
    )
