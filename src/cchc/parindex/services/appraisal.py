"""Appraisal (thẩm định) by the appraiser assigned to the agency: one criterion's appraised
score or a whole sheet, returning a criterion for an explanation and the agency's answer, and
completing the appraisal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.services import ServiceError, audited_save
from cchc.core.users import User
from cchc.parindex.models import Assessment, CriterionScore, MessageKind, ScoreMessage, ScoringType
from cchc.parindex.services.checks import (
    APPRAISABLE,
    S,
    _checked,
    _claim,
    _claim_many,
    _locked_assessment,
    _now,
    _require_assigned_appraiser,
    _require_officer_of,
    _set_status,
    _validate,
    _write_scores,
)


class Appraisal(NamedTuple):
    """One criterion of an appraisal, as `appraisal_save` takes it: the appraised score
    (None clears it), the version the appraiser read, the reason where it differs from the
    self-score, and "not applicable" (None leaves it)."""

    appraised_score: Decimal | None
    version: int
    reason: str = ""
    not_applicable: bool | None = None


def _require_appraisable(assessment: Assessment) -> None:
    if assessment.status not in APPRAISABLE:
        raise ServiceError(
            _("Phiếu đánh giá đang ở trạng thái “%(s)s”; không thẩm định được.")
            % {"s": assessment.get_status_display()}
        )


def _apply_appraisal(score: CriterionScore, value: Appraisal, *, actor: User) -> None:
    """Check an appraised score against the criterion's rules and set it on the (claimed)
    row; ServiceError naming the criterion otherwise. Shared by `appraisal_save` and
    `appraisals_save`."""
    criterion = score.criterion
    if criterion.scoring_type == ScoringType.SURVEY:
        raise ServiceError(
            _("Điểm điều tra xã hội học (tiêu chí %(code)s) do Sở Nội vụ nạp, không thẩm định.")
            % {"code": criterion.code}
        )
    if score.returned_for_explanation:
        raise ServiceError(
            _("Tiêu chí %(code)s đang chờ cơ quan giải trình.") % {"code": criterion.code}
        )
    appraised_score, not_applicable = value.appraised_score, value.not_applicable
    if appraised_score is not None:
        appraised_score = _validate(appraised_score, score)
    reason = value.reason.strip()
    differs = appraised_score is not None and appraised_score != score.self_score
    flips = not_applicable is not None and not_applicable != score.not_applicable
    if (differs or flips) and not reason:
        raise ServiceError(
            _("Tiêu chí %(code)s: điểm thẩm định khác điểm tự chấm, cần ghi lý do.")
            % {"code": criterion.code}
        )
    score.appraised_score = appraised_score
    score.appraisal_reason = reason
    score.appraised_by = actor
    if not_applicable is not None:
        score.not_applicable = not_applicable


def _appraisal_started(assessment: Assessment, *, actor: User) -> None:
    if assessment.status == S.SUBMITTED:
        _set_status(assessment, S.UNDER_APPRAISAL, actor=actor, reason=_("Bắt đầu thẩm định"))


@transaction.atomic
def appraisal_save(
    *,
    actor: User,
    score: CriterionScore,
    appraised_score: Decimal | None,
    version: int,
    reason: str = "",
    not_applicable: bool | None = None,
) -> CriterionScore:
    """The appraiser's score of one criterion. A reason is required when it differs from the
    self-score (or changes "not applicable"). `version` is the version the appraiser read:
    if someone changed the row since, nothing is written and the message says who and when.
    None clears the appraised score (the self-score counts again)."""
    assessment = _locked_assessment(score.assessment)
    _require_assigned_appraiser(actor, assessment)
    _require_appraisable(assessment)
    score = _claim(score, version)
    _apply_appraisal(score, Appraisal(appraised_score, version, reason, not_applicable),
                     actor=actor)  # fmt: skip
    audited_save(score, actor=actor, reason=_("Thẩm định điểm"))
    _appraisal_started(assessment, actor=actor)
    return score


@transaction.atomic
def appraisals_save(
    *,
    actor: User,
    assessment: Assessment,
    values: Mapping[str, Appraisal | tuple],
) -> list[CriterionScore]:
    """`appraisal_save` for many criteria of one assessment at once, keyed by criterion code.
    The same checks, criterion by criterion (every version must still be the one read); all
    or nothing — if any value is refused nothing is written and the message lists every
    criterion refused. Each row saved gets its version raised and a history row "Thẩm định
    điểm" with the actor; the statements grow with the distinct values, not with the
    criteria. Returns the rows saved, in the framework's order."""
    assessment = _locked_assessment(assessment)
    _require_assigned_appraiser(actor, assessment)
    _require_appraisable(assessment)
    items = {code: Appraisal(*value) for code, value in values.items()}
    if not items:
        return []
    scores = _claim_many(assessment, {code: item.version for code, item in items.items()})
    errors: list[str] = []
    for score in scores:
        item = items[score.criterion.code]
        _checked(errors, score, partial(_apply_appraisal, score, item, actor=actor))
    if errors:
        raise ServiceError(list(dict.fromkeys(errors)))
    _write_scores(scores, ["appraised_score", "appraisal_reason", "appraised_by",
                           "not_applicable"], actor=actor, reason=_("Thẩm định điểm"))  # fmt: skip
    _appraisal_started(assessment, actor=actor)
    return scores


