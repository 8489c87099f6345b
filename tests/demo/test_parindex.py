"""The synthetic PAR INDEX year of the demo, on a few agencies: seeded, walked through the
workflow services, marked synthetic, published (so target 2 and the inspection proposal of
the next year read it), and idempotent."""

from datetime import date
from decimal import Decimal as D
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cchc.demo import parindex as demo_parindex
from cchc.demo.management.commands import generate_demo_parindex
from cchc.demo.parindex import generate, results_of
from cchc.indicators.selectors import evaluate
from cchc.inspections.selectors import proposal
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.parindex import frameworks
from cchc.parindex.models import (
    Adjustment,
    AppraisalAssignment,
    Assessment,
    AssessmentStatus,
    CriterionScore,
    Framework,
    Result,
    ScoringType,
    SurveyScore,
)
from cchc.parindex.services.rounds import assessment_open
from tests.factories import make_user

pytestmark = pytest.mark.django_db
YEAR = 2021
# Sở Nội vụ (the demo appraiser's own agency), Sở Tư pháp, UBND huyện Tam Đường, xã Bản Bo.
AGENCIES = ("12-SNV", "12-STP", "106", "106-02")


@pytest.fixture
def demo_appraiser(db):
    return make_user("thamdinh", "12-SNV", "appraiser")


class _Undo(Exception):
    pass


def results_then_undo(**options) -> list[tuple]:
    """Generate, read the results, and roll everything back: a fresh database each time."""
    try:
        with transaction.atomic():
            generate(year=YEAR, agencies=("12-STP", "106-02"), **options)
            rows = results_of(YEAR)
            raise _Undo
    except _Undo:
        pass
    assert not Assessment.objects.exists()
    return rows


def test_the_same_seed_gives_the_same_results(demo_appraiser):
    first = results_then_undo(seed=2022)
    assert [row[:2] for row in first] == [("CCHC-SO-VD", "12-STP"), ("CCHC-XA-VD", "106-02")]
    assert results_then_undo(seed=2022) == first
    assert results_then_undo(seed=7) != first


def state() -> tuple:
    return (
        Assessment.history.count(), CriterionScore.history.count(), Result.history.count(),
        SurveyScore.history.count(), Adjustment.history.count(),
        AppraisalAssignment.history.count(), get_user_model().objects.count(),
    )  # fmt: skip


