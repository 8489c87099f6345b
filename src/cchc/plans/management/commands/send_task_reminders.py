from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from cchc.core.formatting import format_date
from cchc.plans.notifications import reminders_send


class Command(BaseCommand):
    help = (
        "Gửi thư nhắc hạn nhiệm vụ cho cơ quan chủ trì, phối hợp và bản tổng hợp hằng tuần cho "
        "Văn phòng CCHC. Chạy mỗi ngày (ví dụ cron 07:00); chạy lại trong ngày không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ngay", help="Ngày chạy (dd/mm/yyyy), mặc định hôm nay")

    def handle(self, *args, ngay=None, **options):
        today = timezone.localdate()
        if ngay:
            day, month, year = (int(x) for x in ngay.split("/"))
            today = date(year, month, day)
        result = reminders_send(today=today)
        self.stdout.write(
            f"{format_date(today)}: {result.reminders} thư nhắc, {result.digests} bản tổng hợp "
            f"({result.messages} thư đã gửi)."
        )
