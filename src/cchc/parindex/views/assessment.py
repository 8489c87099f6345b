"""The assessment sheet of PAR INDEX (phiếu đánh giá): one agency's criteria with its
self-assessment, evidence, appraisal and per-criterion conversation; the sheet's actions
(submit, complete the appraisal, finalise, reopen); a criterion's history; evidence files.

Every lookup goes through the user's scope (404 outside it, like a missing object). What the
page offers depends on the role and the state, but the decision is the services': they check
the role and the state again on every write (PermissionDenied → 403, a broken rule → the
service's Vietnamese message). Every action has its own address: the row forms (self-score,
appraisal, question, answer) under the criterion's, the sheet's actions under the
assessment's. Row forms post with htmx when JavaScript runs and answer the row alone; without
JavaScript they post normally and come back to the row's anchor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.uploads import stored_download
from cchc.core.users import AuthenticatedHttpRequest
from cchc.core.views import call_service
from cchc.indicators.records import dossier_urls
from cchc.indicators.registry import INDICATORS
from cchc.organizations.models import Role
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import is_reform_office, membership_of, scope_for
from cchc.parindex import scoring, selectors
from cchc.parindex.assessment_forms import (
    AnswerForm,
    AppraisalForm,
    EvidenceForm,
    QuestionForm,
    ReopenForm,
    SelfScoreForm,
)
from cchc.parindex.models import (
    AdjustmentKind,
    Assessment,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    Evidence,
    MessageKind,
    Result,
    ScoringType,
)
from cchc.parindex.services import appraisal, checks, publication, self_assessment
from cchc.parindex.views.common import STATUS_COLOURS

S = AssessmentStatus

# A row form (its key names the row's bound form to show again) → (form, service, confirmation)
ROW_ACTIONS = {
    "tu_cham": (SelfScoreForm, self_assessment.score_save, "Đã lưu tự chấm tiêu chí %(code)s."),
    "tham_dinh": (AppraisalForm, appraisal.appraisal_save,
                  "Đã lưu điểm thẩm định tiêu chí %(code)s."),
    "yeu_cau_giai_trinh": (QuestionForm, appraisal.return_for_explanation,
                           "Đã trả lại tiêu chí %(code)s để cơ quan giải trình."),
    "giai_trinh": (AnswerForm, appraisal.agency_explain, "Đã gửi giải trình tiêu chí %(code)s."),
}  # fmt: skip


# --- who may do what on this sheet --------------------------------------------------------


@dataclass(frozen=True)
class Abilities:
    """What the page offers the user now. Only an offer: the services decide on each write."""

    is_agency: bool = False  # officer of the assessed agency
    is_appraiser: bool = False  # appraiser assigned to the agency for the framework
    is_office: bool = False  # reform office
    late: bool = False  # a draft whose deadline day has ended
    status: str = ""

    @property
    def self_scoring(self) -> bool:
        return self.is_agency and self.status == S.DRAFT and not self.late

    @property
    def answering(self) -> bool:
        return self.is_agency and self.status == S.RETURNED

    @property
    def appraising(self) -> bool:
        return self.is_appraiser and self.status in checks.APPRAISABLE

    @property
    def can_submit(self) -> bool:
        return self.self_scoring

    @property
    def can_complete(self) -> bool:
        return self.is_appraiser and self.status in {S.SUBMITTED, S.UNDER_APPRAISAL}

    @property
    def can_finalise(self) -> bool:
        return self.is_office and self.status == S.APPRAISED

    @property
    def can_reopen(self) -> bool:
        return self.is_office and self.status in {S.APPRAISED, *checks.LOCKED}


def _abilities(user, assessment: Assessment) -> Abilities:
    membership = membership_of(user)
    if membership is None:
        return Abilities(status=assessment.status)
    own = membership.agency_id == assessment.agency_id
    return Abilities(
        is_agency=own and membership.role == Role.AGENCY_OFFICER,
        is_appraiser=(
            not own
            and membership.role == Role.APPRAISER
            and selectors.is_assigned(user, assessment)
        ),
        is_office=is_reform_office(user),
        late=assessment.status == S.DRAFT and timezone.localdate() > assessment.deadline,
        status=assessment.status,
    )


# --- one criterion row --------------------------------------------------------------------


@dataclass
class Row:
    """A scored criterion as the sheet shows it, with the forms the user may use on it."""

    score: CriterionScore
    criterion: Criterion
    survey_points: Decimal | None = None
    indicator_title: str = ""
    records_url: str = ""
    self_form: Form | None = None
    appraisal_form: Form | None = None
    question_form: Form | None = None
    answer_form: Form | None = None
    evidence_form: Form | None = None
    can_remove_evidence: bool = False
    errors: list[str] = field(default_factory=list)
    saved: str = ""

    @property
    def is_survey(self) -> bool:
        return self.criterion.scoring_type == ScoringType.SURVEY

    @property
    def is_computed(self) -> bool:
        return self.criterion.scoring_type == ScoringType.COMPUTED

    @property
    def own_explanation(self) -> str:
        """The agency's explanation, unless it is an answer the conversation already shows."""
        text = self.score.explanation
        answered = any(
            m.kind == MessageKind.ANSWER and m.text == text for m in self.score.messages.all()
        )
        return "" if answered else text


