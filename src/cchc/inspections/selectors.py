from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from cchc.core.seams import Seam
from cchc.inspections.models import Inspection
from cchc.inspections.planning import TARGET_LEVELS, Candidate, propose
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope
from cchc.plans.models import Plan
from cchc.plans.selectors import task_board

# year → {agency id: published PAR INDEX (%)}. Supplied by the parindex app, which sits above
# this one (ParIndexConfig.ready); without it the proposal goes without PAR INDEX.
par_index_source = Seam("inspections.par_index_source", default=lambda year: {})


def proposal(*, year: int, share: Decimal, today: date, levels=TARGET_LEVELS):
    """The proposal for target 1 among the agencies of `levels` (the target's, by default
    departments and district UBND), from the facts in the database: overdue tasks of the
    year's plan, inspections last year and this year, and last year's published PAR INDEX."""
    agencies = list(
        Agency.objects.filter(level__in=sorted(levels))
        .active_on(date(year, 12, 31))
        .order_by("code")
    )
    overdue: dict[int, int] = {}
    plan = Plan.objects.filter(year=year).first()
    if plan is not None:
        for row in task_board(plan=plan, scope=AgencyScope.everything(), today=today):
            if row.status == "overdue" and row.task.lead_agency_id:
                overdue[row.task.lead_agency_id] = overdue.get(row.task.lead_agency_id, 0) + 1
    inspected = Inspection.objects.values("agency_id").annotate(
        last=Count("pk", filter=Q(inspected_on__year=year - 1)),
        this=Count("pk", filter=Q(inspected_on__year=year)),
    )
    seen: dict[int, Mapping[str, object]] = {r["agency_id"]: r for r in inspected}
    last_index = par_index_source(year - 1)
    candidates = [
        Candidate(
            agency_id=a.pk,
            code=a.code,
            name=a.name,
            overdue_tasks=overdue.get(a.pk, 0),
            inspected_last_year=bool(seen.get(a.pk, {}).get("last")),
            inspected_this_year=bool(seen.get(a.pk, {}).get("this")),
            par_index=last_index.get(a.pk),
        )
        for a in agencies
    ]
    return propose(candidates, share=share)
