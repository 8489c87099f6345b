from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cchc.core.progress import progress_bar
from cchc.core.services import ServiceError
from cchc.operations.imports import IMPORTERS
from cchc.operations.models import ImportRun, ImportStatus
from cchc.operations.services import import_create, import_execute


class Command(BaseCommand):
    help = (
        "Nạp một tệp dữ liệu nghiệp vụ (CSV/XLSX). Tệp có lỗi bị từ chối toàn bộ, kèm danh "
        "sách lỗi theo dòng và cột; không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--user", required=True, help="Tài khoản thực hiện (để phân quyền, ghi vết)"
        )

    def handle(self, *args, kind, path, user, **options):
        try:
            actor = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"Không có tài khoản “{user}”.") from exc
        if not path.exists():
            raise CommandError(f"Không có tệp {path}.")
        try:
            run = import_create(
                actor=actor, kind=kind, file_name=path.name, content=path.read_bytes(), queue=False
            )
        except ServiceError as exc:  # refused before anything is read: empty, too large, …
            raise CommandError(" ".join(exc.messages)) from exc
        run = import_execute(ImportRun.objects.get(pk=run.pk), progress=progress_bar(self.stderr))
        self.stderr.write("")  # end the progress line
        if run.status != ImportStatus.DONE:
            for error in run.errors[:50]:
                # Row 0: the whole file (it could not be read), as the run's page shows it.
                where = (f"dòng {error['row']}" if error["row"] else "tệp") + (
                    f", cột “{error['column']}”" if error["column"] else ""
                )
                self.stderr.write(f"  {where}: {error['message']}")
            raise CommandError(f"Tệp bị từ chối ({len(run.errors)} lỗi); không ghi gì.")
        self.stdout.write(
            f"Xong: thêm {run.rows_created}, cập nhật {run.rows_updated}, "
            f"không đổi {run.rows_unchanged} (lần nạp số {run.pk})."
        )
