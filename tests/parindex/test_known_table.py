"""A known answer: a published-style PAR INDEX table with scores to three decimals, entered
through the services (self-assessment → appraisal → survey import → bonus/penalty →
finalise → publish) and compared with figures computed by hand (no product code).

Six departments, one group, the same maximum (20 points). The table holds an exact tie
(Sở Tư pháp and Sở KH&ĐT, 17,967 each), a near-tie that differs only in the third decimal
(Sở Tài chính, 17,966) and an index that rounds to 90,00 for display while its exact value,
89,995, stays below the 90 % threshold (Sở Xây dựng)."""

from decimal import Decimal as D

import pytest

from cchc.organizations.models import Agency
from cchc.parindex import frameworks
from cchc.parindex.services.appraisal import Appraisal, appraisal_complete, appraisals_save
from cchc.parindex.services.publication import assessment_finalise, results_publish
from cchc.parindex.services.results import adjustment_add, survey_import
from cchc.parindex.services.rounds import appraiser_assign, assessment_open
from cchc.parindex.services.self_assessment import SelfScore, assessment_submit, self_scores_save
from tests.factories import make_user
from tests.parindex.conftest import BEFORE_DEADLINE, DEADLINE, small_spec

pytestmark = pytest.mark.django_db

KAT_CSV = """\
code,parent_code,title,max_points,scoring_rule,evidence_required,source_url,scoring_type,step
K,,Bộ chỉ số thử (điểm 3 chữ số thập phân),20,,,,,
1,K,"Công tác chỉ đạo, điều hành",6,,,,,
1.1,1,Kế hoạch CCHC năm,2,,,,self_assessed,
1.2,1,Báo cáo CCHC định kỳ,4,,,,self_assessed,0.25
2,K,Cải cách thủ tục hành chính,8,,,,,
2.1,2,Giải quyết TTHC đúng hạn,5,,,,self_assessed,
2.2,2,Mức độ hài lòng về giải quyết TTHC,3,,,,survey,
3,K,Tác động của CCHC,6,,,,,
3.1,3,Đánh giá của người dân,6,,,,survey,
"""

PERCENT_BANDS = (
    {"min": "90", "label": "Xuất sắc"},
    {"min": "80", "label": "Tốt"},
    {"min": "70", "label": "Khá"},
    {"min": "50", "label": "Trung bình"},
    {"min": None, "label": "Yếu"},
)

# Self-scores of criteria 1.1, 1.2 and 2.1 as each agency enters them.
SELF = {
    "12-STP": ("1.978", "3.75", "4.5"),
    "12-SKHDT": ("2", "3.5", "4.725"),
    "12-STC": ("1.966", "4", "4.25"),
    "12-SCT": ("2", "4", "5"),
    "12-SXD": ("1.999", "3.25", "4.875"),
    "12-SYT": ("1.5", "3", "4"),
}
# What the appraiser changes (the others are accepted as self-scored).
APPRAISED = {
    "12-SCT": {"1.1": "1.875", "2.1": "4.875"},
    "12-SYT": {"1.2": "2.75"},
}
# The survey sheet, numbers written the Vietnamese way (decimal comma).
SURVEY_CSV = """\
Mã cơ quan,Mã tiêu chí,Điểm
12-STP,2.2,"2,615"
12-STP,3.1,"5,124"
12-SKHDT,2.2,"2,5"
12-SKHDT,3.1,"5,242"
12-STC,2.2,"2,7"
12-STC,3.1,"5,05"
12-SCT,2.2,"2,9"
12-SCT,3.1,"5,35"
12-SXD,2.2,"2,875"
12-SXD,3.1,"5"
12-SYT,2.2,"2,05"
12-SYT,3.1,"4,1"
"""

