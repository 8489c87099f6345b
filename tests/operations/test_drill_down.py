"""The records behind a number are the records that number counts: for every roll-up counter,
every period and both agencies, the dossier list (`selectors.dossiers`) holds exactly as many
dossiers as the roll-up's sum — including dossiers received in one year and finished in the
next, received at local midnight, withdrawn, and, for target 5b, only procedures offering
online payment in the year."""

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from cchc.operations import selectors
from cchc.operations.models import (
    Dossier,
    DossierMonthly,
    ImportRun,
    Procedure,
    ProcedureSnapshot,
)
from cchc.operations.rollups import COUNTED, rollup_rebuild
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
PERIODS = [(1, 12), (1, 3), (2, 2), (4, 6), (12, 12)]


@pytest.fixture
def history():
    run = ImportRun.objects.create(kind="dossiers", file_name="t.csv")
    paying = Procedure.objects.create(code="P1", name="Thủ tục có thanh toán trực tuyến")
    other = Procedure.objects.create(code="P2", name="Thủ tục khác")
    # P1 offers online payment in 2022 only; P2 never.
    ProcedureSnapshot.objects.create(procedure=paying, year=2022, authority_tier="province",
                                     has_fee=True, online_payment=True)  # fmt: skip
    ProcedureSnapshot.objects.create(procedure=paying, year=2021, authority_tier="province",
                                     has_fee=True, online_payment=False)  # fmt: skip
    agencies = list(Agency.objects.filter(code__in=["12-STP", "12-SNV"]))
    rng = random.Random(4345)
    start = datetime(2021, 11, 1, tzinfo=VN)
    for i in range(300):
        # Midnight receipts and finishes on purpose: local months, not UTC ones.
        received = start + timedelta(days=rng.randrange(0, 450), hours=rng.choice([0, 9, 23]))
        status = rng.choice(["done", "done", "rejected", "processing", "withdrawn"])
        finished = (
            received + timedelta(days=rng.randrange(0, 60))
            if status in {"done", "rejected", "withdrawn"}
            else None
        )
        Dossier.objects.create(
            code=f"D{i}", procedure=rng.choice([paying, other]), agency=rng.choice(agencies),
            channel=rng.choice([1, 2, 3]), received_at=received, due_at=received + timedelta(days=7),
            finished_at=finished, status=status, fee=rng.choice([0, 50000]),
            paid_online=rng.random() < 0.5, result_digitized=rng.random() < 0.5,
            finished_on_time=None if finished is None else rng.choice([True, True, False, None]),
            import_run=run,
        )  # fmt: skip
    rollup_rebuild(run=run)
    return agencies


@pytest.mark.parametrize("counted", sorted(COUNTED))
def test_the_list_behind_each_counter_holds_what_the_roll_up_counted(history, counted):
    checked = 0
    for agency in history:
        for year in (2021, 2022, 2023):
            for first, last in PERIODS:
                rows = DossierMonthly.objects.filter(
                    agency=agency, month__gte=date(year, first, 1), month__lte=date(year, last, 1)
                )
                listed = selectors.dossiers(
                    scope=AgencyScope.everything(), agency_id=agency.pk, year=year,
                    months=(first, last), counted=counted,
                )  # fmt: skip
                assert listed.count() == (rows.aggregate(n=Sum(counted))["n"] or 0)
                paying = rows.filter(procedure__code="P1") if year == 2022 else rows.none()
                listed = selectors.dossiers(
                    scope=AgencyScope.everything(), agency_id=agency.pk, year=year,
                    months=(first, last), counted=counted, online_payment_only=True,
                )  # fmt: skip
                assert listed.count() == (paying.aggregate(n=Sum(counted))["n"] or 0)
                checked += listed.count()
    assert checked > 0  # the data reaches every counter's online-payment case somewhere


def test_the_list_says_what_it_holds():
    words = selectors.dossiers_description
    assert words(year=2022, counted="finished_on_time") == (
        "hồ sơ giải quyết đúng hạn (kết thúc xử lý trong năm 2022)"
    )
    assert words(year=2022, months=(4, 6), counted="received_online") == (
        "hồ sơ tiếp nhận trực tuyến (tiếp nhận trong quý II năm 2022)"
    )
    assert words(year=2022, months=(1, 5), counted="with_fee", online_payment_only=True) == (
        "hồ sơ có phí, lệ phí (tiếp nhận từ tháng 01/2022 đến hết tháng 05/2022), "
        "chỉ thủ tục đã triển khai thanh toán trực tuyến"
    )
    assert words(year=2022, months=(3, 3)) == "hồ sơ (tiếp nhận trong tháng 03/2022)"
    assert words(year=None) == "hồ sơ"


def test_an_excel_longer_than_its_limit_says_what_it_left_out(
    history, client, reform_office, monkeypatch
):
    """The Excel export holds at most DOSSIER_LIMIT_XLSX dossiers; past it, the file and the
    page both say how many were left out, instead of a silently shorter file."""
    import io

    from openpyxl import load_workbook

    from cchc.operations import views

    client.force_login(reform_office)
    url = "/du-lieu/ho-so/?nam=2022&tu_thang=1&den_thang=3"
    listed = selectors.dossiers(scope=AgencyScope.everything(), year=2022, months=(1, 3))
    total = listed.count()
    assert total > 5
    monkeypatch.setattr(views, "DOSSIER_LIMIT_XLSX", 5)
    sheet = load_workbook(io.BytesIO(client.get(url + "&xuat=xlsx").content)).active
    texts = [row[0] for row in sheet.iter_rows(values_only=True)]
    warning = f"chỉ gồm 5 hồ sơ đầu tiên của danh sách (mới nhất trước) trong số {total}"
    assert any(warning in (t or "") for t in texts[:3])
    header = texts.index("Mã hồ sơ")
    codes = texts[header + 1 :]
    assert codes == [d.code for d in listed[:5]]  # the newest five, in the list's order
    assert warning in client.get(url).content.decode()

    monkeypatch.setattr(views, "DOSSIER_LIMIT_XLSX", total)
    sheet = load_workbook(io.BytesIO(client.get(url + "&xuat=xlsx").content)).active
    texts = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert not any("chỉ gồm" in (t or "") for t in texts)
    assert len(texts) - texts.index("Mã hồ sơ") - 1 == total
    assert "chỉ gồm" not in client.get(url).content.decode()
