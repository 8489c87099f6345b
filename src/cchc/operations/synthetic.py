"""Seeded generator of a synthetic, Lai Châu-sized year of operational data for the demo.

Everything it writes belongs to ImportRuns marked `synthetic`, so every page that shows it
carries the "dữ liệu mô phỏng" badge; nothing here is a real statistic. The distributions are
plausible shapes (more dossiers at departments and districts than at communes, seasonality,
agencies that differ in online use and punctuality, progress from 2021 to 2022), chosen so that
every target of the plan shows a value and a trend — not estimates of Lai Châu's reality."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cchc.core.selectors import working_calendar
from cchc.operations.imports.base import Affected, WriteResult
from cchc.operations.imports.dossiers import DossierImporter, on_time
from cchc.operations.imports.fields import VN
from cchc.operations.models import (
    ImportKind,
    ImportRun,
    ImportStatus,
    InformationSystem,
    Inspection,
    LegalDocument,
    LegalReview,
    Procedure,
    ProcedureSnapshot,
    SystemConnection,
    WorkRecordStat,
)
from cchc.operations.services import data_changed
from cchc.organizations.models import Agency, AgencyLevel
from cchc.organizations.scope import AgencyScope

FIELDS = ["Hộ tịch", "Đất đai", "Xây dựng", "Đăng ký kinh doanh", "Giáo dục", "Y tế", "Lao động",
          "Tư pháp", "Giao thông", "Nông nghiệp", "Tài nguyên nước", "Văn hóa", "Công thương"]  # fmt: skip
LEVEL_WEIGHT = {AgencyLevel.DEPARTMENT: 6.0, AgencyLevel.DISTRICT: 8.0, AgencyLevel.COMMUNE: 1.0}
MONTH_WEIGHT = [0.7, 0.6, 1.0, 1.0, 1.05, 1.1, 1.05, 1.0, 1.05, 1.1, 1.15, 1.2]  # Tết in Jan–Feb


@dataclass
class Summary:
    procedures: int = 0
    dossiers: int = 0
    seconds: float = 0.0
    skipped: bool = False


def _run(kind: str, seed: int, year: int) -> ImportRun:
    return ImportRun.objects.create(
        kind=kind, status=ImportStatus.DONE, synthetic=True, progress=100,
        file_name=f"dữ liệu mô phỏng (seed {seed}, năm {year})", finished_at=timezone.now(),
    )  # fmt: skip


def generate(*, seed: int = 2022, year: int = 2022, dossiers: int = 300_000,
             progress: Callable[[int, str], None] | None = None) -> Summary:  # fmt: skip
    """Generate (once per seed and year: a second call with the same ones does nothing)."""
    started = time.perf_counter()
    name = f"dữ liệu mô phỏng (seed {seed}, năm {year})"
    if ImportRun.objects.filter(synthetic=True, kind=ImportKind.DOSSIERS, file_name=name).exists():
        return Summary(skipped=True)
    report = progress or (lambda p, s: None)
    rng = random.Random(seed)  # noqa: S311 — reproducible demo data, not security
    agencies = list(Agency.objects.exclude(level=AgencyLevel.PROVINCE).order_by("code"))
    summary = Summary()

    report(2, "Danh mục thủ tục")
    procedures = _catalogue(rng, seed, year)
    summary.procedures = len(procedures)
    report(10, "Hồ sơ thủ tục")
    summary.dossiers = _dossiers(rng, seed, year, dossiers, agencies, procedures, report)
    report(85, "Hồ sơ công việc, văn bản, kiểm tra, hệ thống")
    _work_records(rng, seed, year, agencies)
    _legal_documents(rng, seed, year, agencies)
    _inspections(rng, seed, year, agencies)
    _systems(rng, seed, year)
    report(100, "Xong")
    summary.seconds = time.perf_counter() - started
    return summary


@transaction.atomic
def _catalogue(rng: random.Random, seed: int, year: int) -> list[tuple[Procedure, str, bool]]:
    """About 2,000 procedures with the baseline year's and this year's catalogue entries;
    online services, payment and portal integration improve between the two."""
    run = _run(ImportKind.PROCEDURES, seed, year)
    tiers = ["province"] * 60 + ["district"] * 25 + ["commune"] * 15
    Procedure.objects.bulk_create(
        [Procedure(code=f"SYN.{i:06d}", name=f"Thủ tục mô phỏng {i}", field=rng.choice(FIELDS))
         for i in range(2000)], ignore_conflicts=True,
    )  # fmt: skip
    result = []
    snapshots = []
    for procedure in Procedure.objects.filter(code__startswith="SYN.").order_by("code"):
        tier = rng.choice(tiers)
        has_fee = rng.random() < 0.35
        eligible = rng.random() < 0.8
        level_before = (
            rng.choices(["none", "2", "3", "4"], [20, 45, 25, 10])[0] if eligible else "none"
        )
        upgrade = level_before in ("none", "2") and rng.random() < 0.22
        level_now = rng.choice(["3", "4"]) if upgrade else level_before
        portal_before = level_before in ("3", "4") and rng.random() < 0.45
        portal_now = portal_before or (level_now in ("3", "4") and rng.random() < 0.35)
        pay_before = has_fee and rng.random() < 0.12
        pay_now = pay_before or (has_fee and rng.random() < 0.30)
        days = rng.choice([1, 3, 5, 7, 10, 15, 20, 30])
        for y, level, portal, pay in ((year - 1, level_before, portal_before, pay_before),
                                      (year, level_now, portal_now, pay_now)):  # fmt: skip
            snapshots.append(ProcedureSnapshot(
                procedure=procedure, year=y, authority_tier=tier, online_level=level,
                eligible_online=eligible, has_fee=has_fee, online_payment=pay,
                on_national_portal=portal, processing_days=days, import_run=run,
            ))  # fmt: skip
        result.append((procedure, tier, pay_now))
    ProcedureSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True, batch_size=2000)
    data_changed(run=run, result=WriteResult(affected=Affected(years={year - 1, year})))
    return result


def _dossiers(rng, seed, year, count, agencies, procedures, report) -> int:
    calendar = working_calendar()
    by_tier = {t: [p for p in procedures if p[1] == t] for t in ("province", "district", "commune")}
    tier_of = {
        AgencyLevel.DEPARTMENT: "province",
        AgencyLevel.DISTRICT: "district",
        AgencyLevel.COMMUNE: "commune",
    }
    # Each agency has its own habits, so that the per-agency table is not flat.
    habits = {a.pk: (rng.uniform(0.05, 0.55), rng.uniform(0.75, 0.99), rng.uniform(0.05, 0.45),
                     rng.uniform(0.02, 0.30)) for a in agencies}  # fmt: skip
    weights = [LEVEL_WEIGHT[a.level] * rng.uniform(0.5, 1.5) for a in agencies]
    month_days = [(m, (date(year, m % 12 + 1, 1) if m < 12 else date(year + 1, 1, 1)) - date(year, m, 1))
                  for m in range(1, 13)]  # fmt: skip
    today = timezone.localdate()
    rows = []
    chosen = rng.choices(agencies, weights=weights, k=count)
    months = rng.choices(range(1, 13), weights=MONTH_WEIGHT, k=count)
    for i, (agency, month) in enumerate(zip(chosen, months, strict=True)):
        online_share, on_time_share, digitised_share, pay_share = habits[agency.pk]
        procedure, _tier, payable = rng.choice(by_tier[tier_of[agency.level]])
        span = month_days[month - 1][1].days
        received = datetime(
            year,
            month,
            rng.randint(1, span),
            rng.randint(7, 16),
            rng.choice([0, 15, 30, 45]),
            tzinfo=VN,
        )
        days = 1 + (i % 10)
        due_day = calendar.add_working_days(calendar.receipt_day(received), days)
        due = datetime(due_day.year, due_day.month, due_day.day, 17, tzinfo=VN)
        roll = rng.random()
        status, finished = "processing", None
        if roll < 0.02:
            status, finished = "withdrawn", received + timedelta(days=rng.randint(0, 5))
        elif roll < 0.05:
            status = "rejected"
        elif roll < 0.97 or month < 11:
            status = "done"
        if status in ("done", "rejected"):
            late = rng.random() > on_time_share
            finished = (
                due - timedelta(days=rng.randint(0, days))
                if not late
                else due + timedelta(days=rng.randint(1, 10))
            )
            finished = max(finished, received + timedelta(hours=2))
            if finished.date() > today:
                status, finished = "processing", None
        fee = (
            Decimal(rng.choice([20000, 50000, 100000]))
            if payable or rng.random() < 0.1
            else Decimal(0)
        )
        rows.append({
            "_row": i + 2, "code": f"{agency.code}-{received:%y%m%d}-{i:06d}", "procedure": procedure,
            "agency": agency, "channel": 2 if rng.random() < online_share else rng.choice([1, 1, 1, 3]),
            "received_at": received, "due_at": due, "finished_at": finished, "status": status,
            "supplement_count": 0, "supplement_days": 0, "fee": fee,
            "paid_online": bool(fee) and payable and rng.random() < pay_share,
            "result_digitized": status == "done" and rng.random() < digitised_share,
        })  # fmt: skip
        row = rows[-1]
        row["finished_on_time"] = on_time(
            calendar, due_at=due, finished_at=finished if status in ("done", "rejected") else None,
            supplement_count=0, supplement_days=0,
        )  # fmt: skip
        if i and i % 50_000 == 0:
            report(10 + 50 * i // count, f"Hồ sơ thủ tục: {i:,}".replace(",", "."))
    run = _run(ImportKind.DOSSIERS, seed, year)
    importer = DossierImporter(scope=AgencyScope.everything())
    report(62, "Ghi hồ sơ")
    result = importer.write(rows, run=run)
    report(72, "Tổng hợp theo tháng, tính chỉ số")
    data_changed(run=run, result=result)
    ImportRun.objects.filter(pk=run.pk).update(rows_total=count, rows_created=result.created)
    return result.created


def _work_records(rng, seed, year, agencies):
    run = _run(ImportKind.WORK_RECORDS, seed, year)
    base = {
        AgencyLevel.DEPARTMENT: (0.45, 0.75),
        AgencyLevel.DISTRICT: (0.3, 0.6),
        AgencyLevel.COMMUNE: (0.15, 0.45),
    }
    rows = []
    for agency in agencies:
        start, end = base[agency.level]
        share = rng.uniform(start, end)
        for month in range(1, 13):
            total = (
                rng.randint(20, 400) if agency.level != AgencyLevel.COMMUNE else rng.randint(5, 80)
            )
            share_m = min(0.98, share + 0.01 * month + rng.uniform(-0.05, 0.05))
            rows.append(WorkRecordStat(agency=agency, month=date(year, month, 1), total=total,
                                       online=int(total * max(share_m, 0)), import_run=run))  # fmt: skip
    WorkRecordStat.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    data_changed(
        run=run,
        result=WriteResult(affected=Affected(agency_ids={a.pk for a in agencies}, years={year})),
    )


def _legal_documents(rng, seed, year, agencies):
    run = _run(ImportKind.LEGAL_DOCUMENTS, seed, year)
    issuers = [a for a in agencies if a.level == AgencyLevel.DEPARTMENT]
    findings = ["none"] * 8 + ["overlapping", "contradictory", "expired", "unsuitable"]
    for i in range(60):
        issued = date(year, rng.randint(1, 12), rng.randint(1, 28))
        document, _ = LegalDocument.objects.get_or_create(
            number=f"{i + 1}/{year}/QĐ-UBND", issued_on=issued,
            defaults={"agency": rng.choice(issuers), "doc_type": "Quyết định",
                      "title": f"Quyết định mô phỏng số {i + 1}", "import_run": run},
        )  # fmt: skip
        if rng.random() < 0.9:
            reviewed = issued + timedelta(days=rng.randint(5, 60))
            if reviewed.year == year:
                LegalReview.objects.get_or_create(
                    document=document, reviewed_on=reviewed,
                    defaults={"finding": rng.choice(findings), "import_run": run},
                )  # fmt: skip
    data_changed(
        run=run,
        result=WriteResult(affected=Affected(agency_ids={a.pk for a in issuers}, years={year})),
    )


def _inspections(rng, seed, year, agencies):
    run = _run(ImportKind.INSPECTIONS, seed, year)
    pool = [a for a in agencies if a.level in (AgencyLevel.DEPARTMENT, AgencyLevel.DISTRICT)]
    for agency in rng.sample(pool, k=round(len(pool) * 0.36)):
        Inspection.objects.get_or_create(
            agency=agency, inspected_on=date(year, rng.randint(3, 11), rng.randint(1, 28)),
            defaults={"team": "Đoàn kiểm tra CCHC (mô phỏng)", "covers_organisation": rng.random() < 0.6,
                      "covers_discipline": rng.random() < 0.5, "import_run": run},
        )  # fmt: skip
    data_changed(
        run=run,
        result=WriteResult(affected=Affected(agency_ids={a.pk for a in pool}, years={year})),
    )


def _systems(rng, seed, year):
    run = _run(ImportKind.SYSTEMS, seed, year)
    owner = (
        Agency.objects.filter(code="12-STTTT").first()
        or Agency.objects.filter(level=AgencyLevel.DEPARTMENT).first()
    )
    office = Agency.objects.filter(code="12-VPUB").first() or owner
    specs = [("SYN-PORTAL", "Cổng dịch vụ công tỉnh (mô phỏng)", "provincial_portal", office),
             ("SYN-ONESTOP", "Hệ thống thông tin một cửa điện tử (mô phỏng)", "one_stop", office),
             ("SYN-REPORT", "Hệ thống thông tin báo cáo của tỉnh (mô phỏng)", "reporting", owner)]  # fmt: skip
    for code, name, kind, agency in specs:
        system, _ = InformationSystem.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "owner": agency, "import_run": run}
        )
        for target, month in (
            ("national_portal", rng.randint(1, 9)),
            ("national_reporting", rng.randint(3, 12)),
        ):
            SystemConnection.objects.get_or_create(
                system=system, target=target,
                defaults={"connected_on": date(year, month, 15) if rng.random() < 0.85 else None, "import_run": run},
            )  # fmt: skip
    data_changed(
        run=run,
        result=WriteResult(affected=Affected(agency_ids={office.pk, owner.pk}, years={year})),
    )
