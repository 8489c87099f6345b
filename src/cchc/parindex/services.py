"""Every write of the PAR INDEX workflow. Keyword-only, `actor` first; each checks the
actor's role and the assessment's state, runs in one transaction and leaves history rows
(django-simple-history) with the actor and a Vietnamese reason.

Who may do what (docs/parindex.md has the state diagram):
- reform office (Văn phòng CCHC, Sở Nội vụ): frameworks, opening assessments, deadlines,
  appraiser assignments, survey points, bonus/penalty, finalising, reopening (with a reason),
  computing and publishing results;
- agency officer of THE assessed agency: self-scores, explanations, evidence, submitting —
  while the assessment is a draft and the deadline has not passed, or, once returned, on the
  returned criteria only;
- appraiser assigned to the agency for the framework (never its own agency): appraised
  scores, asking for explanations, completing the appraisal.
Nothing changes after finalisation except through `assessment_reopen`.

Concurrency: every write to a CriterionScore raises its `version`. Writers that show a form
pass the version they read; if the row changed meanwhile, the write is refused with a message
saying who changed it and when, and nothing is written (a compare-and-set on the version, so
it holds on every database).

Sheets: `self_scores_save` and `appraisals_save` take many criteria of one assessment at once
and apply, criterion by criterion, the very checks of `score_save` and `appraisal_save`; all
or nothing, with the same versions and history rows, in a few statements."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cchc.core.concurrency import claim, stale_message
from cchc.core.formatting import format_date
from cchc.core.services import ServiceError, audited_save, deny
from cchc.core.tabular.columns import ImportRejected
from cchc.core.uploads import store_evidence
from cchc.indicators import formulas
from cchc.indicators import selectors as indicator_selectors
from cchc.indicators.registry import INDICATORS
from cchc.organizations.access import DataKind, require_write
from cchc.organizations.models import Agency, Membership, Role
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import membership_of
from cchc.parindex import coverage, frameworks, scoring, selectors, surveys
from cchc.parindex.models import (
    Adjustment,
    AdjustmentKind,
    AppraisalAssignment,
    Assessment,
    AssessmentStatus,
    CriterionScore,
    Evidence,
    Framework,
    FrameworkGroup,
    MessageKind,
    Result,
    ScoreMessage,
    ScoringType,
    SurveyScore,
)

S = AssessmentStatus
AGENCY_EDITABLE = {S.DRAFT, S.RETURNED}
APPRAISABLE = {S.SUBMITTED, S.UNDER_APPRAISAL, S.RETURNED}
LOCKED = {S.FINALISED, S.PUBLISHED}


# --- checks shared by the services --------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _day(value: date) -> str:
    return format_date(value)


def _require_reform_office(actor: AbstractBaseUser, what: str) -> None:
    require_write(actor, DataKind.PARINDEX_RESULTS, action=what)


def _require_officer_of(actor: AbstractBaseUser, assessment: Assessment) -> Membership:
    require_write(actor, DataKind.SELF_ASSESSMENT)
    membership = membership_of(actor)
    if membership.agency_id != assessment.agency_id:
        raise deny(_("Bạn chỉ tự chấm điểm được cho cơ quan của mình."))
    return membership


def _require_assigned_appraiser(actor: AbstractBaseUser, assessment: Assessment) -> None:
    require_write(actor, DataKind.APPRAISAL)
    membership = membership_of(actor)
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


def _set_status(
    assessment: Assessment, status: str, *, actor: AbstractBaseUser | None, reason: str
) -> None:
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
    scores: list[CriterionScore], fields: list[str], *, actor: AbstractBaseUser, reason: str
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


# --- frameworks ---------------------------------------------------------------------------


@transaction.atomic
def framework_import(
    *,
    actor: AbstractBaseUser,
    spec: frameworks.FrameworkSpec,
    content: bytes,
    file_name: str,
    version: datetime | None = None,
    new_only: bool = False,
) -> frameworks.FrameworkLoad:
    """Import (or re-import) a framework from a CSV/XLSX file, all or nothing. A rejected
    file raises ServiceError with one line per error ("Dòng 4, cột max_points: …").

    A re-import (same code, year and group) is an edit of the framework (ADR 0013):
    `version` is the framework's version the reload page was built from, claimed before
    anything is written; `new_only` (the plain import page) refuses an existing framework,
    so that every reload from a page carries a version. Commands call with neither."""
    _require_reform_office(actor, _("nạp bộ tiêu chí"))
    spec.check()
    existing = spec.existing()
    _claim_framework(existing, spec, version=version, new_only=new_only)
    try:
        load = frameworks.import_framework(spec, content, file_name, actor=actor)
    except ImportRejected as exc:
        raise ServiceError(frameworks.format_errors(exc.errors)) from exc
    if existing is not None and not load.framework_saved:
        # The file changed criteria only (or nothing): record the reload on the framework
        # too, so that its version moves for the next reader and its history names who
        # reloaded (the stale message reads it).
        audited_save(load.framework, actor=actor, reason=_("Nạp lại bộ tiêu chí"))
    return load


def _framework_subject(code: str, year: int, group: str) -> str:
    return _("Bộ tiêu chí %(code)s năm %(year)s (%(group)s)") % {
        "code": code, "year": year, "group": FrameworkGroup(group).label,
    }  # fmt: skip


def _claim_framework(
    existing: Framework | None, spec: frameworks.FrameworkSpec, *, version, new_only: bool
) -> None:
    subject = _framework_subject(spec.code, spec.year, spec.group)
    if existing is not None and new_only:
        raise ServiceError(
            _("%(subject)s đã có; để cập nhật, mở trang bộ tiêu chí và chọn “Nạp lại tệp”.")
            % {"subject": subject}
        )
    if existing is None:
        if version is not None:  # the page reloaded a framework deleted since
            raise ServiceError(
                _("%(subject)s đã bị xóa sau khi bạn mở trang; tệp của bạn chưa được nạp.")
                % {"subject": subject}
            )
        return
    try:
        claim(existing, version, subject=subject)
    except ServiceError as exc:
        # The file input comes back empty: say that the file has to be chosen again.
        retry = _(
            "Tệp của bạn chưa được nạp: hãy tải lại trang, xem bộ tiêu chí vừa nạp, "
            "rồi chọn lại tệp nếu vẫn cần nạp."
        )
        raise ServiceError([*exc.messages, retry]) from exc


# --- opening and self-assessment ----------------------------------------------------------


def assessable(framework: Framework, *, on: date):
    """The agencies a round of `framework` may assess when opened on `on`: of its levels,
    running at the end of the assessed year and, when it opens later, still running then. A
    unit that ended in a reorganisation is not assessed again (its earlier results stay
    published); one formed after the year has no year to be assessed on, so a ranking never
    mixes a dissolved unit with its successor."""
    year_end = date(framework.year, 12, 31)
    qs = Agency.objects.filter(level__in=framework.levels).active_on(year_end)
    if on > year_end:
        qs = qs.active_on(on)
    return qs.order_by("level", "code")


def _not_assessable(agencies: list[Agency], framework: Framework, on: date) -> str:
    year_end = date(framework.year, 12, 31)
    reasons = []
    for agency in agencies:
        if not agency.is_active_on(year_end):
            reasons.append(
                _("“%(name)s” không hoạt động ngày 31/12/%(year)s")
                % {"name": agency.name, "year": framework.year}
            )
        else:
            reasons.append(
                _("“%(name)s” đã kết thúc hoạt động ngày %(day)s")
                % {"name": agency.name, "day": f"{format_date(agency.valid_to)}"}
            )
    return _(
        "Không mở đợt tự chấm cho đơn vị không được đánh giá năm %(year)s: %(reasons)s. Kết quả "
        "các năm trước của đơn vị đã sắp xếp vẫn được giữ và công bố."
    ) % {"year": framework.year, "reasons": "; ".join(reasons)}


@transaction.atomic
def assessment_open(
    *,
    actor: AbstractBaseUser,
    framework: Framework,
    deadline: date,
    agencies: list[Agency] | None = None,
    on: date | None = None,
) -> list[Assessment]:
    """Open an assessment, with an empty score row per scored criterion, for every agency the
    framework assesses that is active at the end of its year and still running on the
    opening day `on` (today by default; `assessable`), or for `agencies`. Agencies that
    already have one keep it as it is: opening twice changes nothing. Computed criteria are
    pre-filled from the indicators. Returns the assessments created."""
    _require_reform_office(actor, _("mở đợt tự chấm điểm"))
    levels = framework.levels
    on = on or timezone.localdate()
    if agencies is None:
        targets = list(assessable(framework, on=on))
    else:
        wrong = [a.name for a in agencies if a.level not in levels]
        if wrong:
            raise ServiceError(
                _("Bộ tiêu chí này không dùng để đánh giá: %(names)s.")
                % {"names": ", ".join(wrong)}
            )
        allowed = set(assessable(framework, on=on).values_list("pk", flat=True))
        outside = [a for a in agencies if a.pk not in allowed]
        if outside:
            raise ServiceError(_not_assessable(outside, framework, on))
        targets = agencies
    criteria = list(selectors.scorable_criteria(framework))
    if not criteria:
        raise ServiceError(_("Bộ tiêu chí chưa có tiêu chí nào có điểm tối đa để chấm."))
    have = set(framework.assessments.values_list("agency_id", flat=True))
    created = []
    for agency in sorted(targets, key=lambda a: a.code):
        if agency.pk in have:
            continue
        assessment = Assessment(agency=agency, framework=framework, deadline=deadline)
        audited_save(assessment, actor=actor, reason=_("Mở đợt tự chấm điểm"))
        created.append(assessment)
    rows = [CriterionScore(assessment=a, criterion=c) for a in created for c in criteria]
    bulk_create_with_history(
        rows, CriterionScore, default_user=actor, default_change_reason=_("Mở đợt tự chấm điểm")
    )
    if created:
        _refresh_computed(framework, [a.pk for a in created], actor=actor)
    return created


def _refresh_computed(framework: Framework, assessment_ids: list[int], *, actor) -> int:
    """Pre-fill computed criteria (with an indicator) from the indicator values of the
    framework's year: self_score = points on the criterion's linear scale. Returns how many
    rows changed."""
    changed = 0
    computed = [
        c
        for c in selectors.scorable_criteria(framework).filter(scoring_type=ScoringType.COMPUTED)
        if c.indicator_code in INDICATORS
    ]
    for criterion in computed:
        counts: dict[int, list[int]] = {}  # agency → [numerator, denominator], all tiers
        for row in indicator_selectors.per_agency(
            criterion.indicator_code, scope=AgencyScope.everything(), year=framework.year
        ):
            pair = counts.setdefault(row["agency_id"], [0, 0])
            pair[0] += row["n"] or 0
            pair[1] += row["d"] or 0
        values = {}
        for agency_id, (n, d) in counts.items():
            try:
                values[agency_id] = formulas.rate(n, d)
            except ValueError as exc:
                raise ServiceError(
                    _("Số liệu chỉ số %(code)s của cơ quan mã %(id)s không hợp lệ: %(error)s")
                    % {"code": criterion.indicator_code, "id": agency_id, "error": exc}
                ) from exc
        scores = CriterionScore.objects.filter(
            criterion=criterion, assessment_id__in=assessment_ids
        ).select_related("assessment", "criterion")
        for score in scores:
            value = values.get(score.assessment.agency_id)
            points = scoring.computed_points(
                value, full_at=criterion.full_at, zero_at=criterion.zero_at,
                max_points=criterion.max_points,
            )  # fmt: skip
            if score.indicator_value == value and score.self_score == points:
                continue
            score.indicator_value, score.self_score = value, points
            score.version += 1
            audited_save(score, actor=actor, reason=_("Cập nhật từ số liệu chỉ số"))
            changed += 1
    return changed


@transaction.atomic
def computed_scores_refresh(*, actor: AbstractBaseUser, framework: Framework) -> int:
    """Recompute the pre-filled points of computed criteria from the latest indicator values,
    for every assessment of the framework not yet finalised. Returns the rows changed."""
    _require_reform_office(actor, _("cập nhật điểm tính từ số liệu"))
    ids = list(framework.assessments.exclude(status__in=LOCKED).values_list("pk", flat=True))
    return _refresh_computed(framework, ids, actor=actor)


@transaction.atomic
def assessment_set_deadline(
    *, actor: AbstractBaseUser, assessment: Assessment, deadline: date
) -> Assessment:
    """Set (e.g. extend) the self-assessment deadline of an assessment still in draft."""
    _require_reform_office(actor, _("đặt hạn tự chấm điểm"))
    assessment = _locked_assessment(assessment)
    if assessment.status != S.DRAFT:
        raise ServiceError(_("Chỉ đặt lại hạn khi cơ quan chưa gửi phiếu tự chấm."))
    assessment.deadline = deadline
    audited_save(
        assessment, actor=actor, reason=_("Đặt hạn tự chấm: %(d)s") % {"d": _day(deadline)}
    )
    return assessment


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


def _apply_self_score(
    assessment: Assessment, score: CriterionScore, value: SelfScore, *, now: datetime
) -> None:
    """Check a self-score against the assessment's state and the criterion's rules, and set
    it on the (claimed) row; ServiceError naming the criterion otherwise. Shared by
    `score_save` and `self_scores_save`."""
    _check_agency_can_edit(assessment, score, now=now)
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
    actor: AbstractBaseUser,
    score: CriterionScore,
    self_score: Decimal | None,
    explanation: str = "",
    not_applicable: bool = False,
    version: int | None = None,
    now: datetime | None = None,
) -> CriterionScore:
    """The agency's self-score of one criterion, its explanation (giải trình), or "not
    applicable". Survey criteria are not self-scored; computed ones keep the points computed
    from the data (the agency may explain or mark them not applicable)."""
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
    actor: AbstractBaseUser,
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
    actor: AbstractBaseUser,
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
def evidence_remove(
    *, actor: AbstractBaseUser, evidence: Evidence, now: datetime | None = None
) -> None:
    """Remove an evidence file (the file itself is deleted once the removal is committed;
    the history keeps its name, size and checksum)."""
    score = CriterionScore.objects.select_related("criterion", "assessment").get(
        pk=evidence.score_id
    )
    assessment = _locked_assessment(score.assessment)
    _require_officer_of(actor, assessment)
    _check_agency_can_edit(assessment, score, now=_now(now))
    stored_name = evidence.stored_name
    evidence._history_user = actor  # type: ignore[attr-defined]
    evidence._change_reason = _("Xóa tài liệu kiểm chứng")  # type: ignore[attr-defined]
    evidence.delete()
    transaction.on_commit(lambda: default_storage.delete(stored_name))


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
    *, actor: AbstractBaseUser, assessment: Assessment, now: datetime | None = None
) -> Assessment:
    """The agency sends its self-assessment for appraisal, by the deadline (the whole
    deadline day counts). Afterwards it can no longer edit, except criteria returned to it."""
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


# --- appraisal ----------------------------------------------------------------------------


@transaction.atomic
def appraiser_assign(
    *, actor: AbstractBaseUser, appraiser: AbstractBaseUser, agency: Agency, framework: Framework
) -> AppraisalAssignment:
    """Assign an appraiser (a user with the appraiser role) to appraise an agency under a
    framework. Never to the appraiser's own agency. Assigning twice changes nothing."""
    _require_reform_office(actor, _("phân công thẩm định"))
    membership = Membership.objects.filter(user=appraiser).first()
    if membership is None or membership.role != Role.APPRAISER:
        raise ServiceError(_("Người được phân công phải có vai trò thành viên tổ thẩm định."))
    if membership.agency_id == agency.pk:
        raise ServiceError(_("Không phân công người thẩm định chấm cơ quan của chính mình."))
    if agency.level not in framework.levels:
        raise ServiceError(
            _("%(agency)s không thuộc đối tượng của bộ tiêu chí này.") % {"agency": agency}
        )
    existing = AppraisalAssignment.objects.filter(
        appraiser=appraiser, agency=agency, framework=framework
    ).first()
    if existing is not None:
        return existing
    assignment = AppraisalAssignment(appraiser=appraiser, agency=agency, framework=framework)
    audited_save(assignment, actor=actor, reason=_("Phân công thẩm định"))
    return assignment


