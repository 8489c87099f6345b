"""The plan's target cards (home page, plan page) show each target's current value for the
user's scope, through the seam `plans.selectors.target_values` (ADR 0004)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from cchc.indicators.services import snapshots_refresh
from cchc.indicators.summary import target_values
from cchc.operations.models import DossierMonthly, ImportRun, Procedure
from cchc.organizations.models import Agency
from cchc.plans import selectors as plan_selectors
from cchc.plans.models import Plan, Target
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def received(online: int, total: int = 10) -> None:
    run = ImportRun.objects.create(kind="dossier_stats", file_name="t.csv")
    procedure, _ = Procedure.objects.get_or_create(code="P-C", defaults={"name": "Thủ tục"})
    DossierMonthly.objects.create(
        agency=Agency.objects.get(code="12-STP"), procedure=procedure, month=date(2022, 3, 1),
        source="imported", received=total, received_online=online, import_run=run,
    )  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2022])


def card_of(body: str, label: str) -> str:
    """The block of one target on the cards, from its label to the next target."""
    start = body.index(f"{label}. ")
    return body[start : body.index("card-footer", start)]


def test_the_seam_is_filled_by_the_indicators_app():
    assert plan_selectors.target_values.supplier is target_values


@pytest.mark.parametrize("page", ["home", "plan"])
def test_cards_show_the_value_verdict_and_link_in_the_users_scope(client, dept_officer, page):
    received(7)
    client.force_login(dept_officer)
    plan = Plan.objects.get(year=2022)
    url = reverse("home") if page == "home" else reverse("plans:plan_detail", args=[plan.pk])
    body = client.get(url).content.decode()
    target = Target.objects.get(plan=plan, indicator_code="ONLINE_DOSSIER_SHARE")
    assert "{#" not in body and "{%" not in body  # no template text leaks onto the page
    card = card_of(body, "6c")
    # As the dashboard: the last month with data (March), not December.
    assert "Giá trị hiện tại (đến hết tháng 03/2022)" in card
    assert "70%</strong>" in card and "(7/10)" in card
    assert reverse("indicators:target_detail", args=[target.pk]) in card
    assert re.search(r'badge text-bg-\w+">(Đạt|Chưa đạt[^<]*)</span>', card)


def test_an_officer_of_another_agency_does_not_see_those_figures(client, district_officer):
    received(7)
    client.force_login(district_officer)
    body = client.get(reverse("home")).content.decode()
    assert "(7/10)" not in body
    assert "chưa có dữ liệu" in card_of(body, "6c")


def test_without_data_the_cards_say_so_and_without_a_role_nothing_is_computed(db):
    plan = Plan.objects.get(year=2022)
    assert target_values(plan, UserFactory(username="khong-vai-tro")) == {}


def test_the_values_cost_a_bounded_number_of_queries_cold(
    client, reform_office, django_assert_max_num_queries
):
    """Uncached (the test settings' dummy cache): the card values evaluate each target once
    — a number of queries set by the plan's targets, not by the data."""
    received(7)
    client.force_login(reform_office)
    with django_assert_max_num_queries(36):
        client.get(reverse("home"))
