"""What the reform office's PAR INDEX pages share: the framework lookup, the header of a
framework's tabs, the status colours, a refused file's errors, and the answer to a write
sent to a read-only page or a read sent to an action."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from cchc.core.services import ServiceError
from cchc.core.tabular.columns import ImportRejected, RowError
from cchc.core.users import AuthenticatedHttpRequest
from cchc.organizations.access import office_required
from cchc.organizations.selectors import is_reform_office
from cchc.parindex.models import AssessmentStatus, Framework

S = AssessmentStatus
STATUS_COLOURS: dict[str, str] = {
    S.DRAFT: "secondary", S.SUBMITTED: "info", S.UNDER_APPRAISAL: "primary",
    S.RETURNED: "warning", S.APPRAISED: "success", S.FINALISED: "dark", S.PUBLISHED: "success",
}  # fmt: skip


def framework_or_404(pk: int) -> Framework:
    return get_object_or_404(Framework, pk=pk)


def read_only(request: HttpRequest) -> HttpResponse | None:
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    return None


def office_action(
    view: Callable[[AuthenticatedHttpRequest, Framework], HttpResponse],
) -> Callable[[HttpRequest, int], HttpResponse]:
    """An action of the reform office on one framework, at its own address (one view per
    action): logged in, the reform office (403 otherwise), the framework (404), a POST (405);
    the view is given the framework."""

    @office_required()
    @wraps(view)
    def action(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        framework = framework_or_404(pk)
        if (response := post_only(request)) is not None:
            return response
        return view(request, framework)

    return action


def post_only(request: HttpRequest) -> HttpResponse | None:
    """An action's address takes a POST (its form on the page); anything else: 405."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def coloured(assessments):
    for assessment in assessments:
        assessment.colour = STATUS_COLOURS.get(assessment.status, "secondary")
    return assessments


def file_errors(exc: ServiceError) -> list[RowError]:
    """A rejected file's errors with their line and column (the importer's own list, kept as
    the cause of the service's error); other refusals as lines without a place."""
    cause = exc.__cause__
    if isinstance(cause, ImportRejected):
        return list(cause.errors)
    return [RowError(0, "", message) for message in exc.messages]


def column_labels(columns) -> dict[str, str]:
    """How an error names a column: its key as in the template, with the Vietnamese name."""
    return {c.key: f"{c.key} ({c.aliases[0]})" if c.aliases else c.key for c in columns}


def header(framework: Framework, tab: str, request: HttpRequest) -> dict:
    return {
        "framework": framework,
        "tab": tab,
        "office": is_reform_office(request.user),
        "group_label": framework.group_label,
    }
