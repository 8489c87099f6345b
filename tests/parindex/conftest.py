"""A small framework and its assessments, for the workflow and results tests."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cchc.organizations.models import Agency
from cchc.parindex import frameworks
from cchc.parindex.frameworks import FrameworkSpec
from cchc.parindex.services.rounds import assessment_open

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2031
DEADLINE = date(2032, 1, 31)
BEFORE_DEADLINE = datetime(2032, 1, 31, 16, 0, tzinfo=VN)
AFTER_DEADLINE = datetime(2032, 2, 1, 8, 0, tzinfo=VN)

SMALL_CSV = """\
code,parent_code,title,max_points,scoring_rule,evidence_required,source_url,scoring_type,step,indicator_code,full_at,zero_at
T,,Bộ tiêu chí thử,20,,,,,,,,
1,T,Lĩnh vực 1,10,,,,,,,,
1.1,1,Ban hành kế hoạch CCHC,4,"Đúng hạn: 4; chậm: 2",Kế hoạch CCHC năm,,self_assessed,0.5,,,
1.2,1,Báo cáo định kỳ,3,,,,self_assessed,0.25,,,
1.3,1,Người dân đánh giá,3,,,,survey,,,,
2,T,Lĩnh vực 2,10,,,,,,,,
2.1,2,Kỷ luật hành chính,6,,,,self_assessed,,,,
2.2,2,Tỷ lệ hồ sơ đúng hạn,4,,Tự động,,computed,,ON_TIME_RATE,100,80
"""

SMALL_BANDS = (
    {"min": "18", "label": "Xuất sắc"},
    {"min": "15", "label": "Tốt"},
    {"min": "10", "label": "Khá"},
    {"min": None, "label": "Yếu"},
)


def small_spec(**overrides) -> FrameworkSpec:
    fields = {
        "code": "THU", "title": "Bộ tiêu chí thử", "group": "department", "year": YEAR,
        "source": "Dữ liệu kiểm thử", "bands": SMALL_BANDS, "precision": 2,
    }  # fmt: skip
    return FrameworkSpec(**{**fields, **overrides})


@pytest.fixture
def framework(db):
    return frameworks.import_framework(small_spec(), SMALL_CSV.encode(), "thu.csv").framework


AGENCIES = ("12-STP", "12-SKHDT", "12-STC")


@pytest.fixture
def opened(framework, reform_office):
    """Assessments of Sở Tư pháp, Sở KH&ĐT and Sở Tài chính, by agency code."""
    created = assessment_open(
        actor=reform_office, framework=framework, deadline=DEADLINE,
        agencies=list(Agency.objects.filter(code__in=AGENCIES)),
    )  # fmt: skip
    return {a.agency.code: a for a in created}


def score_of(assessment, code):
    return assessment.scores.select_related("criterion").get(criterion__code=code)


def appraised_and_returned(appraiser, assessment, code, *, points, reason):
    """The appraiser scores a criterion (as applicable) and returns it to the agency for an
    explanation."""
    from cchc.parindex.services.appraisal import appraisal_save, return_for_explanation

    score = score_of(assessment, code)
    score = appraisal_save(actor=appraiser, score=score, appraised_score=points, reason=reason,
                           version=score.version, not_applicable=False)  # fmt: skip
    return_for_explanation(actor=appraiser, score=score, question="Giải trình?",
                           version=score.version)  # fmt: skip
