"""Results over the stored rows: survey import, bonus/penalty, not applicable, ties,
rounding, idempotent recomputation, publication."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.core.formatting import format_number
from cchc.indicators import records
from cchc.indicators.periods import span
from cchc.indicators.registry import INDICATORS
from cchc.indicators.selectors import evaluate
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.parindex import selectors
from cchc.parindex.models import (
    Assessment,
    AssessmentStatus,
    CriterionScore,
    Framework,
    Result,
    SurveyScore,
)
from cchc.parindex.scoring import AgencyInput, Line
from cchc.parindex.services.appraisal import appraisal_complete, appraisal_save
from cchc.parindex.services.publication import (
    assessment_finalise,
    assessment_reopen,
    results_publish,
)
from cchc.parindex.services.results import adjustment_add, results_compute, survey_import
from cchc.parindex.services.rounds import appraiser_assign
from tests.parindex.conftest import score_of

pytestmark = pytest.mark.django_db
S = AssessmentStatus

SURVEY_CSV = 'Mã cơ quan,Mã tiêu chí,Điểm,Ghi chú\n12-STP,1.3,"2,5",Đợt 1\nSở Tài chính,1.3,2.5,\n12-SKHDT,1.3,3,\n'


def set_scores(assessment, values):
    """{code: (self_score, appraised_score, not_applicable)} written straight to the rows."""
    for code, (own, appraised, na) in values.items():
        CriterionScore.objects.filter(assessment=assessment, criterion__code=code).update(
            self_score=None if own is None else D(own),
            appraised_score=None if appraised is None else D(appraised),
            not_applicable=na,
        )


@pytest.fixture
def scored(reform_office, framework, opened):
    survey_import(actor=reform_office, framework=framework,
                  content=SURVEY_CSV.encode(), file_name="dtxhh-2031.csv")  # fmt: skip
    set_scores(
        opened["12-STP"],
        {
            "1.1": ("3.5", "3", False),
            "1.2": ("2.75", None, False),
            "2.1": ("5", None, False),
            "2.2": ("2", None, False),
        },
    )
    set_scores(
        opened["12-STC"],
        {
            "1.1": ("4", None, False),
            "1.2": ("3", None, False),
            "2.1": ("5", "4.5", False),
            "2.2": ("1.75", None, False),
        },
    )
    set_scores(opened["12-SKHDT"], {"1.1": ("3", None, False), "1.2": (None, None, True),
                                    "2.1": ("6", None, False), "2.2": ("1", None, False)})  # fmt: skip
    adjustment_add(actor=reform_office, assessment=opened["12-STP"], kind="bonus",
                   points=D(1), reason="Sáng kiến được công nhận")  # fmt: skip
    adjustment_add(actor=reform_office, assessment=opened["12-STP"], kind="penalty",
                   points=D("0.5"), reason="Báo cáo quý III chậm")  # fmt: skip
    return opened


def by_agency(results):
    return {r.assessment.agency.code: r for r in results}


def test_results_with_survey_bonus_penalty_not_applicable_and_a_tie(
    reform_office, framework, scored
):
    results = by_agency(results_compute(actor=reform_office, framework=framework))
    stp, stc, skhdt = results["12-STP"], results["12-STC"], results["12-SKHDT"]
    # Sở Tư pháp: appraised 3 (not its 3.5) + 2.75 + 5 + 2 + survey 2.5 + 1 − 0.5
    assert (stp.total, stp.self_total, stp.appraised_total) == (D("15.75"), D("15.75"), D("12.75"))
    assert (stp.survey_total, stp.bonus, stp.penalty) == (D("2.5"), D(1), D("0.5"))
    assert (stp.maximum, stp.index, stp.classification) == (D(20), D("78.75"), "Tốt")
    # Sở Tài chính: 4 + 3 + 4.5 (appraised) + 1.75 + 2.5 = 15.75, the same total: same rank
    assert (stc.total, stc.rank, stp.rank) == (D("15.75"), 1, 1)
    # Sở KH&ĐT: 1.2 does not apply, so 13 of 17 points
    assert (skhdt.total, skhdt.maximum, skhdt.index) == (D(13), D(17), D("76.4706"))
    assert (skhdt.rank, skhdt.classification, skhdt.rank_group) == (3, "Khá", "department")
    table = selectors.results_table(framework=framework, scope=AgencyScope.everything())
    assert [r.assessment.agency.code for r in table] == ["12-STC", "12-STP", "12-SKHDT"]


def test_results_agree_with_the_pure_scoring(reform_office, framework, scored):
    inputs = selectors.scoring_inputs(framework)
    stp = scored["12-STP"]
    assert inputs[stp.pk] == AgencyInput(
        lines=(
            Line("1.1", D(4), "self_assessed", D("3.5"), D(3), None, False),
            Line("1.2", D(3), "self_assessed", D("2.75"), None, None, False),
            Line("1.3", D(3), "survey", None, None, D("2.5"), False),
            Line("2.1", D(6), "self_assessed", D(5), None, None, False),
            Line("2.2", D(4), "computed", D(2), None, None, False),
        ),
        bonus=D(1), penalty=D("0.5"), group="department",
    )  # fmt: skip


def test_results_are_exact_and_rounded_only_when_shown(reform_office, framework, scored):
    framework.display_places = 1
    framework.save()
    results = by_agency(results_compute(actor=reform_office, framework=framework))
    assert results["12-STP"].total == D("15.75")  # stored exactly
    assert format_number(results["12-STP"].total, 1, fixed=True) == "15,8"  # shown half up
    assert results["12-SKHDT"].index == D("76.4706")  # 13 / 17 = 76.470588…, 4 decimals kept
    assert format_number(results["12-SKHDT"].index, 1, fixed=True) == "76,5"


def test_recomputing_changes_nothing(reform_office, framework, scored):
    first = {r.pk: r.total for r in results_compute(actor=reform_office, framework=framework)}
    history = Result.history.count()
    again = results_compute(actor=reform_office, framework=framework)
    assert {r.pk: r.total for r in again} == first
    assert Result.history.count() == history
    CriterionScore.objects.filter(assessment=scored["12-SKHDT"], criterion__code="2.1").update(
        appraised_score=D(4)
    )
    changed = by_agency(results_compute(actor=reform_office, framework=framework))
    assert changed["12-SKHDT"].total == D(11)
    assert Result.history.count() == history + 1


PUBLISHED_FIGURES = ("total", "maximum", "index", "rank", "rank_group", "classification")


def figures(framework):
    return {
        r.assessment.agency.code: {name: getattr(r, name) for name in PUBLISHED_FIGURES}
        for r in Result.objects.filter(assessment__framework=framework).select_related(
            "assessment__agency"
        )
    }


def test_recomputing_after_a_reopen_leaves_the_published_figures_as_published(
    reform_office, appraiser, framework, scored
):
    # Review fault 5: reopening withdraws one row; the others stay as published until the
    # framework is published again.
    Assessment.objects.filter(framework=framework).update(status=S.APPRAISED)
    for assessment in scored.values():
        assessment_finalise(actor=reform_office, assessment=assessment)
    results_publish(actor=reform_office, framework=framework)
    published = figures(framework)
    assert {code: row["rank"] for code, row in published.items()} == {
        "12-STC": 1, "12-STP": 1, "12-SKHDT": 3
    }  # fmt: skip
    skhdt = scored["12-SKHDT"]
    assessment_reopen(actor=reform_office, assessment=skhdt, reason="Khiếu nại")
    appraiser_assign(actor=reform_office, appraiser=appraiser, agency=skhdt.agency,
                     framework=framework)  # fmt: skip
    for code, points in (("1.1", "4"), ("2.1", "6"), ("2.2", "4")):
        score = score_of(skhdt, code)
        appraisal_save(actor=appraiser, score=score, appraised_score=D(points), reason="Sửa",
                       version=score.version)  # fmt: skip
    history = Result.history.filter(assessment__status=S.PUBLISHED).count()
    results = by_agency(results_compute(actor=reform_office, framework=framework))
    assert len(results) == 3
    now = figures(framework)
    assert {code: now[code] for code in ("12-STC", "12-STP")} == {
        code: published[code] for code in ("12-STC", "12-STP")
    }  # fmt: skip
    assert Result.history.filter(assessment__status=S.PUBLISHED).count() == history
    # the reopened row, provisional: 17 of 17, ranked against the published figures as they
    # stand (so it shares no rank with them and moves nobody)
    assert (now["12-SKHDT"]["total"], now["12-SKHDT"]["index"]) == (D(17), D(100))
    assert (now["12-SKHDT"]["rank"], now["12-SKHDT"]["classification"]) == (1, "Tốt")
    # publishing again ranks everyone over the new figures
    appraisal_complete(actor=appraiser, assessment=skhdt)
    assessment_finalise(actor=reform_office, assessment=skhdt)
    results_publish(actor=reform_office, framework=framework)
    again = figures(framework)
    assert {code: row["rank"] for code, row in again.items()} == {
        "12-SKHDT": 1, "12-STC": 2, "12-STP": 2
    }  # fmt: skip
    assert {code: row["total"] for code, row in again.items()} == {
        "12-SKHDT": D(17), "12-STC": D("15.75"), "12-STP": D("15.75")
    }  # fmt: skip


def test_only_the_reform_office_computes_and_publishes(dept_officer, appraiser, framework, scored):
    for user in (dept_officer, appraiser):
        with pytest.raises(PermissionDenied):
            results_compute(actor=user, framework=framework)
        with pytest.raises(PermissionDenied):
            results_publish(actor=user, framework=framework)


def coverage(plan_year):
    value = evaluate("PAR_INDEX_COVERAGE", scope=AgencyScope.everything(), year=plan_year)
    return value.numerator, value.denominator


def test_publication_needs_every_assessment_finalised(
    reform_office, framework, scored, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError, match="Còn 3 phiếu đánh giá chưa chốt kết quả"):
        results_publish(actor=reform_office, framework=framework)
    Assessment.objects.filter(framework=framework).update(status=S.APPRAISED)
    for assessment in scored.values():
        assessment_finalise(actor=reform_office, assessment=assessment)
    active = Agency.objects.filter(level__in=("department", "district", "commune"))
    assessed = active.active_on(date(framework.year, 12, 31)).count()
    with django_capture_on_commit_callbacks(execute=True):
        results = results_publish(actor=reform_office, framework=framework)
    assert len(results) == 3
    assert set(Assessment.objects.filter(framework=framework).values_list("status", flat=True)) == {
        S.PUBLISHED
    }
    # Target 2 of the next year's plan (the year the assessment is organised and published)
    # counts the three published agencies among every assessed agency; the assessed year's
    # own plan has no data from it.
    assert coverage(framework.year + 1) == (3, assessed)
    assert coverage(framework.year) == (None, None)
    # The record behind an agency's 1: its published result, listed with index and rank.
    stp = scored["12-STP"].agency
    behind = records.selection(INDICATORS["PAR_INDEX_COVERAGE"], agency_id=stp.pk,
                               tier="province", period=span("nam", framework.year + 1, None),
                               part="tu")  # fmt: skip
    [record] = behind
    row = [value(record) for _title, value in records.LISTINGS["par_index"].columns]
    assert row[1] == str(framework.year) and row[3] == record.result.rank
    assert row[2] == format_number(record.result.index, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_reopen(actor=reform_office, assessment=scored["12-STP"],
                          reason="Khiếu nại về điểm điều tra")  # fmt: skip
    assert coverage(framework.year + 1) == (2, assessed)


def test_other_indices_do_not_count_for_target_2(
    reform_office, framework, scored, django_capture_on_commit_callbacks
):
    Framework.objects.filter(pk=framework.pk).update(par_index=False)
    framework.refresh_from_db()
    Assessment.objects.filter(framework=framework).update(status=S.FINALISED)
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(actor=reform_office, framework=framework)
    assert coverage(framework.year + 1) == (None, None)  # no PAR INDEX result: no data


# --- survey import ------------------------------------------------------------------------


def test_survey_import_is_idempotent(reform_office, framework, opened):
    first = survey_import(actor=reform_office, framework=framework,
                          content=SURVEY_CSV.encode(), file_name="dtxhh.csv")  # fmt: skip
    again = survey_import(actor=reform_office, framework=framework,
                          content=SURVEY_CSV.encode(), file_name="dtxhh.csv")  # fmt: skip
    assert (first.created, again.created, again.unchanged) == (3, 0, 3)
    stp = SurveyScore.objects.get(agency__code="12-STP")
    assert (stp.points, stp.note) == (D("2.5"), "Đợt 1")
    assert stp.history.first().history_user == reform_office


def test_a_bad_survey_file_writes_nothing(reform_office, framework, opened):
    text = (
        "agency,criterion,points\n"
        "12-STP,1.3,2\n"
        "Sở Không Có,1.3,1\n"  # unknown agency
        "106,1.3,1\n"  # a district: not assessed by this framework
        "12-STC,1.1,1\n"  # not a survey criterion
        "12-SKHDT,1.3,3.5\n"  # above the maximum
        "12-stp,1.3,1\n"  # the same agency again
    )
    with pytest.raises(ValidationError) as info:
        survey_import(actor=reform_office, framework=framework, content=text.encode(),
                      file_name="dtxhh.csv")  # fmt: skip
    assert info.value.messages == [
        "Dòng 3, cột agency: không có cơ quan “Sở Không Có” thuộc đối tượng đánh giá",
        "Dòng 4, cột agency: không có cơ quan “106” thuộc đối tượng đánh giá",
        "Dòng 5, cột criterion: “1.1” không phải tiêu chí điều tra xã hội học của bộ tiêu chí",
        "Dòng 6, cột points: Điểm 3,5 vượt điểm tối đa 3 của tiêu chí.",
        "Dòng 7, cột criterion: trùng với dòng 2",
    ]
    assert not SurveyScore.objects.exists()


def test_adjustments_need_a_reason_and_positive_points(reform_office, dept_officer, opened):
    stp = opened["12-STP"]
    with pytest.raises(ValidationError, match="phải có lý do"):
        adjustment_add(actor=reform_office, assessment=stp, kind="bonus",
                       points=D(1), reason="")  # fmt: skip
    with pytest.raises(ValidationError, match="số dương"):
        adjustment_add(actor=reform_office, assessment=stp, kind="penalty",
                       points=D(-1), reason="Chậm báo cáo")  # fmt: skip
    with pytest.raises(PermissionDenied):
        adjustment_add(actor=dept_officer, assessment=stp, kind="bonus",
                       points=D(1), reason="Tự thưởng")  # fmt: skip


def test_inspection_proposal_of_the_next_year_reads_the_published_index(
    reform_office, framework, scored, django_capture_on_commit_callbacks
):
    from cchc.inspections.selectors import proposal

    Assessment.objects.filter(framework=framework).update(status=S.FINALISED)
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(actor=reform_office, framework=framework)
    index = {
        r.assessment.agency.code: r.index
        for r in Result.objects.select_related("assessment__agency")
    }
    proposals, _needed, _done = proposal(
        year=framework.year + 1, share=D(100), today=date(framework.year + 1, 3, 1)
    )
    shown = {p.candidate.code: p.candidate.par_index for p in proposals}
    assert {code: shown[code] for code in index} == index
    reasons = next(p.reasons for p in proposals if p.candidate.code == "12-STP")
    assert any("Chỉ số CCHC năm trước" in reason for reason in reasons)
