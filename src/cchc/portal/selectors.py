"""What the public CCHC page reads: releases only (`Release.objects.public()`), one selector per
kind, and the frozen rows and subjects they point at. Nothing here reads a working table by
itself — no snapshot, no live task board, no draft — so whatever is not released, or has been
withdrawn, cannot reach a public page. The one exception is a published ranking's results:
they are read from the PAR INDEX tables, but only the results whose assessment is published
(a reopened assessment is private again, as on the office's pages).

`stamp()` is the generation the cached public pages are keyed by (`portal.cache`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connections, router
from django.db.models import F, QuerySet
from django.http import Http404

from cchc.indicators.dashboard import STATUS_LABELS, YEAR_MISSED
from cchc.organizations.models import AgencyLevel
from cchc.parindex.models import AssessmentStatus, Criterion, CriterionScore, Result, SurveyScore
from cchc.parindex.scoring import Line
from cchc.parindex.selectors import scorable_criteria
from cchc.plans import task_status
from cchc.plans.models import COMPARATOR_SYMBOLS, TIER_ORDER
from cchc.portal.models import PublishedFigure, PublishedTask, Release, ReleaseKind

# --- one selector per kind of release ---------------------------------------------------------


def plan_release() -> Release | None:
    """The current published plan: the public plan release of the latest year."""
    return (
        Release.objects.public()
        .filter(kind=ReleaseKind.PLAN)
        .select_related("plan")
        .order_by("-plan__year", "-published_at")
        .first()
    )


def figures_release(plan_release: Release | None) -> Release | None:
    """The latest public figures of the published plan (the latest month published)."""
    if plan_release is None:
        return None
    return (
        Release.objects.public()
        .filter(kind=ReleaseKind.FIGURES, plan_id=plan_release.plan_id)
        .order_by("-through", "-published_at")
        .first()
    )


def ranking_releases() -> QuerySet[Release]:
    return (
        Release.objects.public()
        .filter(kind=ReleaseKind.RANKING)
        .select_related("framework")
        .order_by("-framework__year", "framework__group", "-published_at")
    )


def ranking_release(framework_pk: int) -> Release:
    return _one(ranking_releases(), framework_id=framework_pk)


def inspection_releases() -> QuerySet[Release]:
    return (
        Release.objects.public()
        .filter(kind=ReleaseKind.INSPECTION)
        .select_related("inspection__agency")
        .order_by("-inspection__inspected_on", "-published_at")
    )


def inspection_public_conclusion(inspection) -> str:
    """The conclusion of `inspection` the public reads (its release not withdrawn), or "";
    the inspection's Word conclusion quotes it (`cchc.reports.inspection_conclusion`)."""
    release = inspection_releases().filter(inspection=inspection).first()
    return release.conclusion if release is not None else ""


def document_releases() -> QuerySet[Release]:
    return (
        Release.objects.public()
        .filter(kind=ReleaseKind.DOCUMENT)
        .select_related("document")
        .order_by("-document__issued_on", "-published_at")
    )


def document_release(document_pk: int) -> Release:
    return _one(document_releases(), document_id=document_pk)


def news_releases() -> QuerySet[Release]:
    return (
        Release.objects.public()
        .filter(kind=ReleaseKind.NEWS)
        .select_related("news")
        .order_by("-published_at", "-pk")
    )


def news_release(news_pk: int) -> Release:
    return _one(news_releases(), news_id=news_pk)


def _one(releases: QuerySet[Release], **subject) -> Release:
    """The public release of that subject; a withdrawn or never-published one is missing."""
    release = releases.filter(**subject).first()
    if release is None:
        raise Http404
    return release


# --- what a figures release holds ---------------------------------------------------------------


def _unit(unit: str) -> str:
    return "%" if unit == "percent" else ""


@dataclass
class TargetLine:
    """A target on the home page: the province's value through the release's month, the
    tiers' values, and the verdict (all frozen in the release)."""

    label: str
    text: str
    overall: PublishedFigure
    tiers: list[PublishedFigure] = field(default_factory=list)
    verdict: tuple[str, str] = ("", "")

    @property
    def unit(self) -> str:
        return _unit(self.overall.unit)


def verdict(figure: PublishedFigure, *, through: date) -> tuple[str, str]:
    """The verdict as the dashboard words and colours it; a miss on December's figures is the
    year's result, not a forecast."""
    if figure.status == "missed" and through.month == 12:
        return YEAR_MISSED
    return STATUS_LABELS.get(figure.status, ("", "secondary"))


def _sort_key(label: str) -> tuple[int, str]:
    digits = "".join(c for c in label if c.isdigit())
    return (int(digits) if digits else 0, label)


