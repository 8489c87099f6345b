"""Backtest of the year-end projections (docs/kpi/projections.md): a synthetic year generated
with the product's seeded generator, each target projected at each month-end as if the data
stopped there (the snapshots of months 1..m: every flow counter is counted by the month it
happens in, so months 1..m are exactly what was known at the end of month m; inspections by
the end of month m; the inspection plan as recorded at the start of the year), compared with
the value at the year's end. The same numbers also go through the former method (a
straight-line trend for running rates, the pace so far for inspections, the value for the
rest), copied below, so before and after are measured on the same data.

Usage (a fresh SQLite file under var/; a few minutes for 50.000 dossiers):
  .venv/bin/python benchmarks/projection_backtest.py [--seed 2022] [--dossiers 50000]
Prints figures; asserts nothing. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
YEAR = 2022


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--dossiers", type=int, default=50_000)
    parser.add_argument(
        "--unplanned", type=int, default=3,
        help="agencies in the inspection plan that are not inspected in the year (default 3)",
    )  # fmt: skip
    parser.add_argument(
        "--min-months", type=int, default=None,
        help="months with data before a running rate gets an interval (and a call); "
        "default: the product's (formulas.MIN_MONTHS)",
    )  # fmt: skip
    return parser.parse_args()


def setup(seed: int) -> None:
    path = ROOT / "var" / f"backtest-{seed}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["CCHC_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)


# --- the former method (main before issue 16), kept here only to compare ------------------


def _old_trend_at(points, x):
    count = Decimal(len(points))
    mean_x = sum(p[0] for p in points) / count
    mean_r = sum(p[1] for p in points) / count
    sxx = sum((p[0] - mean_x) ** 2 for p in points)
    sxr = sum((p[0] - mean_x) * (p[1] - mean_r) for p in points)
    slope = sxr / sxx
    return mean_r - slope * mean_x + slope * x


def old_projection(monthly: Sequence[tuple[int, int]], kind: str) -> Decimal | None:
    """`project_year_end` as it was: "trend" (flow), "pace" (stock) or the value ("current")."""
    if not monthly:
        return None
    pairs = [(Decimal(n), Decimal(d)) for n, d in monthly]
    m, year = Decimal(len(pairs)), Decimal(12)
    if kind == "current":
        n, d = pairs[-1]
        return _q(100 * n / d) if d else None
    if kind == "pace":
        n, d = pairs[-1]
        return _q(100 * min(d, n * year / m) / d) if d else None
    points = [(Decimal(i), 100 * n / d) for i, (n, d) in enumerate(pairs, start=1) if d]
    total = sum(d for _, d in pairs)
    if not total:
        return None
    ytd = 100 * sum(n for n, _ in pairs) / total
    trend = _old_trend_at(points, year) if len(points) >= 2 else ytd
    return _q(min(Decimal(100), max(Decimal(0), (m * ytd + (year - m) * trend) / year)))


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- the backtest -----------------------------------------------------------------------------


def record_inspection_plan(seed: int, unplanned: int) -> int:
    """The year's inspection plan as the reform office would have recorded it in January: the
    departments and districts inspected during the year, and `unplanned` more that the plan
    names but nobody inspects (a plan not carried out in full)."""
    from cchc.inspections.models import Inspection, InspectionPlanItem
    from cchc.organizations.accounts import account_ensure
    from cchc.organizations.models import Agency, AgencyLevel

    office = Agency.objects.get(code="12-SNV")
    actor, _ = account_ensure(username="backtest", password="Lai-Chau-kiem-chung-2022",
                              role="reform_office", agency=office)  # fmt: skip
    counted = Agency.objects.filter(level__in=[AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT])
    inspected = set(
        Inspection.objects.filter(inspected_on__year=YEAR, agency__in=counted).values_list(
            "agency_id", flat=True
        )
    )
    others = sorted(set(counted.values_list("pk", flat=True)) - inspected)
    extra = random.Random(seed).sample(others, k=min(unplanned, len(others)))
    for agency_id in sorted(inspected) + extra:
        InspectionPlanItem.objects.create(year=YEAR, agency_id=agency_id, created_by=actor)
    return len(inspected) + len(extra)


OLD_KIND = {"flow": "trend", "INSPECTION_COVERAGE": "pace"}


def backtest() -> list[dict]:
    from cchc.indicators import formulas
    from cchc.indicators.dashboard import target_status
    from cchc.indicators.selectors import _monthly, snapshots
    from cchc.organizations.scope import AgencyScope
    from cchc.plans.models import Plan

    everyone = AgencyScope.everything()
    plan = Plan.objects.get(year=YEAR)
    rows = []
    for target in plan.targets.prefetch_related("thresholds").order_by("number", "part"):
        if not target.indicator_code:
            continue
        final = target_status(target, scope=everyone, year=YEAR, through=date(YEAR, 12, 1))
        finals = {label: e for label, e in final.tiers} or {"": final.overall}
        if final.overall is None:
            continue
        indicator = final.overall.indicator
        old_kind = OLD_KIND.get(indicator.code) or OLD_KIND.get(indicator.aggregation, "current")
        if indicator.growth:
            old_kind = "growth"
        for month in range(1, 13):
            status = target_status(target, scope=everyone, year=YEAR, through=date(YEAR, month, 1))
            evaluations = {label: e for label, e in status.tiers} or {"": status.overall}
            tiers = {t.get_tier_display(): t.tier for t in target.thresholds.all() if t.tier}
            for label, e in evaluations.items():
                end = finals[label]
                series = _monthly(
                    snapshots(indicator.code, scope=everyone, tier=tiers.get(label)).filter(
                        month__year=YEAR, month__lte=date(YEAR, month, 1)
                    )
                )
                by_month = {m[0].month: (m[1], m[2]) for m in series}
                monthly = [by_month.get(i, (0, 0)) for i in range(1, month + 1)]
                old = e.value if old_kind == "growth" else old_projection(monthly, old_kind)
                old_risk = (
                    None if old is None or e.threshold is None
                    else not formulas.meets(old, comparator=e.comparator, threshold=e.threshold)
                )  # fmt: skip
                rows.append({
                    "target": target.label, "tier": label, "month": month,
                    "code": indicator.code, "method": indicator.projection,
                    "value": e.value, "final": end.value, "threshold": e.threshold,
                    "final_met": end.met, "forecast": e.forecast, "at_risk": e.at_risk,
                    "old": old, "old_at_risk": old_risk,
                })  # fmt: skip
    return rows


def _pp(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def _err(projection: Decimal | None, final: Decimal | None) -> Decimal | None:
    return None if projection is None or final is None else projection - final


def _call(at_risk: bool | None) -> str:
    return {True: "nguy cơ", False: "giữ được", None: "không kết luận"}[at_risk]


def report(rows: list[dict]) -> None:
    print("\n## Per target × month-end\n")
    print(
        "| target | tier | month | YTD | projection | interval | call | error (pp) "
        "| old projection | old call | old error (pp) | year-end |"
    )
    print("|---|---|---:|---:|---:|---|---|---:|---:|---|---:|---:|")
    for r in rows:
        f = r["forecast"]
        projection = f.value if f else None
        interval = f"{_pp(f.low)}–{_pp(f.high)}" if f and f.low is not None else "—"
        print(
            f"| {r['target']} | {r['tier'] or 'chung'} | {r['month']} | {_pp(r['value'])} "
            f"| {_pp(projection)} | {interval} | {_call(r['at_risk'])} "
            f"| {_pp(_err(projection, r['final']))} | {_pp(r['old'])} "
            f"| {_call(r['old_at_risk'])} | {_pp(_err(r['old'], r['final']))} "
            f"| {_pp(r['final'])} |"
        )
    print("\n## Summary per target (month-ends 1–11; month 12 is the year-end itself)\n")
    print("Calls: at risk right/wrong · not at risk right/wrong · no call.\n")
    print(
        "| target | tier | method | year-end | MAE new (pp) | interval covered "
        "| calls new | MAE old (pp) | calls old |"
    )
    print("|---|---|---|---:|---:|---:|---|---:|---|")
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if r["month"] < 12:
            groups.setdefault((r["target"], r["tier"]), []).append(r)
    for (target, tier), group in groups.items():
        new = [
            abs(e) for r in group
            if (e := _err(r["forecast"].value if r["forecast"] else None, r["final"])) is not None
        ]  # fmt: skip
        old = [abs(e) for r in group if (e := _err(r["old"], r["final"])) is not None]
        with_interval = [r for r in group if r["forecast"] and r["forecast"].low is not None]
        covered = sum(
            1 for r in with_interval
            if r["final"] is not None and r["forecast"].low <= r["final"] <= r["forecast"].high
        )  # fmt: skip

        mae_new = _pp(sum(new) / len(new)) if new else "—"
        mae_old = _pp(sum(old) / len(old)) if old else "—"
        print(
            f"| {target} | {tier or 'chung'} | {group[0]['method']} | {_pp(group[0]['final'])} "
            f"| {mae_new} | {covered}/{len(with_interval)} "
            f"| {_calls(group, lambda r: r['at_risk'])} | {mae_old} "
            f"| {_calls(group, lambda r: r['old_at_risk'])} |"
        )


def _calls(group: list[dict], call) -> str:
    def count(verdict, final_met):
        return sum(1 for r in group if call(r) is verdict and r["final_met"] is final_met)

    silent = sum(1 for r in group if call(r) is None)
    return (f"{count(True, False)}/{count(True, True)} · {count(False, True)}/"
            f"{count(False, False)} · {silent}")  # fmt: skip


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    setup(args.seed)
    from cchc.demo.operations import generate
    from cchc.indicators import formulas

    if args.min_months is not None:
        formulas.MIN_MONTHS = args.min_months

    summary = generate(seed=args.seed, year=YEAR, dossiers=args.dossiers)
    planned = record_inspection_plan(args.seed, args.unplanned)
    print(f"# Projection backtest: synthetic year {YEAR}, seed {args.seed}, "
          f"{summary.dossiers:,} dossiers; inspection plan of {planned} agencies "
          f"({args.unplanned} never inspected); running rates called from "
          f"{formulas.MIN_MONTHS} months with data; generated in {summary.seconds:.0f} s")  # fmt: skip
    report(backtest())
    print(f"\n({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
