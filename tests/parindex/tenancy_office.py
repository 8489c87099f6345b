"""kwargs factories for tests/test_tenancy.py, the reform office's pages: a framework (the small one of
tests/parindex/conftest.py, imported through the service's parser), and an assessment owned by
agency `code` for the landing page's list (built directly, so that any agency can own one)."""

from datetime import date

from cchc.organizations.models import Agency
from cchc.parindex import frameworks
from cchc.parindex.models import Assessment, Framework
from tests.parindex.conftest import SMALL_CSV, small_spec


def _framework() -> Framework:
    spec = small_spec()
    found = Framework.objects.filter(code=spec.code, year=spec.year, group=spec.group).first()
    return found or frameworks.import_framework(spec, SMALL_CSV.encode(), "thu.csv").framework


def framework_pk():
    return {"pk": _framework().pk}


def export_of(fmt: str):
    return lambda: {**framework_pk(), "fmt": fmt}


def assessment_for(code: str) -> Assessment:
    """An assessment of agency `code` under a framework for every group (so the province too)."""
    framework, _ = Framework.objects.get_or_create(
        code="PHAN-QUYEN-VP", year=2031, group="all", defaults={"title": "Bộ tiêu chí thử"}
    )
    assessment, _ = Assessment.objects.get_or_create(
        agency=Agency.objects.get(code=code), framework=framework,
        defaults={"deadline": date(2032, 1, 31)},
    )  # fmt: skip
    return assessment


def index_agencies(context) -> set[str]:
    """The agency codes of the assessments the landing page lists."""
    return {a.agency.code for a in context["assessments"]}
