"""A published 2022 for the open-data tests (tests/portal/test_opendata.py and the browser
journey): dossiers imported through the real import path, the plan and its figures through
March, a PAR INDEX ranking and an inspection conclusion."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from cchc.inspections.models import Inspection
from cchc.operations.models import ImportRun, Procedure, ProcedureSnapshot
from cchc.organizations.models import Agency
from cchc.parindex.models import Assessment, Framework, Result
from cchc.plans.models import Plan
from cchc.portal import services
from cchc.portal.models import Release
from tests.operations.importing import csv_bytes, load

AGENCIES = ("12-STP", "12-SNV", "106", "106-02", "12")
HEADER = [
    "MaHoSo", "MaTTHC", "MaDonVi", "KenhThucHien", "NgayTiepNhan", "NgayHenTra",
    "NgayKetThucXuLy", "TrangThaiHoSo", "SoLanBoSung", "PhiLePhi", "DuocThanhToanTrucTuyen",
    "DaSoHoaKetQua",
]  # fmt: skip
STATUS = {"done": "Đã giải quyết", "rejected": "Từ chối", "processing": "Đang xử lý"}


def _when(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


def dossier_rows(count: int = 240, seed: int = 18) -> list[list]:
    """Dossiers of five agencies received December 2021 → April 2022: channels, fees, payments,
    digitisation, on time, late, unknown deadlines (procedure 2.002 has no maximum duration),
    two supplement requests, rejections and dossiers still open."""
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        received = datetime(2021, 12, 1, 8) + timedelta(
            days=rng.randrange(0, 150), hours=rng.randrange(0, 8)
        )
        procedure = rng.choice(["1.001", "1.001", "2.002"])
        status = rng.choice(["done", "done", "done", "rejected", "processing"])
        due = received + timedelta(days=rng.randrange(3, 20)) if rng.random() < 0.7 else None
        finished = received + timedelta(days=rng.randrange(1, 30), hours=1)
        fee = rng.choice([0, 0, 50000, 100000])
        rows.append([
            f"000.00.12.H33-{i:05d}", procedure, rng.choice(AGENCIES), rng.choice([1, 2, 2, 3]),
            _when(received), _when(due) if due else "",
            _when(finished) if status != "processing" else "", STATUS[status],
            rng.choice([0, 0, 0, 1, 2]), fee, int(fee > 0 and rng.random() < 0.5),
            int(status == "done" and rng.random() < 0.4),
        ])  # fmt: skip
    return rows


def catalogue_2022() -> None:
    with_payment = Procedure.objects.create(code="1.001", name="Cấp phiếu lý lịch tư pháp")
    plain = Procedure.objects.create(code="2.002", name="Chứng thực bản sao")
    for year in (2021, 2022):
        ProcedureSnapshot.objects.create(
            procedure=with_payment,
            year=year,
            authority_tier="province",
            processing_days=10,
            has_fee=True,
            online_payment=True,
        )
        ProcedureSnapshot.objects.create(procedure=plain, year=year, authority_tier="commune",
                                         processing_days=None, has_fee=True, online_payment=False)  # fmt: skip


def publish_2022(reform_office) -> Release:
    """2022 published through March from dossiers imported through the real import path,
    with a PAR INDEX ranking and an inspection conclusion."""
    catalogue_2022()
    run = load(reform_office, "dossiers", csv_bytes(HEADER, dossier_rows()), "ho-so.csv")
    assert run.status == "done", run.errors[:5]
    plan = Plan.objects.get(year=2022)
    services.plan_publish(actor=reform_office, plan=plan)
    figures = services.figures_publish(actor=reform_office, plan=plan, through=date(2022, 3, 1))
    framework = Framework.objects.create(
        code="PAR-SO-2022", title="Chỉ số CCHC các sở 2022", year=2022, group="department"
    )
    for rank, code in enumerate(("12-STP", "12-SNV"), start=1):
        assessment = Assessment.objects.create(
            agency=Agency.objects.get(code=code), framework=framework, status="published",
            deadline=date(2022, 12, 1),
        )  # fmt: skip
        total = Decimal("90") - rank
        Result.objects.create(
            assessment=assessment, self_total=total, appraised_total=total, survey_total=0,
            bonus=0, penalty=0, total=total, maximum=100, index=total, rank=rank,
            rank_group="department", classification="Tốt",
        )  # fmt: skip
    services.ranking_publish(actor=reform_office, framework=framework)
    inspection_run = ImportRun.objects.create(
        kind="inspections", uploaded_by=reform_office, file_name="kt.csv"
    )
    inspection = Inspection.objects.create(
        agency=Agency.objects.get(code="12-STP"), inspected_on=date(2022, 5, 4),
        import_run=inspection_run, team="Đoàn do ông Nguyễn Văn Bí mật làm trưởng đoàn",
        findings="Biên bản nội bộ: bà Trần Thị Riêng tư chưa nộp báo cáo.",
    )  # fmt: skip
    services.inspection_publish(
        actor=reform_office, inspection=inspection, conclusion="=1+1 Thực hiện tốt kế hoạch."
    )
    return figures