@transaction.atomic
def return_for_explanation(
    *, actor: User, score: CriterionScore, question: str, version: int
) -> CriterionScore:
    """The appraiser sends one criterion back to the agency with a question. The assessment
    is "returned" until the agency has answered every returned criterion."""
    assessment = _locked_assessment(score.assessment)
    _require_assigned_appraiser(actor, assessment)
    if assessment.status not in APPRAISABLE:
        raise ServiceError(
            _("Phiếu đánh giá đang ở trạng thái “%(s)s”; không yêu cầu giải trình được.")
            % {"s": assessment.get_status_display()}
        )
    question = question.strip()
    if not question:
        raise ServiceError(_("Hãy ghi nội dung cần cơ quan giải trình."))
    score = _claim(score, version)
    if score.criterion.scoring_type == ScoringType.SURVEY:
        raise ServiceError(_("Tiêu chí điều tra xã hội học không yêu cầu cơ quan giải trình."))
    score.returned_for_explanation = True
    audited_save(score, actor=actor, reason=_("Yêu cầu giải trình"))
    ScoreMessage.objects.create(score=score, kind=MessageKind.QUESTION, text=question, author=actor)
    if assessment.status != S.RETURNED:
        _set_status(assessment, S.RETURNED, actor=actor,
                    reason=_("Trả lại tiêu chí %(code)s để giải trình")
                    % {"code": score.criterion.code})  # fmt: skip
    return score


@transaction.atomic
def agency_explain(
    *,
    actor: User,
    score: CriterionScore,
    explanation: str,
    version: int,
    self_score: Decimal | None = None,
) -> CriterionScore:
    """The agency answers a returned criterion: an explanation, and a corrected self-score if
    it wants (None keeps the score). When no returned criterion is left the assessment goes
    back to the appraiser."""
    assessment = _locked_assessment(score.assessment)
    _require_officer_of(actor, assessment)
    score = _claim(score, version)
    if assessment.status != S.RETURNED or not score.returned_for_explanation:
        raise ServiceError(
            _("Tiêu chí %(code)s không được yêu cầu giải trình.") % {"code": score.criterion.code}
        )
    explanation = explanation.strip()
    if not explanation:
        raise ServiceError(_("Hãy ghi nội dung giải trình."))
    if self_score is not None:
        if score.criterion.scoring_type != ScoringType.SELF_ASSESSED:
            raise ServiceError(_("Điểm tiêu chí này tính từ số liệu; chỉ ghi giải trình."))
        score.self_score = _validate(self_score, score)
    score.explanation = explanation
    score.returned_for_explanation = False
    audited_save(score, actor=actor, reason=_("Giải trình"))
    ScoreMessage.objects.create(score=score, kind=MessageKind.ANSWER, text=explanation,
                                author=actor)  # fmt: skip
    if not assessment.scores.filter(returned_for_explanation=True).exists():
        _set_status(assessment, S.UNDER_APPRAISAL, actor=actor,
                    reason=_("Cơ quan đã giải trình đủ"))  # fmt: skip
    return score


@transaction.atomic
def appraisal_complete(
    *, actor: User, assessment: Assessment, now: datetime | None = None
) -> Assessment:
    """The assigned appraiser declares the appraisal done (no criterion waiting for an
    explanation). Criteria the appraiser left alone count with their self-score."""
    assessment = _locked_assessment(assessment)
    _require_assigned_appraiser(actor, assessment)
    if assessment.status == S.RETURNED:
        raise ServiceError(_("Còn tiêu chí chờ cơ quan giải trình."))
    if assessment.status not in {S.SUBMITTED, S.UNDER_APPRAISAL}:
        raise ServiceError(
            _("Phiếu đánh giá đang ở trạng thái “%(s)s”; không kết thúc thẩm định được.")
            % {"s": assessment.get_status_display()}
        )
    assessment.appraised_at = _now(now)
    _set_status(assessment, S.APPRAISED, actor=actor, reason=_("Hoàn thành thẩm định"))
    return assessment
