from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from cchc.core.formatting import format_date, format_number
from cchc.core.xlsx import xlsx_response
from cchc.indicators import applicability, dashboard, figures_cache, periods, records
from cchc.indicators.registry import INDICATORS
from cchc.indicators.selectors import (
    AT_THE_TIME,
    TODAY,
    UNITS_WORDS,
    per_agency,
    readable_agencies,
)
from cchc.operations.selectors import figures_pending
from cchc.organizations.access import member
from cchc.organizations.models import Agency, Tier
from cchc.organizations.selectors import inherited_agencies, scope_for
from cchc.plans import selectors as plan_selectors
from cchc.plans.models import Plan, Target


def _plan(request: HttpRequest, gen: int) -> Plan:
    member(request)
    year = request.GET.get("nam")
    year = year if year and year.isdigit() else None
    today = timezone.localdate()

    def find() -> Plan | None:
        plans = Plan.objects.all()
        plan = plans.filter(year=year).first() if year else None
        if plan is None:
            pk = plan_selectors.current_plan_id(today=today)
            plan = plans.filter(pk=pk).first() if pk is not None else None
        return plan

    plan = figures_cache.remembered(("plan", year, today), find, gen=gen)
    if plan is None:
        raise Http404
    return plan


def _through(request: HttpRequest, plan: Plan, gen: int) -> date | None:
    last = dashboard.data_through_remembered(plan.year, gen=gen)
    month = request.GET.get("thang")
    if month and month.isdigit() and 1 <= int(month) <= 12:
        chosen = date(plan.year, int(month), 1)
        return min(chosen, last) if last else chosen
    return last


def _months(plan: Plan, gen: int) -> range:
    """The months the period selector offers: January to the last month with data (a month
    after it has no figure to show)."""
    last = dashboard.data_through_remembered(plan.year, gen=gen)
    return range(1, (last.month if last else 12) + 1)


@login_required
def targets_dashboard(request: HttpRequest) -> HttpResponse:
    gen = figures_cache.generation()
    plan = _plan(request, gen)
    through = _through(request, plan, gen)
    period = periods.span(request.GET.get("ky"), plan.year, through)
    scope, membership = scope_for(request.user), member(request)

    def figures() -> str:
        statuses = dashboard.plan_statuses(
            plan, scope=scope, through=through, first=period.first_month
        )
        context = {
            "plan": plan,
            "through": through,
            "period": period,
            "period_kinds": periods.KINDS,
            "statuses": [(s, *s.verdict) for s in statuses],
            "synthetic_words": dashboard.synthetic_words(statuses),
            "months": _months(plan, gen),
            "membership": membership,
            "inherited": inherited_agencies(request.user),
        }
        return render_to_string("indicators/_dashboard_figures.html", context, request=request)

    parts = ("dashboard", plan.pk, through, period, membership.role, membership.agency_id)
    return render(
        request,
        "indicators/dashboard.html",
        {
            "plan": plan,
            "figures": mark_safe(figures_cache.cached(parts, scope, figures, gen=gen)),  # noqa: S308 — our own rendered template
            "figures_pending": figures_pending(),
        },
    )


def _target(request: HttpRequest, pk: int, gen: int) -> Target:
    member(request)
    target = figures_cache.remembered(
        ("target", pk),
        Target.objects.select_related("plan").prefetch_related("thresholds").filter(pk=pk).first,
        gen=gen,
    )
    if target is None or target.indicator_code not in INDICATORS:
        raise Http404
    return target


