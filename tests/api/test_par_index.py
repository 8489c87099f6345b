"""Published PAR INDEX results through the API (issue 18). The expected figures are worked
out by hand below from the scores the test writes, not by the product's scoring."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from cchc.api import tokens
from cchc.organizations.models import Agency
from cchc.parindex import frameworks
from cchc.parindex.models import Assessment, AssessmentStatus, CriterionScore
from cchc.parindex.services.publication import assessment_reopen, results_publish
from cchc.parindex.services.results import adjustment_add, results_compute, survey_import
from cchc.parindex.services.rounds import assessment_open
from tests.parindex.conftest import SMALL_CSV, small_spec

pytestmark = pytest.mark.django_db
QUERIES = 11  # token, scope, the rows and what they show: not one per row

SURVEY = (
    'Mã cơ quan,Mã tiêu chí,Điểm,Ghi chú\n12-STP,1.3,"2,5",\n12-STC,1.3,"2,5",\n12-SKHDT,1.3,3,\n'
)

# {agency: {criterion: (self_score, appraised_score, not_applicable)}} — the framework
# (tests/parindex/conftest.py): area 1 = 1.1 (max 4), 1.2 (max 3), 1.3 (survey, max 3);
# area 2 = 2.1 (max 6), 2.2 (computed, max 4); bands by points ≥18 Xuất sắc, ≥15 Tốt,
# ≥10 Khá, else Yếu.
SCORES = {
    "12-STP": {"1.1": ("3.5", "3", False), "1.2": ("2.75", None, False),
               "2.1": ("5", None, False), "2.2": ("2", None, False)},
    "12-STC": {"1.1": ("4", None, False), "1.2": ("3", None, False),
               "2.1": ("5", "4.5", False), "2.2": ("1.75", None, False)},
    "12-SKHDT": {"1.1": ("3", None, False), "1.2": (None, None, True),
                 "2.1": ("6", None, False), "2.2": ("1", None, False)},
}  # fmt: skip


def header(actor, code):
    _t, text = tokens.token_issue(
        actor=actor, agency=Agency.objects.get(code=code), purpose="read", name=f"Mã {code}",
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def scored_framework(reform_office, *, code="THU", display_places=1, year=2031):
    framework = frameworks.import_framework(
        small_spec(code=code, year=year), SMALL_CSV.encode(), f"{code}.csv"
    ).framework
    framework.display_places = display_places
    framework.save()
    opened = assessment_open(
        actor=reform_office, framework=framework, deadline=date(year + 1, 1, 31),
        agencies=list(Agency.objects.filter(code__in=SCORES)),
    )  # fmt: skip
    survey_import(actor=reform_office, framework=framework, content=SURVEY.encode(),
                  file_name="dtxhh.csv")  # fmt: skip
    for assessment in opened:
        for criterion, (own, appraised, na) in SCORES[assessment.agency.code].items():
            CriterionScore.objects.filter(assessment=assessment, criterion__code=criterion).update(
                self_score=None if own is None else D(own),
                appraised_score=None if appraised is None else D(appraised), not_applicable=na,
            )  # fmt: skip
    stp = next(a for a in opened if a.agency.code == "12-STP")
    adjustment_add(actor=reform_office, assessment=stp, kind="bonus", points=D(1),
                   reason="Sáng kiến được công nhận")  # fmt: skip
    adjustment_add(actor=reform_office, assessment=stp, kind="penalty",
                   points=D("0.5"), reason="Báo cáo quý III chậm")  # fmt: skip
    return framework


@pytest.fixture
def published(reform_office, django_capture_on_commit_callbacks):
    framework = scored_framework(reform_office)
    Assessment.objects.filter(framework=framework).update(status=AssessmentStatus.FINALISED)
    with django_capture_on_commit_callbacks(execute=True):
        results_publish(actor=reform_office, framework=framework)
    return framework


# Worked out by hand, shown to one decimal, half up:
# - Sở Tư pháp: area 1 = 3 (appraised) + 2.75 + 2.5 (survey) = 8.25 → 8.3 of 10; area 2 =
#   5 + 2 = 7 of 10; appraised 3 + 2.75 + 5 + 2 = 12.75 → 12.8; self 3.5 + 2.75 + 5 + 2 +
#   2.5 = 15.75 → 15.8; total 12.75 + 2.5 + 1 − 0.5 = 15.75 → 15.8 of 20; index 78.75 →
#   78.8 %; Tốt (≥ 15).
# - Sở Tài chính: area 1 = 4 + 3 + 2.5 = 9.5; area 2 = 4.5 (appraised) + 1.75 = 6.25 → 6.3;
#   appraised 13.25 → 13.3; self 4 + 3 + 5 + 1.75 + 2.5 = 16.25 → 16.3; total 15.75 → 15.8;
#   index 78.75 → 78.8 %: tied with Sở Tư pháp, both first; Tốt.
# - Sở KH&ĐT: 1.2 not applicable, so area 1 = 3 + 3 = 6 of 7 (4 + 3); area 2 = 6 + 1 = 7;
#   total 13 of 17; index 1300/17 = 76.47… → 76.5 %; third (1, 1, 3); Khá (≥ 10).
EXPECTED = {
    "12-STP": {"rank": 1, "self_total": "15.8", "appraised_total": "12.8",
               "survey_total": "2.5", "bonus": "1.0", "penalty": "0.5", "total": "15.8",
               "maximum": "20.0", "index": "78.8", "classification": "Tốt",
               "areas": [("1", "8.3", "10.0"), ("2", "7.0", "10.0")]},
    "12-STC": {"rank": 1, "self_total": "16.3", "appraised_total": "13.3",
               "survey_total": "2.5", "bonus": "0.0", "penalty": "0.0", "total": "15.8",
               "maximum": "20.0", "index": "78.8", "classification": "Tốt",
               "areas": [("1", "9.5", "10.0"), ("2", "6.3", "10.0")]},
    "12-SKHDT": {"rank": 3, "self_total": "13.0", "appraised_total": "10.0",
                 "survey_total": "3.0", "bonus": "0.0", "penalty": "0.0", "total": "13.0",
                 "maximum": "17.0", "index": "76.5", "classification": "Khá",
                 "areas": [("1", "6.0", "7.0"), ("2", "7.0", "10.0")]},
}  # fmt: skip


def rows_of(body):
    [framework] = body["frameworks"]
    [group] = framework["groups"]
    return framework, group, {
        r["agency"]["code"]: {**{k: v for k, v in r.items() if k not in {"agency", "areas",
                                                                          "published_at",
                                                                          "synthetic"}},
                              "areas": [(a["code"], a["points"], a["maximum"])
                                        for a in r["areas"]]}
        for r in group["results"]
    }  # fmt: skip


def test_published_results_with_areas_ranks_and_classes_to_the_published_decimals(
    client, reform_office, published
):
    body = client.get("/api/v1/par-index/2031/results/", **header(reform_office, "12")).json()
    framework, group, rows = rows_of(body)
    assert rows == EXPECTED
    assert (group["level"], group["label"]) == ("department", "Sở, ban, ngành")
    assert [r["agency"]["code"] for r in group["results"]] == ["12-STC", "12-STP", "12-SKHDT"]
    assert framework["display_places"] == 1 and framework["code"] == "THU"
    assert [(a["code"], a["title"], a["max_points"]) for a in framework["areas"]] == [
        ("1", "Lĩnh vực 1", "10.0"),
        ("2", "Lĩnh vực 2", "10.0"),
    ]
    assert all(r["published_at"] for r in group["results"])


def test_every_reading_token_reads_the_whole_published_ranking(client, reform_office, published):
    """As on the results page: a published result is public information for every role."""
    for code in ("12-STP", "106-02", "106", "12-SNV"):
        body = client.get("/api/v1/par-index/2031/results/", **header(reform_office, code))
        assert body.status_code == 200
        assert rows_of(body.json())[2] == EXPECTED, code


def test_nothing_unpublished_is_read_even_by_the_province(
    client, reform_office, published, django_capture_on_commit_callbacks
):
    provisional = scored_framework(reform_office, code="THU-2")
    results_compute(actor=reform_office, framework=provisional)  # computed, not published
    with django_capture_on_commit_callbacks(execute=True):
        assessment_reopen(
            actor=reform_office, reason="Khiếu nại về điểm điều tra",
            assessment=Assessment.objects.get(framework=published, agency__code="12-STC"),
        )  # fmt: skip
    for code in ("12", "12-STC"):
        body = client.get("/api/v1/par-index/2031/results/", **header(reform_office, code)).json()
        framework, _group, rows = rows_of(body)  # THU-2 is not there at all
        assert framework["code"] == "THU"
        assert set(rows) == {"12-STP", "12-SKHDT"}  # the reopened result is withdrawn
        assert rows["12-SKHDT"]["rank"] == 3  # as published
    empty = client.get("/api/v1/par-index/2030/results/", **header(reform_office, "12"))
    assert empty.json() == {"year": 2030, "frameworks": []}


def test_results_need_a_reading_token(client, reform_office, published):
    assert client.get("/api/v1/par-index/2031/results/").status_code in {401, 403}
    _t, text = tokens.token_issue(
        actor=reform_office, agency=Agency.objects.get(code="12-STP"), purpose="push_dossiers",
        name="Một cửa", expires_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    pushing = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
    assert client.get("/api/v1/par-index/2031/results/", **pushing).status_code == 403


def test_the_results_make_a_fixed_number_of_queries_per_framework(
    client, reform_office, published, django_assert_max_num_queries
):
    auth = header(reform_office, "12-STP")
    with django_assert_max_num_queries(QUERIES):
        assert client.get("/api/v1/par-index/2031/results/", **auth).status_code == 200
