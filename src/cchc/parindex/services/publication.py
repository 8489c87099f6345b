"""Closing and publishing the results: finalising an appraised assessment, reopening one (with
a reason; a published result is withdrawn until published again), and publishing a framework's
results."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.services import ServiceError
from cchc.core.users import User
from cchc.parindex import coverage
from cchc.parindex.models import Assessment, Framework, Result
from cchc.parindex.services.checks import (
    LOCKED,
    S,
    _locked_assessment,
    _now,
    _require_reform_office,
    _set_status,
)
from cchc.parindex.services.results import _compute


@transaction.atomic
def assessment_finalise(
    *, actor: User, assessment: Assessment, now: datetime | None = None
) -> Assessment:
    """The reform office closes an appraised assessment: from now on nothing changes except
    through a recorded reopen."""
    _require_reform_office(actor, _("chốt kết quả"))
    assessment = _locked_assessment(assessment)
    if assessment.status != S.APPRAISED:
        raise ServiceError(
            _("Chỉ chốt được phiếu đã thẩm định xong (hiện: “%(s)s”).")
            % {"s": assessment.get_status_display()}
        )
    assessment.finalised_at = _now(now)
    _set_status(assessment, S.FINALISED, actor=actor, reason=_("Chốt kết quả"))
    return assessment


@transaction.atomic
def assessment_reopen(
    *, actor: User, assessment: Assessment, reason: str, now: datetime | None = None
) -> Assessment:
    """Reopen an appraised, finalised or published assessment for appraisal, with a reason
    (kept on the assessment and in its history). Its published result is withdrawn until the
    results are published again."""
    _require_reform_office(actor, _("mở lại phiếu đánh giá"))
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Mở lại phiếu đánh giá phải ghi rõ lý do."))
    assessment = _locked_assessment(assessment)
    if assessment.status not in {S.APPRAISED, *LOCKED}:
        raise ServiceError(_("Phiếu đánh giá đang mở, không cần mở lại."))
    was_published = assessment.published_at is not None
    assessment.reopened_at = _now(now)
    assessment.reopen_reason = reason
    assessment.reopen_count += 1
    assessment.finalised_at = assessment.published_at = assessment.appraised_at = None
    _set_status(assessment, S.UNDER_APPRAISAL, actor=actor,
                reason=_("Mở lại: %(r)s") % {"r": reason})  # fmt: skip
    if was_published and assessment.framework.par_index:
        year = assessment.framework.year
        transaction.on_commit(lambda: coverage.refresh(year))
    return assessment


@transaction.atomic
def results_publish(
    *, actor: User, framework: Framework, now: datetime | None = None
) -> list[Result]:
    """Publish the framework's results: every assessment must be finalised (or already
    published). The results of all of them are recomputed and ranked again together (an
    assessment reopened and finalised since the last publication moves the others' ranks
    only now), then every finalised assessment becomes published."""
    _require_reform_office(actor, _("công bố kết quả"))
    items = list(framework.assessments.select_for_update().select_related("agency"))
    if not items:
        raise ServiceError(_("Bộ tiêu chí chưa có phiếu đánh giá nào."))
    pending = [a for a in items if a.status not in LOCKED]
    if pending:
        names = ", ".join(a.agency.name for a in pending[:5]) + (" …" if len(pending) > 5 else "")
        raise ServiceError(
            _("Còn %(n)d phiếu đánh giá chưa chốt kết quả: %(names)s.")
            % {"n": len(pending), "names": names}
        )
    results = _compute(framework, actor=actor, keep_published=False)
    now = _now(now)
    for assessment in items:
        if assessment.status == S.FINALISED:
            assessment.published_at = now
            _set_status(assessment, S.PUBLISHED, actor=actor, reason=_("Công bố kết quả"))
    if framework.par_index:
        transaction.on_commit(lambda: coverage.refresh(framework.year))
    return results
