from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from cchc.operations.models import Dossier, ImportRun
from cchc.organizations.scope import AgencyScope


def import_runs(*, scope: AgencyScope, reform_office: bool) -> QuerySet[ImportRun]:
    """Runs the user may see: the reform office sees all; an agency sees the runs made by
    accounts of the agencies in its scope (province-wide runs name no agency and stay hidden)."""
    qs = ImportRun.objects.select_related("uploaded_by", "agency")
    return qs if reform_office else qs.visible_to(scope)


# The drill-down filters (`?loc=`): what the user reads, and the condition.
DOSSIER_FILTERS = {
    "online": ("tiếp nhận trực tuyến", {"channel": 2}),
    "on_time": ("giải quyết đúng hạn", {"finished_on_time": True}),
    "late": ("giải quyết quá hạn", {"finished_on_time": False}),
    "digitized": ("kết quả được số hóa", {"result_digitized": True}),
    "paid_online": ("thanh toán trực tuyến", {"paid_online": True, "fee__gt": 0}),
}


def dossiers(
    *,
    scope: AgencyScope,
    agency_id: int | None = None,
    year: int | None = None,
    month: date | None = None,
    only: str | None = None,
) -> QuerySet[Dossier]:
    """Dossiers behind a number. `only`: one of DOSSIER_FILTERS, the filters that match the
    indicators' numerators (anything else: no filter)."""
    qs = Dossier.objects.visible_to(scope).select_related("agency", "procedure")
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    if year is not None:
        qs = qs.filter(received_at__year=year)
    if month is not None:
        qs = qs.filter(received_at__year=month.year, received_at__month=month.month)
    if only in DOSSIER_FILTERS:
        qs = qs.filter(**DOSSIER_FILTERS[only][1])
    return qs.order_by("-received_at")
