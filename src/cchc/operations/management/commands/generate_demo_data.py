import sys

from django.core.management.base import BaseCommand

from cchc.core.formatting import format_number
from cchc.operations.synthetic import generate


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu MÔ PHỎNG (có gieo hạt) cho bản demo: danh mục TTHC 2 năm, hồ sơ TTHC, hồ sơ "
        "công việc, văn bản QPPL, kiểm tra, hệ thống thông tin. Mọi số liệu sinh ra đều gắn nhãn "
        "“dữ liệu mô phỏng”. Chạy lại với cùng hạt giống không tạo bản trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossiers", type=int, default=300_000, help="số hồ sơ TTHC (mặc định 300.000)"
        )
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--year", type=int, default=2022)

    def handle(self, *args, dossiers, seed, year, **options):
        def bar(percent: int, stage: str) -> None:
            filled = percent * 30 // 100
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {percent:3d}% {stage:<40}")
            sys.stderr.flush()

        summary = generate(seed=seed, year=year, dossiers=dossiers, progress=bar)
        sys.stderr.write("\n")
        if summary.skipped:
            self.stdout.write(f"Dữ liệu mô phỏng (seed {seed}, năm {year}) đã có; không sinh lại.")
            return
        self.stdout.write(
            f"Đã sinh dữ liệu mô phỏng: {format_number(summary.procedures, 0)} thủ tục, "
            f"{format_number(summary.dossiers, 0)} hồ sơ trong {summary.seconds:.0f} giây."
        )
