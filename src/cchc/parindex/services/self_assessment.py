"""Self-assessment (tự chấm điểm) by the officer of the assessed agency: one criterion's
self-score or a whole sheet, evidence files, what still stops a submission, and submitting
the assessment for appraisal."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.services import ServiceError, audited_save
from cchc.core.uploads import remove_when_committed, store_evidence
from cchc.core.users import User
from cchc.parindex.models import Assessment, CriterionScore, Evidence, ScoringType
from cchc.parindex.services.checks import (
    S,
    _checked,
    _claim,
    _claim_many,
    _day,
    _locked_assessment,
    _now,
    _require_officer_of,
    _set_status,
    _validate,
    _write_scores,
)


def _check_agency_can_edit(assessment: Assessment, score: CriterionScore, *, now: datetime) -> None:
    if assessment.status == S.DRAFT:
        if timezone.localdate(now) > assessment.deadline:
            raise ServiceError(
                _(
                    "Đã quá hạn tự chấm điểm (hạn %(d)s); cơ quan không sửa được nữa. Cần gia "
                    "hạn, hãy đề nghị Sở Nội vụ."
                )
                % {"d": _day(assessment.deadline)}
            )
        return
    if assessment.status == S.RETURNED and score.returned_for_explanation:
        return
    if assessment.status == S.RETURNED:
        raise ServiceError(
            _("Tiêu chí %(code)s không thuộc các tiêu chí được trả lại để giải trình.")
            % {"code": score.criterion.code}
        )
    raise ServiceError(
        _("Phiếu đánh giá đang ở trạng thái “%(s)s”; cơ quan không sửa được nữa.")
        % {"s": assessment.get_status_display()}
    )


class SelfScore(NamedTuple):
    """One criterion of a self-assessment, as `score_save` takes it; `version` is the
    version the agency read (None: not checked)."""

    self_score: Decimal | None
    explanation: str = ""
    not_applicable: bool = False
    version: int | None = None


def _check_agency_can_self_score(
    assessment: Assessment, score: CriterionScore, value: SelfScore, *, now: datetime
) -> None:
    """Self-scoring is the draft's. After submission a returned criterion is answered through
    `agency_explain` (an explanation and a corrected self-score) and its evidence: not here,
    which could also flip "not applicable" — the appraiser's call, with a reason — and take
    the appraised score out of the index."""
    _check_agency_can_edit(assessment, score, now=now)
    if assessment.status == S.DRAFT:
        return
    if value.not_applicable != score.not_applicable:
        raise ServiceError(
            _(
                "Tiêu chí %(code)s: phiếu đã gửi, cơ quan không còn được đánh dấu hoặc bỏ "
                "đánh dấu “không áp dụng”; việc này do tổ thẩm định quyết định (có ghi lý do). "
                "Nếu tiêu chí không áp dụng với cơ quan, hãy nêu trong nội dung giải trình."
            )
            % {"code": score.criterion.code}
        )
    raise ServiceError(
        _(
            "Tiêu chí %(code)s đang được trả lại để giải trình: phiếu đã gửi nên không tự chấm "
            "lại được, hãy trả lời bằng “Gửi giải trình” (kèm điểm tự chấm sửa lại nếu cần)."
        )
        % {"code": score.criterion.code}
    )


def _apply_self_score(
    assessment: Assessment, score: CriterionScore, value: SelfScore, *, now: datetime
) -> None:
    """Check a self-score against the assessment's state and the criterion's rules, and set
    it on the (claimed) row; ServiceError naming the criterion otherwise. Shared by
    `score_save` and `self_scores_save`."""
    _check_agency_can_self_score(assessment, score, value, now=now)
    criterion = score.criterion
    self_score = value.self_score
    if criterion.scoring_type == ScoringType.SURVEY:
        raise ServiceError(
            _("Tiêu chí %(code)s lấy điểm từ điều tra xã hội học; cơ quan không tự chấm.")
            % {"code": criterion.code}
        )
    if value.not_applicable:
        self_score = (
            None if criterion.scoring_type == ScoringType.SELF_ASSESSED else score.self_score
        )
    elif criterion.scoring_type == ScoringType.COMPUTED:
        if self_score is not None and self_score != score.self_score:
            raise ServiceError(
                _(
                    "Điểm tiêu chí %(code)s tính tự động từ số liệu; cơ quan chỉ ghi giải trình "
                    "hoặc đánh dấu không áp dụng."
                )
                % {"code": criterion.code}
            )
        self_score = score.self_score
    elif self_score is not None:
        self_score = _validate(self_score, score)
    score.self_score = self_score
    score.not_applicable = value.not_applicable
    score.explanation = value.explanation.strip()


@transaction.atomic
def score_save(
    *,
    actor: User,
    score: CriterionScore,
    self_score: Decimal | None,
    explanation: str = "",
    not_applicable: bool = False,
    version: int | None = None,
    now: datetime | None = None,
) -> CriterionScore:
    """The agency's self-score of one criterion, its explanation (giải trình), or "not
    applicable", while the assessment is a draft. Survey criteria are not self-scored;
    computed ones keep the points computed from the data (the agency may explain or mark them
    not applicable). After submission a returned criterion is answered by
    `appraisal.agency_explain`."""
    assessment = _locked_assessment(score.assessment)
    _require_officer_of(actor, assessment)
    score = _claim(score, version)
    _apply_self_score(assessment, score, SelfScore(self_score, explanation, not_applicable),
                      now=_now(now))  # fmt: skip
    audited_save(score, actor=actor, reason=_("Tự chấm điểm"))
    return score


@transaction.atomic
def self_scores_save(
    *,
    actor: User,
    assessment: Assessment,
    values: Mapping[str, SelfScore | tuple],
    now: datetime | None = None,
) -> list[CriterionScore]:
    """`score_save` for many criteria of one assessment at once, keyed by criterion code: a
    whole self-assessment sheet. The same checks, criterion by criterion; all or nothing —
    if any value is refused nothing is written and the message lists every criterion
    refused. Each row saved gets its version raised and a history row "Tự chấm điểm" with
    the actor, as with `score_save`; the statements grow with the distinct values, not with
    the criteria. Returns the rows saved, in the framework's order."""
    assessment = _locked_assessment(assessment)
    _require_officer_of(actor, assessment)
    items = {code: SelfScore(*value) for code, value in values.items()}
    if not items:
        return []
    scores = _claim_many(assessment, {code: item.version for code, item in items.items()})
    now = _now(now)
    errors: list[str] = []
    for score in scores:
        item = items[score.criterion.code]
        _checked(errors, score, partial(_apply_self_score, assessment, score, item, now=now))
    if errors:
        raise ServiceError(list(dict.fromkeys(errors)))
    _write_scores(scores, ["self_score", "not_applicable", "explanation"], actor=actor,
                  reason=_("Tự chấm điểm"))  # fmt: skip
    return scores


