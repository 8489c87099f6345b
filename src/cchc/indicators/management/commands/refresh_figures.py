"""Recompute the stored figures (indicator snapshots) from the data, e.g. after an upgrade
that changes what an indicator stores (CHANGELOG says when)."""

import time

from django.core.management.base import BaseCommand, CommandError

from cchc.core.formatting import format_number
from cchc.indicators.models import IndicatorSnapshot
from cchc.indicators.registry import INDICATORS
from cchc.indicators.services import snapshots_refresh


class Command(BaseCommand):
    help = "Tính lại số liệu chỉ tiêu đã lưu từ dữ liệu (mọi cơ quan)."

    def add_arguments(self, parser):
        parser.add_argument("--codes", nargs="*", default=None,
                            help="Mã chỉ số cần tính lại (mặc định: tất cả)")  # fmt: skip
        parser.add_argument("--years", nargs="*", type=int, default=None,
                            help="Các năm cần tính lại (mặc định: các năm đã có số liệu)")  # fmt: skip

    def handle(self, *args, codes, years, **options):
        unknown = sorted(set(codes or ()) - set(INDICATORS))
        if unknown:
            raise CommandError(f"Không có chỉ số: {', '.join(unknown)}.")
        if not years:
            years = sorted(
                {month.year for month in IndicatorSnapshot.objects.dates("month", "year")}
            )
        if not years:
            raise CommandError("Chưa có số liệu chỉ tiêu nào; hãy cho biết năm (--years).")
        started = time.perf_counter()
        written = snapshots_refresh(agency_ids=None, years=years, codes=codes or None)
        self.stdout.write(
            f"Đã tính lại {format_number(written, 0)} dòng số liệu của các năm "
            f"{', '.join(map(str, years))} ({format_number(time.perf_counter() - started, 1)} giây)."
        )