def _units(request: HttpRequest) -> str:
    """Which units the per-agency figures are shown in (`?don_vi=`): as they were, or today's."""
    return TODAY if request.GET.get("don_vi") == TODAY else AT_THE_TIME


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    gen = figures_cache.generation()
    target = _target(request, pk, gen)
    through = _through(request, target.plan, gen)
    period = periods.span(request.GET.get("ky"), target.plan.year, through)
    scope = scope_for(request.user)
    sort = request.GET.get("sap_xep", "ma")
    if sort not in {"ma", "ty_le", "ty_le_giam"}:
        sort = "ma"
    units = _units(request)

    def figures() -> str:
        status = dashboard.target_status(
            target, scope=scope, year=target.plan.year, through=through,
            first=period.first_month,
        )  # fmt: skip
        baseline_year = _baseline_year(target)
        agencies = per_agency(
            target.indicator_code,
            scope=scope,
            year=target.plan.year,
            through=through,
            baseline_year=baseline_year,
            first=period.first_month,
            growth_measure=target.growth_measure,
            levels=status.levels,
            units=units,
        )
        reorganised = (
            units == TODAY
            or Agency.objects.filter(
                pk__in=[r["agency_id"] for r in agencies], valid_to__isnull=False
            ).exists()
        )
        if units == TODAY:  # a re-expressed row has no records of its own to list
            for row in agencies:
                row["urls"] = None
        else:
            records.link_rows(target, INDICATORS[target.indicator_code], agencies, period)
        if sort == "ty_le":
            agencies.sort(key=lambda r: (r["value"] is None, r["value"] or 0))
        elif sort == "ty_le_giam":
            agencies.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0)))
        threshold = next((t.value for t in target.thresholds.all() if not t.tier), None)
        chart = {
            "months": [f"{m:%m/%Y}" for m, _v in (status.overall.trend if status.overall else [])],
            "values": [
                float(v) if v is not None else None
                for _m, v in (status.overall.trend if status.overall else [])
            ],
            "threshold": float(threshold) if threshold is not None else None,
        }
        label, colour = status.verdict
        return render_to_string(
            "indicators/_target_figures.html",
            {
                "target": target,
                "plan": target.plan,
                "status": status,
                "status_label": label,
                "status_colour": colour,
                "indicator": INDICATORS[target.indicator_code],
                "baseline_year": baseline_year,
                "agencies": agencies,
                "sort": sort,
                "units": units,
                "units_words": UNITS_WORDS,
                "reorganised": reorganised,
                "through": through,
                "period": period,
                "period_kinds": periods.KINDS,
                "months": _months(target.plan, gen),
                "chart": chart,
            },
            request=request,
        )

    parts = ("target", target.pk, through, period, sort, units)
    html = figures_cache.cached(parts, scope, figures, gen=gen)
    return render(
        request,
        "indicators/target_detail.html",
        {
            "target": target,
            "plan": target.plan,
            "figures": mark_safe(html),  # noqa: S308 — our own rendered template
            "figures_pending": figures_pending(),
        },
    )


@login_required
def target_agencies_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    gen = figures_cache.generation()
    target = _target(request, pk, gen)
    through = _through(request, target.plan, gen)
    indicator = INDICATORS[target.indicator_code]
    baseline_year, year = _baseline_year(target), target.plan.year
    period = periods.span(request.GET.get("ky"), year, through)
    rows = per_agency(
        target.indicator_code,
        scope=scope_for(request.user),
        year=year,
        through=through,
        baseline_year=baseline_year,
        first=period.first_month,
        growth_measure=target.growth_measure,
        levels=applicability.of_target(target, indicator),
        units=_units(request),
    )
    if indicator.growth:
        figures = [
            f"Năm {baseline_year}",
            f"Năm {year}",
            indicator.denominator_label,
            f"Tăng so với năm {baseline_year} (%)",
            "Thay đổi tỷ lệ (điểm phần trăm)",
        ]
        counts = ["baseline", "n", "d"]
    else:
        figures = [indicator.numerator_label, indicator.denominator_label, "Tỷ lệ (%)"]
        counts = ["n", "d"]
    left_out = [indicator.excluded_label.capitalize()] if indicator.excluded_label else []
    return xlsx_response(
        filename=f"chi-tieu-{target.label}-{target.plan.year}.xlsx",
        title=f"Chỉ tiêu {target.label}: {indicator.title}",
        subtitle=(
            f"Kế hoạch {target.plan.number or target.plan.year}; số liệu {period.words}, "
            f"{UNITS_WORDS[_units(request)]}"
            if through
            else "Chưa có số liệu"
        ),
        headers=["Mã cơ quan", "Cơ quan", "Cấp", *figures, *left_out],
        rows=[
            [
                r["agency__code"],
                r["agency__name"],
                r["tier_label"],
                *(r[key] for key in counts),
                *(
                    _float(r[key])
                    for key in (
                        ("relative_growth", "point_change") if indicator.growth else ("value",)
                    )
                ),
                *([r["excluded"]] if left_out else []),
            ]
            for r in rows
        ],
        note=SYNTHETIC_NOTE if any(r["synthetic"] for r in rows) else "",
    )


