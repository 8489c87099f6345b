"""What the reform office adds to the agencies' scores — survey points (điều tra xã hội học),
bonus and penalty points (điểm thưởng, điểm trừ) — and computing the results and the ranking
from them. The results annex (Word) is `cchc.parindex.annex`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cchc.core.services import ServiceError, audited_save
from cchc.core.tabular.columns import ImportRejected
from cchc.core.users import User
from cchc.parindex import frameworks, scoring, selectors, surveys
from cchc.parindex.models import (
    Adjustment,
    AdjustmentKind,
    Assessment,
    AssessmentStatus,
    Framework,
    Result,
    SurveyScore,
)
from cchc.parindex.services.checks import (
    LOCKED,
    _locked_assessment,
    _refuse_locked,
    _require_reform_office,
)


def _assessment_of(agency_id: int, framework: Framework) -> Assessment | None:
    return Assessment.objects.filter(agency_id=agency_id, framework=framework).first()


@dataclass
class SurveyLoad:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


@transaction.atomic
def survey_import(
    *,
    actor: User,
    framework: Framework,
    content: bytes,
    file_name: str,
    note: str = "",
) -> SurveyLoad:
    """Survey points per agency and survey criterion from a CSV/XLSX sheet, all or nothing;
    the same file twice changes nothing. Agencies whose results are finalised are refused."""
    _require_reform_office(actor, _("nạp điểm điều tra xã hội học"))
    try:
        rows = surveys.parse_survey(content, file_name, framework=framework)
    except ImportRejected as exc:
        raise ServiceError(frameworks.format_errors(exc.errors)) from exc
    locked = set(
        framework.assessments.filter(status__in=LOCKED).values_list("agency_id", flat=True)
    )
    refused = sorted({r.agency.name for r in rows if r.agency.pk in locked})
    if refused:
        raise ServiceError(
            _("Kết quả của %(names)s đã chốt; muốn thay đổi phải mở lại phiếu đánh giá.")
            % {"names": ", ".join(refused)}
        )
    result = SurveyLoad()
    reason = note or file_name
    existing = {
        (s.agency_id, s.criterion_id): s
        for s in SurveyScore.objects.filter(criterion__framework=framework)
    }
    created: list[SurveyScore] = []
    updated: list[SurveyScore] = []
    stamp = timezone.now()
    for row in rows:
        current = existing.get((row.agency.pk, row.criterion.pk))
        # A row without its own note takes the sheet's: compare with what would be stored.
        row_note = row.note or note
        if current is not None and current.points == row.points and current.note == row_note:
            result.unchanged += 1
            continue
        if current is None:
            current = SurveyScore(agency=row.agency, criterion=row.criterion)
            created.append(current)
        else:
            current.updated_at = stamp
            updated.append(current)
        current.points, current.note = row.points, row_note
        # full_clean's field checks; the agencies and criteria come from the database, one
        # row per agency and criterion is kept by `existing` and the parser's duplicate check
        current.clean_fields(exclude={"agency", "criterion"})
    # In bulk, with the history rows audited_save would leave (a sheet has ~1,000 rows).
    why = _("Nạp điểm điều tra: %(r)s") % {"r": reason}
    if created:
        bulk_create_with_history(created, SurveyScore, default_user=actor,
                                 default_change_reason=why)  # fmt: skip
    if updated:
        bulk_update_with_history(updated, SurveyScore, ["points", "note", "updated_at"],
                                 default_user=actor, default_change_reason=why)  # fmt: skip
    result.created, result.updated = len(created), len(updated)
    return result


@transaction.atomic
def adjustment_add(
    *,
    actor: User,
    assessment: Assessment,
    kind: str,
    points: Decimal,
    reason: str,
) -> Adjustment:
    """A bonus (điểm thưởng) or penalty (điểm trừ), positive points, with its reason."""
    _require_reform_office(actor, _("ghi điểm thưởng, điểm trừ"))
    assessment = _locked_assessment(assessment)
    _refuse_locked(assessment)
    if kind not in AdjustmentKind.values:
        raise ServiceError(_("Loại điều chỉnh không hợp lệ."))
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Điểm thưởng, điểm trừ phải có lý do."))
    if points <= 0:
        raise ServiceError(_("Điểm thưởng, điểm trừ ghi bằng số dương."))
    try:
        scoring.check_places(points, assessment.framework.precision)
    except ValueError as exc:
        raise ServiceError(str(exc)) from exc
    adjustment = Adjustment(assessment=assessment, kind=kind, points=points, reason=reason,
                            created_by=actor)  # fmt: skip
    audited_save(adjustment, actor=actor, reason=reason)
    return adjustment


@transaction.atomic
def adjustment_remove(*, actor: User, adjustment: Adjustment) -> None:
    _require_reform_office(actor, _("ghi điểm thưởng, điểm trừ"))
    _refuse_locked(_locked_assessment(adjustment.assessment))
    adjustment._history_user = actor  # type: ignore[attr-defined]
    adjustment._change_reason = _("Xóa điểm điều chỉnh")  # type: ignore[attr-defined]
    adjustment.delete()


RESULT_FIELDS = (
    "self_total", "appraised_total", "survey_total", "bonus", "penalty", "total", "maximum",
    "index", "rank", "rank_group", "classification",
)  # fmt: skip


@transaction.atomic
def results_compute(*, actor: User, framework: Framework) -> list[Result]:
    """Compute the results of the framework's assessments with the pure scoring over the
    stored scores, survey points and adjustments, and store them (a row per assessment; rows
    whose figures did not change are not written, so recomputing is idempotent). Ranks are
    within each agency level. Results of assessments not yet published are provisional; the
    published ones are left exactly as published (only `results_publish` ranks everyone
    again), and the provisional rows are ranked against them as they stand."""
    _require_reform_office(actor, _("tính kết quả Chỉ số CCHC"))
    return _compute(framework, actor=actor, keep_published=True)


def _compute(framework: Framework, *, actor, keep_published: bool) -> list[Result]:
    """Compute and store the framework's results. With `keep_published`, a published
    assessment's stored result is neither rewritten nor re-ranked — its figures are public
    until the framework is published again — and counts in the other rows' ranks with its
    published total and maximum."""
    inputs = selectors.scoring_inputs(framework)
    try:
        computed = scoring.evaluate(inputs, bands=framework.bands, basis=framework.band_basis)
    except ValueError as exc:
        raise ServiceError(str(exc)) from exc
    existing = {r.assessment_id: r for r in Result.objects.filter(assessment__framework=framework)}
    frozen: set[int] = set()
    if keep_published:
        published = framework.assessments.filter(status=AssessmentStatus.PUBLISHED)
        frozen = set(published.values_list("pk", flat=True)) & existing.keys()
    ranks = _ranks(computed, {pk: existing[pk] for pk in frozen})
    results = []
    for assessment_id, item in computed.items():
        if assessment_id in frozen:
            results.append(existing[assessment_id])
            continue
        t = item.totals
        wanted = {
            "self_total": t.self_total, "appraised_total": t.appraised_total,
            "survey_total": t.survey_total, "bonus": t.bonus, "penalty": t.penalty,
            "total": t.total, "maximum": t.maximum, "index": t.index,
            "rank": ranks[assessment_id], "rank_group": item.group,
            "classification": item.classification,
        }  # fmt: skip
        result = existing.get(assessment_id) or Result(assessment_id=assessment_id)
        if result.pk is None or any(getattr(result, k) != v for k, v in wanted.items()):
            for name, value in wanted.items():
                setattr(result, name, value)
            audited_save(result, actor=actor, reason=_("Tính kết quả"))
        results.append(result)
    return results


def _ranks(
    computed: dict[int, scoring.AgencyResult], frozen: dict[int, Result]
) -> dict[int, int | None]:
    """Ranks within each group over every assessment: a frozen (published) one with its
    stored group, total and maximum, the others with their computed figures. Without frozen
    rows these are `scoring.evaluate`'s ranks."""
    ratios: dict[str, dict[int, Fraction | None]] = defaultdict(dict)
    for assessment_id, item in computed.items():
        stored = frozen.get(assessment_id)
        if stored is None:
            ratios[item.group][assessment_id] = item.totals.ratio
        else:
            ratios[stored.rank_group][assessment_id] = (
                Fraction(stored.total) / Fraction(stored.maximum) if stored.maximum > 0 else None
            )
    ranks: dict[int, int | None] = {}
    for members in ratios.values():
        ranks.update(scoring.rank(members))
    return ranks
