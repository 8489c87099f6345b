"""No silent lost update (ADR 0013): an edit form carries the version of the row the page
was built from, and the service writes only if the row is still at that version.

The version of a row is its `updated_at` (TimeStampedModel): every `save()` moves it, to the
microsecond on SQLite and PostgreSQL alike, so no table needs a column of its own. A
`QuerySet.update()` or `bulk_update()` does not move it: code that writes an edited table
that way must set `updated_at` itself (none does today).

- forms: `VersionedForm` adds the hidden `version` field for the row being edited;
- services: `claim(instance, version)` is the compare-and-set, inside the service's
  transaction — of two writers holding the same version, the second is refused with
  `stale_message` (who changed the row and when) and writes nothing;
- PAR INDEX scores keep their integer `version` (a sheet claims many rows in one
  statement) but word their refusal with the same `stale_message`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cchc.core.services import ServiceError

VERSION_FIELD = "version"
OUTDATED = _lazy("Trang đã cũ: hãy tải lại trang rồi nhập lại.")


def version_of(instance: Any) -> str:
    """The version token of a row as a page carries it: its `updated_at` in UTC, to the
    microsecond."""
    return instance.updated_at.astimezone(UTC).isoformat(timespec="microseconds")


def parse_version(token: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(token)
    except (TypeError, ValueError):
        return None
    return value if timezone.is_aware(value) else None


class VersionField(forms.CharField):
    """The hidden version token; a missing or garbled one means a page from before the
    mechanism or a hand-made request: refused, so that nothing is overwritten blindly."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"required": OUTDATED})
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        parsed = parse_version(text)
        if parsed is None:
            raise forms.ValidationError(OUTDATED, code="invalid")
        return parsed


class VersionedForm:
    """Mixin for a form that may edit an existing row: `editing=<row>` adds the hidden
    `version` field (the row's version now); `read_version()` is what the page carried."""

    # Given by the form class this is mixed into.
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def __init__(self, *args, editing: models.Model | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing is not None:
            self.fields[VERSION_FIELD] = VersionField(initial=version_of(editing))

    def read_version(self) -> datetime | None:
        return self.cleaned_data.get(VERSION_FIELD)

    def data_without_version(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != VERSION_FIELD}


def _who(instance: models.Model) -> str:
    history = getattr(instance, "history", None)
    last = history.first() if history is not None else None
    user = getattr(last, "history_user", None)
    return (user.get_full_name() or user.get_username()) if user else _("người khác")


def stale_message(instance: Any, *, subject: str, newer: str = "") -> str:
    """The refusal shown when `instance` (read fresh) changed after the page was built:
    who changed it, when, and that nothing of this user's was saved."""
    at = timezone.localtime(instance.updated_at).strftime("%H:%M ngày %d/%m/%Y")
    return _(
        "%(subject)s vừa được %(who)s cập nhật lúc %(at)s, sau khi bạn mở trang. "
        "Thay đổi của bạn chưa được lưu: hãy tải lại trang để xem %(newer)s rồi nhập lại."
    ) % {"subject": subject, "who": _who(instance), "at": at, "newer": newer or _("bản mới")}


def claim(instance: models.Model, version: datetime | None, *, subject: str) -> None:
    """Compare-and-set on `updated_at`, in the caller's transaction: the row moves to a new
    version if it is still at `version` (None: not checked — writers without a form).
    Raises ServiceError with `stale_message` when it changed or was deleted meanwhile; the
    database's row lock makes the second of two concurrent writers wait and then miss."""
    if version is None:
        return
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    if rows.filter(updated_at=version).update(updated_at=timezone.now()):
        return
    fresh = rows.first()
    if fresh is None:
        raise ServiceError(
            _("%(subject)s đã bị xóa sau khi bạn mở trang; thay đổi của bạn chưa được lưu.")
            % {"subject": subject}
        )
    raise ServiceError(stale_message(fresh, subject=subject))
