"""The PAR INDEX section's landing page (Chỉ số CCHC), by role: the frameworks by year for
the reform office and leaders, the agency's own assessments for an officer, the assessments
assigned for appraisal for an appraiser. Only assessments in the user's scope; 404 without a
membership."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from cchc.core.users import AuthenticatedHttpRequest
from cchc.organizations.access import member
from cchc.organizations.models import AgencyLevel, Role
from cchc.organizations.selectors import PROVINCE_WIDE_ROLES, is_reform_office, scope_for
from cchc.parindex import selectors
from cchc.parindex.models import Assessment
from cchc.parindex.views.common import STATUS_COLOURS, S, coloured, read_only


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """By role: the frameworks by year (reform office, leaders), the agency's own assessments
    (agency officers; a district UBND also sees its communes'), the assessments assigned for
    appraisal and those of the own agency (appraisers). Only assessments in scope."""
    membership = member(request)
    if (response := read_only(request)) is not None:
        return response
    scope = scope_for(request.user)
    province_wide = membership.role in PROVINCE_WIDE_ROLES
    context: dict = {
        "office": is_reform_office(request.user),
        "role": membership.role,
        "province_wide": province_wide,
    }
    assessments: list[Assessment] = []
    if province_wide:
        counts = selectors.status_counts(scope=scope)
        items = list(selectors.framework_list())
        synthetic = set(
            selectors.assessments(scope=scope)
            .filter(synthetic=True)
            .values_list("framework_id", flat=True)
            .distinct()
        )
        # Display attributes for the template, not fields (portal annotates a `synthetic` of
        # its own on Framework, so the model cannot declare one: hence the ignores).
        for framework in items:
            framework.synthetic = framework.pk in synthetic  # type: ignore[attr-defined]
            framework.statuses = [  # type: ignore[attr-defined]
                (label, STATUS_COLOURS[status], counts[framework.pk][status])
                for status, label in S.choices
                if counts.get(framework.pk, {}).get(status)
            ]
        context["years"] = [
            (year, list(group)) for year, group in groupby(items, key=lambda f: f.year)
        ]
    elif membership.role == Role.APPRAISER:
        assigned = coloured(
            selectors.with_progress(selectors.appraiser_assessments(request.user).visible_to(scope))
        )
        own = coloured(
            selectors.with_progress(
                selectors.assessments(scope=scope).filter(agency_id=membership.agency_id)
            ).order_by("-framework__year", "framework__code")
        )
        context.update(assigned=assigned, own=own)
        assessments = [*assigned, *own]
    else:
        own = coloured(
            selectors.with_progress(selectors.assessments(scope=scope)).order_by(
                "-framework__year", "framework__code", "agency__level", "agency__code"
            )
        )
        context.update(own=own, district=membership.agency.level == AgencyLevel.DISTRICT)
        assessments = list(own)
    context["assessments"] = assessments
    return render(request, "parindex/index.html", context)
