"""The session's user is read with one hand-written query (organizations.backends): it must
give what the ORM gives — every field, with its Python type, on SQLite and PostgreSQL — and
refuse the users ModelBackend refuses."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cchc.organizations.backends import MembershipBackend
from cchc.organizations.models import Agency, Membership
from cchc.organizations.selectors import membership_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def field_values(instance) -> dict:
    return {
        f.attname: (getattr(instance, f.attname), type(getattr(instance, f.attname)))
        for f in instance._meta.concrete_fields
    }


def test_the_user_with_membership_and_agency_is_what_the_orm_reads(dept_officer):
    agency = dept_officer.membership.agency
    agency.valid_from = date(2020, 1, 1)  # a date column: SQLite returns text without converters
    agency.save()
    dept_officer.last_login = timezone.now()
    dept_officer.save()
    expected = get_user_model().objects.select_related("membership__agency").get(pk=dept_officer.pk)

    with CaptureQueriesContext(connection) as queries:
        user = MembershipBackend().get_user(dept_officer.pk)
        membership = membership_of(user)
        assert user.membership is membership
        assert membership.user is user
        assert membership.agency.code == "12-STP"
    assert len(queries) == 1

    assert field_values(user) == field_values(expected)
    assert field_values(membership) == field_values(expected.membership)
    assert field_values(membership.agency) == field_values(expected.membership.agency)
    assert user.is_active is True and isinstance(user.last_login, type(timezone.now()))
    assert timezone.is_aware(user.last_login)
    assert user._state.db == "default" and not user._state.adding


def test_a_user_without_membership_signs_in_and_has_none(db):
    bare = UserFactory(username="khong-co-quan")
    with CaptureQueriesContext(connection) as queries:
        user = MembershipBackend().get_user(bare.pk)
        assert membership_of(user) is None
        with pytest.raises(Membership.DoesNotExist):
            user.membership  # noqa: B018 — cached as absent, no second query
    assert len(queries) == 1
    assert user.username == "khong-co-quan"


def test_inactive_missing_and_malformed_users_are_no_user(dept_officer):
    backend = MembershipBackend()
    assert backend.get_user(str(dept_officer.pk)).pk == dept_officer.pk  # sessions store text
    dept_officer.is_active = False
    dept_officer.save()
    assert backend.get_user(dept_officer.pk) is None
    assert backend.get_user(10**9) is None
    assert backend.get_user("không-phải-số") is None


def test_a_changed_membership_is_read_at_the_next_request(dept_officer):
    backend = MembershipBackend()
    assert membership_of(backend.get_user(dept_officer.pk)).agency.code == "12-STP"
    Membership.objects.filter(user=dept_officer).update(
        agency=Agency.objects.get(code="106"), role="leader"
    )
    membership = membership_of(backend.get_user(dept_officer.pk))
    assert (membership.agency.code, membership.role) == ("106", "leader")
