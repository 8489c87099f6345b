"""Figures of a year that changed in the middle (issue 19), with known answers worked by hand:
a merger in the middle of a month and a unit split between two successors. "As the units were
at the time" and "by today's units" are both shown; neither counts a unit twice."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from cchc.indicators.extraction import Window, inspection_coverage
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.selectors import AT_THE_TIME, TODAY, evaluate, per_agency
from cchc.inspections.models import Inspection
from cchc.operations.models import ImportRun
from cchc.organizations.models import Agency, AgencySuccession
from cchc.organizations.scope import AgencyScope
from cchc.organizations.succession import shares_on

pytestmark = pytest.mark.django_db

EVERYONE = AgencyScope.everything()


@pytest.fixture
def changed_2025(db):
    """Xã Bản Bo and Xã Nà Tăm merge into "Xã Bản Bo mới" on 16/07/2025 (the middle of a
    month); Xã Bình Lư is split on 16/07/2025 between the new unit (weight 2) and Xã Khun Há
    (weight 1), which goes on."""
    province = Agency.objects.get(code="12")
    new = Agency.objects.create(code="BB-MOI", name="Xã Bản Bo mới", level="commune",
                                parent=province, valid_from=date(2025, 7, 16))  # fmt: skip
    old = {code: Agency.objects.get(code=code) for code in ("106-02", "106-09", "106-05", "106-08")}
    for code in ("106-02", "106-09", "106-05"):
        old[code].valid_to = date(2025, 7, 15)
        old[code].save()
    for code, successor, weight in (("106-02", new, 1), ("106-09", new, 1),
                                     ("106-05", new, 2), ("106-05", old["106-08"], 1)):  # fmt: skip
        AgencySuccession.objects.create(predecessor=old[code], successor=successor,
                                        effective_on=date(2025, 7, 16), weight=weight)  # fmt: skip
    return new, old


def test_shares_follow_the_weights(changed_2025):
    new, old = changed_2025
    shares = shares_on(date(2026, 1, 1))
    assert shares[old["106-02"].pk] == {new.pk: Fraction(1)}
    assert shares[old["106-05"].pk] == {new.pk: Fraction(2, 3), old["106-08"].pk: Fraction(1, 3)}
    assert shares[old["106-08"].pk] == {old["106-08"].pk: Fraction(1)}  # goes on
    # Before the change, every unit is itself.
    assert shares_on(date(2025, 7, 15))[old["106-05"].pk] == {old["106-05"].pk: Fraction(1)}


def _dossier_snapshot(agency, month, n, d):
    IndicatorSnapshot.objects.create(indicator="ONLINE_DOSSIER_SHARE", agency=agency,
                                     tier="commune", month=month, numerator=n, denominator=d)  # fmt: skip


def test_a_year_shown_both_ways(changed_2025):
    """Online dossiers of 2025. In July both the old and the new units received dossiers (the
    change fell on the 16th). By hand, today's units:
    new unit = Bản Bo (3/10 + 1/4) + Nà Tăm (2/6) + 2/3 × Bình Lư (6/9) + own (5/8)
             = (3+1+2+4+5) / (10+4+6+6+8) = 15/34;
    Khun Há = own (2/5) + 1/3 × Bình Lư (6/9) = 4/8."""
    new, old = changed_2025
    jan, jul = date(2025, 1, 1), date(2025, 7, 1)
    _dossier_snapshot(old["106-02"], jan, 3, 10)
    _dossier_snapshot(old["106-02"], jul, 1, 4)
    _dossier_snapshot(old["106-09"], jan, 2, 6)
    _dossier_snapshot(old["106-05"], jan, 6, 9)
    _dossier_snapshot(old["106-08"], jan, 2, 5)
    _dossier_snapshot(new, jul, 5, 8)
    then = {r["agency__code"]: (r["n"], r["d"]) for r in
            per_agency("ONLINE_DOSSIER_SHARE", scope=EVERYONE, year=2025, units=AT_THE_TIME)}  # fmt: skip
    assert then == {"106-02": (4, 14), "106-09": (2, 6), "106-05": (6, 9), "106-08": (2, 5),
                    "BB-MOI": (5, 8)}  # fmt: skip
    rows = {r["agency__code"]: r for r in
            per_agency("ONLINE_DOSSIER_SHARE", scope=EVERYONE, year=2025, units=TODAY)}  # fmt: skip
    assert set(rows) == {"BB-MOI", "106-08"}
    assert (rows["BB-MOI"]["n"], rows["BB-MOI"]["d"]) == (15, 34)
    assert (rows["106-08"]["n"], rows["106-08"]["d"]) == (4, 8)
    assert str(rows["BB-MOI"]["value"]) == "44.12"  # 15/34
    assert ("Xã Bình Lư", "2/3") in rows["BB-MOI"]["sources"]
    # The province's figure is the same both ways: nothing counted twice, nothing lost.
    total = evaluate("ONLINE_DOSSIER_SHARE", scope=EVERYONE, year=2025)
    assert (total.numerator, total.denominator) == (19, 42)
    assert sum(r["n"] for r in rows.values()) == 19 and sum(r["d"] for r in rows.values()) == 42


def test_a_split_shares_a_count_in_fractions(changed_2025):
    _new, old = changed_2025
    _dossier_snapshot(old["106-05"], date(2025, 2, 1), 1, 2)
    rows = {r["agency__code"]: r for r in
            per_agency("ONLINE_DOSSIER_SHARE", scope=EVERYONE, year=2025, units=TODAY)}  # fmt: skip
    assert abs(rows["BB-MOI"]["d"] - Decimal(4) / 3) < Decimal("1e-20")  # 2/3 of 2
    assert abs(rows["106-08"]["d"] - Decimal(2) / 3) < Decimal("1e-20")
    assert str(rows["BB-MOI"]["value"]) == "50.00"


def test_an_officer_sees_only_its_own_units_re_expressed(changed_2025):
    """An officer of Xã Khun Há: its own rows only, in either units (the new unit's row and
    Bình Lư's records are not its to read)."""
    _new, old = changed_2025
    _dossier_snapshot(old["106-05"], date(2025, 2, 1), 6, 9)
    _dossier_snapshot(old["106-08"], date(2025, 2, 1), 2, 5)
    scope = AgencyScope.of([old["106-08"].pk])
    rows = per_agency("ONLINE_DOSSIER_SHARE", scope=scope, year=2025, units=TODAY)
    assert [(r["agency__code"], r["n"], r["d"]) for r in rows] == [("106-08", 2, 5)]


def test_inspection_coverage_counts_each_month_its_own_units(changed_2025):
    """Target 1's denominator: June counts the old communes, July the new unit instead of the
    two merged and the split one (ended 15/07), never both."""
    new, old = changed_2025
    run = ImportRun.objects.create(kind="inspections", file_name="x")
    Inspection.objects.create(agency=old["106-02"], inspected_on=date(2025, 3, 1), import_run=run)
    Inspection.objects.create(agency=new, inspected_on=date(2025, 9, 1), import_run=run)
    months = tuple(date(2025, m, 1) for m in range(1, 13))
    rows = list(inspection_coverage(Window(months=months, agency_ids=None)))
    communes = {a.pk for a in [new, *old.values()]}

    def at(month):
        return {
            (r.agency_id, r.numerator) for r in rows if r.month == month and r.agency_id in communes
        }

    assert at(date(2025, 6, 1)) == {(old["106-02"].pk, 1), (old["106-09"].pk, 0),
                                    (old["106-05"].pk, 0), (old["106-08"].pk, 0)}  # fmt: skip
    assert at(date(2025, 7, 1)) == {(new.pk, 0), (old["106-08"].pk, 0)}
    assert at(date(2025, 9, 1)) == {(new.pk, 1), (old["106-08"].pk, 0)}


def test_target_page_offers_both_units_and_states_the_rule(client, reorganised, leader):
    """The 2022 plan read after the 2025 merger: its communes have ended, so the page offers
    the figures by today's units, each row saying what it took from whom."""
    from cchc.plans.models import Plan

    target = next(t for t in Plan.objects.get(year=2022).targets.all() if t.label == "6c")
    for code, n, d in (("110-12", 1, 4), ("110-11", 3, 4)):  # Tà Mung, Tà Hừa → Mường Kim
        IndicatorSnapshot.objects.create(
            indicator="ONLINE_DOSSIER_SHARE", agency=Agency.objects.get(code=code),
            tier="commune", month=date(2022, 3, 1), numerator=n, denominator=d,
        )  # fmt: skip
    client.force_login(leader)
    url = f"/chi-tieu/{target.pk}/"
    then = client.get(url).content.decode()
    assert "Theo đơn vị hiện nay" in then and "theo đơn vị thời đó: mỗi bản ghi" in then
    assert "Xã Tà Mung" in then and "Xã Mường Kim" not in then
    now = client.get(url, {"don_vi": "hien_nay"}).content.decode()
    assert "Xã Mường Kim" in now and "gồm số liệu của Xã Tà Hừa; Xã Tà Mung" in now
    assert ">50%<" in now.replace(" ", "")  # (1 + 3) / (4 + 4)


def test_a_new_communes_dashboard_names_what_it_inherits(client, reorganised):
    from tests.factories import make_user

    client.force_login(make_user("bb25", "NQ1670-09", "agency_officer"))  # Xã Bản Bo (2025)
    body = client.get("/chi-tieu/", {"nam": 2022}).content.decode()
    assert "gồm cả số liệu của 2 đơn vị trước sắp xếp mà Xã Bản Bo kế thừa" in body
    assert "Xã Nà Tăm, đến 30/06/2025" in body
