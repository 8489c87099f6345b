"""The project's user, as a type (issue 21).

`User` is the model `AUTH_USER_MODEL` names — Django's own; a test checks that it is still
`get_user_model()`. A service that records who acted (`created_by`, `reported_by`, …) takes
`actor: User`: a foreign key to the user model accepts nothing looser (`AbstractBaseUser` is
any user model's base, not this one).

A view that only a logged-in user reaches (`login_required`, `organizations.access`'s
`member_required` / `office_required`) takes `request: AuthenticatedHttpRequest`: its
`request.user` is a `User`, not the `User | AnonymousUser` of a bare `HttpRequest` — as the
django-stubs documentation recommends, rather than a cast at each call."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

__all__ = ["AnyUser", "AuthenticatedHttpRequest", "User"]

# Whoever a request is: an account, or anonymous — an API token's principal
# (`api.tokens.TokenUser`) is an AnonymousUser that is authenticated. What the read and
# permission functions (`scope_for`, `may_write`, …) take.
AnyUser: TypeAlias = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """A request whose user is logged in. A type only: Django builds the requests; a view
    annotated with it must be behind a login guard."""

    user: User