def _row(
    score: CriterionScore,
    can: Abilities,
    *,
    survey: dict[int, Decimal],
    links: dict[str, str],
    bound: dict[str, Form] | None = None,
) -> Row:
    bound = bound or {}
    criterion = score.criterion
    row = Row(score=score, criterion=criterion, survey_points=survey.get(criterion.pk))
    indicator = INDICATORS.get(criterion.indicator_code)
    if indicator is not None:
        row.indicator_title = indicator.title
        row.records_url = links.get(criterion.indicator_code, "")
    if not row.is_survey:
        _offer_forms(row, can, bound)
    # A refused form that the row does not offer (the state changed meanwhile): its messages
    # still show, on the row.
    shown = {row.self_form, row.answer_form, row.evidence_form, row.appraisal_form,
             row.question_form}  # fmt: skip
    for form in bound.values():
        if form not in shown:
            row.errors += [str(e) for errors in form.errors.values() for e in errors]
    return row


def _offer_forms(row: Row, can: Abilities, bound: dict[str, Form]) -> None:
    score = row.score
    edits = can.self_scoring
    answers = can.answering and score.returned_for_explanation
    if edits:
        row.self_form = bound.get("tu_cham") or SelfScoreForm(score=score)
    if answers:
        row.answer_form = bound.get("giai_trinh") or AnswerForm(score=score)
    if edits or answers:
        row.evidence_form = bound.get("tai_lieu") or EvidenceForm(score=score)
        row.can_remove_evidence = True
    if can.appraising and not score.returned_for_explanation:
        row.appraisal_form = bound.get("tham_dinh") or AppraisalForm(score=score)
        row.question_form = bound.get("yeu_cau_giai_trinh") or QuestionForm(score=score)


def _record_links(assessment: Assessment, criteria, scope: AgencyScope) -> dict[str, str]:
    """Where the records behind a computed criterion's value are: the dossiers of the agency
    (filtered as the indicator counts them) or the target of the year's plan measured by the
    same indicator — the links the indicator pages use. None for a reader outside the
    agency's data (an appraiser reads the assessment, not the agency's records): such links
    would answer 404."""
    from cchc.plans.models import Target

    if not scope.contains(assessment.agency_id):
        return {}

    year = assessment.framework.year
    links, others = {}, set()
    for code in {c.indicator_code for c in criteria if c.indicator_code in INDICATORS}:
        urls = dossier_urls(INDICATORS[code], agency_id=assessment.agency_id, year=year)
        if urls:
            links[code] = urls[0]
        else:
            others.add(code)
    if others:
        targets = Target.objects.filter(plan__year=year, indicator_code__in=others)
        for target in targets.order_by("number", "part"):
            links.setdefault(
                target.indicator_code, reverse("indicators:target_detail", args=[target.pk])
            )
    return links


