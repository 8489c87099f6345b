"""`manage.py generate_demo_data [--dossiers N] [--seed S] [--year Y]`: a seeded synthetic year
of operational data for the demo (see cchc.demo.operations). Progress goes to stderr,
the summary to stdout."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.core.formatting import format_number, format_seconds
from cchc.core.progress import progress_bar
from cchc.demo.operations import generate, run_name


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu MÔ PHỎNG (có gieo hạt) cho bản demo: danh mục TTHC hai năm, hồ sơ TTHC, hồ "
        "sơ công việc, văn bản QPPL và kết quả rà soát, kiểm tra CCHC, hệ thống thông tin. Mọi "
        "bản ghi đi qua bộ nạp dữ liệu như một tệp tải lên và gắn nhãn “dữ liệu mô phỏng”. Chạy "
        "lại với cùng hạt giống và năm không tạo bản ghi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossiers", type=int, default=300_000, help="số hồ sơ TTHC (mặc định 300.000)"
        )
        parser.add_argument("--seed", type=int, default=2022, help="hạt giống (mặc định 2022)")
        parser.add_argument(
            "--year", type=int, default=2022, help="năm sinh dữ liệu (mặc định 2022)"
        )

    def handle(self, *args, dossiers, seed, year, **options):
        if dossiers < 0:
            raise CommandError("Số hồ sơ không được âm.")
        if not 2001 <= year <= timezone.localdate().year:
            raise CommandError("Năm phải từ 2001 đến năm hiện tại.")
        summary = generate(
            seed=seed, year=year, dossiers=dossiers, progress=progress_bar(self.stderr)
        )
        self.stderr.write("")
        self.stdout.write(f"Đã nạp {run_name(seed, year)}:")
        for kind in summary.kinds:
            self.stdout.write(
                f"  {kind.title}: {format_number(kind.rows, 0)} dòng — thêm "
                f"{format_number(kind.created, 0)}, cập nhật {format_number(kind.updated, 0)}, "
                f"không đổi {format_number(kind.unchanged, 0)}"
            )
        if not summary.written:
            self.stdout.write("  Dữ liệu này đã có từ lần chạy trước; không có gì thay đổi.")
        self.stdout.write(f"Thời gian: {format_seconds(summary.seconds)}.")
