"""Recompute the monthly dossier roll-up from every dossier (ADR 0006): after an upgrade from
a version that kept the roll-up another way, after editing dossiers outside the importer, or
with --check to compare the stored sums with a full recompute without changing anything (and
without holding up imports: `rollups.rollup_differences`)."""

import time

from django.core.management.base import BaseCommand, CommandError

from cchc.core.formatting import format_number
from cchc.operations.models import DossierMonthly, ImportKind, ImportRun, StatSource
from cchc.operations.rollups import rollup_differences, rollup_rebuild
from cchc.operations.signals import operational_data_changed


class Command(BaseCommand):
    help = (
        "Tính lại toàn bộ số liệu hồ sơ theo tháng từ các hồ sơ đã nạp, rồi tính lại chỉ tiêu. "
        "Với --check: chỉ so sánh, không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Chỉ so sánh số liệu đang lưu với kết quả tính lại"
        )

    def handle(self, *args, check, **options):
        run = ImportRun.objects.filter(kind=ImportKind.DOSSIERS).order_by("-pk").first()
        if run is None:
            raise CommandError("Chưa có lần nạp hồ sơ nào; không có gì để tính lại.")
        started = time.perf_counter()
        if check:
            rows, differing = rollup_differences()
            self.stdout.write(
                f"Đã so sánh {format_number(rows)} dòng số liệu theo tháng: "
                f"{format_number(differing)} dòng khác với kết quả tính lại."
            )
            if differing:
                raise CommandError(
                    "Số liệu đang lưu khác kết quả tính lại; chạy lệnh không có --check."
                )
            return
        rollup_rebuild(run=run)
        rows = DossierMonthly.objects.filter(source=StatSource.DOSSIERS)
        # The indicators recompute from the new sums, as after an import of every dossier.
        operational_data_changed.send(
            sender=ImportRun, run=run, kind=run.kind, years=set(),
            agency_ids=set(rows.values_list("agency_id", flat=True).distinct()),
            months=set(rows.values_list("month", flat=True).distinct()),
        )  # fmt: skip
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Đã tính lại số liệu hồ sơ theo tháng và các chỉ tiêu "
            f"({format_number(seconds, 1)} giây)."
        )