def test_a_published_synthetic_year_through_the_workflow(
    demo_appraiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        summary = generate(year=YEAR, agencies=AGENCIES)
    assert summary.written and summary.assessed == len(AGENCIES)
    assert [(g.framework, g.assessed) for g in summary.groups] == [
        ("CCHC-SO-VD", 2), ("CCHC-HUYEN-VD", 1), ("CCHC-XA-VD", 1),
    ]  # fmt: skip

    # Every assessment of the year is synthetic, published, dated in the next year's calendar.
    assessments = Assessment.objects.filter(framework__year=YEAR).select_related("agency")
    assert {a.agency.code for a in assessments} == set(AGENCIES)
    for a in assessments:
        assert a.synthetic and a.status == AssessmentStatus.PUBLISHED
        assert a.deadline == date(YEAR + 1, 1, 31)
        assert a.submitted_at.date() <= a.deadline < a.appraised_at.date()
        assert a.appraised_at < a.finalised_at < a.published_at
        assert a.published_at.year == YEAR + 1
        assert a.history.filter(synthetic=True).exists()

    # Self-scores on every self-assessed criterion, multiples of the step, explained where
    # evidence is required; some lowered at appraisal with a reason.
    scores = CriterionScore.objects.filter(assessment__framework__year=YEAR).select_related(
        "criterion"
    )
    own = [s for s in scores if s.criterion.scoring_type == ScoringType.SELF_ASSESSED]
    assert all(s.self_score is not None for s in own)
    assert all(s.self_score % (s.criterion.step or D("0.25")) == 0 for s in own)
    assert all(
        s.explanation.startswith("Dữ liệu mô phỏng") for s in own if s.criterion.evidence_required
    )
    lowered = [s for s in own if s.appraised_score is not None]
    assert lowered and all(s.appraised_score < s.self_score and s.appraisal_reason for s in lowered)
    assert all(s.history.filter(history_change_reason="Tự chấm điểm").exists() for s in own)
    assert all(s.history.filter(history_change_reason="Thẩm định điểm").exists() for s in lowered)
    assert all(s.version == (3 if s.appraised_score is not None else 2) for s in own)
    # Computed criteria: no indicator data for the year, so no value and no points.
    computed = [s for s in scores if s.criterion.scoring_type == ScoringType.COMPUTED]
    assert computed and all(s.indicator_value is None and s.self_score is None for s in computed)

    # The demo appraiser appraises everyone but its own agency, left to a second appraiser.
    assigned = dict(AppraisalAssignment.objects.values_list("agency__code", "appraiser__username"))
    assert assigned == {"12-SNV": "mophong.thamdinh2", "12-STP": "thamdinh", "106": "thamdinh",
                        "106-02": "thamdinh"}  # fmt: skip
    officer = get_user_model().objects.get(username="mophong.12-stp")
    assert not officer.is_active and not officer.has_usable_password()

    # Survey points for every survey criterion; results ranked and classified.
    survey = [s for s in scores if s.criterion.scoring_type == ScoringType.SURVEY]
    assert SurveyScore.objects.filter(criterion__framework__year=YEAR).count() == len(survey)
    results = Result.objects.filter(assessment__framework__year=YEAR)
    assert sorted(r.rank for r in results) == [1, 1, 1, 2]
    assert all(r.classification and r.index is not None for r in results)

    # Target 2 of the next year's plan has a value, badged synthetic.
    coverage = evaluate("PAR_INDEX_COVERAGE", scope=AgencyScope.everything(), year=YEAR + 1)
    assert coverage.value is not None and coverage.synthetic
    assert coverage.numerator == len(AGENCIES)

    # The inspection proposal of the next year shows last year's index.
    proposals, _needed, _done = proposal(year=YEAR + 1, share=D(100), today=date(YEAR + 1, 3, 1))
    shown = {p.candidate.code: p.candidate.par_index for p in proposals}
    index = {
        r.assessment.agency.code: r.index for r in results.select_related("assessment__agency")
    }
    assert {code: shown[code] for code in ("12-SNV", "12-STP", "106")} == {
        code: index[code] for code in ("12-SNV", "12-STP", "106")
    }

    # A second run with the same seed and year changes nothing.
    before, rows = state(), results_of(YEAR)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = generate(year=YEAR, agencies=AGENCIES)
    assert not again.written and not callbacks
    assert [g.note for g in again.groups] == ["đã có từ lần chạy trước"] * 3
    assert state() == before and results_of(YEAR) == rows


def test_a_framework_with_real_assessments_is_left_alone(demo_appraiser, reform_office):
    frameworks.load_bundled(year=YEAR, only=lambda spec: spec.illustrative)
    districts = Framework.objects.get(code="CCHC-HUYEN-VD", year=YEAR)
    assessment_open(actor=reform_office, framework=districts, deadline=date(2022, 1, 31),
                    agencies=list(Agency.objects.filter(code="106")))  # fmt: skip
    summary = generate(year=YEAR, agencies=("106",))
    assert not summary.written
    assert [g.note for g in summary.groups] == [
        "không có cơ quan nào", "đã có phiếu đánh giá thật, không sinh dữ liệu mô phỏng",
        "không có cơ quan nào",
    ]  # fmt: skip
    assert not Assessment.objects.filter(synthetic=True).exists()


def test_the_demo_appraiser_is_required_and_the_year_must_be_over():
    with pytest.raises(RuntimeError, match="seed_demo"):
        generate(year=YEAR, agencies=AGENCIES)
    assert not Assessment.objects.exists()
    with pytest.raises(ValueError, match="năm đã qua"):
        generate(year=timezone.localdate().year, agencies=AGENCIES)


def test_the_command_prints_a_summary_and_progress(demo_appraiser, monkeypatch):
    def few(**options):
        return demo_parindex.generate(agencies=AGENCIES, **options)

    monkeypatch.setattr(generate_demo_parindex, "generate", few)
    out, err = StringIO(), StringIO()
    call_command("generate_demo_parindex", stdout=out, stderr=err)
    text = out.getvalue()
    assert "Chỉ số CCHC năm 2021 — dữ liệu mô phỏng (seed 2022):" in text
    assert "Sở, ban, ngành (CCHC-SO-VD): 2 cơ quan được đánh giá, đã công bố kết quả" in text
    assert "UBND cấp xã (CCHC-XA-VD): 1 cơ quan được đánh giá" in text
    assert "giây" in text and "100%" in err.getvalue()

    out = StringIO()
    call_command("generate_demo_parindex", stdout=out, stderr=StringIO())
    assert "không có gì thay đổi" in out.getvalue()
