"""PAR INDEX across the 2025 reorganisation (issue 19): a round assesses the units that exist
when it is assessed; a dissolved unit's earlier results stay readable; a ranking never holds a
dissolved unit beside its successor."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cchc.organizations.models import Agency
from cchc.organizations.selectors import scope_for
from cchc.parindex import frameworks
from cchc.parindex.models import Assessment
from cchc.parindex.services.rounds import assessable, assessment_open
from tests.factories import make_user
from tests.parindex.conftest import SMALL_CSV, small_spec

pytestmark = pytest.mark.django_db


def _framework(year, group="department"):
    spec = small_spec(year=year, group=group, code=f"THU{year}")
    return frameworks.import_framework(spec, SMALL_CSV.encode(), f"thu{year}.csv").framework


def test_a_2024_round_opened_after_july_2025_skips_the_ended_departments(
    reorganised, reform_office
):
    """Sở KH&ĐT ran all of 2024 but ended on 28/02/2025: a 2024 round opened in January 2025
    assesses it, one opened in August 2025 cannot (and says why)."""
    framework = _framework(2024)
    skhdt = Agency.objects.get(code="12-SKHDT")
    january = assessable(framework, on=date(2025, 1, 15))
    august = assessable(framework, on=date(2025, 8, 15))
    assert skhdt in january and skhdt not in august
    assert not august.filter(code="12-SNNMT").exists()  # formed in 2025: no 2024 to assess
    with pytest.raises(ValidationError, match="đã kết thúc hoạt động ngày 28/02/2025"):
        assessment_open(actor=reform_office, framework=framework,
                        deadline=date(2025, 9, 30), agencies=[skhdt],
                        on=date(2025, 8, 15))  # fmt: skip


def test_a_2025_round_assesses_todays_units_only(reorganised, reform_office):
    framework = _framework(2025, group="commune")
    created = assessment_open(actor=reform_office, framework=framework,
                              deadline=date(2026, 1, 31), on=date(2026, 1, 5))  # fmt: skip
    codes = {a.agency.code for a in created}
    assert len(codes) == 38 and all(code.startswith("NQ1670-") for code in codes)
    old = Agency.objects.get(code="110-12")  # Xã Tà Mung, merged on 01/07/2025
    with pytest.raises(ValidationError, match="không hoạt động ngày 31/12/2025"):
        assessment_open(actor=reform_office, framework=framework,
                        deadline=date(2026, 1, 31), agencies=[old], on=date(2026, 1, 5))  # fmt: skip


def test_a_predecessors_results_stay_readable_by_its_successor(reorganised, reform_office):
    """Xã Tà Mung's 2024 assessment (opened in January 2025, before the merger) stays; the
    officer of Xã Mường Kim, its only successor, reads it."""
    framework = _framework(2024, group="commune")
    ta_mung = Agency.objects.get(code="110-12")
    assessment_open(actor=reform_office, framework=framework, deadline=date(2025, 2, 28),
                    agencies=[ta_mung], on=date(2025, 1, 15))  # fmt: skip
    officer = make_user("mk", "NQ1670-01", "agency_officer")
    visible = Assessment.objects.visible_to(scope_for(officer))
    assert list(visible.values_list("agency__code", flat=True)) == ["110-12"]
    other = make_user("ko", "NQ1670-02", "agency_officer")  # Khoen On
    assert not Assessment.objects.visible_to(scope_for(other)).exists()
