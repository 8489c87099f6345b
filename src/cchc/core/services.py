"""Helpers shared by every app's services: permission failures and audited saves."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models


class ServiceError(ValidationError):
    """A request that breaks a business rule; its message is shown to the user as is."""


def deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def audited_save(instance: models.Model, *, actor, reason: str = "") -> None:
    """Validate and save `instance`, recording `actor` and `reason` in its history table
    (django-simple-history) — for writes outside a request, e.g. management commands."""
    instance.full_clean()
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason:
        change_reason(instance, reason)
    instance.save()


def change_reason(instance: models.Model, reason: str) -> None:
    """The reason the next save or delete of `instance` writes in its history row."""
    # django-simple-history reads this attribute, which the model class does not declare.
    instance._change_reason = reason  # type: ignore[attr-defined]
