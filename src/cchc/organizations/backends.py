"""Authentication backend: Django's ModelBackend, but the user of a session comes with its
membership and agency in the same query. Every page reads the user's scope from the
membership (`selectors.membership_of`), so this saves a query on every request."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from cchc.organizations.models import Membership
from cchc.organizations.selectors import membership_remember


class MembershipBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("membership__agency")
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        try:
            membership = user.membership
        except Membership.DoesNotExist:
            membership = None
        membership_remember(user, membership)
        return user
