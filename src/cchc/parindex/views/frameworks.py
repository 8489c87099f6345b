"""Frameworks (bộ tiêu chí): importing a framework file (and reloading it, carrying its version,
ADR 0013), its template, and a framework's page — the criteria tree, read by every role, and
its assessments table, filtered by the reader's scope. Importing is the reform office's (403
for any other role, on GET and on POST)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.formatting import format_number
from cchc.core.services import ServiceError
from cchc.core.tabular.columns import ImportRejected, RowError
from cchc.core.users import AuthenticatedHttpRequest
from cchc.core.xlsx import csv_response
from cchc.indicators.registry import INDICATORS
from cchc.organizations.access import member, require_office
from cchc.organizations.selectors import scope_for
from cchc.parindex import frameworks, selectors
from cchc.parindex.models import ScoringType
from cchc.parindex.office_forms import FrameworkImportForm
from cchc.parindex.services import frameworks as framework_services
from cchc.parindex.views.common import (
    coloured,
    column_labels,
    file_errors,
    framework_or_404,
    header,
    read_only,
)

TEMPLATE_HEADER = [
    "code", "parent_code", "title", "max_points", "scoring_rule", "evidence_required",
    "source_url", "scoring_type", "step", "indicator_code", "full_at", "zero_at",
]  # fmt: skip
TEMPLATE_EXAMPLE = [
    ["1", "", "Công tác chỉ đạo, điều hành cải cách hành chính", "13",
     "Lĩnh vực 1: tổng điểm các tiêu chí thành phần.", "", "", "", "", "", "", ""],
    ["1.1", "1", "Ban hành kế hoạch CCHC năm của cơ quan", "2",
     "Đúng hạn, đủ nhiệm vụ: 2 điểm; chậm hoặc thiếu: 1 điểm; không ban hành: 0 điểm.",
     "Kế hoạch CCHC năm của cơ quan", "", "self_assessed", "0,5", "", "", ""],
    ["1.2", "1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "3", "Đủ điểm khi ≥ 100%, 0 điểm khi ≤ 80%.",
     "Tự động", "", "computed", "", "ON_TIME_RATE", "100", "80"],
    ["1.3", "1", "Mức độ hài lòng của người dân (điều tra xã hội học)", "3", "", "", "",
     "survey", "", "", "", ""],
]  # fmt: skip


@login_required
def framework_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a framework file (CSV/XLSX) with what the file does not say; all or nothing,
    every error with its line and column. `?mau=csv` downloads a template. `?bo=<pk>`
    reloads that framework ("Nạp lại tệp" on its page), carrying its version (ADR 0013);
    the plain page only creates, so that no reload goes without a version."""
    require_office(request.user)
    if request.method == "GET" and request.GET.get("mau") == "csv":
        return csv_response([TEMPLATE_HEADER, *TEMPLATE_EXAMPLE], "mau-bo-tieu-chi.csv")
    reloading = framework_or_404(_pk_param(request.GET.get("bo"))) if "bo" in request.GET else None
    initial = {} if reloading else {"year": timezone.localdate().year, "par_index": True}
    form = FrameworkImportForm(
        request.POST or None, request.FILES or None, initial=initial, editing=reloading
    )
    errors: list[RowError] = []
    existing = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            load = framework_services.framework_import(
                actor=request.user, spec=form.spec(), content=upload.read(),
                file_name=upload.name, version=form.read_version(), new_only=reloading is None,
            )  # fmt: skip
        except ServiceError as exc:
            if isinstance(exc.__cause__, ImportRejected):
                errors = file_errors(exc)
            else:  # a refusal of the whole import, on top of the form as other pages do
                form.add_error(None, exc)
                if reloading is None:
                    existing = form.spec().existing()
        else:
            messages.success(
                request,
                _(
                    "Đã nạp bộ tiêu chí: thêm %(c)d, sửa %(u)d, xóa %(d)d, giữ nguyên %(n)d tiêu chí."
                )
                % {"c": load.created, "u": load.updated, "d": load.deleted, "n": load.unchanged},
            )
            for note in load.notes:
                messages.warning(request, note)
            return redirect("parindex:framework_detail", pk=load.framework.pk)
    return render(
        request,
        "parindex/framework_import.html",
        {
            "form": form,
            "reloading": reloading,
            "existing": existing,
            "errors": errors,
            "columns": frameworks.COLUMNS,
            "required_headers": frameworks.HEADER_REQUIRED,
            "labels": column_labels(frameworks.COLUMNS),
        },
    )


def _pk_param(value: str | None) -> int:
    if value is None or not value.isdigit():
        raise Http404
    return int(value)


def _scale(criterion) -> str:
    """The points scale of a computed criterion, as the page says it."""
    if criterion.full_at is None:
        return ""
    full = criterion.full_at
    zero = criterion.zero_at if criterion.zero_at is not None else 0
    up, down = (_("trở lên"), _("trở xuống")) if full >= zero else (_("trở xuống"), _("trở lên"))
    return _("đủ điểm từ %(full)s%% %(up)s, 0 điểm từ %(zero)s%% %(down)s, tuyến tính ở giữa") % {
        "full": format_number(full, 2), "zero": format_number(zero, 2), "up": up, "down": down,
    }  # fmt: skip


@login_required
def framework_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The criteria tree (every role) and the assessments table (in the reader's scope)."""
    member(request)
    if (response := read_only(request)) is not None:
        return response
    framework = framework_or_404(pk)
    tree = selectors.criteria_tree(framework)
    summary: dict[str, list] = defaultdict(lambda: [0, 0])
    for criterion in tree:
        indicator = INDICATORS.get(criterion.indicator_code)
        criterion.indicator_title = indicator.title if indicator else ""
        criterion.scale = _scale(criterion)
        criterion.indent = f"{0.25 + 1.25 * criterion.depth:g}"
        criterion.scored = criterion.is_leaf and criterion.max_points is not None
        if criterion.scored:
            summary[criterion.scoring_type][0] += 1
            summary[criterion.scoring_type][1] += criterion.max_points
    unscored = [c.code for c in tree if c.is_leaf and c.max_points is None]
    rows = coloured(
        selectors.framework_assessments(framework=framework, scope=scope_for(request.user))
    )
    return render(
        request,
        "parindex/framework_detail.html",
        {
            **header(framework, "criteria", request),
            "tree": tree,
            "summary": [
                (label, *summary[kind]) for kind, label in ScoringType.choices if kind in summary
            ],
            "scored_count": sum(v[0] for v in summary.values()),
            "scored_max": sum((v[1] for v in summary.values()), 0),
            "unscored": unscored,
            "rows": rows,
        },
    )
