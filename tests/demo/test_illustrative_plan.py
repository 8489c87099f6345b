"""The demo's illustrative 2026 plan (`create_illustrative_plan`, `Plan.illustrative`): two
tiers, its targets copied from the bundled 2022 plan through the plan service (district
thresholds dropped), created once, labelled on every page that shows it or its figures, and
never opened by default in place of the province's own plan; and the demo account of a new
commune (`seed_demo`), made only when the reorganisation is loaded."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cchc.organizations.models import Agency
from cchc.organizations.selectors import scope_for
from cchc.plans.models import Plan, Target, TargetThreshold
from cchc.plans.selectors import current_plan_id, year_asked

pytestmark = pytest.mark.django_db
BANNER = 'id="ke-hoach-minh-hoa"'


def run(command: str, **options) -> str:
    out = StringIO()
    call_command(command, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def illustrative(reform_office):
    run("create_illustrative_plan")
    return Plan.objects.get(year=2026)


def test_the_plan_is_flagged_two_tier_and_copied_from_2022(illustrative):
    source = Plan.objects.get(year=2022)
    assert illustrative.illustrative and not source.illustrative
    assert illustrative.tiers == ["province", "commune"]
    assert "(minh họa)" in illustrative.title
    # Copied by the service: the 2022 targets that keep a threshold of cấp tỉnh, cấp xã or a
    # common one, counted here from the 2022 plan; no district threshold survives.
    kept = (
        TargetThreshold.objects.filter(target__plan=source)
        .exclude(tier="district")
        .values_list("target__number", "target__part")
        .distinct()
    )
    labels = set(Target.objects.filter(plan=illustrative).values_list("number", "part"))
    assert labels == set(kept) and labels
    assert not TargetThreshold.objects.filter(target__plan=illustrative, tier="district").exists()
    assert TargetThreshold.objects.filter(target__plan=source, tier="district").exists()


def test_running_it_again_changes_nothing(illustrative):
    before = (Plan.objects.count(), Target.objects.count(), Plan.history.count())
    assert "không thay đổi gì" in run("create_illustrative_plan")
    assert (Plan.objects.count(), Target.objects.count(), Plan.history.count()) == before


def test_a_real_plan_of_the_year_is_left_alone(reform_office):
    from cchc.plans.services import plan_create

    real = plan_create(
        actor=reform_office,
        province=Agency.objects.get(code="12"),
        year=2026,
        title="Kế hoạch CCHC năm 2026",
    )
    assert "không tạo kế hoạch minh họa" in run("create_illustrative_plan")
    real.refresh_from_db()
    assert not real.illustrative and real.title == "Kế hoạch CCHC năm 2026"


def test_it_needs_a_reform_office_account(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed_demo"):
        run("create_illustrative_plan")
    assert not Plan.objects.filter(year=2026).exists()


def test_the_banner_shows_on_its_pages_only(client, illustrative, reform_office):
    client.force_login(reform_office)
    real = Plan.objects.get(year=2022)
    pages = {
        f"/ke-hoach/{illustrative.pk}/": True,
        f"/ke-hoach/{real.pk}/": False,
    }
    for url, shown in pages.items():
        assert (BANNER in client.get(url).content.decode()) is shown, url
    for path in ("/chi-tieu/", "/bao-cao/"):
        assert BANNER in client.get(f"{path}?nam=2026").content.decode(), path
        assert BANNER not in client.get(f"{path}?nam=2022").content.decode(), path
    listing = client.get("/ke-hoach/").content.decode()
    assert listing.count("kế hoạch minh họa") == 1


def test_pages_open_the_province_plan_by_default(illustrative):
    today = date(2026, 12, 6)  # the illustrative plan's year is this year
    assert current_plan_id(today=today) == Plan.objects.get(year=2022).pk
    assert year_asked(None, today=today) == 2022
    assert year_asked("2026", today=today) == 2026
    Plan.objects.filter(year=2022).delete()  # with no plan of its own, the demo's is shown
    assert current_plan_id(today=today) == illustrative.pk


def test_seed_demo_without_the_reorganisation_skips_the_new_commune(db):
    out = run("seed_demo")
    assert "xa.banbo " in out and "xa.banbo.2025" not in out
    assert not get_user_model().objects.filter(username="xa.banbo.2025").exists()


def test_seed_demo_makes_the_new_commune_account_which_reads_its_predecessors(reorganised):
    out = run("seed_demo")
    assert "xa.banbo.2025" in out and "Bản Bo (từ 01/07/2025)" in out
    user = get_user_model().objects.get(username="xa.banbo.2025")
    assert user.membership.agency.code == "NQ1670-09"
    seen = set(
        Agency.objects.filter(pk__in=scope_for(user).agency_ids).values_list("code", flat=True)
    )
    assert {"NQ1670-09", "106-02", "106-09"} <= seen  # Bản Bo and Nà Tăm, merged into it
    assert "106" not in seen  # not the dissolved district's records (shared by several)
    assert "[đã có]" in run("seed_demo")  # again: nothing new


def test_the_2025_plan_keeps_three_tiers_and_every_target(reform_office):
    """2025 began with three levels: its illustrative plan (so the synthetic 2025 has a plan
    to be read against) copies every 2022 target, dropping nothing."""
    out = run("create_illustrative_plan", year=2025)
    plan = Plan.objects.get(year=2025)
    assert plan.illustrative and plan.tiers == ["province", "district", "commune"]
    source = Plan.objects.get(year=2022)
    assert plan.targets.count() == source.targets.count()
    assert TargetThreshold.objects.filter(target__plan=plan).count() == (
        TargetThreshold.objects.filter(target__plan=source).count()
    )
    assert "Bỏ" not in out
