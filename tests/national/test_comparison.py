"""The comparison's figures against a hand computation from the counters of
tests/national/conftest.py (February 2022, the month alone):

| indicator | Sở Tư pháp | Sở Nội vụ | province |
|---|---|---|---|
| online dossier share (766.4.3) | 3/8 = 37,50 | 1/12 = 8,33 | 4/20 = 20,00 |
| on-time rate 766 (766.2.1) | (4 + 2 open in time) / (4 + 1 + 2 + 1) = 6/8 = 75,00 | 12/12 | 18/20 |
| result digitisation (766.3.1) | 3/6 = 50,00 | 0/12 | 3/18 |

Published: online share 25 (province), 45,5 (STP), 8,33 (SNV); on time 80 (STP);
digitisation 50 (STP). Differences (ours − published): −5,00, −8,00, 0,00; −5,00; 0,00."""

from datetime import date
from decimal import Decimal

import pytest

from cchc.national.selectors import comparison, is_flagged
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import scope_for

pytestmark = pytest.mark.django_db
FEBRUARY = date(2022, 2, 1)


def _table(blocks) -> dict[tuple[str, str], tuple]:
    return {
        (b.indicator.code, r.agency_code): (r.ours, r.published, r.difference, r.flagged)
        for b in blocks
        for r in b.rows
    }


def test_our_figures_beside_the_published_ones_match_the_hand_computation(published):
    blocks = comparison(scope=AgencyScope.everything(), month=FEBRUARY, threshold=Decimal(5))
    D = Decimal
    assert _table(blocks) == {
        ("ONLINE_DOSSIER_SHARE", "12"): (D("20.00"), D("25.00"), D("-5.00"), False),
        ("ONLINE_DOSSIER_SHARE", "12-STP"): (D("37.50"), D("45.50"), D("-8.00"), True),
        ("ONLINE_DOSSIER_SHARE", "12-SNV"): (D("8.33"), D("8.33"), D("0.00"), False),
        ("ON_TIME_RATE_766", "12-STP"): (D("75.00"), D("80.00"), D("-5.00"), False),
        ("RESULT_DIGITISATION", "12-STP"): (D("50.00"), D("50.00"), D("0.00"), False),
    }
    by_code = {b.indicator.code: b for b in blocks}
    # The province's row comes first; its numbers are the province's sums.
    first = by_code["ONLINE_DOSSIER_SHARE"].rows[0]
    assert first.province and (first.numerator, first.denominator) == (4, 20)
    # An indicator with no published figure this month is listed without rows.
    assert by_code["ONLINE_PAYMENT_SHARE"].rows == []
    assert by_code["ONLINE_PAYMENT_SHARE"].mapping.code == "766.4.5"


def test_each_month_is_compared_with_its_own_published_figure(published):
    """January: 10/10 online at Sở Tư pháp beside January's published 100. (February's
    37,50 above is the month alone: the year so far would be 13/18 = 72,22.)"""
    [block] = [
        b for b in comparison(scope=AgencyScope.everything(), month=date(2022, 1, 1),
                              threshold=Decimal(5))
        if b.indicator.code == "ONLINE_DOSSIER_SHARE"
    ]  # fmt: skip
    [row] = block.rows
    assert (row.agency_code, row.ours, row.difference) == ("12-STP", Decimal("100.00"), 0)


@pytest.mark.parametrize(
    ("threshold", "flagged"),
    [
        (Decimal(5), {("ONLINE_DOSSIER_SHARE", "12-STP")}),
        (Decimal("4.99"), {("ONLINE_DOSSIER_SHARE", "12-STP"), ("ONLINE_DOSSIER_SHARE", "12"),
                           ("ON_TIME_RATE_766", "12-STP")}),
        (Decimal(8), set()),  # equal to the largest difference: not above it
        (Decimal(0), {("ONLINE_DOSSIER_SHARE", "12-STP"), ("ONLINE_DOSSIER_SHARE", "12"),
                      ("ON_TIME_RATE_766", "12-STP")}),
    ],
)  # fmt: skip
def test_a_difference_above_the_threshold_is_flagged(published, threshold, flagged):
    blocks = comparison(scope=AgencyScope.everything(), month=FEBRUARY, threshold=threshold)
    assert {k for k, v in _table(blocks).items() if v[3]} == flagged


@pytest.mark.parametrize(
    ("difference", "threshold", "flagged"),
    [(Decimal("5.01"), Decimal(5), True), (Decimal("-5.01"), Decimal(5), True),
     (Decimal(5), Decimal(5), False), (None, Decimal(0), False), (Decimal(0), Decimal(0), False)],
)  # fmt: skip
def test_the_flag_rule(difference, threshold, flagged):
    assert is_flagged(difference, threshold) is flagged


def test_an_officer_compares_only_its_own_agency(published, dept_officer):
    blocks = comparison(scope=scope_for(dept_officer), month=FEBRUARY, threshold=Decimal(5))
    assert {code for _indicator, code in _table(blocks)} == {"12-STP"}
    assert len(_table(blocks)) == 3


def test_one_agency_is_compared_alone(published):
    stp = Agency.objects.get(code="12-STP")
    blocks = comparison(scope=AgencyScope.everything(), month=FEBRUARY, threshold=Decimal(5),
                        agency_id=stp.pk)  # fmt: skip
    assert {code for _indicator, code in _table(blocks)} == {"12-STP"}


def test_figures_of_synthetic_data_are_marked(published):
    from cchc.indicators.services import snapshots_refresh
    from cchc.operations.models import ImportRun

    ImportRun.objects.filter(kind="dossier_stats").update(synthetic=True)
    snapshots_refresh(agency_ids=None, years=[2022])
    blocks = comparison(scope=AgencyScope.everything(), month=FEBRUARY, threshold=Decimal(5))
    assert all(r.synthetic for b in blocks for r in b.rows)
