"""Reads of the PAR INDEX: frameworks and their criteria, assessments in a user's scope,
progress, appraisers' assignments, the inputs of the scoring and the results tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import cast

from django.db.models import Count, Exists, Field, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.text import capfirst

from cchc.core.formatting import format_number
from cchc.core.history import Change, shown
from cchc.core.users import User
from cchc.organizations.scope import AgencyScope
from cchc.parindex import scoring
from cchc.parindex.models import (
    Adjustment,
    AdjustmentKind,
    AppraisalAssignment,
    Assessment,
    AssessmentQuerySet,
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
        criterion.depth = depth
        criterion.is_leaf = criterion.pk not in parents
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


def is_assigned(user: User, assessment: Assessment) -> bool:
    return AppraisalAssignment.objects.filter(
        appraiser=user, agency_id=assessment.agency_id, framework_id=assessment.framework_id
    ).exists()


def appraiser_assessments(user: User) -> AssessmentQuerySet:
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
        # framework_id too: the related manager reads it on every row it hands out, and a
        # deferred one would cost a query per assessment.
        .only("pk", "agency__level", "agency_id", "framework_id")
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
        assert criterion.max_points is not None  # a scorable criterion has a maximum
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


def published_index(year: int) -> dict[int, Decimal]:
    """Each agency's published PAR INDEX (%) for `year`, under the frameworks that count as
    PAR INDEX (the lowest when an agency has several)."""
    found: dict[int, Decimal] = {}
    rows = Result.objects.filter(
        assessment__framework__year=year,
        assessment__framework__par_index=True,
        assessment__published_at__isnull=False,
        index__isnull=False,
    ).values_list("assessment__agency_id", "index")
    for agency_id, index in rows:
        assert index is not None  # filtered above
        found[agency_id] = min(index, found.get(agency_id, index))
    return found


# --- added for views.assessment -----------------------------------------------------------


def assessment_sheet(*, scope: AgencyScope, pk: int) -> Assessment:
    """`assessment_detail` for the sheet page: also the authors of the conversation and the
    uploaders of the files, so that the page makes a fixed number of queries."""
    from cchc.parindex.models import ScoreMessage

    scores = CriterionScore.objects.select_related("criterion", "appraised_by").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
        Prefetch("messages", queryset=ScoreMessage.objects.select_related("author")),
    )
    return (
        assessments(scope=scope)
        .prefetch_related(Prefetch("scores", queryset=scores), "adjustments")
        .get(pk=pk)
    )


def score_in_scope(*, scope: AgencyScope, pk: int) -> CriterionScore:
    """One criterion score in scope with its criterion, assessment, files and conversation;
    raises CriterionScore.DoesNotExist outside the scope."""
    from cchc.parindex.models import ScoreMessage

    return (
        CriterionScore.objects.visible_to(scope)
        .select_related("criterion", "appraised_by", "assessment__agency", "assessment__framework")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
            Prefetch("messages", queryset=ScoreMessage.objects.select_related("author")),
        )
        .get(pk=pk)
    )


def survey_points(assessment: Assessment) -> dict[int, Decimal]:
    """The survey points imported for the assessed agency, by criterion id."""
    return dict(
        SurveyScore.objects.filter(
            agency_id=assessment.agency_id, criterion__framework_id=assessment.framework_id
        ).values_list("criterion_id", "points")
    )


@dataclass
class HistoryEntry:
    """One line of a criterion's history: who, when, why (the service's reason), and what
    changed (before → after), or the text of a question, or a file added or removed."""

    at: datetime  # aware
    user: object | None
    reason: str
    kind: str  # score | question | answer | evidence_added | evidence_removed | status
    changes: list[Change] = field(default_factory=list)
    text: str = ""


# The fields of a score whose changes a reader follows (the version and the "returned" flag
# are bookkeeping: the reason and the conversation say the same).
HISTORY_FIELDS = (
    "self_score",
    "not_applicable",
    "explanation",
    "indicator_value",
    "appraised_score",
    "appraisal_reason",
)


def _shown(value: object) -> str:
    if isinstance(value, Decimal):
        return format_number(value, scoring.MAX_PLACES)  # a score as entered: 1,978
    return shown(value)


def _score_changes(previous: object | None, record: object) -> list[Change]:
    changes = []
    for name in HISTORY_FIELDS:
        after = getattr(record, name)
        before = getattr(previous, name) if previous is not None else None
        if previous is None and after in (None, "", False):
            continue
        if before != after:
            label = str(cast(Field, CriterionScore._meta.get_field(name)).verbose_name)
            changes.append(Change(capfirst(label), _shown(before), _shown(after)))
    return changes


def score_history(score: CriterionScore) -> list[HistoryEntry]:
    """Everything that happened to one criterion of one assessment, oldest first: the score's
    history rows (self-score, explanation, appraisal… before → after), the conversation, the
    evidence files added and removed, and the assessment's status changes."""
    from cchc.parindex.models import AssessmentStatus, MessageKind, ScoreMessage

    entries: list[HistoryEntry] = []
    previous = None
    for record in score.history.select_related("history_user").order_by(
        "history_date", "history_id"
    ):
        changes = _score_changes(previous, record)
        previous = record
        if record.history_type == "+" and not changes:
            continue  # the empty row made at opening: the assessment's own line says it
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=record.history_user,
                reason=record.history_change_reason or "",
                kind="score",
                changes=changes,
            )
        )
    for message in ScoreMessage.objects.filter(score=score).select_related("author"):
        kind = "question" if message.kind == MessageKind.QUESTION else "answer"
        # The service writes the score row and the message together: show them as one line.
        twin = next(
            (
                e
                for e in reversed(entries)
                if e.kind == "score"
                and not e.text
                and e.user == message.author
                and abs((message.created_at - e.at).total_seconds()) < 60
            ),
            None,
        )
        if twin is not None and kind == "question":
            twin.kind, twin.text = kind, message.text
        elif twin is not None:
            twin.kind = kind
            if not any(c.after == message.text for c in twin.changes):
                twin.text = message.text
        else:
            entries.append(
                HistoryEntry(
                    at=message.created_at,
                    user=message.author,
                    reason=message.get_kind_display(),
                    kind=kind,
                    text=message.text,
                )
            )
    for record in (
        Evidence.history.filter(score_id=score.pk)
        .exclude(history_type="~")
        .select_related("history_user")
    ):
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=record.history_user,
                reason=record.history_change_reason or "",
                kind="evidence_added" if record.history_type == "+" else "evidence_removed",
                text=record.original_name,
            )
        )
    labels = dict(AssessmentStatus.choices)
    status = None
    for record in (
        Assessment.history.filter(id=score.assessment_id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        if record.status != status:
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    user=record.history_user,
                    reason=record.history_change_reason or "",
                    kind="status",
                    changes=[
                        Change(
                            "Trạng thái phiếu",
                            str(labels.get(status, "—")) if status else "—",
                            str(labels.get(record.status, record.status)),
                        )
                    ],
                )
            )
            status = record.status
    order = {"status": 0, "score": 1, "question": 1, "answer": 1}
    entries.sort(key=lambda e: (e.at, order.get(e.kind, 2)))
    return entries


