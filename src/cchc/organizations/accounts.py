"""Creating user accounts with their agency and role (used by the demo and by the
`create_account` command for a real deployment)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from cchc.organizations.models import Agency, Membership, Role


@transaction.atomic
def account_ensure(
    *, username: str, password: str, agency: Agency, role: str, full_name: str = ""
) -> tuple[object, bool]:
    """Create the account if it does not exist (returns it and True); an existing
    account keeps its password and gets the given agency and role."""
    if role not in Role.values:
        raise ValueError(f"Vai trò không hợp lệ: {role}")
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username, first_name=full_name)
        validate_password(password, user)
        user.set_password(password)
        user.save()
    Membership.objects.update_or_create(user=user, defaults={"agency": agency, "role": role})
    return user, created
