"""The reform office's publishing pages (issue 18): reached by the office only; each POST is
answered with a redirect and a Vietnamese message, or the page again with the error next to
the field; the services' refusals (synthetic data, no reason) are shown as they say them."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.indicators.models import IndicatorSnapshot
from cchc.operations.models import ImportRun, Inspection
from cchc.organizations.models import Agency
from cchc.parindex.models import Assessment, Framework
from cchc.plans.models import Plan
from cchc.portal import services
from cchc.portal.models import DirectiveDocument, NewsItem, PublishedFigure, Release
from tests.factories import UserFactory
from tests.portal.tenancy_office import PDF
from tests.test_tenancy import PROVINCE_SHARED_WRITE

pytestmark = pytest.mark.django_db

OFFICE_ROUTES = sorted(r for r in PROVINCE_SHARED_WRITE if r.startswith("portal:office_"))
POST_ONLY = {"portal:office_document_publish", "portal:office_news_publish"}


def url_of(route: str) -> str:
    return reverse(route, kwargs=PROVINCE_SHARED_WRITE[route]())


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def office(client, reform_office):
    client.force_login(reform_office)
    return client


@pytest.fixture
def plan():
    return Plan.objects.get(year=2022)


@pytest.mark.parametrize("route", OFFICE_ROUTES)
def test_every_office_page_opens_for_the_office(office, route):
    response = office.get(url_of(route))
    assert response.status_code == (405 if route in POST_ONLY else 200)


@pytest.mark.parametrize("route", OFFICE_ROUTES)
def test_an_account_without_a_role_is_refused(client, route):
    url = url_of(route)
    client.force_login(UserFactory(username="khong-vai-tro"))
    before = Release.objects.count()
    assert client.get(url).status_code in {403, 405}
    assert client.post(url, {"reason": "x", "thao_tac": "ke_hoach"}).status_code == 403
    assert Release.objects.count() == before


def test_the_navigation_links_the_overview_for_the_office_only(client, reform_office, leader):
    client.force_login(reform_office)
    overview = reverse("portal:office_overview")
    assert f'href="{overview}"' in client.get(reverse("home")).content.decode()
    client.force_login(leader)
    assert f'href="{overview}"' not in client.get(reverse("home")).content.decode()
