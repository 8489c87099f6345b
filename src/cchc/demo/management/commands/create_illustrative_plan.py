"""`manage.py create_illustrative_plan [--year 2026] [--from-year 2022]`: the demo's plan of a
year the province has not planned — 2026, under two-level local government; 2025, the year
that changed in the middle, so its synthetic figures have a plan to be read against — marked
illustrative (`Plan.illustrative`), its targets
copied from the bundled plan through the same service as "Sao chép chỉ tiêu từ kế hoạch"
(`plans.services.plan_create(copy_targets_from=…)`), which drops the district thresholds and
says so. Running it again changes nothing; a real plan of that year is never touched."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cchc.organizations.models import Membership, Role
from cchc.plans.models import Plan
from cchc.plans.services import plan_create


class Command(BaseCommand):
    help = (
        "Tạo kế hoạch CCHC MINH HỌA cho bản demo (mặc định năm 2026, chính quyền hai cấp): chỉ "
        "tiêu sao chép từ kế hoạch năm 2022, bỏ ngưỡng cấp huyện. Kế hoạch gắn nhãn “kế hoạch "
        "minh họa” trên mọi trang; chạy lại không tạo thêm gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2026, help="năm kế hoạch (mặc định 2026)")
        parser.add_argument(
            "--from-year", type=int, default=2022, help="kế hoạch lấy chỉ tiêu (mặc định 2022)"
        )

    @transaction.atomic
    def handle(self, *args, year, from_year, **options):
        existing = Plan.objects.filter(year=year).first()
        if existing is not None:
            if existing.illustrative:
                self.stdout.write(f"Đã có kế hoạch minh họa năm {year}; không thay đổi gì.")
            else:
                self.stdout.write(
                    f"Đã có kế hoạch năm {year} ({existing.title}); không tạo kế hoạch minh họa."
                )
            return
        source = Plan.objects.filter(year=from_year).first()
        if source is None:
            raise CommandError(
                f"Chưa có kế hoạch năm {from_year}; hãy chạy load_reference_data trước."
            )
        office = (
            Membership.objects.filter(role=Role.REFORM_OFFICE, user__is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if office is None:
            raise CommandError("Chưa có tài khoản Văn phòng CCHC; hãy chạy seed_demo trước.")
        basis = f"số {source.number}" if source.number else f"năm {from_year}"
        plan = plan_create(
            actor=office.user,
            province=source.province,
            copy_targets_from=source,
            year=year,
            title=f"Kế hoạch CCHC năm {year} (minh họa)",
            issuer="",
            place=source.place,
            purposes=(
                f"Minh họa để xem thử các trang, biểu mẫu và báo cáo của năm {year} theo các cấp "
                "của năm đó (từ 01/07/2025 chính quyền địa phương hai cấp: tỉnh và xã)."
            ),
            source=(
                f"Do bản dùng thử tạo: chỉ tiêu sao chép từ kế hoạch {basis} bằng chức năng "
                "“Sao chép chỉ tiêu từ kế hoạch”, bỏ các ngưỡng cấp huyện."
            ),
            illustrative=True,
        )
        self.stdout.write(f"Đã tạo {plan.title} (cấp: {plan.tier_words}).")
        copy = plan.target_copy
        self.stdout.write(f"  Đã sao chép {copy.copied} chỉ tiêu từ kế hoạch năm {from_year}.")
        for sentence in copy.sentences():
            self.stdout.write(f"  {sentence}")
