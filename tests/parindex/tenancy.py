"""kwargs factories for tests/test_tenancy.py: an assessment, a criterion score and an
evidence file owned by agency `code`. Built directly (not through the services), so that any
agency can own one — even the province, which no framework assesses — and quickly."""

from datetime import date

from cchc.core.uploads import store_evidence
from cchc.organizations.models import Agency
from cchc.parindex.models import Assessment, Criterion, CriterionScore, Evidence, Framework
from tests.factories import UserFactory

PDF = b"%PDF-1.4 tai lieu kiem chung"


def _framework() -> Framework:
    framework, created = Framework.objects.get_or_create(
        code="PHAN-QUYEN", year=2031, group="all", defaults={"title": "Bộ tiêu chí thử"}
    )
    if created:
        Criterion.objects.create(framework=framework, code="1", title="Tiêu chí thử",
                                 max_points=2, order=1)  # fmt: skip
    return framework


def _score(code: str) -> CriterionScore:
    framework = _framework()
    assessment, _ = Assessment.objects.get_or_create(
        agency=Agency.objects.get(code=code), framework=framework,
        defaults={"deadline": date(2032, 1, 31)},
    )  # fmt: skip
    score, _ = CriterionScore.objects.get_or_create(
        assessment=assessment, criterion=framework.criteria.get(code="1")
    )
    return score


def assessment_of(code: str):
    return lambda: {"pk": _score(code).assessment_id}


def score_of(code: str):
    return lambda: {"pk": _score(code).pk}


def evidence_of(code: str):
    def kwargs():
        score = _score(code)
        stored = store_evidence(content=PDF, original_name="ke-hoach.pdf", folder="t")
        evidence = Evidence.objects.create(
            score=score, uploaded_by=UserFactory(username=f"ev-pi-{code}"), **stored.__dict__
        )
        return {"pk": evidence.pk}

    return kwargs