RECORDS_PER_PAGE = 50


@login_required
def target_records(request: HttpRequest, pk: int) -> HttpResponse:
    """The records behind one agency's number of a target (`?co_quan=&cap=&thang=&ky=&phan=`),
    or its Excel (`&xuat=xlsx`). Another agency's records answer 404, like a missing one."""
    gen = figures_cache.generation()
    target = _target(request, pk, gen)
    indicator = INDICATORS[target.indicator_code]
    if not records.listed(indicator):
        raise Http404
    scope = scope_for(request.user)
    agency_id = request.GET.get("co_quan", "")
    owners = readable_agencies(indicator.code, scope)
    agency = owners.filter(pk=int(agency_id)).first() if agency_id.isdigit() else None
    tier = request.GET.get("cap", "")
    part = request.GET.get("phan", "tu")
    if agency is None or tier not in Tier.values or part not in records.PARTS:
        raise Http404
    # Only the records behind a row the target counts: an agency outside its applicability
    # has no number on the target's page to open.
    levels = applicability.of_target(target, indicator)
    if not applicability.counts(indicator, levels, agency_level=agency.level, tier=tier):
        raise Http404
    through = _through(request, target.plan, gen)
    period = periods.span(request.GET.get("ky"), target.plan.year, through)
    selected = records.selection(
        indicator, agency_id=agency.pk, tier=tier, period=period, part=part
    )
    if selected is None:
        raise Http404
    listing = records.LISTINGS[indicator.drill]
    label = indicator.numerator_label if part == "tu" else indicator.denominator_label
    when = (
        f"tình trạng đến hết ngày {format_date(period.last_day)}"
        if indicator.aggregation == "stock"
        else f"số liệu {period.words}"
    )
    description = f"{listing.noun} — {'tử số' if part == 'tu' else 'mẫu số'} “{label}”, {when}"
    synthetic = selected.filter(**{listing.synthetic: True}).exists()
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response(
            filename=f"chi-tieu-{target.label}-{agency.code}.xlsx",
            title=f"Chỉ tiêu {target.label}: {indicator.title}",
            subtitle=f"{agency.name}: {format_number(selected.count(), 0)} {description}",
            headers=[title for title, _value in listing.columns],
            rows=[[value(o) for _title, value in listing.columns] for o in selected],
            note=SYNTHETIC_NOTE if synthetic else "",
        )
    page = Paginator(selected, RECORDS_PER_PAGE).get_page(request.GET.get("trang"))
    rows = [[_cell(value(o)) for _title, value in listing.columns] for o in page]
    summed = records.totals(listing, selected)
    return render(
        request,
        "indicators/target_records.html",
        {
            "target": target, "plan": target.plan, "indicator": indicator, "agency": agency,
            "headers": [title for title, _value in listing.columns], "rows": rows, "page": page,
            "description": description, "period": period, "through": through,
            "synthetic": synthetic,
            "totals": [_cell(v) for v in summed] if summed else None,
        },
    )  # fmt: skip


def _float(value):
    return float(value) if value is not None else None


def _cell(value):
    """A count as Vietnamese reads it (1.782); text (years included) as it is."""
    return (
        format_number(value, 0) if isinstance(value, int) and not isinstance(value, bool) else value
    )


def _baseline_year(target: Target) -> int:
    """The year a growth target is measured against."""
    return periods.comparison_year(target.plan.year, target.baseline_year)


SYNTHETIC_NOTE = "Dữ liệu mô phỏng (sinh tự động để dùng thử), không phải số liệu thật."
