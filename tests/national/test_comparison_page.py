"""The comparison page: what each role reads, who writes the threshold and the published
figures, and how the numbers are shown (vi-VN)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.national.models import ComparisonSetting, NationalFigure
from cchc.organizations.models import Agency
from tests.operations.importing import csv_bytes

pytestmark = pytest.mark.django_db
URL = reverse("national:comparison")
THRESHOLD, UPLOAD = reverse("national:threshold_set"), reverse("national:upload")
FEBRUARY = {"nam": "2022", "thang": "2"}
FEBRUARY_DAY = date(2022, 2, 1)


def _rows(body: str) -> set[str]:
    return set(re.findall(r'data-testid="row-([A-Z_0-9]+-[0-9A-Z-]+)"', body))


def test_the_office_reads_every_published_figure_beside_ours(client, reform_office, published):
    client.force_login(reform_office)
    body = client.get(URL, FEBRUARY).content.decode()
    assert _rows(body) == {"ONLINE_DOSSIER_SHARE-12", "ONLINE_DOSSIER_SHARE-12-STP",
                           "ONLINE_DOSSIER_SHARE-12-SNV", "ON_TIME_RATE_766-12-STP",
                           "RESULT_DIGITISATION-12-STP"}  # fmt: skip
    stp = body.split('data-testid="row-ONLINE_DOSSIER_SHARE-12-STP"')[1].split("</tr>")[0]
    # vi-VN numbers: ours 3/8, published 45,5, difference −8 points, above the default 5.
    assert "37,5%" in stp and "(3/8)" in stp and "45,5%" in stp and "−8" in stp
    assert "Vượt ngưỡng" in stp and 'class="table-danger"' in body
    assert "Ngưỡng chênh lệch: <strong>5 điểm phần trăm</strong>" in body
    assert "chưa đồng bộ" in body  # the mapping's likely reasons
    assert "766.4.5" in body and "Chưa có số công bố tháng 02/2022" in body


def test_the_page_opens_on_the_latest_published_month(client, reform_office, published):
    client.force_login(reform_office)
    assert client.get(URL).context["month"].month == 2


def test_an_officer_reads_only_its_own_agencys_rows(client, dept_officer, published):
    client.force_login(dept_officer)
    response = client.get(URL, FEBRUARY)
    body = response.content.decode()
    assert _rows(body) == {"ONLINE_DOSSIER_SHARE-12-STP", "ON_TIME_RATE_766-12-STP",
                           "RESULT_DIGITISATION-12-STP"}  # fmt: skip
    assert "Sở Nội vụ" not in body and "toàn tỉnh" not in body and "8,33%" not in body
    assert 'name="threshold"' not in body and 'name="file"' not in body  # no writing here


@pytest.mark.parametrize("other", ["12-SNV", "12"])
def test_an_officer_asking_for_another_agency_gets_404(client, dept_officer, published, other):
    client.force_login(dept_officer)
    pk = Agency.objects.get(code=other).pk
    assert client.get(URL, {**FEBRUARY, "co_quan": pk}).status_code == 404
    own = Agency.objects.get(code="12-STP").pk
    assert client.get(URL, {**FEBRUARY, "co_quan": own}).status_code == 200


def test_the_office_narrows_the_page_to_one_agency(client, reform_office, published):
    client.force_login(reform_office)
    snv = Agency.objects.get(code="12-SNV").pk
    body = client.get(URL, {**FEBRUARY, "co_quan": snv}).content.decode()
    assert _rows(body) == {"ONLINE_DOSSIER_SHARE-12-SNV"}


def test_the_office_sets_the_threshold_in_vietnamese_numbers(client, reform_office, published):
    client.force_login(reform_office)
    page = client.get(URL, FEBRUARY)
    response = client.post(f"{THRESHOLD}?nam=2022&thang=2", {"threshold": "4,5"})
    assert response.status_code == 302 and page.status_code == 200
    assert response.url == f"{URL}?nam=2022&thang=2"  # back to the month it was set on
    setting = ComparisonSetting.objects.get()
    assert setting.threshold == Decimal("4.50") and setting.updated_by == reform_office
    assert setting.history.first().history_user == reform_office
    body = client.get(URL, FEBRUARY).content.decode()
    # −5 points (the province's online share, Sở Tư pháp's on-time rate) are now above it.
    assert body.count("Vượt ngưỡng") == 3 and "4,5 điểm phần trăm" in body


def test_a_threshold_changed_meanwhile_is_not_overwritten(client, reform_office, published):
    from cchc.core.concurrency import version_of

    ComparisonSetting.objects.create(threshold=Decimal(5))
    client.force_login(reform_office)
    setting = ComparisonSetting.objects.get()
    stale = version_of(setting)
    client.post(THRESHOLD, {"threshold": "3", "version": stale})
    response = client.post(THRESHOLD, {"threshold": "7", "version": stale})
    assert response.status_code == 200 and "vừa được" in response.content.decode()
    assert ComparisonSetting.objects.get().threshold == Decimal(3)


@pytest.mark.parametrize("role", ["dept_officer", "district_officer", "leader", "appraiser"])
def test_only_the_reform_office_writes_here(client, request, published, role):
    client.force_login(request.getfixturevalue(role))
    before = list(NationalFigure.objects.values_list("pk", "value"))
    assert client.post(THRESHOLD, {"threshold": "1"}).status_code == 403
    upload = SimpleUploadedFile("kq.csv", csv_bytes(
        ["Mã chỉ số", "Mã cơ quan", "Tháng", "Giá trị (%)"], [["766.4.3", "12-STP", "02/2022", "1"]]
    ))  # fmt: skip
    assert client.post(UPLOAD, {"file": upload}).status_code == 403
    assert not ComparisonSetting.objects.exists()
    assert list(NationalFigure.objects.values_list("pk", "value")) == before


def test_a_threshold_out_of_range_is_refused(client, reform_office, published):
    client.force_login(reform_office)
    response = client.post(THRESHOLD, {"threshold": "101"})
    assert response.status_code == 200 and not ComparisonSetting.objects.exists()
    assert "100" in str(response.context["threshold_form"].errors)


def test_no_role_reads_nothing(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="khong-vai-tro"))
    assert client.get(URL).status_code == 404


def test_the_page_costs_the_same_queries_however_many_agencies_are_published(
    client, reform_office, published
):
    """One query for the published figures, a fixed few per mapped indicator: a published
    table of every agency does not make one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reform_office)
    client.get(URL, FEBRUARY)  # the session and the membership, as on every page
    with CaptureQueriesContext(connection) as few:
        client.get(URL, FEBRUARY)
    run = NationalFigure.objects.first().import_run
    for agency in Agency.objects.exclude(code__in=["12", "12-STP", "12-SNV"])[:20]:
        NationalFigure.objects.create(indicator="766.4.3", agency=agency,
                                      month=FEBRUARY_DAY, value=50, import_run=run)  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        body = client.get(URL, FEBRUARY).content.decode()
    assert len(_rows(body)) == 25
    assert len(many) == len(few) <= 12  # 10 on SQLite today
