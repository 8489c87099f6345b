"""The target pages' cached figures (indicators.figures_cache): a repeated request is served
from the cache; refreshed snapshots and an edited threshold show at once; a rolled-back change
bumps nothing. Each test uses its own LocMem cache (the test settings use a dummy cache)."""

from datetime import date

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.indicators.figures_cache import generation
from cchc.indicators.services import snapshots_refresh
from cchc.operations.models import DossierMonthly, ImportRun, Procedure
from cchc.organizations.models import Agency
from cchc.plans.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(locmem_cache):
    return locmem_cache


def received(online: int, month: int = 1) -> None:
    run = ImportRun.objects.create(kind="dossier_stats", file_name="t.csv")
    procedure, _ = Procedure.objects.get_or_create(code="P-C", defaults={"name": "Thủ tục"})
    DossierMonthly.objects.update_or_create(
        agency=Agency.objects.get(code="12-STP"), procedure=procedure, month=date(2022, month, 1),
        defaults={"source": "imported", "received": 10, "received_online": online,
                  "import_run": run},
    )  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2022])


def test_a_repeated_request_is_served_from_the_cache(client, reform_office):
    received(7)
    client.force_login(reform_office)
    url = reverse("indicators:dashboard")
    with CaptureQueriesContext(transaction.get_connection()) as first:
        body = client.get(url).content.decode()
    with CaptureQueriesContext(transaction.get_connection()) as second:
        again = client.get(url).content.decode()
    assert "(7/10)" in body and "(7/10)" in again
    assert len(second) < len(first) - 10  # the targets were not evaluated again


def test_refreshed_snapshots_and_edited_thresholds_show_at_once(client, reform_office):
    received(7)
    client.force_login(reform_office)
    target = Target.objects.get(plan__year=2022, indicator_code="ONLINE_DOSSIER_SHARE")
    url = reverse("indicators:target_detail", args=[target.pk])
    assert "(7/10)" in client.get(url).content.decode()
    before = generation()
    received(2)  # an import refreshes the snapshots
    assert generation() > before
    body = client.get(url).content.decode()
    assert "(2/10)" in body and "(7/10)" not in body

    threshold = target.thresholds.first()
    threshold.value = 12
    threshold.save()
    assert "12%" in client.get(url).content.decode()


def test_a_rolled_back_refresh_bumps_nothing():
    received(7)
    before = generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        snapshots_refresh(agency_ids=None, years=[2022])
        raise RuntimeError
    assert generation() == before


def test_a_page_served_from_the_cache_costs_four_queries(client, reform_office):
    """Session, the user with its membership (MembershipBackend), the generation: the plan,
    the data-through month and the figures come from the cache of that generation; and
    whether an import's figures are still being recomputed (ADR 0016: it changes before the
    generation does, so it is not cached)."""
    received(7)
    client.force_login(reform_office)
    target = Target.objects.get(plan__year=2022, indicator_code="ONLINE_DOSSIER_SHARE")
    for url in (
        reverse("indicators:dashboard"),
        reverse("indicators:target_detail", args=[target.pk]),
    ):
        client.get(url)
        with CaptureQueriesContext(transaction.get_connection()) as again:
            assert client.get(url).status_code == 200
        tables = [q["sql"].split(" FROM ")[1].split()[0] for q in again.captured_queries]
        assert tables == ['"django_session"', '"auth_user"', '"indicators_figuresgeneration"',
                          '"operations_importrun"']  # fmt: skip
        assert "organizations_membership" in again.captured_queries[1]["sql"]


def test_an_edited_plan_shows_at_once(client, reform_office):
    received(7)
    client.force_login(reform_office)
    url = reverse("indicators:dashboard")
    assert "Kế hoạch cải cách hành chính tỉnh Lai Châu" in client.get(url).content.decode()
    plan = Target.objects.get(plan__year=2022, indicator_code="ONLINE_DOSSIER_SHARE").plan
    plan.title = "Kế hoạch đã sửa tên"
    plan.save()
    assert "Kế hoạch đã sửa tên" in client.get(url).content.decode()


def test_a_removed_membership_takes_effect_on_the_next_request(client, dept_officer):
    """The membership comes with the user of each request, never from the cache."""
    received(7)
    client.force_login(dept_officer)
    url = reverse("indicators:dashboard")
    assert client.get(url).status_code == 200
    dept_officer.membership.delete()
    assert client.get(url).status_code == 404