def target_lines(release: Release) -> list[TargetLine]:
    """The release's targets, as published for its last month (province rows only)."""
    through = release.through
    assert through is not None, "a figures release has its month (Release's constraint)"
    rows = PublishedFigure.objects.filter(release=release, month=through, agency__isnull=True)
    lines: dict[str, TargetLine] = {}
    tiers: dict[str, list[PublishedFigure]] = defaultdict(list)
    for figure in rows:
        if figure.tier:
            tiers[figure.target_label].append(figure)
        else:
            lines[figure.target_label] = TargetLine(
                label=figure.target_label, text=figure.target_text, overall=figure,
                verdict=verdict(figure, through=through),
            )  # fmt: skip
    for label, line in lines.items():
        line.tiers = sorted(tiers[label], key=lambda f: TIER_ORDER.get(f.tier, 99))
    return [lines[label] for label in sorted(lines, key=_sort_key)]


def threshold_words(figure: PublishedFigure) -> str:
    """ "≥ 30%" — the requirement the figure was judged against, "" when none."""
    if figure.threshold is None:
        return ""
    symbol = COMPARATOR_SYMBOLS.get(figure.comparator, "")
    return f"{symbol} {figure.threshold.normalize():f}{_unit(figure.unit)}".strip()


@dataclass
class TargetDetail:
    label: str
    text: str
    unit: str
    months: list[date]
    month: date
    province: list[PublishedFigure]  # overall, then tiers, for `month`
    agencies: list[PublishedFigure]  # each agency for `month`, by tier then name
    history: list[PublishedFigure]  # the province's overall value, month by month


def target_detail(release: Release, label: str, month: date | None) -> TargetDetail:
    """One target of the release: per agency for a month (the last by default) and the
    province month by month — frozen rows only. An unknown target or month is missing."""
    rows = PublishedFigure.objects.filter(release=release, target_label=label)
    months = sorted(set(rows.values_list("month", flat=True)))
    if not months:
        raise Http404
    month = month or months[-1]
    if month not in months:
        raise Http404
    province = sorted(
        rows.filter(month=month, agency__isnull=True), key=lambda f: TIER_ORDER.get(f.tier, 99)
    )
    agencies = list(
        rows.filter(month=month, agency__isnull=False)
        .select_related("agency")
        .order_by("agency__level", "agency__code")
    )
    history = list(rows.filter(agency__isnull=True, tier="").order_by("month"))
    first = province[0] if province else history[0]
    return TargetDetail(
        label=label, text=first.target_text, unit=_unit(first.unit), months=months, month=month,
        province=province, agencies=agencies, history=history,
    )  # fmt: skip


# --- the tasks of a figures release ---------------------------------------------------------


@dataclass
class AreaProgress:
    """A reform area's tasks as published: counts per status and the average progress."""

    name: str
    tasks: list[PublishedTask]
    counts: dict[str, int]

    @property
    def done(self) -> int:
        return self.counts.get(task_status.DONE, 0) + self.counts.get(task_status.DONE_LATE, 0)

    @property
    def progress(self) -> int:
        """Share of the area's tasks completed (%), rounded down."""
        return 100 * self.done // len(self.tasks) if self.tasks else 0


STATUS_ORDER = task_status.STATUSES
STATUS_LABELS_TASK = task_status.STATUS_LABELS


def task_areas(release: Release) -> list[AreaProgress]:
    areas: dict[tuple[int, str], list[PublishedTask]] = defaultdict(list)
    for task in PublishedTask.objects.filter(release=release).order_by("area_order", "order", "pk"):
        areas[(task.area_order, task.area)].append(task)
    return [
        AreaProgress(name=name, tasks=tasks, counts=Counter(t.status for t in tasks))
        for (_order, name), tasks in sorted(areas.items())
    ]


# --- a published ranking ------------------------------------------------------------------------

GROUP_ORDER = (AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT, AgencyLevel.COMMUNE)


@dataclass
class RankingGroup:
    label: str
    results: list[Result]


@dataclass
class Ranking:
    release: Release
    areas: list[Criterion]  # the framework's top-level criteria (lĩnh vực)
    groups: list[RankingGroup]
    places: int


def criterion_areas(criteria: list[Criterion]) -> list[Criterion]:
    """The criterion areas (lĩnh vực) of a framework: its top-level criteria, or the children
    of its one root when the file names the whole framework as a root ("SO", "XA")."""
    roots = [c for c in criteria if c.parent_id is None]
    if len(roots) == 1:
        children = [c for c in criteria if c.parent_id == roots[0].pk]
        if children:
            return children
    return roots


def _area_of(criteria: list[Criterion], areas: list[Criterion]) -> dict[int, int]:
    """Each criterion's area (its ancestor among `areas`, or itself); absent above them."""
    parent = {c.pk: c.parent_id for c in criteria}
    area_ids = {a.pk for a in areas}
    found = {}
    for pk in parent:
        current: int | None = pk
        while current is not None and current not in area_ids:
            current = parent[current]
        if current is not None:
            found[pk] = current
    return found


def published_results(framework_ids: list[int]) -> QuerySet[Result]:
    """The results of these frameworks the public may read: those of assessments still
    published. A reopened assessment's result stays in the table, recomputed as a provisional
    figure while the appraisal goes on; the ranking page, the home page's summaries and the
    open-data table all leave it out (the open-data table kept it, with its provisional
    score)."""
    return Result.objects.filter(
        assessment__framework_id__in=framework_ids, assessment__status=AssessmentStatus.PUBLISHED
    )


