"""A growth target declares which growth it means; the reform office chooses it on the form."""

import pytest
from django.urls import reverse

from cchc.plans.models import Plan
from tests.html_forms import submit

pytestmark = pytest.mark.django_db


def test_the_bundled_plan_reads_plus_10_percent_as_relative_growth():
    targets = Plan.objects.get(year=2022).targets.filter(kind="growth")
    assert {t.label: t.growth_measure for t in targets} == {"6a": "relative", "6b": "relative"}


def test_the_target_form_saves_the_declared_measure(client, reform_office):
    target = Plan.objects.get(year=2022).targets.get(number=6, part="a")
    client.force_login(reform_office)
    url = reverse("plans:target_update", args=[target.pk])
    response = submit(client, url, having="growth_measure", value_all="10",
                      growth_measure="points", reason="Kế hoạch tính theo điểm phần trăm")  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    target.refresh_from_db()
    assert target.growth_measure == "points"
    assert target.threshold_lines() == [("", "tăng ≥ 10 điểm phần trăm so với năm 2021")]
