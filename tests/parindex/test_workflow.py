"""The PAR INDEX workflow services: who may do what, in which state, and what is recorded."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.indicators.models import IndicatorSnapshot
from cchc.organizations.models import Agency
from cchc.parindex import selectors
from cchc.parindex.models import (
    AppraisalAssignment,
    Assessment,
    AssessmentStatus,
    CriterionScore,
    Evidence,
    Framework,
    MessageKind,
    SurveyScore,
)
from cchc.parindex.services.appraisal import (
    Appraisal,
    agency_explain,
    appraisal_complete,
    appraisal_save,
    appraisals_save,
    return_for_explanation,
)
from cchc.parindex.services.publication import assessment_finalise, assessment_reopen
from cchc.parindex.services.results import adjustment_add, survey_import
from cchc.parindex.services.rounds import (
    appraiser_assign,
    assessment_open,
    assessment_set_deadline,
    computed_scores_refresh,
)
from cchc.parindex.services.self_assessment import (
    SelfScore,
    assessment_submit,
    evidence_attach,
    evidence_remove,
    score_save,
    self_scores_save,
    submission_problems,
)
from tests.factories import make_user
from tests.parindex.conftest import (
    AFTER_DEADLINE,
    BEFORE_DEADLINE,
    DEADLINE,
    YEAR,
    appraised_and_returned,
    score_of,
)

pytestmark = pytest.mark.django_db
S = AssessmentStatus
PDF = b"%PDF-1.4 ke hoach"


def fill(officer, assessment, *, evidence=True):
    """The agency scores every self-assessed criterion and attaches its evidence."""
    for code, value in (("1.1", "3.5"), ("1.2", "2.75"), ("2.1", "5")):
        score_save(actor=officer, score=score_of(assessment, code), self_score=D(value),
                   now=BEFORE_DEADLINE)  # fmt: skip
    if evidence:
        evidence_attach(actor=officer, score=score_of(assessment, "1.1"),
                        name="ke-hoach.pdf", content=PDF, now=BEFORE_DEADLINE)  # fmt: skip


def submitted(officer, assessment):
    fill(officer, assessment)
    return assessment_submit(actor=officer, assessment=assessment, now=BEFORE_DEADLINE)


@pytest.fixture
def stp(opened):
    return opened["12-STP"]


@pytest.fixture
def assigned(reform_office, appraiser, framework):
    for code in ("12-STP", "12-SKHDT"):
        appraiser_assign(actor=reform_office, appraiser=appraiser,
                         agency=Agency.objects.get(code=code), framework=framework)  # fmt: skip
    return appraiser


# --- opening ------------------------------------------------------------------------------


def test_open_creates_a_score_row_per_scored_criterion_and_is_idempotent(
    reform_office, framework, opened
):
    stp = opened["12-STP"]
    assert stp.status == S.DRAFT and stp.deadline == DEADLINE
    assert sorted(stp.scores.values_list("criterion__code", flat=True)) == [
        "1.1", "1.2", "1.3", "2.1", "2.2"
    ]  # fmt: skip
    assert score_of(stp, "1.1").history.first().history_user == reform_office
    again = assessment_open(actor=reform_office, framework=framework,
                            deadline=date(2040, 1, 1),
                            agencies=list(Agency.objects.filter(code="12-STP")))  # fmt: skip
    assert again == []
    assert Assessment.objects.get(pk=stp.pk).deadline == DEADLINE
    assert CriterionScore.objects.filter(assessment__framework=framework).count() == 15


def test_open_for_the_whole_group(reform_office, framework):
    created = assessment_open(actor=reform_office, framework=framework,
                              deadline=DEADLINE)  # fmt: skip
    departments = Agency.objects.filter(level="department")
    assert len(created) == departments.count() == 20
    assert {a.agency.level for a in created} == {"department"}


def test_open_refuses_agencies_outside_the_group_and_other_roles(
    reform_office, dept_officer, framework
):
    with pytest.raises(ValidationError, match="không dùng để đánh giá: Huyện Tam Đường"):
        assessment_open(actor=reform_office, framework=framework, deadline=DEADLINE,
                        agencies=[Agency.objects.get(code="106")])  # fmt: skip
    with pytest.raises(PermissionDenied):
        assessment_open(actor=dept_officer, framework=framework, deadline=DEADLINE)


def test_computed_criteria_are_prefilled_from_the_indicator(reform_office, framework):
    stp = Agency.objects.get(code="12-STP")
    for month, (n, d) in ((1, (40, 50)), (2, (50, 50))):  # 90 of 100 on time
        IndicatorSnapshot.objects.create(indicator="ON_TIME_RATE", agency=stp, tier="province",
                                         month=date(YEAR, month, 1), numerator=n, denominator=d)  # fmt: skip
    [assessment] = assessment_open(actor=reform_office, framework=framework,
                                   deadline=DEADLINE, agencies=[stp])  # fmt: skip
    score = score_of(assessment, "2.2")
    # 4 points at 100%, none at 80%: 90% gives 2 points
    assert (score.indicator_value, score.self_score) == (D("90.00"), D("2.00"))
    IndicatorSnapshot.objects.filter(month=date(YEAR, 2, 1)).update(numerator=45)
    assert computed_scores_refresh(actor=reform_office, framework=framework) == 1
    assert score_of(assessment, "2.2").self_score == D("1.00")  # 85%
    assert computed_scores_refresh(actor=reform_office, framework=framework) == 0


# --- self-assessment ----------------------------------------------------------------------


def test_agency_scores_its_own_assessment_only(dept_officer, district_officer, opened):
    score = score_save(actor=dept_officer, score=score_of(opened["12-STP"], "1.1"),
                       self_score=D("3.5"), explanation="Ban hành ngày 20/12",
                       now=BEFORE_DEADLINE)  # fmt: skip
    assert (score.self_score, score.version) == (D("3.5"), 2)
    assert score.history.first().history_user == dept_officer
    for user, assessment in ((dept_officer, opened["12-SKHDT"]),
                             (district_officer, opened["12-STP"])):  # fmt: skip
        with pytest.raises(PermissionDenied):
            score_save(actor=user, score=score_of(assessment, "1.1"),
                       self_score=D(1), now=BEFORE_DEADLINE)  # fmt: skip


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("1.1", "4.5", "Tiêu chí 1.1: Điểm 4,5 vượt điểm tối đa 4 của tiêu chí."),
        ("1.1", "1.25", "Tiêu chí 1.1: Điểm phải là bội số của 0,5 (0; 0,5; 1; …), nhận 1,25."),
        (
            "2.1",
            "1.978",
            "Tiêu chí 2.1: Điểm 1,978 có 3 chữ số thập phân; bộ tiêu chí này chỉ "
            "chấm đến 2 chữ số thập phân.",
        ),
        ("1.3", "2", "Tiêu chí 1.3 lấy điểm từ điều tra xã hội học; cơ quan không tự chấm."),
        ("2.2", "3", "Điểm tiêu chí 2.2 tính tự động từ số liệu"),
    ],
)
def test_self_scores_are_checked(dept_officer, stp, code, value, message):
    score = score_of(stp, code)
    with pytest.raises(ValidationError) as info:
        score_save(actor=dept_officer, score=score, self_score=D(value),
                   now=BEFORE_DEADLINE)  # fmt: skip
    assert info.value.messages[0].startswith(message)
    assert CriterionScore.objects.get(pk=score.pk).version == 1  # nothing written


def test_not_applicable_and_progress(dept_officer, stp):
    assert str(selectors.progress(stp)) == "0/3 tiêu chí"
    score_save(actor=dept_officer, score=score_of(stp, "1.2"), self_score=D(1),
               not_applicable=True, explanation="Không phát sinh", now=BEFORE_DEADLINE)  # fmt: skip
    score = score_of(stp, "1.2")
    assert score.not_applicable and score.self_score is None
    score_save(actor=dept_officer, score=score_of(stp, "2.1"), self_score=D(6),
               now=BEFORE_DEADLINE)  # fmt: skip
    assert str(selectors.progress(stp)) == "2/3 tiêu chí"


def test_submit_needs_every_score_and_evidence_or_an_explanation(dept_officer, stp):
    with pytest.raises(ValidationError) as info:
        assessment_submit(actor=dept_officer, assessment=stp, now=BEFORE_DEADLINE)
    assert info.value.messages == [
        "Còn 3 tiêu chí chưa chấm điểm: 1.1, 1.2, 2.1.",
        "1 tiêu chí cần tài liệu kiểm chứng nhưng chưa có tệp đính kèm, cũng chưa có giải "
        "trình: 1.1.",
    ]
    fill(dept_officer, stp, evidence=False)
    with pytest.raises(ValidationError, match="chưa có tệp đính kèm"):
        assessment_submit(actor=dept_officer, assessment=stp, now=BEFORE_DEADLINE)
    score_save(actor=dept_officer, score=score_of(stp, "1.1"), self_score=D("3.5"),
               explanation="Kế hoạch lưu bản giấy, chưa số hóa", now=BEFORE_DEADLINE)  # fmt: skip
    done = assessment_submit(actor=dept_officer, assessment=stp, now=BEFORE_DEADLINE)
    assert done.status == S.SUBMITTED and done.submitted_at == BEFORE_DEADLINE


def test_evidence_is_checked_and_counts_for_submission(dept_officer, stp):
    with pytest.raises(ValidationError, match="Chỉ nhận tài liệu PDF, Word, Excel"):
        evidence_attach(actor=dept_officer, score=score_of(stp, "1.1"),
                        name="virus.exe", content=b"MZ\x90\x00", now=BEFORE_DEADLINE)  # fmt: skip
    fill(dept_officer, stp)
    evidence = Evidence.objects.get(score__assessment=stp)
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "ke-hoach.pdf", "application/pdf", len(PDF)
    )  # fmt: skip
    assert evidence.stored_name.startswith(f"evidence/parindex/{stp.pk}/")
    assert evidence.history.first().history_user == dept_officer
    assert submission_problems(stp) == []


def test_after_the_deadline_the_agency_can_neither_edit_nor_submit(
    dept_officer, reform_office, stp
):
    fill(dept_officer, stp)
    with pytest.raises(
        ValidationError, match=r"Đã quá hạn gửi phiếu tự chấm điểm \(hạn 31/01/2032\)"
    ):
        assessment_submit(actor=dept_officer, assessment=stp, now=AFTER_DEADLINE)
    with pytest.raises(ValidationError, match="Đã quá hạn tự chấm điểm"):
        score_save(actor=dept_officer, score=score_of(stp, "1.1"), self_score=D(4),
                   now=AFTER_DEADLINE)  # fmt: skip
    assessment_set_deadline(actor=reform_office, assessment=stp,
                            deadline=date(2032, 2, 15))  # fmt: skip
    assert assessment_submit(actor=dept_officer, assessment=stp,
                             now=AFTER_DEADLINE).status == S.SUBMITTED  # fmt: skip


def test_after_submission_the_agency_can_no_longer_edit(dept_officer, stp):
    submitted(dept_officer, stp)
    with pytest.raises(ValidationError, match="cơ quan không sửa được nữa"):
        score_save(actor=dept_officer, score=score_of(stp, "1.1"), self_score=D(4),
                   now=BEFORE_DEADLINE)  # fmt: skip
    with pytest.raises(ValidationError, match="Phiếu đánh giá đã được gửi"):
        assessment_submit(actor=dept_officer, assessment=stp, now=BEFORE_DEADLINE)


# --- appraisal ----------------------------------------------------------------------------


def test_appraiser_assignment_rules(reform_office, appraiser, dept_officer, framework):
    snv = Agency.objects.get(code="12-SNV")
    with pytest.raises(ValidationError, match="cơ quan của chính mình"):
        appraiser_assign(actor=reform_office, appraiser=appraiser, agency=snv,
                         framework=framework)  # fmt: skip
    with pytest.raises(ValidationError, match="vai trò thành viên tổ thẩm định"):
        appraiser_assign(actor=reform_office, appraiser=dept_officer,
                         agency=Agency.objects.get(code="12-STC"), framework=framework)  # fmt: skip
    with pytest.raises(PermissionDenied):
        appraiser_assign(actor=appraiser, appraiser=appraiser,
                         agency=Agency.objects.get(code="12-STC"), framework=framework)  # fmt: skip
    stc = Agency.objects.get(code="12-STC")
    first = appraiser_assign(actor=reform_office, appraiser=appraiser, agency=stc,
                             framework=framework)  # fmt: skip
    again = appraiser_assign(actor=reform_office, appraiser=appraiser, agency=stc,
                             framework=framework)  # fmt: skip
    assert first == again
    assert list(AppraisalAssignment.objects.filter(appraiser=appraiser)) == [first]


def test_appraisal_with_a_reason_where_it_differs(dept_officer, assigned, stp):
    submitted(dept_officer, stp)
    score = score_of(stp, "1.1")
    with pytest.raises(ValidationError, match="điểm thẩm định khác điểm tự chấm, cần ghi lý do"):
        appraisal_save(actor=assigned, score=score, appraised_score=D(3),
                       version=score.version)  # fmt: skip
    saved = appraisal_save(actor=assigned, score=score, appraised_score=D(3),
                           reason="Ban hành chậm 5 ngày", version=score.version)  # fmt: skip
    assert (saved.self_score, saved.appraised_score, saved.appraised_by) == (
        D("3.5"),
        D(3),
        assigned,
    )
    assert Assessment.objects.get(pk=stp.pk).status == S.UNDER_APPRAISAL
    same = score_of(stp, "2.1")  # the same as the self-score: no reason needed
    appraisal_save(actor=assigned, score=same, appraised_score=D(5), version=same.version)


def test_an_appraiser_cannot_appraise_outside_its_assignment(
    dept_officer, assigned, appraiser, opened
):
    stc = opened["12-STC"]  # not assigned
    submitted(make_user("tc", "12-STC", "agency_officer"), stc)
    score = score_of(stc, "1.1")
    with pytest.raises(PermissionDenied, match="không được phân công thẩm định Sở Tài chính"):
        appraisal_save(actor=appraiser, score=score, appraised_score=D(1), reason="x",
                       version=score.version)  # fmt: skip
    with pytest.raises(PermissionDenied, match="Chỉ thành viên tổ thẩm định"):
        appraisal_save(actor=dept_officer, score=score_of(opened["12-STP"], "1.1"),
                       appraised_score=D(1), reason="x", version=1)  # fmt: skip
    assert CriterionScore.objects.get(pk=score.pk).appraised_score is None


def test_an_agency_cannot_appraise_itself(reform_office, framework, opened, dept_officer):
    own = make_user("tdstp", "12-STP", "appraiser")  # an appraiser working at Sở Tư pháp
    stp = Agency.objects.get(code="12-STP")
    with pytest.raises(ValidationError, match="cơ quan của chính mình"):
        appraiser_assign(actor=reform_office, appraiser=own, agency=stp,
                         framework=framework)  # fmt: skip
    AppraisalAssignment.objects.create(appraiser=own, agency=stp, framework=framework)  # forced
    submitted(dept_officer, opened["12-STP"])
    score = score_of(opened["12-STP"], "1.1")
    with pytest.raises(PermissionDenied, match="Không ai được thẩm định điểm của chính cơ quan"):
        appraisal_save(actor=own, score=score, appraised_score=D(4), reason="x",
                       version=score.version)  # fmt: skip


def test_appraisal_only_after_submission(assigned, stp):
    score = score_of(stp, "1.1")
    with pytest.raises(ValidationError, match="“Đang tự chấm”; không thẩm định được"):
        appraisal_save(actor=assigned, score=score, appraised_score=D(1), reason="x",
                       version=score.version)  # fmt: skip


def test_a_stale_version_is_refused_and_the_first_update_kept(
    dept_officer, assigned, reform_office, framework, stp
):
    second = make_user("tdinh2", "12-SNV", "appraiser")
    appraiser_assign(actor=reform_office, appraiser=second,
                     agency=Agency.objects.get(code="12-STP"), framework=framework)  # fmt: skip
    submitted(dept_officer, stp)
    read_by_first = score_of(stp, "1.1")
    read_by_second = score_of(stp, "1.1")  # both open the page: same version
    appraisal_save(actor=assigned, score=read_by_first, appraised_score=D(3),
                   reason="Ban hành chậm", version=read_by_first.version)  # fmt: skip
    with pytest.raises(ValidationError) as info:
        appraisal_save(actor=second, score=read_by_second, appraised_score=D(2),
                       reason="Thiếu nhiệm vụ", version=read_by_second.version)  # fmt: skip
    [message] = info.value.messages
    assert message.startswith("Tiêu chí 1.1 vừa được tdinh cập nhật lúc ")
    assert message.endswith(
        "sau khi bạn mở trang. Thay đổi của bạn chưa được lưu: hãy tải lại trang để xem điểm "
        "mới rồi nhập lại."
    )
    kept = score_of(stp, "1.1")
    assert (kept.appraised_score, kept.appraisal_reason, kept.appraised_by) == (
        D(3), "Ban hành chậm", assigned
    )  # fmt: skip
    assert kept.version == read_by_first.version + 1
    appraisal_save(actor=second, score=kept, appraised_score=D(2),  # after a reload
                   reason="Thiếu nhiệm vụ", version=kept.version)  # fmt: skip
    assert score_of(stp, "1.1").appraised_score == D(2)


def test_return_for_explanation_and_the_agency_answers(dept_officer, assigned, stp):
    submitted(dept_officer, stp)
    score = score_of(stp, "2.1")
    return_for_explanation(actor=assigned, score=score,
                           question="Đề nghị cung cấp báo cáo kỷ luật", version=score.version)  # fmt: skip
    assert Assessment.objects.get(pk=stp.pk).status == S.RETURNED
    # only the returned criterion opens to the agency
    with pytest.raises(ValidationError, match="không thuộc các tiêu chí được trả lại"):
        score_save(actor=dept_officer, score=score_of(stp, "1.2"), self_score=D(3),
                   now=AFTER_DEADLINE)  # fmt: skip
    evidence_attach(actor=dept_officer, score=score_of(stp, "2.1"),
                    name="bao-cao.pdf", content=PDF, now=AFTER_DEADLINE)  # fmt: skip
    with pytest.raises(ValidationError, match="đang chờ cơ quan giải trình"):
        appraisal_save(actor=assigned, score=score_of(stp, "2.1"), appraised_score=D(4),
                       reason="x", version=score_of(stp, "2.1").version)  # fmt: skip
    returned = score_of(stp, "2.1")
    answered = agency_explain(actor=dept_officer, score=returned, self_score=D("5.5"),
                              explanation="Đã bổ sung báo cáo", version=returned.version)  # fmt: skip
    assert not answered.returned_for_explanation and answered.self_score == D("5.5")
    assert Assessment.objects.get(pk=stp.pk).status == S.UNDER_APPRAISAL
    assert [(m.kind, m.author) for m in answered.messages.all()] == [
        (MessageKind.QUESTION, assigned), (MessageKind.ANSWER, dept_officer)
    ]  # fmt: skip
    with pytest.raises(ValidationError, match="không được yêu cầu giải trình"):
        agency_explain(actor=dept_officer, score=answered, explanation="Thêm",
                       version=answered.version)  # fmt: skip


def test_the_agency_cannot_overturn_the_appraisers_applicability_on_a_returned_criterion(
    dept_officer, assigned, stp
):
    # Review fault 4: after submission the agency answers a returned criterion only through
    # `agency_explain`; "not applicable" is the appraiser's call, with a reason.
    submitted(dept_officer, stp)
    appraised_and_returned(assigned, stp, "2.1", points=D(2), reason="Có 2 công chức bị kỷ luật")
    before = score_of(stp, "2.1")
    history = CriterionScore.history.count()
    refused = "không còn được đánh dấu hoặc bỏ đánh dấu “không áp dụng”"
    with pytest.raises(ValidationError, match=refused):
        score_save(actor=dept_officer, score=before, self_score=None, not_applicable=True,
                   explanation="Không áp dụng", now=AFTER_DEADLINE)  # fmt: skip
    with pytest.raises(ValidationError) as info:
        self_scores_save(actor=dept_officer, assessment=stp, now=AFTER_DEADLINE,
                         values={"2.1": SelfScore(None, "Không áp dụng", True)})  # fmt: skip
    assert info.value.messages == [
        "Tiêu chí 2.1: phiếu đã gửi, cơ quan không còn được đánh dấu hoặc bỏ đánh dấu “không "
        "áp dụng”; việc này do tổ thẩm định quyết định (có ghi lý do). Nếu tiêu chí không áp "
        "dụng với cơ quan, hãy nêu trong nội dung giải trình."
    ]
    # nor a self-score outside the answer: the returned criterion is answered by `agency_explain`
    with pytest.raises(ValidationError, match="hãy trả lời bằng “Gửi giải trình”"):
        score_save(actor=dept_officer, score=before, self_score=D("5.5"),
                   explanation="Đã bổ sung", now=AFTER_DEADLINE)  # fmt: skip
    after = score_of(stp, "2.1")
    assert (after.not_applicable, after.self_score, after.appraised_score, after.explanation) == (
        False, D(5), D(2), ""
    )  # fmt: skip
    assert after.returned_for_explanation and after.version == before.version
    assert CriterionScore.history.count() == history
    # the way that stays open: an explanation (and evidence), the flag untouched
    answered = agency_explain(actor=dept_officer, score=after, explanation="Không áp dụng vì …",
                              version=after.version)  # fmt: skip
    assert (answered.not_applicable, answered.appraised_score) == (False, D(2))


def test_nothing_changes_after_finalisation_except_through_a_recorded_reopen(
    dept_officer, assigned, reform_office, framework, stp
):
    submitted(dept_officer, stp)
    with pytest.raises(ValidationError, match="Chỉ chốt được phiếu đã thẩm định xong"):
        assessment_finalise(actor=reform_office, assessment=stp)
    appraisal_complete(actor=assigned, assessment=stp)
    with pytest.raises(PermissionDenied):
        assessment_finalise(actor=assigned, assessment=stp)
    assessment_finalise(actor=reform_office, assessment=stp)
    score = score_of(stp, "1.1")
    attempts = [
        lambda: appraisal_save(actor=assigned, score=score, appraised_score=D(1),
                               reason="x", version=score.version),
        lambda: return_for_explanation(actor=assigned, score=score, question="?",
                                       version=score.version),
        lambda: score_save(actor=dept_officer, score=score, self_score=D(1),
                           now=BEFORE_DEADLINE),
        lambda: evidence_attach(actor=dept_officer, score=score, name="a.pdf",
                                content=PDF, now=BEFORE_DEADLINE),
        lambda: adjustment_add(actor=reform_office, assessment=stp, kind="bonus",
                               points=D(1), reason="Sáng kiến"),
        lambda: survey_import(actor=reform_office, framework=framework,
                              content=b"agency,criterion,points\n12-STP,1.3,2\n",
                              file_name="dtxhh.csv"),
    ]  # fmt: skip
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    assert score_of(stp, "1.1").version == score.version
    with pytest.raises(ValidationError, match="phải ghi rõ lý do"):
        assessment_reopen(actor=reform_office, assessment=stp, reason=" ")
    reopened = assessment_reopen(actor=reform_office, assessment=stp,
                                 reason="Phát hiện sai sót khi công khai")  # fmt: skip
    assert (reopened.status, reopened.reopen_count) == (S.UNDER_APPRAISAL, 1)
    assert (
        reopened.history.first().history_change_reason == "Mở lại: Phát hiện sai sót khi công khai"
    )
    assert reopened.history.first().history_user == reform_office
    appraisal_save(actor=assigned, score=score, appraised_score=D(1), reason="Sai sót",
                   version=score.version)  # fmt: skip
    statuses = [h.status for h in reopened.history.order_by("history_date", "history_id")]
    assert statuses == ["draft", "submitted", "appraised", "finalised", "under_appraisal"]


def test_the_history_of_a_criterion_shows_who_changed_what(dept_officer, assigned, stp):
    submitted(dept_officer, stp)
    score = score_of(stp, "1.1")
    appraisal_save(actor=assigned, score=score, appraised_score=D(3), reason="Chậm",
                   version=score.version)  # fmt: skip
    rows = list(score.history.order_by("history_date", "history_id"))
    assert [(r.history_user and r.history_user.username, r.history_change_reason) for r in rows] == [
        ("vp", "Mở đợt tự chấm điểm"), ("stp", "Tự chấm điểm"), ("tdinh", "Thẩm định điểm")
    ]  # fmt: skip
    assert (rows[1].self_score, rows[2].appraised_score) == (D("3.5"), D(3))


def test_appraiser_sees_its_assigned_assessments(assigned, opened):
    assert [a.agency.code for a in selectors.appraiser_assessments(assigned)] == [
        "12-SKHDT", "12-STP"
    ]  # fmt: skip


def test_an_appraiser_reads_its_assigned_assessments_and_nothing_else_of_those_agencies(
    assigned, opened
):
    from cchc.organizations.selectors import scope_for

    scope = scope_for(assigned)
    visible = set(Agency.objects.visible_to(scope).values_list("code", flat=True))
    assert visible == {"12-SNV"}  # its own agency only: no dossiers, reports… of 12-STP
    shown = {a.agency.code for a in Assessment.objects.visible_to(scope)}
    assert shown == {"12-STP", "12-SKHDT"}  # not 12-STC, opened but not assigned
    scores = {s.assessment.agency.code for s in CriterionScore.objects.visible_to(scope)}
    assert scores == {"12-STP", "12-SKHDT"}


def test_frameworks_are_listed_with_counts(framework, opened):
    row = selectors.framework_list().get(pk=framework.pk)
    assert (row.criterion_count, row.assessment_count) == (8, 3)
    assert isinstance(row, Framework)


def test_evidence_is_removed_with_its_file_and_read_only_in_scope(
    dept_officer, district_officer, reform_office, stp, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from cchc.organizations.selectors import scope_for

    evidence = evidence_attach(actor=dept_officer, score=score_of(stp, "1.1"),
                               name="ke-hoach.pdf", content=PDF, now=BEFORE_DEADLINE)  # fmt: skip
    assert selectors.evidence_for(scope=scope_for(dept_officer), pk=evidence.pk) == evidence
    assert selectors.evidence_for(scope=scope_for(reform_office), pk=evidence.pk) == evidence
    with pytest.raises(Evidence.DoesNotExist):
        selectors.evidence_for(scope=scope_for(district_officer), pk=evidence.pk)
    with pytest.raises(PermissionDenied):
        evidence_remove(actor=district_officer, evidence=evidence, now=BEFORE_DEADLINE)
    stored, pk = evidence.stored_name, evidence.pk
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(actor=dept_officer, evidence=evidence, now=BEFORE_DEADLINE)
    assert not Evidence.objects.filter(pk=pk).exists()
    assert not default_storage.exists(stored)
    assert Evidence.history.filter(id=pk, history_type="-").get().history_user == dept_officer


# --- sheets: many criteria in one call ----------------------------------------------------

SHEET = {
    "1.1": SelfScore(D("3.5"), " Ban hành ngày 20/12 "),
    "1.2": SelfScore(D(1), "Không phát sinh", not_applicable=True),
    "2.1": SelfScore(D(6)),
    "2.2": SelfScore(None, "Số liệu của Trung tâm PVHCC"),  # computed: explained
}


def rows_of(assessment):
    return {
        s.criterion.code: (s.self_score, s.explanation, s.not_applicable, s.version)
        for s in assessment.scores.select_related("criterion")
    }


def history_of(assessment):
    rows = CriterionScore.history.filter(assessment=assessment).order_by("history_id")
    return [
        (r.criterion.code, r.history_user.username, r.history_change_reason, r.self_score,
         r.version)
        for r in rows.select_related("criterion", "history_user")
    ]  # fmt: skip


def test_a_self_assessment_sheet_is_saved_like_criterion_by_criterion(
    dept_officer, opened, django_assert_max_num_queries
):
    one_by_one, sheet = opened["12-STP"], opened["12-SKHDT"]
    for code, value in SHEET.items():
        score_save(actor=dept_officer, score=score_of(one_by_one, code),
                   self_score=value.self_score, explanation=value.explanation,
                   not_applicable=value.not_applicable, now=BEFORE_DEADLINE)  # fmt: skip
    officer = make_user("khdt", "12-SKHDT", "agency_officer")
    # savepoint, assessment, membership, 2 to claim the rows, an UPDATE per distinct value
    # (4 here), the history rows, release: what score_save spends on about one criterion
    with django_assert_max_num_queries(11):
        saved = self_scores_save(actor=officer, assessment=sheet, values=SHEET,
                                 now=BEFORE_DEADLINE)  # fmt: skip
    assert [s.criterion.code for s in saved] == ["1.1", "1.2", "2.1", "2.2"]
    assert rows_of(sheet) == rows_of(one_by_one)
    assert rows_of(sheet)["1.1"] == (D("3.5"), "Ban hành ngày 20/12", False, 2)
    assert rows_of(sheet)["1.2"] == (None, "Không phát sinh", True, 2)
    assert rows_of(sheet)["1.3"][3] == 1  # not in the sheet: untouched
    # the same history: who, why, what, which version
    mine = [row for row in history_of(sheet) if row[2] == "Tự chấm điểm"]
    theirs = [row for row in history_of(one_by_one) if row[2] == "Tự chấm điểm"]
    assert [(c, r, p, v) for c, _u, r, p, v in mine] == [(c, r, p, v) for c, _u, r, p, v in theirs]
    assert {u for _c, u, *_ in mine} == {"khdt"}
    assert CriterionScore.objects.get(pk=saved[0].pk).updated_at > sheet.created_at
    assert submission_problems(sheet) == []
    assert self_scores_save(actor=officer, assessment=sheet, values={}) == []


def test_one_refused_value_and_nothing_of_the_sheet_is_written(dept_officer, stp):
    before = (rows_of(stp), CriterionScore.history.count())
    values = {
        "1.1": (D("4.5"),),  # a plain tuple is a SelfScore
        "1.2": SelfScore(D("2.75")),  # valid, but not written either
        "1.3": SelfScore(D(2)),
        "2.1": SelfScore(6.0),  # a float, not a Decimal
        "2.2": SelfScore(D(3)),
    }
    with pytest.raises(ValidationError) as info:
        self_scores_save(actor=dept_officer, assessment=stp, values=values,
                         now=BEFORE_DEADLINE)  # fmt: skip
    messages = info.value.messages
    assert messages[0] == "Tiêu chí 1.1: Điểm 4,5 vượt điểm tối đa 4 của tiêu chí."
    assert messages[1] == "Tiêu chí 1.3 lấy điểm từ điều tra xã hội học; cơ quan không tự chấm."
    assert messages[2].startswith("Tiêu chí 2.1: Điểm phải là số Decimal")
    assert messages[3].startswith("Điểm tiêu chí 2.2 tính tự động từ số liệu")
    assert len(messages) == 4
    assert (rows_of(stp), CriterionScore.history.count()) == before
    with pytest.raises(ValidationError, match=r"không có tiêu chí: 1, 9\.9"):
        self_scores_save(actor=dept_officer, assessment=stp, now=BEFORE_DEADLINE,
                         values={"9.9": (D(1),), "1": (D(1),), "2.1": (D(1),)})  # fmt: skip
    assert (rows_of(stp), CriterionScore.history.count()) == before


def test_a_self_assessment_sheet_is_refused_like_score_save(
    dept_officer, district_officer, reform_office, assigned, opened, stp
):
    sheet = {"1.1": (D(4),), "2.1": (D(5),)}
    for user, assessment in ((dept_officer, opened["12-SKHDT"]), (district_officer, stp),
                             (reform_office, stp), (assigned, stp)):  # fmt: skip
        with pytest.raises(PermissionDenied):
            self_scores_save(actor=user, assessment=assessment, values=sheet,
                             now=BEFORE_DEADLINE)  # fmt: skip
    with pytest.raises(ValidationError) as info:  # the deadline: said once, not per criterion
        self_scores_save(actor=dept_officer, assessment=stp, values=sheet,
                         now=AFTER_DEADLINE)  # fmt: skip
    assert len(info.value.messages) == 1 and "Đã quá hạn tự chấm điểm" in info.value.messages[0]

    # a stale version: refused with who changed it
    read = score_of(stp, "1.1").version
    score_save(actor=dept_officer, score=score_of(stp, "1.1"), self_score=D(3),
               now=BEFORE_DEADLINE)  # fmt: skip
    with pytest.raises(ValidationError, match=r"Tiêu chí 1\.1 vừa được stp cập nhật lúc"):
        self_scores_save(actor=dept_officer, assessment=stp, now=BEFORE_DEADLINE,
                         values={"1.1": SelfScore(D(4), version=read)})  # fmt: skip
    assert score_of(stp, "1.1").self_score == D(3)

    # returned: only the returned criteria; submitted: nothing
    submitted(dept_officer, stp)
    with pytest.raises(ValidationError, match="cơ quan không sửa được nữa"):
        self_scores_save(actor=dept_officer, assessment=stp, values=sheet,
                         now=BEFORE_DEADLINE)  # fmt: skip
    score = score_of(stp, "2.1")
    return_for_explanation(actor=assigned, score=score, question="Báo cáo?",
                           version=score.version)  # fmt: skip
    with pytest.raises(ValidationError) as info:
        self_scores_save(actor=dept_officer, assessment=stp, values=sheet,
                         now=AFTER_DEADLINE)  # fmt: skip
    # even the returned criterion: it is answered with `agency_explain`, not re-scored here
    assert info.value.messages == [
        "Tiêu chí 1.1 không thuộc các tiêu chí được trả lại để giải trình.",
        "Tiêu chí 2.1 đang được trả lại để giải trình: phiếu đã gửi nên không tự chấm lại "
        "được, hãy trả lời bằng “Gửi giải trình” (kèm điểm tự chấm sửa lại nếu cần).",
    ]
    assert score_of(stp, "1.1").self_score == D("3.5")  # from `submitted`
    assert score_of(stp, "2.1").self_score == D(5)


def test_an_appraisal_sheet(dept_officer, assigned, appraiser, reform_office, opened, stp):
    submitted(dept_officer, stp)  # 1.1: 3.5, 1.2: 2.75, 2.1: 5
    read = {code: score_of(stp, code).version for code in ("1.1", "1.2", "2.1")}
    history = CriterionScore.history.count()
    with pytest.raises(ValidationError) as info:
        appraisals_save(actor=assigned, assessment=stp, values={
            "1.1": Appraisal(D(3), read["1.1"]),  # lower, without a reason
            "1.2": Appraisal(D("2.75"), read["1.2"]),  # the same: no reason needed
            "1.3": Appraisal(D(1), 1, "x"),  # survey
            "2.1": Appraisal(D("4.3"), read["2.1"], "Thiếu"),  # 2 places, no step: ok
        })  # fmt: skip
    assert info.value.messages == [
        "Tiêu chí 1.1: điểm thẩm định khác điểm tự chấm, cần ghi lý do.",
        "Điểm điều tra xã hội học (tiêu chí 1.3) do Sở Nội vụ nạp, không thẩm định.",
    ]
    assert CriterionScore.history.count() == history
    assert Assessment.objects.get(pk=stp.pk).status == S.SUBMITTED

    saved = appraisals_save(actor=assigned, assessment=stp, values={
        "1.1": Appraisal(D(3), read["1.1"], " Ban hành chậm "),
        "2.1": (D("4.5"), read["2.1"], "Thiếu báo cáo"),
    })  # fmt: skip
    assert [(s.criterion.code, s.appraised_score, s.appraisal_reason, s.appraised_by,
             s.version) for s in saved] == [
        ("1.1", D(3), "Ban hành chậm", assigned, read["1.1"] + 1),
        ("2.1", D("4.5"), "Thiếu báo cáo", assigned, read["2.1"] + 1),
    ]  # fmt: skip
    assert score_of(stp, "2.1").appraised_score == D("4.5")
    assert Assessment.objects.get(pk=stp.pk).status == S.UNDER_APPRAISAL
    last = score_of(stp, "1.1").history.first()
    assert (last.history_user, last.history_change_reason, last.appraised_score) == (
        assigned, "Thẩm định điểm", D(3)
    )  # fmt: skip

    # the version read is checked: a second appraiser with an old page is refused
    with pytest.raises(ValidationError, match=r"Tiêu chí 1\.1 vừa được tdinh cập nhật"):
        appraisals_save(actor=assigned, assessment=stp,
                        values={"1.1": (D(2), read["1.1"], "Sai")})  # fmt: skip
    # other people, other agencies, other states: refused like appraisal_save
    with pytest.raises(PermissionDenied):
        appraisals_save(actor=dept_officer, assessment=stp, values={})
    with pytest.raises(PermissionDenied, match="không được phân công thẩm định Sở Tài chính"):
        appraisals_save(actor=appraiser, assessment=opened["12-STC"], values={})
    with pytest.raises(ValidationError, match="“Đang tự chấm”; không thẩm định được"):
        appraisals_save(actor=assigned, assessment=opened["12-SKHDT"],
                        values={"1.1": (D(1), 1, "x")})  # fmt: skip
    appraisal_complete(actor=assigned, assessment=stp)
    assessment_finalise(actor=reform_office, assessment=stp)
    with pytest.raises(ValidationError, match="không thẩm định được"):
        appraisals_save(actor=assigned, assessment=stp,
                        values={"1.1": (D(2), score_of(stp, "1.1").version, "x")})  # fmt: skip


def test_a_survey_sheet_is_written_in_bulk_with_its_history(reform_office, framework, opened):
    sheet = "agency,criterion,points\n12-STP,1.3,2.5\n12-STC,1.3,1\n12-SKHDT,1.3,3\n"
    first = survey_import(actor=reform_office, framework=framework,
                          content=sheet.encode(), file_name="dot-1.csv")  # fmt: skip
    changed = sheet.replace("12-STC,1.3,1", "12-STC,1.3,1.5")
    again = survey_import(actor=reform_office, framework=framework,
                          content=changed.encode(), file_name="dot-2.csv")  # fmt: skip
    assert (first.created, again.created, again.updated, again.unchanged) == (3, 0, 1, 2)
    stc = SurveyScore.objects.get(agency__code="12-STC")
    assert stc.points == D("1.5") and stc.updated_at > stc.created_at
    assert [(h.history_type, h.points, h.history_user, h.history_change_reason)
            for h in stc.history.order_by("history_id")] == [
        ("+", D(1), reform_office, "Nạp điểm điều tra: dot-1.csv"),
        ("~", D("1.5"), reform_office, "Nạp điểm điều tra: dot-2.csv"),
    ]  # fmt: skip
    assert SurveyScore.history.count() == 4
    with pytest.raises(ValidationError):  # the note is checked like any field
        survey_import(actor=reform_office, framework=framework, note="x" * 501,
                      content=changed.replace("2.5", "2").encode(), file_name="a.csv")  # fmt: skip
    assert SurveyScore.objects.get(agency__code="12-STP").points == D("2.5")


def test_a_survey_sheet_loaded_again_with_its_note_changes_nothing(
    reform_office, framework, opened
):
    sheet = b"agency,criterion,points\n12-STP,1.3,2.5\n12-STC,1.3,1\n"
    first = survey_import(actor=reform_office, framework=framework, content=sheet,
                          file_name="dot-1.csv", note="Điều tra xã hội học 2022")  # fmt: skip
    again = survey_import(actor=reform_office, framework=framework, content=sheet,
                          file_name="dot-1.csv", note="Điều tra xã hội học 2022")  # fmt: skip
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert SurveyScore.objects.get(agency__code="12-STP").note == "Điều tra xã hội học 2022"
    assert SurveyScore.history.count() == 2
