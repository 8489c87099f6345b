"""The records behind the numbers of targets that are not dossier ratios: every linked number
of a target's per-agency table opens the list of the records it counts, for the period shown
(state at the period's end for a stock, the period's months for a flow)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from cchc.indicators.services import snapshots_refresh
from cchc.inspections.models import Inspection
from cchc.operations.models import (
    ImportRun,
    InformationSystem,
    LegalDocument,
    LegalReview,
    Procedure,
    ProcedureSnapshot,
    SystemConnection,
    WorkRecordStat,
)
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.plans.models import Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    run = ImportRun.objects.create(kind="legal_documents", file_name="t.csv")
    stp = Agency.objects.get(code="12-STP")
    for number, issued, reviewed in [("1", date(2022, 1, 10), date(2022, 2, 1)),
                                     ("2", date(2022, 3, 5), date(2022, 8, 1)),
                                     ("3", date(2022, 7, 1), None)]:  # fmt: skip
        document = LegalDocument.objects.create(
            agency=stp, number=f"{number}/2022/QĐ-UBND", doc_type="Quyết định", title="Văn bản",
            issued_on=issued, import_run=run,
        )  # fmt: skip
        if reviewed:
            LegalReview.objects.create(document=document, reviewed_on=reviewed, finding="none",
                                       import_run=run)  # fmt: skip
    Inspection.objects.create(agency=stp, inspected_on=date(2022, 3, 1), import_run=run)
    Inspection.objects.create(agency=stp, inspected_on=date(2022, 4, 2), import_run=run)
    Inspection.objects.create(agency=stp, inspected_on=date(2022, 9, 1), import_run=run)
    system = InformationSystem.objects.create(code="MC", name="Một cửa", kind="one_stop",
                                              owner=stp, import_run=run)  # fmt: skip
    SystemConnection.objects.create(system=system, target="national_portal",
                                    connected_on=date(2022, 4, 1), import_run=run)  # fmt: skip
    SystemConnection.objects.create(system=system, target="national_reporting", import_run=run)
    for month, total, online in [(1, 100, 60), (2, 50, 10), (5, 40, 40), (8, 10, 0)]:
        WorkRecordStat.objects.create(agency=stp, month=date(2022, month, 1), total=total,
                                      online=online, import_run=run)  # fmt: skip
    for code, fee, paying in [("P1", True, True), ("P2", True, False), ("P3", False, False)]:
        procedure = Procedure.objects.create(code=code, name=f"Thủ tục {code}")
        ProcedureSnapshot.objects.create(procedure=procedure, year=2022, authority_tier="province",
                                         has_fee=fee, online_payment=paying)  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2022])


def table_links(client, label, period):
    target = Target.objects.get(plan__year=2022, number=label[0], part=label[1:])
    body = client.get(reverse("indicators:target_detail", args=[target.pk]), period)
    table = body.content.decode().split("Theo cơ quan, đơn vị")[1]
    rows = {}
    for row in table.split("<tr>")[1:]:
        name = re.search(r"<td>(.*?)</td>", row)
        links = re.findall(r'<a href="(/chi-tieu/\d+/ban-ghi/\?[^"]+)"[^>]*>([\d.]+)</a>', row)
        if name and links:
            rows[name[1]] = [
                (href.replace("&amp;", "&"), int(n.replace(".", ""))) for href, n in links
            ]
    return rows


def listed(client, href):
    response = client.get(href)
    assert response.status_code == 200
    return response.context["page"].paginator.count, response.context["rows"]


@pytest.mark.parametrize(
    ("label", "period", "expected"),
    [
        # Target 3 at the end of June: documents of January and March, one reviewed by then.
        ("3", {"thang": 6}, [(1, 1), (2, 2)]),
        # Target 7: one of two connections in place since April.
        ("7", {"thang": 6}, [(1, 1), (2, 2)]),
        ("7", {"thang": 3}, [(0, 0), (2, 2)]),
        # Target 5a: P1 of the two procedures with a fee offers online payment.
        ("5a", {"thang": 6}, [(1, 1), (2, 2)]),
        # Target 8, a flow: the months with statistics in the period, their sums the number.
        ("8", {"thang": 6}, [(110, 3), (190, 3)]),
        ("8", {"thang": 6, "ky": "quy"}, [(40, 1), (40, 1)]),
    ],
)
def test_each_number_opens_the_records_it_counts(
    client, reform_office, records, label, period, expected
):
    client.force_login(reform_office)
    rows = table_links(client, label, period)
    agency = "Tỉnh Lai Châu" if label == "5a" else "Sở Tư pháp"
    [links] = [links for name, links in rows.items() if name.startswith(agency)]
    found = [(number, listed(client, href)[0]) for href, number in links]
    assert found == expected
    if label == "8":  # the listed months add up to the number
        for href, number in links:
            _count, cells = listed(client, href)
            column = 2 if "phan=tu" in href else 1
            assert sum(int(row[column].replace(".", "")) for row in cells) == number
            # … and the list says so under its rows.
            totals = client.get(href).context["totals"]
            assert int(totals[column].replace(".", "")) == number


def test_target_1_lists_the_inspections_of_an_inspected_agency(client, reform_office, records):
    client.force_login(reform_office)
    [(href, number)] = table_links(client, "1", {"thang": 6})["Sở Tư pháp"]
    count, cells = listed(client, href)
    assert (number, count) == (1, 2)  # inspected (1/1) by June: on 01/03 and 02/04
    assert [row[0] for row in cells] == ["01/03/2022", "02/04/2022"]
    excel = client.get(href + "&xuat=xlsx")
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")


def test_records_of_a_part_without_records_or_an_unknown_tier_answer_404(
    client, reform_office, records
):
    client.force_login(reform_office)
    stp = Agency.objects.get(code="12-STP")
    inspections = Target.objects.get(plan__year=2022, number="1", part="")
    url = reverse("indicators:target_records", args=[inspections.pk])
    assert client.get(url, {"co_quan": stp.pk, "cap": "province", "phan": "mau"}).status_code == 404
    assert client.get(url, {"co_quan": stp.pk, "cap": "?", "phan": "tu"}).status_code == 404
    dossiers = Target.objects.get(plan__year=2022, indicator_code="ONLINE_DOSSIER_SHARE")
    url = reverse("indicators:target_records", args=[dossiers.pk])
    assert client.get(url, {"co_quan": stp.pk, "cap": "province"}).status_code == 404


def test_synthetic_records_are_badged_on_both_lists(client, reform_office, records):
    client.force_login(reform_office)
    [(href, _number), _denominator] = table_links(client, "3", {"thang": 6})["Sở Tư pháp"]
    stp = Agency.objects.get(code="12-STP")
    dossiers = reverse("operations:dossier_list") + f"?co_quan={stp.pk}"
    assert "dữ liệu mô phỏng" not in client.get(href).content.decode()
    ImportRun.objects.update(synthetic=True)
    assert "dữ liệu mô phỏng" in client.get(href).content.decode()
    from tests.test_tenancy import records_of

    records_of("12-STP")  # a dossier, from a run that is not synthetic
    assert "dữ liệu mô phỏng" not in client.get(dossiers).content.decode()
    ImportRun.objects.update(synthetic=True)
    assert "dữ liệu mô phỏng" in client.get(dossiers).content.decode()


def test_the_catalogue_targets_are_the_provinces_for_every_officer(
    client, district_officer, records
):
    """5a, 6a, 6b are measured on the province's procedure catalogue, published data stored
    on the province alone: an officer reads them and their procedures (ADR 0010), and only
    under the province's name."""
    from cchc.indicators.selectors import evaluate
    from cchc.organizations.selectors import scope_for

    value = evaluate("ONLINE_PAYMENT_PROCEDURES", scope=scope_for(district_officer), year=2022)
    assert (value.numerator, value.denominator) == (1, 2)
    client.force_login(district_officer)
    [(numerator, _n), (denominator, _d)] = table_links(client, "5a", {"thang": 6})[
        "Tỉnh Lai Châu (UBND tỉnh)"
    ]
    assert [listed(client, href)[0] for href in (numerator, denominator)] == [1, 2]
    own = district_officer.membership.agency_id
    other_owner = numerator.replace(f"co_quan={Agency.objects.get(level='province').pk}",
                                    f"co_quan={own}")  # fmt: skip
    assert client.get(other_owner).status_code == 404
    # Agencies' own figures stay theirs: Sở Tư pháp's documents are not the district's.
    everyone = evaluate("LEGAL_REVIEW_COVERAGE", scope=AgencyScope.everything(), year=2022)
    officer = evaluate("LEGAL_REVIEW_COVERAGE", scope=scope_for(district_officer), year=2022)
    assert everyone.denominator == 3 and officer.value is None
