"""Creating user accounts with their agency and role (used by the demo and by the
`create_account` command for a real deployment)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from cchc.core.users import User
from cchc.organizations.models import Agency, Membership, Role


@transaction.atomic
def account_ensure(
    *, username: str, password: str, agency: Agency, role: str, full_name: str = ""
) -> tuple[User, bool]:
    """Create the account if it does not exist (returns it and True); an existing
    account keeps its password and gets the given agency and role."""
    if role not in Role.values:
        raise ValueError(f"Vai trò không hợp lệ: {role}")
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = user_model(username=username, first_name=full_name)
        validate_password(password, user)
        user.set_password(password)
        user.save()
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        Membership.objects.create(user=user, agency=agency, role=role)
    elif (membership.agency_id, membership.role) != (agency.pk, role):
        # Saved only when it changes: a rerun of the demo leaves no history entry behind.
        membership.agency, membership.role = agency, role
        membership.save()
    return user, created