@transaction.atomic
def evidence_attach(
    *,
    actor: User,
    score: CriterionScore,
    name: str,
    content: bytes,
    now: datetime | None = None,
) -> Evidence:
    """Attach an evidence file to a criterion: type checked from the content, size limited,
    stored privately under a random name (cchc.core.uploads)."""
    assessment = _locked_assessment(score.assessment)
    _require_officer_of(actor, assessment)
    score = CriterionScore.objects.select_related("criterion").get(pk=score.pk)
    _check_agency_can_edit(assessment, score, now=_now(now))
    stored = store_evidence(content=content, original_name=name,
                            folder=f"parindex/{assessment.pk}")  # fmt: skip
    evidence = Evidence(score=score, uploaded_by=actor, **stored.__dict__)
    try:
        audited_save(evidence, actor=actor, reason=_("Thêm tài liệu kiểm chứng"))
    except Exception:
        default_storage.delete(stored.stored_name)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, actor: User, evidence: Evidence, now: datetime | None = None) -> None:
    """Remove an evidence file (the file itself is deleted once the removal is committed;
    the history keeps its name, size and checksum)."""
    score = CriterionScore.objects.select_related("criterion", "assessment").get(
        pk=evidence.score_id
    )
    assessment = _locked_assessment(score.assessment)
    _require_officer_of(actor, assessment)
    _check_agency_can_edit(assessment, score, now=_now(now))
    evidence._history_user = actor  # type: ignore[attr-defined]
    evidence._change_reason = _("Xóa tài liệu kiểm chứng")  # type: ignore[attr-defined]
    evidence.delete()
    remove_when_committed([evidence.stored_name])


def submission_problems(assessment: Assessment) -> list[str]:
    """What stops an assessment from being submitted: self-assessed criteria without a score,
    and criteria that require evidence with neither a file nor an explanation."""
    problems = []
    unscored, unexplained = [], []
    scores = assessment.scores.select_related("criterion").prefetch_related("evidence")
    for score in scores.order_by("criterion__order"):
        criterion = score.criterion
        if score.not_applicable or criterion.scoring_type != ScoringType.SELF_ASSESSED:
            continue
        if score.self_score is None:
            unscored.append(criterion.code)
        if criterion.evidence_required and not score.evidence.all() and not score.explanation:
            unexplained.append(criterion.code)
    if unscored:
        problems.append(
            _("Còn %(n)d tiêu chí chưa chấm điểm: %(codes)s.")
            % {"n": len(unscored), "codes": ", ".join(unscored)}
        )
    if unexplained:
        problems.append(
            _(
                "%(n)d tiêu chí cần tài liệu kiểm chứng nhưng chưa có tệp đính kèm, cũng chưa "
                "có giải trình: %(codes)s."
            )
            % {"n": len(unexplained), "codes": ", ".join(unexplained)}
        )
    return problems


@transaction.atomic
def assessment_submit(
    *, actor: User, assessment: Assessment, now: datetime | None = None
) -> Assessment:
    """The agency sends its self-assessment for appraisal, by the deadline (the whole
    deadline day counts). Afterwards it can no longer edit; it answers the criteria returned
    to it (`appraisal.agency_explain`, and their evidence)."""
    assessment = _locked_assessment(assessment)
    _require_officer_of(actor, assessment)
    now = _now(now)
    if assessment.status != S.DRAFT:
        raise ServiceError(_("Phiếu đánh giá đã được gửi."))
    if timezone.localdate(now) > assessment.deadline:
        raise ServiceError(
            _("Đã quá hạn gửi phiếu tự chấm điểm (hạn %(d)s). Cần gia hạn, hãy đề nghị Sở Nội vụ.")
            % {"d": _day(assessment.deadline)}
        )
    problems = submission_problems(assessment)
    if problems:
        raise ServiceError(problems)
    assessment.submitted_at = now
    _set_status(assessment, S.SUBMITTED, actor=actor, reason=_("Gửi phiếu tự chấm điểm"))
    return assessment
