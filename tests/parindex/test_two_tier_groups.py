"""PAR INDEX follows the tiers of its year (plans.tiers): a two-tier year assesses, ranks and
counts no district UBND — no district framework, no district group in the group "all", no
district in target 2's denominator — while 2022 keeps them. Counts are read from the agency
table here, not from the product's code."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cchc.demo.parindex import generate
from cchc.indicators.dashboard import target_status
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.parindex import frameworks
from cchc.parindex.models import Assessment, Framework
from cchc.parindex.services.rounds import assessment_open
from cchc.plans import services as plan_services
from cchc.plans.models import Plan
from tests.factories import PlanFactory, make_user
from tests.parindex.conftest import SMALL_CSV, small_spec

pytestmark = pytest.mark.django_db


def active(level: str, on: date) -> int:
    return sum(
        1
        for start, end in Agency.objects.filter(level=level).values_list("valid_from", "valid_to")
        if (start is None or start <= on) and (end is None or end >= on)
    )


def framework_of(year: int, group: str) -> Framework:
    spec = small_spec(year=year, group=group, code=f"THU-{group}")
    return frameworks.import_framework(spec, SMALL_CSV.encode(), "thu.csv").framework


def test_the_group_all_of_a_two_tier_year_has_no_district():
    two = framework_of(2026, "all")
    assert two.levels == ("department", "commune")
    assert two.group_label == "Sở, ban, ngành và UBND cấp xã"
    three = framework_of(2022, "all")
    assert three.levels == ("department", "district", "commune")
    assert three.group_label == "Sở, ban, ngành, UBND cấp huyện và cấp xã"


def test_a_plan_that_declares_two_tiers_sets_its_years_groups():
    PlanFactory(year=2024, tiers=["province", "commune"])  # the office's choice, not the date's
    assert framework_of(2024, "all").levels == ("department", "commune")


def test_a_district_framework_is_refused_for_a_two_tier_year():
    with pytest.raises(ValidationError, match="Năm 2026 không còn cấp huyện"):
        framework_of(2026, "district")
    assert not Framework.objects.filter(year=2026).exists()
    bundled = frameworks.load_bundled(year=2026)
    assert "district" not in {load.framework.group for load in bundled}
    assert "district" in {load.framework.group for load in frameworks.load_bundled(year=2022)}


def test_opening_the_group_all_in_2026_opens_no_district(client, reform_office):
    framework = framework_of(2026, "all")
    created = assessment_open(actor=reform_office, framework=framework, deadline=date(2027, 1, 31))
    end = date(2026, 12, 31)
    assert {a.agency.level for a in created} == {"department", "commune"}
    assert len(created) == active("department", end) + active("commune", end)
    client.force_login(reform_office)
    page = client.get(reverse("parindex:assessment_open", args=[framework.pk])).content.decode()
    assert "Sở, ban, ngành và UBND cấp xã" in page and "huyện" not in page.lower()


@pytest.fixture
def two_tier_2025(reform_office, django_capture_on_commit_callbacks):
    """A 2025 year the office declared two-tier, with a published synthetic PAR INDEX of a
    department, a district and a commune: the district has no framework to be assessed by."""
    PlanFactory(year=2025, tiers=["province", "commune"])
    make_user("thamdinh", "12-SNV", "appraiser")
    with django_capture_on_commit_callbacks(execute=True):
        summary = generate(year=2025, agencies=("12-STP", "106", "106-02"))
    return summary


def test_rankings_of_a_two_tier_year_have_no_district_group(client, reform_office, two_tier_2025):
    assert [g.group for g in two_tier_2025.groups] == ["department", "commune"]
    assert not Assessment.objects.filter(agency__code="106").exists()
    client.force_login(reform_office)
    for framework in Framework.objects.filter(year=2025, assessments__isnull=False).distinct():
        page = client.get(reverse("parindex:results", args=[framework.pk])).content.decode()
        assert "huyện" not in page.lower(), framework.code
    index = client.get(reverse("parindex:index")).content.decode()
    assert "CCHC-HUYEN-VD" not in index


def test_target_2_of_2026_counts_no_district_in_its_denominator(reform_office, two_tier_2025):
    plan = plan_services.plan_create(
        actor=reform_office, province=Agency.objects.get(code="12"), year=2026,
        title="Kế hoạch CCHC năm 2026", copy_targets_from=Plan.objects.get(year=2022),
    )  # fmt: skip
    target = plan.targets.get(number=2)
    ids = Agency.objects.filter(code__in=("12-STP", "106", "106-02")).values_list("pk", flat=True)
    status = target_status(target, scope=AgencyScope.of(ids), year=2026, through=None)
    # Sở Tư pháp and xã Bản Bo published; UBND huyện Tam Đường is not counted at all.
    assert (status.overall.numerator, status.overall.denominator) == (2, 2)
    assert "huyện" not in status.levels_words
