"""A round of assessment (đợt đánh giá), run by the reform office: which agencies a framework
assesses, opening their assessments, the self-assessment deadlines (one assessment's or every
draft's), refreshing the points of computed criteria from the indicators, and assigning
appraisers to agencies."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cchc.core.formatting import format_date
from cchc.core.services import ServiceError, audited_save
from cchc.core.users import User
from cchc.indicators import formulas
from cchc.indicators import selectors as indicator_selectors
from cchc.indicators.registry import INDICATORS
from cchc.organizations.models import Agency, Membership, Role
from cchc.organizations.scope import AgencyScope
from cchc.parindex import scoring, selectors
from cchc.parindex.models import (
    AppraisalAssignment,
    Assessment,
    CriterionScore,
    Framework,
    ScoringType,
)
from cchc.parindex.services.checks import (
    LOCKED,
    S,
    _day,
    _locked_assessment,
    _require_reform_office,
)


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
    actor: User,
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
        # Scorable (a maximum), with an indicator (so full_at: Criterion's constraint).
        assert criterion.max_points is not None and criterion.full_at is not None
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
def computed_scores_refresh(*, actor: User, framework: Framework) -> int:
    """Recompute the pre-filled points of computed criteria from the latest indicator values,
    for every assessment of the framework not yet finalised. Returns the rows changed."""
    _require_reform_office(actor, _("cập nhật điểm tính từ số liệu"))
    ids = list(framework.assessments.exclude(status__in=LOCKED).values_list("pk", flat=True))
    return _refresh_computed(framework, ids, actor=actor)


@transaction.atomic
def assessment_set_deadline(*, actor: User, assessment: Assessment, deadline: date) -> Assessment:
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


@transaction.atomic
def deadlines_set(*, actor: User, framework: Framework, deadline: date) -> int:
    """Set the deadline of every assessment of the framework still in draft, all or nothing
    (one submitted meanwhile: nothing changes, with `assessment_set_deadline`'s message).
    Returns how many were set."""
    _require_reform_office(actor, _("đặt hạn tự chấm điểm"))
    drafts = list(framework.assessments.select_related("agency").filter(status=S.DRAFT))
    for assessment in drafts:
        assessment_set_deadline(actor=actor, assessment=assessment, deadline=deadline)
    return len(drafts)


@transaction.atomic
def appraiser_assign(
    *, actor: User, appraiser: User, agency: Agency, framework: Framework
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
def appraiser_unassign(*, actor: User, assignment: AppraisalAssignment) -> None:
    _require_reform_office(actor, _("phân công thẩm định"))
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment._change_reason = _("Thôi phân công thẩm định")  # type: ignore[attr-defined]
    assignment.delete()


@transaction.atomic
def appraiser_assign_many(
    *,
    actor: User,
    appraiser: User,
    agencies: list[Agency],
    framework: Framework,
) -> list[AppraisalAssignment]:
    """`appraiser_assign` for several agencies, all or nothing: one refusal (e.g. the
    appraiser's own agency) and nobody is assigned; the ServiceError lists every refusal,
    each with its agency's name."""
    _require_reform_office(actor, _("phân công thẩm định"))
    assignments, refused = [], []
    for agency in agencies:
        try:
            assignments.append(appraiser_assign(actor=actor, appraiser=appraiser,
                                                agency=agency, framework=framework))  # fmt: skip
        except ServiceError as exc:
            refused += [f"{agency.name}: {m}" for m in exc.messages]
    if refused:
        raise ServiceError(refused)
    return assignments
