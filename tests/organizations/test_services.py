from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.organizations import services
from cchc.organizations.models import Agency

pytestmark = pytest.mark.django_db


def test_agency_create_requires_reform_office(dept_officer):
    with pytest.raises(PermissionDenied):
        services.agency_create(
            actor=dept_officer, code="X", name="X", level="department",
            parent=Agency.objects.get(code="12"),
        )  # fmt: skip


def test_agency_create_checks_parent_level(reform_office):
    with pytest.raises(ValidationError, match="phải trực thuộc"):
        services.agency_create(
            actor=reform_office, code="106-99", name="Xã Mới", level="commune",
            parent=Agency.objects.get(code="12-STP"),
        )  # fmt: skip


def test_agency_create_rejects_duplicate_code(reform_office):
    with pytest.raises(ValidationError, match="đã được dùng"):
        services.agency_create(
            actor=reform_office, code="12-STP", name="Trùng", level="department",
            parent=Agency.objects.get(code="12"),
        )  # fmt: skip


def test_agency_rename_is_recorded_in_history(reform_office):
    agency = Agency.objects.get(code="12-STP")
    services.agency_rename(actor=reform_office, agency=agency, name="  Sở   Tư pháp tỉnh ")
    agency.refresh_from_db()
    assert agency.name == "Sở Tư pháp tỉnh"
    latest = agency.history.first()
    assert latest.history_user == reform_office
    assert "Sở Tư pháp" in latest.history_change_reason
    assert latest.prev_record.name == "Sở Tư pháp"


def test_agency_end_refuses_while_children_are_active(reform_office):
    with pytest.raises(ValidationError, match="đơn vị trực thuộc"):
        services.agency_end(
            actor=reform_office, agency=Agency.objects.get(code="106"), valid_to=date(2025, 6, 30)
        )


def test_commune_merger_keeps_history_and_dates(reform_office):
    """The 2025 merger shape: several communes become one new commune from 1/7/2025."""
    old = list(Agency.objects.filter(code__in=["106-02", "106-03", "106-04"]))
    new = services.agency_create(
        actor=reform_office, code="106-M1", name="Xã Bản Bo (mới)", level="commune",
        parent=Agency.objects.get(code="106"),
    )  # fmt: skip
    rows = services.agency_record_succession(
        actor=reform_office,
        predecessors=old,
        successors=[new],
        effective_on=date(2025, 7, 1),
        legal_basis="Nghị quyết sắp xếp đơn vị hành chính",
    )
    assert len(rows) == 3
    new.refresh_from_db()
    assert new.valid_from == date(2025, 7, 1)
    for agency in old:
        agency.refresh_from_db()
        assert agency.valid_to == date(2025, 6, 30)
        assert agency.is_active_on(date(2025, 6, 30)) and not agency.is_active_on(date(2025, 7, 1))
        assert agency.successions.get().successor == new
    active_2026 = set(Agency.objects.active_on(date(2026, 1, 1)).values_list("code", flat=True))
    assert "106-M1" in active_2026 and "106-02" not in active_2026
    assert "106-02" in set(
        Agency.objects.active_on(date(2022, 6, 1)).values_list("code", flat=True)
    )
    # Recording the same succession again changes nothing.
    services.agency_record_succession(
        actor=reform_office, predecessors=old, successors=[new], effective_on=date(2025, 7, 1)
    )
    assert new.predecessions.count() == 3


def test_succession_rejects_an_agency_on_both_sides(reform_office):
    agency = Agency.objects.get(code="106-02")
    with pytest.raises(ValidationError):
        services.agency_record_succession(
            actor=reform_office, predecessors=[agency], successors=[agency],
            effective_on=date(2025, 7, 1),
        )  # fmt: skip


def test_account_ensure_twice_changes_nothing_and_a_new_role_is_recorded():
    from cchc.organizations.accounts import account_ensure
    from cchc.organizations.models import Membership

    agency = Agency.objects.get(code="12-STP")
    user, created = account_ensure(
        username="stp", password="Mat-khau-2022", agency=agency, role="agency_officer"
    )
    again, created_again = account_ensure(
        username="stp", password="khac-hẳn-2022", agency=agency, role="agency_officer"
    )
    assert created and not created_again and again.pk == user.pk
    assert again.check_password("Mat-khau-2022")  # an existing account keeps its password
    assert Membership.history.filter(user=user).count() == 1  # the rerun wrote no history

    account_ensure(username="stp", password="x", agency=agency, role="leader")
    assert Membership.objects.get(user=user).role == "leader"
    assert Membership.history.filter(user=user).count() == 2
