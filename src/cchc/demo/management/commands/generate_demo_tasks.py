"""`manage.py generate_demo_tasks [--seed S] [--year Y]`: the demo's plan in motion —
illustrative assignments and progress reports on the plan's tasks (see cchc.demo.plans)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.demo.plans import plan_in_motion
from cchc.plans.models import Plan


class Command(BaseCommand):
    help = (
        "Sinh phân công và báo cáo tiến độ MINH HỌA (có gieo hạt) cho các nhiệm vụ của kế hoạch "
        "trong bản demo: nhiệm vụ văn bản chưa giao được giao cơ quan chủ trì, phối hợp, thời "
        "hạn; cơ quan chủ trì báo cáo tiến độ. Mọi phân công, báo cáo sinh ra đều gắn nhãn "
        "“minh họa”; văn bản kế hoạch không đổi. Chạy lại với cùng hạt giống cho cùng kết quả."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2022, help="hạt giống (mặc định 2022)")
        parser.add_argument("--year", type=int, default=2022, help="năm kế hoạch (mặc định 2022)")

    def handle(self, *args, seed, year, **options):
        plan = Plan.objects.filter(year=year).first()
        if plan is None:
            raise CommandError(f"Chưa có kế hoạch năm {year}; hãy chạy load_reference_data trước.")
        summary = plan_in_motion(plan=plan, seed=seed, today=timezone.localdate())
        self.stdout.write(
            f"Kế hoạch {plan.number or plan.year}: giao minh họa {summary.assigned} nhiệm vụ, "
            f"sinh {summary.reports} báo cáo tiến độ minh họa."
        )