@transaction.atomic
def appraiser_unassign(*, actor: AbstractBaseUser, assignment: AppraisalAssignment) -> None:
    _require_reform_office(actor, _("phân công thẩm định"))
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment._change_reason = _("Thôi phân công thẩm định")  # type: ignore[attr-defined]
    assignment.delete()


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


def _apply_appraisal(score: CriterionScore, value: Appraisal, *, actor: AbstractBaseUser) -> None:
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


def _appraisal_started(assessment: Assessment, *, actor: AbstractBaseUser) -> None:
    if assessment.status == S.SUBMITTED:
        _set_status(assessment, S.UNDER_APPRAISAL, actor=actor, reason=_("Bắt đầu thẩm định"))


@transaction.atomic
def appraisal_save(
    *,
    actor: AbstractBaseUser,
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
    actor: AbstractBaseUser,
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
    *, actor: AbstractBaseUser, score: CriterionScore, question: str, version: int
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
    actor: AbstractBaseUser,
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
    *, actor: AbstractBaseUser, assessment: Assessment, now: datetime | None = None
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


# --- survey, bonus and penalty ------------------------------------------------------------


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
    actor: AbstractBaseUser,
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
    actor: AbstractBaseUser,
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
def adjustment_remove(*, actor: AbstractBaseUser, adjustment: Adjustment) -> None:
    _require_reform_office(actor, _("ghi điểm thưởng, điểm trừ"))
    _refuse_locked(_locked_assessment(adjustment.assessment))
    adjustment._history_user = actor  # type: ignore[attr-defined]
    adjustment._change_reason = _("Xóa điểm điều chỉnh")  # type: ignore[attr-defined]
    adjustment.delete()


# --- finalising, reopening, results -------------------------------------------------------


@transaction.atomic
def assessment_finalise(
    *, actor: AbstractBaseUser, assessment: Assessment, now: datetime | None = None
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
    *, actor: AbstractBaseUser, assessment: Assessment, reason: str, now: datetime | None = None
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


RESULT_FIELDS = (
    "self_total", "appraised_total", "survey_total", "bonus", "penalty", "total", "maximum",
    "index", "rank", "rank_group", "classification",
)  # fmt: skip


@transaction.atomic
def results_compute(*, actor: AbstractBaseUser, framework: Framework) -> list[Result]:
    """Compute every assessment's result of the framework with the pure scoring over the
    stored scores, survey points and adjustments, and store it (a row per assessment; rows
    whose figures did not change are not written, so recomputing is idempotent). Ranks are
    within each agency level. Results of assessments not yet finalised are provisional."""
    _require_reform_office(actor, _("tính kết quả Chỉ số CCHC"))
    return _compute(framework, actor=actor)


def _compute(framework: Framework, *, actor) -> list[Result]:
    inputs = selectors.scoring_inputs(framework)
    try:
        computed = scoring.evaluate(inputs, bands=framework.bands, basis=framework.band_basis)
    except ValueError as exc:
        raise ServiceError(str(exc)) from exc
    existing = {r.assessment_id: r for r in Result.objects.filter(assessment__framework=framework)}
    results = []
    for assessment_id, item in computed.items():
        t = item.totals
        wanted = {
            "self_total": t.self_total, "appraised_total": t.appraised_total,
            "survey_total": t.survey_total, "bonus": t.bonus, "penalty": t.penalty,
            "total": t.total, "maximum": t.maximum, "index": t.index, "rank": item.rank,
            "rank_group": item.group, "classification": item.classification,
        }  # fmt: skip
        result = existing.get(assessment_id) or Result(assessment_id=assessment_id)
        if result.pk is None or any(getattr(result, k) != v for k, v in wanted.items()):
            for name, value in wanted.items():
                setattr(result, name, value)
            audited_save(result, actor=actor, reason=_("Tính kết quả"))
        results.append(result)
    return results


@transaction.atomic
def results_publish(
    *, actor: AbstractBaseUser, framework: Framework, now: datetime | None = None
) -> list[Result]:
    """Publish the framework's results: every assessment must be finalised (or already
    published). The results are recomputed, then every finalised assessment becomes
    published."""
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
    results = _compute(framework, actor=actor)
    now = _now(now)
    for assessment in items:
        if assessment.status == S.FINALISED:
            assessment.published_at = now
            _set_status(assessment, S.PUBLISHED, actor=actor, reason=_("Công bố kết quả"))
    if framework.par_index:
        transaction.on_commit(lambda: coverage.refresh(framework.year))
    return results
