"""The guards of pages (issue 21, `organizations.access`): a user without a role meets a 404,
anyone but the reform office a 403 naming the action, and another agency's row a 404 like a
missing one."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from cchc.organizations.access import (
    get_visible_or_404,
    member,
    member_required,
    office_required,
    require_office,
)
from cchc.organizations.models import Agency
from cchc.organizations.selectors import scope_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_no_role_no_section(dept_officer):
    assert member(request_of(dept_officer)).agency.code == "12-STP"
    with pytest.raises(Http404):
        member(request_of(UserFactory(username="khong-vai-tro")))


def test_office_only_names_the_action(reform_office, dept_officer, leader):
    require_office(reform_office, "công bố")
    for user in (dept_officer, leader):
        with pytest.raises(PermissionDenied, match=r"Chỉ Văn phòng CCHC .* được công bố"):
            require_office(user, "công bố")


def test_decorators(reform_office, dept_officer):
    @member_required
    def page(request):
        return HttpResponse("ok")

    @office_required("quản lý")
    def office_page(request):
        return HttpResponse("ok")

    assert page(request_of(dept_officer)).status_code == 200
    with pytest.raises(Http404):
        page(request_of(UserFactory(username="khong-vai-tro")))
    assert office_page(request_of(reform_office)).status_code == 200
    with pytest.raises(PermissionDenied, match="quản lý"):
        office_page(request_of(dept_officer))
    from django.contrib.auth.models import AnonymousUser

    assert page(request_of(AnonymousUser())).status_code == 302  # to the login page


def test_another_agencys_row_is_a_404(dept_officer):
    scope = scope_for(dept_officer)
    own = Agency.objects.get(code="12-STP")
    assert get_visible_or_404(Agency.objects, scope, pk=own.pk) == own
    with pytest.raises(Http404):
        get_visible_or_404(Agency.objects, scope, pk=Agency.objects.get(code="12-SNV").pk)
    with pytest.raises(Http404):
        get_visible_or_404(Agency.objects, scope, pk=0)
