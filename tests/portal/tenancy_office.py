"""kwargs factories for tests/test_tenancy.py, portal views.office: a release, an inspection,
a directive document (with its file) and a news item, each made through the services as the
reform office makes them."""

from datetime import date

from cchc.inspections.models import Inspection
from cchc.operations.models import ImportRun
from cchc.organizations.models import Agency
from cchc.plans.models import Plan
from cchc.portal import services
from cchc.portal.models import DirectiveDocument, NewsItem, Release
from tests.factories import make_user

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _office():
    return make_user("vp-congkhai", "12-SNV", "reform_office")


def plan_pk():
    return {"pk": Plan.objects.get(year=2022).pk}


def release_pk():
    plan = Plan.objects.get(year=2022)
    release = Release.objects.public().filter(plan=plan, kind="plan").first()
    return {"pk": (release or services.plan_publish(actor=_office(), plan=plan)).pk}


def inspection_pk():
    run = ImportRun.objects.create(kind="inspections", file_name="kt.csv")
    inspection, _ = Inspection.objects.get_or_create(
        agency=Agency.objects.get(code="12-STP"), inspected_on=date(2022, 5, 4),
        defaults={"import_run": run, "findings": "Chưa niêm yết đủ thủ tục."},
    )  # fmt: skip
    return {"pk": inspection.pk}


def document_pk():
    document = DirectiveDocument.objects.first() or services.document_save(
        actor=_office(), number="12/CT-UBND", issued_on=date(2022, 3, 1), issuer="UBND tỉnh",
        title="Chỉ thị về đẩy mạnh CCHC", content=PDF, original_name="chi-thi.pdf",
    )  # fmt: skip
    return {"pk": document.pk}


def news_pk():
    news = NewsItem.objects.first() or services.news_save(
        actor=_office(), title="Hội nghị CCHC", body="Nội dung."
    )
    return {"pk": news.pk}
