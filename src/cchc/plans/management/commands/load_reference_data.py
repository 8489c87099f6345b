from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cchc.core.tabular.columns import ImportRejected
from cchc.organizations.reference import load_agencies
from cchc.organizations.reorganisation import load_name_variants, load_reorganisation
from cchc.plans.reference import PLAN_FILES, load_plan, load_reform_areas


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu tham chiếu kèm theo hệ thống: danh mục cơ quan Lai Châu, lĩnh vực cải cách "
        "(NQ 76/NQ-CP), Kế hoạch CCHC 2022 (4345/KH-UBND) và việc sắp xếp đơn vị năm 2025 (NQ "
        "1670/NQ-UBTVQH15, sáp nhập sở theo NĐ 45/2025/NĐ-CP). Chạy lại không tạo bản trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update-agencies",
            action="store_true",
            help="Đưa tên, cấp, trực thuộc của các cơ quan đã có về đúng như tệp tham chiếu.",
        )
        parser.add_argument(
            "--without-reorganisation",
            action="store_true",
            help="Chỉ nạp cơ cấu năm 2022, không nạp việc sắp xếp năm 2025 (dùng cho kiểm thử).",
        )

    def handle(
        self, *args, update_agencies: bool = False, without_reorganisation: bool = False, **options
    ):
        try:
            with transaction.atomic():
                results = [
                    load_agencies(update=update_agencies),
                    *(
                        ()
                        if without_reorganisation
                        else (load_name_variants(), load_reorganisation())
                    ),
                    load_reform_areas(),
                    *(load_plan(path) for path in PLAN_FILES),
                ]
        except ValidationError as exc:
            raise CommandError(
                "Dữ liệu tham chiếu không hợp lệ, chưa ghi gì:\n" + "\n".join(exc.messages)
            ) from exc
        except ImportRejected as exc:
            lines = [f"dòng {e.row}, cột {e.column}: {e.message}" for e in exc.errors]
            raise CommandError(
                "Dữ liệu sắp xếp tổ chức không hợp lệ, chưa ghi gì:\n" + "\n".join(lines)
            ) from exc
        for result in results:
            self.stdout.write(str(result))
            for note in result.notes:
                self.stdout.write(f"  {note}")
