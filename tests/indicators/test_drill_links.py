"""Every number of a dossier target's per-agency table links to the list of the dossiers it
counts, for the period shown: the list's count is the number clicked (year so far, quarter,
month; by end of processing for target 4, among procedures offering online payment for 5b)."""

import random
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cchc.indicators.services import snapshots_refresh
from cchc.operations.models import Dossier, ImportRun, Procedure, ProcedureSnapshot
from cchc.operations.rollups import rollup_rebuild
from cchc.organizations.models import Agency
from cchc.plans.models import Target

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def dossiers():
    run = ImportRun.objects.create(kind="dossiers", file_name="t.csv")
    paying = Procedure.objects.create(code="P1", name="Có thanh toán trực tuyến")
    other = Procedure.objects.create(code="P2", name="Chưa có thanh toán trực tuyến")
    for procedure, online in ((paying, True), (other, False)):
        ProcedureSnapshot.objects.create(procedure=procedure, year=2022, authority_tier="province",
                                         has_fee=True, online_payment=online)  # fmt: skip
    agencies = list(Agency.objects.filter(code__in=["12-STP", "106"]))
    rng = random.Random(2022)
    for i in range(240):
        received = datetime(2021, 12, 1, tzinfo=VN) + timedelta(days=rng.randrange(200), hours=8)
        finished = received + timedelta(days=rng.randrange(40)) if rng.random() < 0.8 else None
        Dossier.objects.create(
            code=f"D{i}", procedure=rng.choice([paying, other]), agency=rng.choice(agencies),
            channel=rng.choice([1, 2]), received_at=received, due_at=received + timedelta(days=10),
            finished_at=finished, status="done" if finished else "processing",
            fee=rng.choice([0, 20000]), paid_online=rng.random() < 0.5,
            result_digitized=rng.random() < 0.4,
            finished_on_time=None if finished is None else rng.random() < 0.8, import_run=run,
        )  # fmt: skip
    rollup_rebuild(run=run)
    snapshots_refresh(agency_ids=None, years=[2022],
                      codes=["RESULT_DIGITISATION", "ONLINE_PAYMENT_SHARE"])  # fmt: skip


def linked_numbers(body: str) -> list[tuple[str, int]]:
    table = body.split("Theo cơ quan, đơn vị")[1]
    return [
        (href.replace("&amp;", "&"), int(number.replace(".", "")))
        for href, number in re.findall(
            r'<a href="(/du-lieu/ho-so/\?[^"]+)"[^>]*>([\d.]+)</a>', table
        )
    ]


@pytest.mark.parametrize("code", ["RESULT_DIGITISATION", "ONLINE_PAYMENT_SHARE"])
@pytest.mark.parametrize("period", [{}, {"ky": "quy", "thang": 5}, {"ky": "thang", "thang": 2}])
def test_each_number_opens_the_list_of_exactly_its_dossiers(
    client, reform_office, dossiers, code, period
):
    client.force_login(reform_office)
    target = Target.objects.get(plan__year=2022, indicator_code=code)
    body = client.get(reverse("indicators:target_detail", args=[target.pk]), period)
    links = linked_numbers(body.content.decode())
    assert len(links) == 4  # numerator and denominator of both agencies
    for href, number in links:
        listed = client.get(href).content.decode()
        count = re.search(r'<p class="small text-secondary">([\d.]+) ', listed)[1]
        assert int(count.replace(".", "")) == number, href
    if period.get("ky") == "quy":
        assert all("tu_thang=4&den_thang=5" in href for href, _n in links)
    if code == "ONLINE_PAYMENT_SHARE":
        assert all("thanh_toan_tt=1" in href for href, _n in links)
