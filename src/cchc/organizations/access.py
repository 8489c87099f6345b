"""Authority: who may write which kind of data — the one table (role × data kind).

Reads go through the scope (`selectors.scope_for(user)`), and what is read decides which part
of the scope applies: agency-owned rows are filtered by `scope.agency_ids`; PAR INDEX
assessments (with their scores, evidence and messages) also admit those assigned to an
appraiser in the rounds it appraises (`scope.appraiser_id`, applied by the parindex
querysets) — nothing else of those agencies.

Writes are decided here. Nobody authors the records that judge their own agency: inspections
and their findings, PAR INDEX appraisal and results, information systems and their
connections (target 7), the plan and its targets are the reform office's; an agency writes its
own operational rows (dossiers, work records, legal documents), its task progress, its report
and its self-assessment; an appraiser writes the appraisal of what it is assigned. Pages,
imports, exports and commands all ask `may_write` / `require_write` / `write_scope`."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import wraps
from typing import Any, Protocol, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise, StrPromise

from cchc.core.users import AnyUser
from cchc.organizations.models import Agency, AgencyLevel, Membership, Role
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import is_reform_office, membership_of


class DataKind(models.TextChoices):
    """The kinds of data whose author is decided by one rule each."""

    PLAN = "plan", _("kế hoạch, chỉ tiêu, nhiệm vụ")
    AGENCIES = "agencies", _("danh mục cơ quan, đơn vị")
    CATALOGUE = "catalogue", _("danh mục thủ tục hành chính")
    OPERATIONAL = "operational", _("hồ sơ TTHC, hồ sơ công việc, văn bản QPPL")
    TASK_PROGRESS = "task_progress", _("tiến độ nhiệm vụ")
    REPORTS = "reports", _("báo cáo định kỳ")
    INSPECTIONS = "inspections", _("kiểm tra CCHC và kết luận kiểm tra")
    SYSTEMS = "systems", _("hệ thống thông tin và kết nối")
    SELF_ASSESSMENT = "self_assessment", _("tự đánh giá Chỉ số CCHC")
    APPRAISAL = "appraisal", _("thẩm định Chỉ số CCHC")
    PUBLICATION = "publication", _("nội dung công khai trên trang thông tin CCHC")
    PARINDEX_RESULTS = (
        "parindex_results",
        _("bộ tiêu chí, đợt đánh giá, điều tra xã hội học, điểm thưởng/trừ, kết quả Chỉ số CCHC"),
    )
    NATIONAL_FIGURES = (
        "national_figures",
        _("kết quả Bộ chỉ số 766 công bố và ngưỡng chênh lệch khi đối chiếu"),
    )


class Reach(Enum):
    """Which rows of a kind a role may write."""

    ANY = "any"  # every agency's
    OWN = "own"  # its own agency's only
    PROVINCE = "province"  # the province's own row (e.g. the province's periodic report)
    ASSIGNED = "assigned"  # what it is assigned to (PAR INDEX appraisal)


K = DataKind
WRITES: dict[str, dict[DataKind, Reach]] = {
    Role.REFORM_OFFICE: {
        K.PLAN: Reach.ANY,
        K.AGENCIES: Reach.ANY,
        K.CATALOGUE: Reach.ANY,
        K.OPERATIONAL: Reach.ANY,
        K.REPORTS: Reach.PROVINCE,
        K.INSPECTIONS: Reach.ANY,
        K.SYSTEMS: Reach.ANY,
        K.PARINDEX_RESULTS: Reach.ANY,
        K.PUBLICATION: Reach.ANY,
        K.NATIONAL_FIGURES: Reach.ANY,
    },
    Role.AGENCY_OFFICER: {
        K.OPERATIONAL: Reach.OWN,
        K.TASK_PROGRESS: Reach.OWN,
        K.REPORTS: Reach.OWN,
        K.SELF_ASSESSMENT: Reach.OWN,
    },
    Role.APPRAISER: {K.APPRAISAL: Reach.ASSIGNED},
    Role.LEADER: {},
}

OFFICE_ONLY = _("Chỉ Văn phòng CCHC (Sở Nội vụ) được ghi %(kind)s.")
OFFICE_ACTION = _("Chỉ Văn phòng CCHC (Sở Nội vụ) được %(action)s.")
REFUSALS: dict[DataKind, StrPromise] = {
    K.OPERATIONAL: _(
        "Tài khoản của bạn không được nạp %(kind)s; cán bộ đầu mối CCHC nạp dữ liệu của cơ "
        "quan mình, Văn phòng CCHC nạp cho mọi cơ quan."
    ),
    K.TASK_PROGRESS: _("Chỉ cán bộ của cơ quan chủ trì hoặc phối hợp được báo cáo tiến độ."),
    K.REPORTS: _("Chỉ cơ quan lập báo cáo được sửa báo cáo của mình."),
    K.SELF_ASSESSMENT: _("Chỉ cán bộ đầu mối CCHC của cơ quan được tự chấm điểm."),
    K.APPRAISAL: _("Chỉ thành viên tổ thẩm định được phân công mới được thẩm định."),
}


def reach(user: AnyUser, kind: DataKind) -> Reach | None:
    """How far `user` may write `kind`; None: not at all."""
    membership = membership_of(user)
    if membership is None:
        return None
    return WRITES.get(membership.role, {}).get(kind)


def may_write(user: AnyUser, kind: DataKind, agency: Agency | None = None) -> bool:
    """Whether `user` may write rows of `kind` — of `agency` when given, of some agency
    otherwise. ASSIGNED is answered at the kind's level: the assignment itself is checked by
    the PAR INDEX services, which own it."""
    how = reach(user, kind)
    if how is None:
        return False
    if agency is None or how in {Reach.ANY, Reach.ASSIGNED}:
        return True
    if how is Reach.PROVINCE:
        return agency.level == AgencyLevel.PROVINCE
    membership = membership_of(user)  # not None: it has a reach
    return membership is not None and membership.agency_id == agency.pk


def refusal(kind: DataKind, action: str | None = None) -> str:
    """The Vietnamese sentence that says who writes `kind` (naming `action`, e.g. "chốt kết
    quả", for a kind only the reform office writes)."""
    if action and kind not in REFUSALS:
        return str(OFFICE_ACTION) % {"action": action}
    return str(REFUSALS.get(kind, OFFICE_ONLY)) % {"kind": kind.label}


def require_write(
    user: AnyUser,
    kind: DataKind,
    agency: Agency | None = None,
    *,
    action: str | None = None,
) -> None:
    if not may_write(user, kind, agency):
        raise PermissionDenied(refusal(kind, action))


def write_scope(user: AnyUser, kind: DataKind) -> AgencyScope:
    """The agencies whose rows of `kind` `user` may write: what an import resolves its agency
    codes against, so that a row of any other agency rejects the file."""
    how = reach(user, kind)
    if how is Reach.ANY:
        return AgencyScope.everything()
    membership = membership_of(user)  # not None when it has a reach
    if how is Reach.OWN and membership is not None:
        return AgencyScope.of([membership.agency_id])
    if how is Reach.PROVINCE:
        return AgencyScope.of(
            Agency.objects.filter(level=AgencyLevel.PROVINCE).values_list("pk", flat=True)
        )
    return AgencyScope.nothing()


# --- The guards of pages and API views: the one home of "needs a role" and "reform office
# only" (issue 21). Reads are scoped by `selectors.scope_for`; these say who may be here. ---


def member(request: HttpRequest) -> Membership:
    """The user's membership; a user without a role meets a section that does not exist (404,
    so that nothing tells them what is behind it)."""
    membership = membership_of(request.user)
    if membership is None:
        raise Http404
    return membership


def require_office(user: AnyUser, action: StrOrPromise | None = None) -> None:
    """Refuse (403, in Vietnamese) anyone but the reform office: "Chỉ Văn phòng CCHC (Sở Nội
    vụ) được <action>."."""
    if not is_reform_office(user):
        raise PermissionDenied(str(OFFICE_ACTION) % {"action": action or _("làm việc này")})


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for every role (logged in, with a membership; otherwise 404)."""

    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        member(request)
        return view(request, *args, **kwargs)

    return guarded


def office_required(action: StrOrPromise | None = None):
    """A page of the reform office only (logged in; anyone else 403 with `action` named)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_office(request.user, action)
            return view(request, *args, **kwargs)

        return guarded

    return decorate


_Row = TypeVar("_Row", bound=models.Model, covariant=True)


class Scoped(Protocol[_Row]):
    """Agency-owned rows: a `ScopedQuerySet`, or the manager made from one (`Agency.objects`)."""

    def visible_to(self, scope: AgencyScope) -> models.QuerySet[_Row]: ...


def get_visible_or_404(queryset: Scoped[_Row], scope: AgencyScope, **lookup: Any) -> _Row:
    """The row `lookup` finds among those `scope` may read; 404 otherwise — never 403, so that
    another agency's row cannot be told from a missing one."""
    try:
        return queryset.visible_to(scope).get(**lookup)
    except ObjectDoesNotExist as exc:  # the model's DoesNotExist
        raise Http404 from exc
