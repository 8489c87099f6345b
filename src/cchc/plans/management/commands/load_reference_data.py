from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cchc.organizations.reference import load_agencies
from cchc.plans.reference import PLAN_FILES, load_plan, load_reform_areas


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu tham chiếu kèm theo hệ thống: danh mục cơ quan Lai Châu, lĩnh vực cải cách "
        "(NQ 76/NQ-CP) và Kế hoạch CCHC 2022 (4345/KH-UBND). Chạy lại không tạo bản trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update-agencies",
            action="store_true",
            help="Đưa tên, cấp, trực thuộc của các cơ quan đã có về đúng như tệp tham chiếu.",
        )

    def handle(self, *args, update_agencies: bool = False, **options):
        try:
            with transaction.atomic():
                results = [
                    load_agencies(update=update_agencies),
                    load_reform_areas(),
                    *(load_plan(path) for path in PLAN_FILES),
                ]
        except ValidationError as exc:
            raise CommandError(
                "Dữ liệu tham chiếu không hợp lệ, chưa ghi gì:\n" + "\n".join(exc.messages)
            ) from exc
        for result in results:
            self.stdout.write(str(result))
