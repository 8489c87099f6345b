"""Writes of the comparison with Decision 766: the threshold the reform office sets. (The
published figures are written by their import, `national.imports`.)"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.concurrency import claim
from cchc.core.services import ServiceError, audited_save
from cchc.core.users import User
from cchc.national.models import ComparisonSetting
from cchc.organizations.access import DataKind, require_write

MAX_THRESHOLD = Decimal(100)


@transaction.atomic
def threshold_set(
    *, actor: User, threshold: Decimal, version: datetime | None = None
) -> ComparisonSetting:
    """Set the difference (in percentage points) above which a comparison is flagged. Only
    the reform office; `version`: the row's version the page showed (no silent lost update)."""
    require_write(actor, DataKind.NATIONAL_FIGURES, action=_("đặt ngưỡng chênh lệch"))
    if not 0 <= threshold <= MAX_THRESHOLD:
        raise ServiceError(_("Ngưỡng chênh lệch phải từ 0 đến 100 điểm phần trăm."))
    setting = ComparisonSetting.objects.select_for_update().order_by("pk").first()
    if setting is None:
        setting = ComparisonSetting()
    else:
        claim(setting, version, subject=_("Ngưỡng chênh lệch"))
        setting.refresh_from_db()
    setting.threshold = threshold
    setting.updated_by = actor
    audited_save(setting, actor=actor, reason=_("Đặt ngưỡng chênh lệch"))
    return setting