def ranking(release: Release) -> Ranking:
    """The published results of the release's framework by group, each with its points per
    criterion area (what the total is made of, before bonus and penalty). Only published
    assessments' results are shown."""
    framework = release.framework
    assert framework is not None, "a ranking release has its framework (Release's constraint)"
    criteria = list(framework.criteria.order_by("order"))
    areas = criterion_areas(criteria)
    area_of = _area_of(criteria, areas)
    results = list(
        published_results([framework.pk])
        .select_related("assessment__agency")
        .order_by("rank_group", F("rank").asc(nulls_last=True), "assessment__agency__code")
    )
    scorable = {c.pk: c for c in scorable_criteria(framework)}
    survey = {
        (s.agency_id, s.criterion_id): s.points
        for s in SurveyScore.objects.filter(criterion__framework=framework)
    }
    agency_of = {r.assessment_id: r.assessment.agency_id for r in results}
    points: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for score in CriterionScore.objects.filter(assessment_id__in=agency_of):
        criterion = scorable.get(score.criterion_id)
        if criterion is None or score.not_applicable or criterion.pk not in area_of:
            continue
        assert criterion.max_points is not None  # a scorable criterion has a maximum
        line = Line(
            code=criterion.code, max_points=criterion.max_points,
            scoring_type=criterion.scoring_type, self_score=score.self_score,
            appraised_score=score.appraised_score,
            survey_points=survey.get((agency_of[score.assessment_id], criterion.pk)),
        )  # fmt: skip
        points[score.assessment_id][area_of[criterion.pk]] += line.points()
    # A display attribute for the template, not a field of parindex's Result (the ignore).
    for result in results:
        result.area_points = [points[result.assessment_id].get(a.pk) for a in areas]  # type: ignore[attr-defined]
    by_group: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_group[result.rank_group].append(result)
    groups = [
        RankingGroup(label=str(AgencyLevel(level).label), results=by_group[level])
        for level in GROUP_ORDER
        if by_group.get(level)
    ]
    return Ranking(release=release, areas=areas, groups=groups, places=framework.display_places)


@dataclass
class RankingSummary:
    """A published ranking on the home page: per group, how many agencies in each class."""

    release: Release
    groups: list[tuple[str, int, list[tuple[str, int]]]]  # (group, agencies, [(class, n)])


def ranking_summaries(releases: list[Release]) -> list[RankingSummary]:
    """One query for all the rankings: published results counted by framework, group, class."""
    counts: dict[int, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    rows = (
        published_results([r.framework_id for r in releases if r.framework_id is not None])
        .values_list("assessment__framework_id", "rank_group", "classification")
        .order_by()
    )
    for framework_id, group, classification in rows:
        counts[framework_id][group][classification or "—"] += 1
    summaries = []
    for release in releases:
        framework = release.framework
        assert framework is not None, "a ranking release has its framework (Release's constraint)"
        by_group = counts[framework.pk]
        groups = [
            (
                str(AgencyLevel(level).label),
                sum(by_group[level].values()),
                _in_band_order(framework.bands, by_group[level]),
            )
            for level in GROUP_ORDER
            if by_group.get(level)
        ]
        summaries.append(RankingSummary(release=release, groups=groups))
    return summaries


def _in_band_order(bands: list, counts: Counter) -> list[tuple[str, int]]:
    """The classes from the highest band down, then any other (unclassified last)."""
    order = [str(b.get("label", "")) for b in bands or []]
    known = [(label, counts[label]) for label in order if counts.get(label)]
    rest = sorted((label, n) for label, n in counts.items() if label not in order)
    return known + rest


# --- the generation of the public pages -------------------------------------------------------

# Everything a public page shows comes from these tables: the releases (created, withdrawn),
# the news and documents they point at (edited after publication), the plan (its header),
# the agencies (names in the figures and rankings), the PAR INDEX frameworks, results and
# assessments (recomputed, reopened) and the inspections. The open-data files are cached
# under the same stamp. One statement; each is a small table.
_STAMP_PARTS = (
    ("portal_release", "COUNT(*)"),
    ("portal_release", "MAX(updated_at)"),
    ("portal_newsitem", "MAX(updated_at)"),
    ("portal_directivedocument", "MAX(updated_at)"),
    ("plans_plan", "MAX(updated_at)"),
    ("organizations_agency", "MAX(updated_at)"),
    ("parindex_framework", "MAX(updated_at)"),
    ("parindex_assessment", "MAX(updated_at)"),
    ("parindex_result", "MAX(computed_at)"),
    ("inspections_inspection", "MAX(updated_at)"),
)


def stamp() -> str:
    """A value that changes whenever anything a public page shows may have changed: a release
    created or withdrawn, a published news item or document edited, the plan, an agency, a
    PAR INDEX result or an inspection changed."""
    connection = connections[router.db_for_read(Release)]
    qn = connection.ops.quote_name
    parts = (f"(SELECT {aggregate} FROM {qn(table)})" for table, aggregate in _STAMP_PARTS)  # noqa: S608
    sql = "SELECT " + ", ".join(parts)  # fixed names, no input
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return "|".join(str(v) for v in row)