def _totals(assessment: Assessment, scores, survey: dict[int, Decimal]):
    """The sheet's provisional totals with the pure scoring (None if the data is
    inconsistent: the results page reports that)."""
    lines = [
        scoring.Line(
            code=s.criterion.code, max_points=s.criterion.max_points,
            scoring_type=s.criterion.scoring_type, self_score=s.self_score,
            appraised_score=s.appraised_score, survey_points=survey.get(s.criterion_id),
            not_applicable=s.not_applicable,
        )
        for s in scores
        if s.criterion.max_points is not None
    ]  # fmt: skip
    adjustments = list(assessment.adjustments.all())
    bonus = sum((a.points for a in adjustments if a.kind == AdjustmentKind.BONUS), Decimal(0))
    penalty = sum((a.points for a in adjustments if a.kind == AdjustmentKind.PENALTY), Decimal(0))
    try:
        return scoring.total(lines, bonus=bonus, penalty=penalty)
    except ValueError:
        return None


# --- lookups ------------------------------------------------------------------------------


def _scope(request: HttpRequest) -> AgencyScope:
    """The user's scope, computed once per request (the lookup and the records links)."""
    if not hasattr(request, "_cchc_scope"):
        request._cchc_scope = scope_for(request.user)  # type: ignore[attr-defined]
    return request._cchc_scope  # type: ignore[attr-defined]


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    try:
        return selectors.assessment_sheet(scope=_scope(request), pk=pk)
    except Assessment.DoesNotExist as exc:
        raise Http404 from exc


def _score(request: HttpRequest, pk: int) -> CriterionScore:
    try:
        return selectors.score_in_scope(scope=_scope(request), pk=pk)
    except CriterionScore.DoesNotExist as exc:
        raise Http404 from exc


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _row_url(score: CriterionScore) -> str:
    return f"{reverse('parindex:assessment_detail', args=[score.assessment_id])}#diem-{score.pk}"


# --- pages --------------------------------------------------------------------------------


def _sheet_context(
    request: HttpRequest, assessment: Assessment, *, bound: dict[int, dict[str, Form]] | None = None
) -> dict:
    bound = bound or {}
    can = _abilities(request.user, assessment)
    tree = selectors.criteria_tree(assessment.framework)
    scores = list(assessment.scores.all())
    by_criterion = {s.criterion_id: s for s in scores}
    survey = selectors.survey_points(assessment)
    links = _record_links(assessment, tree, _scope(request))
    # A single root is the framework itself (its title is the page's): the areas under it
    # become the top headings.
    roots = [c for c in tree if c.parent_id is None]
    shift = 1 if len(roots) == 1 and not roots[0].is_leaf else 0
    items = []
    for criterion in tree:
        score = by_criterion.get(criterion.pk)
        if shift and criterion is roots[0]:
            continue
        row = None
        if score is not None:
            row = _row(score, can, survey=survey, links=links, bound=bound.get(score.pk))
        items.append({"criterion": criterion, "row": row, "level": criterion.depth - shift})
    return {
        "assessment": assessment,
        "framework": assessment.framework,
        "agency": assessment.agency,
        "status_colour": STATUS_COLOURS.get(assessment.status, "secondary"),
        "progress": selectors.progress(assessment),
        "items": items,
        **_summary(assessment, can, scores, survey),
    }


def _summary(assessment: Assessment, can: Abilities, scores, survey: dict[int, Decimal]) -> dict:
    """What the totals card and the actions block show (`_sheet_totals.html`,
    `_sheet_actions.html`): on the page, and out of band after an htmx row save."""
    return {
        "can": can,
        "totals": _totals(assessment, scores, survey),
        "result": (
            Result.objects.filter(assessment=assessment).first()
            if assessment.status == S.PUBLISHED
            else None
        ),
        "adjustments": list(assessment.adjustments.all()),
        "problems": self_assessment.submission_problems(assessment) if can.can_submit else [],
        "returned_count": sum(1 for s in scores if s.returned_for_explanation),
        "reopen_form": ReopenForm() if can.can_reopen else None,
    }


