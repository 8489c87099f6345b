from django.core.management.base import BaseCommand

from cchc.organizations.accounts import account_ensure
from cchc.organizations.models import Agency, Role

DEMO_PASSWORD = "LaiChau@2022"  # noqa: S105 — printed for demo accounts only
# (username, agency code, role, description shown to the person trying the demo)
DEMO_ACCOUNTS = [
    ("vanphong.cchc", "12-SNV", Role.REFORM_OFFICE, "Văn phòng CCHC, Sở Nội vụ (quản trị)"),
    ("so.tuphap", "12-STP", Role.AGENCY_OFFICER, "Cán bộ đầu mối CCHC, Sở Tư pháp"),
    ("huyen.tamduong", "106", Role.AGENCY_OFFICER, "Cán bộ đầu mối CCHC, UBND huyện Tam Đường"),
    ("xa.banbo", "106-02", Role.AGENCY_OFFICER, "Cán bộ đầu mối CCHC, UBND xã Bản Bo"),
    ("thamdinh", "12-SNV", Role.APPRAISER, "Thành viên tổ thẩm định"),
    ("lanhdao", "12", Role.LEADER, "Lãnh đạo UBND tỉnh (chỉ xem)"),
]
# Accounts of units that exist only once the 2025 reorganisation is loaded (`make demo` loads
# it; the test suite does not): created when their agency is there, skipped otherwise.
REORGANISED_ACCOUNTS = [
    ("xa.banbo.2025", "NQ1670-09", Role.AGENCY_OFFICER,
     "Cán bộ đầu mối CCHC, UBND xã Bản Bo (từ 01/07/2025)"),
]  # fmt: skip


class Command(BaseCommand):
    help = "Tạo các tài khoản dùng thử (chỉ cho bản demo) và in thông tin đăng nhập."

    def handle(self, *args, **options):
        agencies = {
            a.code: a for a in Agency.objects.filter(code__in=[a[1] for a in DEMO_ACCOUNTS])
        }
        missing = {a[1] for a in DEMO_ACCOUNTS} - set(agencies)
        if missing:
            self.stderr.write(
                "Chưa có cơ quan: "
                + ", ".join(sorted(missing))
                + ". Hãy chạy `manage.py load_reference_data` trước."
            )
            raise SystemExit(1)
        later = {
            a.code: a for a in Agency.objects.filter(code__in=[a[1] for a in REORGANISED_ACCOUNTS])
        }
        agencies.update(later)
        accounts = DEMO_ACCOUNTS + [a for a in REORGANISED_ACCOUNTS if a[1] in later]
        self.stdout.write(f"\nTài khoản dùng thử (mật khẩu ban đầu: {DEMO_PASSWORD})")
        self.stdout.write("-" * 78)
        for username, code, role, description in accounts:
            _user, created = account_ensure(
                username=username,
                password=DEMO_PASSWORD,
                agency=agencies[code],
                role=role,
                full_name=f"Tài khoản mẫu — {description}",
            )
            mark = "mới" if created else "đã có"
            self.stdout.write(f"  {username:<16} {description:<52} [{mark}]")
        self.stdout.write("-" * 78)
        self.stdout.write("Các tài khoản này chỉ để dùng thử; không tạo chúng trên máy chủ thật.\n")
