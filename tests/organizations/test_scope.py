import pytest

from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import agency_tree, scope_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codes(scope: AgencyScope) -> set[str]:
    return set(Agency.objects.visible_to(scope).values_list("code", flat=True))


def test_reform_office_and_leader_see_every_agency(reform_office, leader):
    assert scope_for(reform_office).sees_all
    assert scope_for(leader).sees_all
    assert len(codes(scope_for(leader))) == 135


def test_department_officer_sees_only_its_department(dept_officer):
    assert codes(scope_for(dept_officer)) == {"12-STP"}


def test_district_officer_sees_its_district_and_its_communes(district_officer):
    visible = codes(scope_for(district_officer))
    assert "106" in visible
    assert {c for c in visible if c != "106"} == {f"106-{i:02d}" for i in range(1, 14)}
    assert "107-01" not in visible


def test_commune_officer_sees_only_its_commune_not_its_district(commune_officer):
    assert codes(scope_for(commune_officer)) == {"106-02"}


def test_appraiser_without_assignments_sees_only_own_agency(appraiser):
    assert codes(scope_for(appraiser)) == {"12-SNV"}


def test_user_without_membership_sees_nothing(db):
    user = UserFactory(username="no-role", is_superuser=True)
    assert codes(scope_for(user)) == set()


def test_agency_tree_orders_children_under_parents(district_officer):
    tree = agency_tree(scope=scope_for(district_officer))
    assert tree[0].code == "106" and tree[0].depth == 0
    assert all(a.depth == 1 for a in tree[1:])
    assert [a.code for a in tree[1:]] == sorted(a.code for a in tree[1:])
