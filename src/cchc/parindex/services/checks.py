"""What every PAR INDEX service shares: the assessment states that allow or refuse a write
(`AGENCY_EDITABLE`, `APPRAISABLE`, `LOCKED`) and the checks and helpers used by more than one
activity — who the actor must be (reform office, officer of the assessed agency, assigned
appraiser), locking an assessment row, the compare-and-set on a score's `version`
(`_claim`, `_claim_many`), a score's validation, and the bulk write of a sheet's scores."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.concurrency import stale_message
from cchc.core.formatting import format_date
from cchc.core.services import ServiceError, audited_save, deny
from cchc.core.users import User
from cchc.organizations.access import DataKind, require_write
from cchc.organizations.models import Membership
from cchc.organizations.selectors import membership_of
from cchc.parindex import scoring, selectors
from cchc.parindex.models import Assessment, AssessmentStatus, CriterionScore

S = AssessmentStatus
AGENCY_EDITABLE = {S.DRAFT, S.RETURNED}
APPRAISABLE = {S.SUBMITTED, S.UNDER_APPRAISAL, S.RETURNED}
LOCKED = {S.FINALISED, S.PUBLISHED}


# --- checks shared by the services --------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _day(value: date) -> str:
    return format_date(value)


def _require_reform_office(actor: User, what: str) -> None:
    require_write(actor, DataKind.PARINDEX_RESULTS, action=what)


def _require_officer_of(actor: User, assessment: Assessment) -> Membership:
    require_write(actor, DataKind.SELF_ASSESSMENT)
    membership = membership_of(actor)
    assert membership is not None  # `require_write` passed: the actor has a role
    if membership.agency_id != assessment.agency_id:
        raise deny(_("Bạn chỉ tự chấm điểm được cho cơ quan của mình."))
    return membership


def _require_assigned_appraiser(actor: User, assessment: Assessment) -> None:
    require_write(actor, DataKind.APPRAISAL)
    membership = membership_of(actor)
    assert membership is not None  # `require_write` passed: the actor has a role
    if membership.agency_id == assessment.agency_id:
        raise deny(_("Không ai được thẩm định điểm của chính cơ quan mình."))
    if not selectors.is_assigned(actor, assessment):
        raise deny(
            _("Bạn không được phân công thẩm định %(agency)s theo bộ tiêu chí này.")
            % {"agency": assessment.agency}
        )


def _refuse_locked(assessment: Assessment) -> None:
    if assessment.status in LOCKED:
        raise ServiceError(
            _(
                "Kết quả của %(agency)s đã chốt; muốn thay đổi phải mở lại phiếu đánh giá "
                "(ghi rõ lý do)."
            )
            % {"agency": assessment.agency}
        )


def _locked_assessment(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update()
        .select_related("agency", "framework")
        .get(pk=assessment.pk)
    )


def _set_status(assessment: Assessment, status: str, *, actor: User | None, reason: str) -> None:
    assessment.status = status
    audited_save(assessment, actor=actor, reason=reason)


def _stale_message(score: CriterionScore) -> str:
    return stale_message(
        score, subject=_("Tiêu chí %(code)s") % {"code": score.criterion.code}, newer=_("điểm mới")
    )


def _claim(score: CriterionScore, version: int | None) -> CriterionScore:
    """The score row, fresh, with its version raised — if it is still at `version` (when a
    version is given). A compare-and-set: of two writers holding the same version, the
    second is refused. Raises ServiceError when the row changed since it was read."""
    if version is None:
        CriterionScore.objects.filter(pk=score.pk).update(version=F("version") + 1)
        claimed = 1
    else:
        claimed = CriterionScore.objects.filter(pk=score.pk, version=version).update(
            version=F("version") + 1
        )
    fresh = CriterionScore.objects.select_related(
        "criterion", "assessment__agency", "assessment__framework"
    ).get(pk=score.pk)
    if not claimed:
        raise ServiceError(_stale_message(fresh))
    return fresh


def _validate(value: Decimal, score: CriterionScore) -> Decimal:
    criterion = score.criterion
    # Scores are opened for scorable criteria, which no longer change once a framework has
    # assessments (frameworks.write_framework).
    assert criterion.max_points is not None
    try:
        return scoring.validate_score(
            value, max_points=criterion.max_points, step=criterion.step,
            places=score.assessment.framework.precision,
        )  # fmt: skip
    except (ValueError, TypeError) as exc:
        raise ServiceError(
            _("Tiêu chí %(code)s: %(error)s") % {"code": criterion.code, "error": exc}
        ) from exc


def _claim_many(assessment: Assessment, versions: Mapping[str, int | None]) -> list[CriterionScore]:
    """`_claim` for many criteria of one (locked) assessment, keyed by criterion code: every
    row's version raised in one statement, then the rows read fresh, in the framework's
    order. Raises ServiceError naming every unknown criterion and every row changed since
    its version was read (a version of None is not checked); the caller's transaction, rolled
    back by the error, undoes the raised versions."""
    rows = CriterionScore.objects.filter(assessment=assessment, criterion__code__in=versions)
    rows.update(version=F("version") + 1)
    fresh = list(rows.select_related("criterion").order_by("criterion__order", "pk"))
    unknown = sorted(set(versions) - {score.criterion.code for score in fresh})
    if unknown:
        raise ServiceError(
            _("Phiếu đánh giá của %(agency)s không có tiêu chí: %(codes)s.")
            % {"agency": assessment.agency, "codes": ", ".join(unknown)}
        )
    stale = []
    for score in fresh:
        score.assessment = assessment
        read = versions[score.criterion.code]
        if read is not None and score.version != read + 1:
            stale.append(_stale_message(score))
    if stale:
        raise ServiceError(stale)
    return fresh


def _checked(errors: list[str], score: CriterionScore, check: Callable[[], None]) -> None:
    """Run `check()` — the checks a single-criterion service makes, which set the new value
    on the row — then the field checks of `full_clean` that need no query (the rows and
    their references were just read); collect the messages, each naming its criterion, in
    `errors`."""
    try:
        check()
        score.clean_fields(exclude={"assessment", "criterion", "appraised_by"})
    except ServiceError as exc:
        errors.extend(exc.messages)
    except ValidationError as exc:
        errors.extend(
            _("Tiêu chí %(code)s: %(error)s") % {"code": score.criterion.code, "error": message}
            for message in exc.messages
        )


def _write_scores(
    scores: list[CriterionScore], fields: list[str], *, actor: User, reason: str
) -> None:
    """Save the changed `fields` of claimed score rows — one UPDATE per distinct set of new
    values (about five for a sheet of the demo) — and their history rows (who,
    why) with one INSERT: what `audited_save` records row by row. The versions were raised by
    `_claim_many`; the database checks the constraints."""
    stamp = timezone.now()
    groups: dict[tuple, list[int]] = {}
    for score in scores:
        score.updated_at = stamp
        groups.setdefault(tuple(getattr(score, name) for name in fields), []).append(score.pk)
    for values, pks in groups.items():
        changes = dict(zip(fields, values, strict=True))
        CriterionScore.objects.filter(pk__in=pks).update(**changes, updated_at=stamp)
    CriterionScore.history.bulk_history_create(
        scores, update=True, default_user=actor, default_change_reason=reason
    )