@login_required
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    return render(request, "parindex/assessment_detail.html", _sheet_context(request, assessment))


def _row_response(
    request: HttpRequest,
    score_pk: int,
    *,
    bound: dict[str, Form] | None = None,
    errors: list[str] | None = None,
    saved: str = "",
) -> HttpResponse:
    """The row alone, fresh from the database, for htmx; out of band, what the row's change
    changes elsewhere on the sheet: the progress, the totals and the actions (a submit button
    enabled once the last criterion is scored)."""
    score = _score(request, score_pk)
    assessment = score.assessment
    can = _abilities(request.user, assessment)
    links = _record_links(assessment, [score.criterion], _scope(request))
    survey = selectors.survey_points(assessment)
    row = _row(score, can, survey=survey, links=links, bound=bound)
    # after the messages `_row` kept from a refused form the row no longer offers
    row.errors += errors or []
    row.saved = saved
    scores = list(assessment.scores.select_related("criterion"))
    return render(
        request,
        "parindex/_score_row.html",
        {"row": row, "assessment": assessment, "progress": selectors.progress(assessment),
         "oob": True, **_summary(assessment, can, scores, survey)},
    )  # fmt: skip


def _status_changed(response: HttpResponse, before: str, pk: int) -> bool:
    """After a row write that moved the assessment (first appraisal, a question, the last
    answer), htmx reloads the page: the header and the other rows' controls change too."""
    now = Assessment.objects.filter(pk=pk).values_list("status", flat=True).first()
    if now != before:
        response["HX-Refresh"] = "true"
        return True
    return False