# --- read by the reform office's pages (views.landing, .frameworks, .rounds, .results) ----


def status_counts(*, scope: AgencyScope) -> dict[int, dict[str, int]]:
    """How many assessments in scope each framework has, per status, in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Assessment.objects.visible_to(scope)
        .order_by()
        .values("framework_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["framework_id"]][row["status"]] = row["n"]
    return counts


def with_progress(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Assessments with their agency, framework and result, and the self-assessment progress
    (`progress_done` / `progress_total`, as `progress` counts it) annotated — one query."""
    own = Q(scores__criterion__scoring_type=ScoringType.SELF_ASSESSED)
    done = own & (Q(scores__self_score__isnull=False) | Q(scores__not_applicable=True))
    return queryset.select_related("agency", "framework", "result").annotate(
        progress_total=Count("scores", filter=own), progress_done=Count("scores", filter=done)
    )


def framework_assessments(*, framework: Framework, scope: AgencyScope) -> list[Assessment]:
    """The framework's assessments in scope, by agency code, each with its progress and
    `appraisers` (the users assigned to it): two queries."""
    items = list(
        with_progress(Assessment.objects.visible_to(scope).filter(framework=framework)).order_by(
            "agency__code"
        )
    )
    appraisers = assignments_by_agency(framework)
    for item in items:
        item.appraisers = [a.appraiser for a in appraisers.get(item.agency_id, [])]  # type: ignore[attr-defined]
    return items


def assignments_by_agency(framework: Framework) -> dict[int, list[AppraisalAssignment]]:
    """The framework's appraisal assignments (with the appraiser and its agency) by the
    agency appraised."""
    found: dict[int, list[AppraisalAssignment]] = defaultdict(list)
    for assignment in (
        AppraisalAssignment.objects.filter(framework=framework)
        .select_related("appraiser__membership__agency", "agency")
        .order_by("agency__code", "appraiser__username")
    ):
        found[assignment.agency_id].append(assignment)
    return found


def results_visible(*, framework: Framework, scope: AgencyScope) -> QuerySet[Result]:
    """The framework's results a reader may see: those in its scope, and — a published result
    being public information — every result whose assessment is published. A result withdrawn
    by a reopen is private again until the framework is published again."""
    if scope.sees_all:
        return results_table(framework=framework, scope=scope)
    from cchc.parindex.models import AssessmentStatus

    return results_table(framework=framework, scope=AgencyScope.everything()).filter(
        Q(assessment__agency_id__in=scope.agency_ids)
        | Q(assessment__status=AssessmentStatus.PUBLISHED)
    )
