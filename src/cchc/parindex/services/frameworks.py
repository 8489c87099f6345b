"""Frameworks (bộ tiêu chí): importing a framework file, and re-importing it as an edit of
the framework carrying the version the page was built from (ADR 0013)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.concurrency import claim
from cchc.core.services import ServiceError, audited_save
from cchc.core.tabular.columns import ImportRejected
from cchc.core.users import User
from cchc.parindex import frameworks
from cchc.parindex.models import Framework, FrameworkGroup
from cchc.parindex.services.checks import _require_reform_office


@transaction.atomic
def framework_import(
    *,
    actor: User,
    spec: frameworks.FrameworkSpec,
    content: bytes,
    file_name: str,
    version: datetime | None = None,
    new_only: bool = False,
) -> frameworks.FrameworkLoad:
    """Import (or re-import) a framework from a CSV/XLSX file, all or nothing. A rejected
    file raises ServiceError with one line per error ("Dòng 4, cột max_points: …").

    A re-import (same code, year and group) is an edit of the framework (ADR 0013):
    `version` is the framework's version the reload page was built from, claimed before
    anything is written; `new_only` (the plain import page) refuses an existing framework,
    so that every reload from a page carries a version. Commands call with neither."""
    _require_reform_office(actor, _("nạp bộ tiêu chí"))
    spec.check()
    existing = spec.existing()
    _claim_framework(existing, spec, version=version, new_only=new_only)
    try:
        load = frameworks.import_framework(spec, content, file_name, actor=actor)
    except ImportRejected as exc:
        raise ServiceError(frameworks.format_errors(exc.errors)) from exc
    if existing is not None and not load.framework_saved:
        # The file changed criteria only (or nothing): record the reload on the framework
        # too, so that its version moves for the next reader and its history names who
        # reloaded (the stale message reads it).
        audited_save(load.framework, actor=actor, reason=_("Nạp lại bộ tiêu chí"))
    return load


def _framework_subject(code: str, year: int, group: str) -> str:
    return _("Bộ tiêu chí %(code)s năm %(year)s (%(group)s)") % {
        "code": code, "year": year, "group": FrameworkGroup(group).label,
    }  # fmt: skip


def _claim_framework(
    existing: Framework | None, spec: frameworks.FrameworkSpec, *, version, new_only: bool
) -> None:
    subject = _framework_subject(spec.code, spec.year, spec.group)
    if existing is not None and new_only:
        raise ServiceError(
            _("%(subject)s đã có; để cập nhật, mở trang bộ tiêu chí và chọn “Nạp lại tệp”.")
            % {"subject": subject}
        )
    if existing is None:
        if version is not None:  # the page reloaded a framework deleted since
            raise ServiceError(
                _("%(subject)s đã bị xóa sau khi bạn mở trang; tệp của bạn chưa được nạp.")
                % {"subject": subject}
            )
        return
    try:
        claim(existing, version, subject=subject)
    except ServiceError as exc:
        # The file input comes back empty: say that the file has to be chosen again.
        retry = _(
            "Tệp của bạn chưa được nạp: hãy tải lại trang, xem bộ tiêu chí vừa nạp, "
            "rồi chọn lại tệp nếu vẫn cần nạp."
        )
        raise ServiceError([*exc.messages, retry]) from exc