def _row_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """A row form's write (`ROW_ACTIONS[action]`), answered with the row (htmx) or the sheet."""
    score = _score(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form_class, service, confirmation = ROW_ACTIONS[action]
    form = form_class(request.POST, score=score)
    status_before = score.assessment.status
    saved = None
    called = form.is_valid()  # the service's refusal adds an error: remember it ran
    if called:
        saved = call_service(
            form, service, actor=request.user, score=score, **form.service_kwargs()
        )
    code = score.criterion.code
    if saved is not None:
        text = confirmation % {"code": code}
        if _is_htmx(request):
            response = _row_response(request, pk, saved=text)
            if _status_changed(response, status_before, score.assessment_id):
                messages.success(request, text)
            return response
        messages.success(request, text)
        return redirect(_row_url(score))
    current = CriterionScore.objects.filter(pk=pk).values_list("version", flat=True).first()
    if called and current != form.cleaned_data["version"]:
        # Someone saved the row since this page was built: show the row as it is now, with
        # the service's message (who, when; nothing of this user's was written).
        errors = [str(e) for e in form.non_field_errors()]
        if _is_htmx(request):
            return _row_response(request, pk, errors=errors)
        for error in errors:
            messages.error(request, error)
        return redirect(_row_url(score))
    if _is_htmx(request):
        return _row_response(request, pk, bound={action: form})
    assessment = _assessment(request, score.assessment_id)
    context = _sheet_context(request, assessment, bound={pk: {action: form}})
    context.update(focus=pk, focus_code=code)
    return render(request, "parindex/assessment_detail.html", context)


@login_required
def score_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The agency's self-score of one criterion (tự chấm)."""
    return _row_action(request, pk, "tu_cham")


@login_required
def appraisal_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The appraiser's score of one criterion (thẩm định)."""
    return _row_action(request, pk, "tham_dinh")


@login_required
def return_for_explanation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The appraiser returns one criterion to the agency with a question."""
    return _row_action(request, pk, "yeu_cau_giai_trinh")


@login_required
def agency_explain(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The agency's answer on a returned criterion (giải trình)."""
    return _row_action(request, pk, "giai_trinh")


def _sheet_action(request: HttpRequest, pk: int, act: Callable[[Assessment], str]) -> HttpResponse:
    """A sheet's action: `act(assessment)` calls the service and says what was done; a broken
    rule comes back as the page's error next to the actions."""
    try:
        assessment = selectors.assessments(scope=scope_for(request.user)).get(pk=pk)
    except Assessment.DoesNotExist as exc:
        raise Http404 from exc
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        done = act(assessment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{reverse('parindex:assessment_detail', args=[pk])}#thao-tac")
    messages.success(request, done)
    return redirect("parindex:assessment_detail", pk=pk)


@login_required
def assessment_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The agency sends its self-assessment for appraisal."""

    def act(assessment: Assessment) -> str:
        self_assessment.assessment_submit(actor=request.user, assessment=assessment)
        return _(
            "Đã gửi phiếu tự chấm điểm để thẩm định. Từ nay cơ quan không sửa được điểm, "
            "trừ các tiêu chí được trả lại để giải trình."
        )

    return _sheet_action(request, pk, act)


@login_required
def appraisal_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The assigned appraiser completes the appraisal."""

    def act(assessment: Assessment) -> str:
        appraisal.appraisal_complete(actor=request.user, assessment=assessment)
        return _("Đã hoàn thành thẩm định phiếu đánh giá của %(a)s.") % {
            "a": assessment.agency.name
        }

    return _sheet_action(request, pk, act)


@login_required
def assessment_finalise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The reform office closes an appraised assessment (chốt kết quả)."""

    def act(assessment: Assessment) -> str:
        publication.assessment_finalise(actor=request.user, assessment=assessment)
        return _("Đã chốt kết quả của %(a)s.") % {"a": assessment.agency.name}

    return _sheet_action(request, pk, act)


@login_required
def assessment_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The reform office reopens an assessment for appraisal, with a reason."""

    def act(assessment: Assessment) -> str:
        form = ReopenForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        publication.assessment_reopen(actor=request.user, assessment=assessment, reason=reason)
        return _("Đã mở lại phiếu đánh giá của %(a)s để thẩm định lại.") % {
            "a": assessment.agency.name
        }

    return _sheet_action(request, pk, act)


@login_required
def score_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    return render(
        request,
        "parindex/assessment_score_history.html",
        {
            "score": score,
            "criterion": score.criterion,
            "assessment": score.assessment,
            "entries": selectors.score_history(score),
        },
    )


# --- evidence files -----------------------------------------------------------------------


@login_required
def evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = EvidenceForm(request.POST, request.FILES, score=score)
    evidence = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        # Read no more than the limit and a byte: enough for the service to refuse the size.
        content = upload.read(settings.EVIDENCE_MAX_BYTES + 1)
        evidence = call_service(form, self_assessment.evidence_attach, actor=request.user,
                                score=score, name=upload.name, content=content)  # fmt: skip
    if evidence is not None:
        text = _("Đã thêm tài liệu “%(n)s” vào tiêu chí %(c)s.") % {
            "n": evidence.original_name, "c": score.criterion.code,
        }  # fmt: skip
        if _is_htmx(request):
            return _row_response(request, pk, saved=text)
        messages.success(request, text)
    else:
        if _is_htmx(request):
            return _row_response(request, pk, bound={"tai_lieu": form})
        for errors in form.errors.values():
            for error in errors:  # an ErrorList yields its messages
                messages.error(request, str(error))
    return redirect(_row_url(score))


@login_required
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    try:
        evidence = selectors.evidence_for(scope=scope_for(request.user), pk=pk)
    except Evidence.DoesNotExist as exc:
        raise Http404 from exc
    return stored_download(stored_name=evidence.stored_name, original_name=evidence.original_name,
                           content_type=evidence.content_type)  # fmt: skip


@login_required
def evidence_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        evidence = selectors.evidence_for(scope=scope_for(request.user), pk=pk)
    except Evidence.DoesNotExist as exc:
        raise Http404 from exc
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    score = evidence.score
    error = None
    try:
        self_assessment.evidence_remove(actor=request.user, evidence=evidence)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    text = _("Đã xóa tài liệu “%(n)s”.") % {"n": evidence.original_name}
    if _is_htmx(request):
        if error:
            return _row_response(request, score.pk, errors=[error])
        return _row_response(request, score.pk, saved=text)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, text)
    return redirect(_row_url(score))
