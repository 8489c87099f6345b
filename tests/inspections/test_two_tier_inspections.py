"""Target 1's proposal follows the tiers of its plan: a two-tier year has no district UBND to
inspect (its default was departments and district UBND, plan 4345)."""

import pytest
from django.urls import reverse

from cchc.inspections.planning import target_levels
from cchc.organizations.models import Agency
from tests.factories import PlanFactory

TWO = {"department", "commune"}


@pytest.mark.parametrize(
    ("named", "within", "expected"),
    [
        (None, {"department", "district", "commune"}, {"department", "district"}),
        (None, TWO, {"department"}),
        (["department", "district"], TWO, {"department"}),
        (["department", "commune"], TWO, {"department", "commune"}),
        (["district"], TWO, {"department"}),  # nothing named is left: the default's rest
    ],
)
def test_target_levels_stay_within_the_plans_tiers(named, within, expected):
    assert target_levels(named, within) == expected


@pytest.mark.django_db
def test_the_2026_inspection_page_proposes_no_district(client, reform_office):
    PlanFactory(year=2026, tiers=["province", "commune"])
    client.force_login(reform_office)
    response = client.get(reverse("inspections:page"), {"nam": "2026"})
    html = response.content.decode()
    assert "tính trên: sở, ban, ngành." in html
    names = {p.candidate.name for p in response.context["proposals"]}
    departments = set(Agency.objects.filter(level="department").values_list("name", flat=True))
    assert names and names <= departments
