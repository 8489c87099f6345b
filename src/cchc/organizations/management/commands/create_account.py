import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.organizations.accounts import account_ensure
from cchc.organizations.models import Agency, Role


class Command(BaseCommand):
    help = "Tạo tài khoản gắn với một cơ quan và vai trò (ví dụ tài khoản Văn phòng CCHC đầu tiên)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--agency", required=True, help="Mã cơ quan, ví dụ 12-SNV")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--full-name", default="")

    def handle(self, *args, username, agency, role, full_name, **options):
        try:
            agency_obj = Agency.objects.get(code=agency)
        except Agency.DoesNotExist as exc:
            raise CommandError(f"Không có cơ quan mã “{agency}”.") from exc
        password = getpass.getpass("Mật khẩu: ")
        if password != getpass.getpass("Nhập lại mật khẩu: "):
            raise CommandError("Hai lần nhập mật khẩu không khớp.")
        try:
            _user, created = account_ensure(
                username=username,
                password=password,
                agency=agency_obj,
                role=role,
                full_name=full_name,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(("Đã tạo" if created else "Đã cập nhật") + f" tài khoản {username}.")
