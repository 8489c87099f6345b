"""The background worker: first repair what a stopped process left (imports stuck "đang xử
lý", figures left to recompute, queued runs whose task was lost; ADR 0016), then run
django-tasks' database worker with the options given."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cchc.operations.services import imports_recover


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý nền (nạp dữ liệu, tính lại số liệu) sau khi khôi phục các lần nạp bị dừng."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1, help="Giây giữa hai lần kiểm tra hàng đợi"
        )
        parser.add_argument("--recover-only", action="store_true", help="Chỉ khôi phục rồi dừng")

    def handle(self, *args, interval, recover_only, **options):
        done = imports_recover()
        self.stdout.write(
            f"Khôi phục: {done['requeued']} lần nạp chạy lại, {done['failed']} lần nạp dừng hẳn, "
            f"{done['figures']} lần nạp được tính lại số liệu."
        )
        if not recover_only:
            call_command("db_worker", interval=interval)