# Computed by hand, criterion by criterion (maximum 20 for everybody; index = total × 5):
# STP   self 1,978 + 3,75 + 4,5 = 10,228, none changed; survey 2,615 + 5,124 = 7,739;
#       total 17,967; index 89,835 → Tốt (80 ≤ 89,835 < 90)
# SKHDT self 2 + 3,5 + 4,725 = 10,225; survey 2,5 + 5,242 = 7,742; total 17,967 (tie with
#       STP); index 89,835 → Tốt
# STC   self 1,966 + 4 + 4,25 = 10,216; survey 2,7 + 5,05 = 7,75; total 17,966 (0,001 below
#       the tie); index 89,83 → Tốt
# SCT   self 2 + 4 + 5 = 11; appraised 1,875 + 4 + 4,875 = 10,75; survey 2,9 + 5,35 = 8,25;
#       bonus 0,125; self total 11 + 8,25 = 19,25; total 10,75 + 8,25 + 0,125 = 19,125;
#       index 95,625 → Xuất sắc
# SXD   self 1,999 + 3,25 + 4,875 = 10,124; survey 2,875 + 5 = 7,875; total 17,999;
#       index 89,995 → Tốt (below 90 exactly, though it shows as 90,00 to 2 decimals)
# SYT   self 1,5 + 3 + 4 = 8,5; appraised 1,5 + 2,75 + 4 = 8,25; survey 2,05 + 4,1 = 6,15;
#       penalty 0,25; self total 8,5 + 6,15 = 14,65; total 8,25 + 6,15 − 0,25 = 14,15;
#       index 70,75 → Khá
# Ranks, highest total first: SCT 19,125 (1), SXD 17,999 (2), STP = SKHDT 17,967 (3, 3),
# STC 17,966 (5: the shared third place takes two ranks), SYT 14,15 (6).
EXPECTED = {
    # agency: (self total, appraised, survey, bonus, penalty, total, index, rank, class)
    "12-SCT": ("19.25", "10.75", "8.25", "0.125", "0", "19.125", "95.625", 1, "Xuất sắc"),
    "12-SXD": ("17.999", "10.124", "7.875", "0", "0", "17.999", "89.995", 2, "Tốt"),
    "12-STP": ("17.967", "10.228", "7.739", "0", "0", "17.967", "89.835", 3, "Tốt"),
    "12-SKHDT": ("17.967", "10.225", "7.742", "0", "0", "17.967", "89.835", 3, "Tốt"),
    "12-STC": ("17.966", "10.216", "7.75", "0", "0", "17.966", "89.83", 5, "Tốt"),
    "12-SYT": ("14.65", "8.25", "6.15", "0", "0.25", "14.15", "70.75", 6, "Khá"),
}


def kat_framework(**spec):
    fields = {"code": "KAT", "precision": 3, "display_places": 3, "bands": PERCENT_BANDS,
              "band_basis": "percent", **spec}  # fmt: skip
    return frameworks.import_framework(small_spec(**fields), KAT_CSV.encode(), "kat.csv").framework


def score_of(assessment, code):
    return assessment.scores.select_related("criterion").get(criterion__code=code)


def enter_table(reform_office, appraiser, framework):
    """The whole round through the services; returns the assessments by agency code."""
    agencies = list(Agency.objects.filter(code__in=SELF))
    opened = assessment_open(
        actor=reform_office, framework=framework, deadline=DEADLINE, agencies=agencies
    )
    by_code = {a.agency.code: a for a in opened}
    for code, values in SELF.items():
        assessment = by_code[code]
        officer = make_user(f"cb-{code.lower()}", code, "agency_officer")
        self_scores_save(
            actor=officer, assessment=assessment, now=BEFORE_DEADLINE,
            values={c: SelfScore(D(v)) for c, v in zip(("1.1", "1.2", "2.1"), values, strict=True)},
        )  # fmt: skip
        assessment_submit(actor=officer, assessment=assessment, now=BEFORE_DEADLINE)
        appraiser_assign(actor=reform_office, appraiser=appraiser,
                         agency=assessment.agency, framework=framework)  # fmt: skip
        changes = APPRAISED.get(code, {})
        if changes:
            appraisals_save(
       actor=appraiser, assessment=assessment,
       values={c: Appraisal(D(v), version=score_of(assessment, c).version,
                            reason="Tài liệu kiểm chứng chưa đủ")
                        for c, v in changes.items()},
            )  # fmt: skip
        appraisal_complete(actor=appraiser, assessment=assessment)
    survey_import(actor=reform_office, framework=framework,
                  content=SURVEY_CSV.encode(), file_name="dtxhh.csv")  # fmt: skip
    adjustment_add(actor=reform_office, assessment=by_code["12-SCT"], kind="bonus",
                   points=D("0.125"), reason="Sáng kiến cấp tỉnh")  # fmt: skip
    adjustment_add(actor=reform_office, assessment=by_code["12-SYT"], kind="penalty",
                   points=D("0.25"), reason="Báo cáo quý III chậm")  # fmt: skip
    for assessment in by_code.values():
        assessment_finalise(actor=reform_office, assessment=assessment)
    return by_code


def test_a_published_style_table_with_three_decimal_scores(reform_office, appraiser):
    framework = kat_framework()
    enter_table(reform_office, appraiser, framework)
    results = results_publish(actor=reform_office, framework=framework)
    got = {
        r.assessment.agency.code: (
            r.self_total, r.appraised_total, r.survey_total, r.bonus, r.penalty, r.total,
            r.index, r.rank, r.classification,
        )
        for r in results
    }  # fmt: skip
    expected = {code: (*(D(v) for v in row[:7]), row[7], row[8]) for code, row in EXPECTED.items()}
    assert got == expected
    assert {r.maximum for r in results} == {D(20)}
    assert {r.rank_group for r in results} == {"department"}
