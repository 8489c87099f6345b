from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.parindex.frameworks import (
    DEFAULT_YEAR,
    FIRST_YEAR,
    LAST_YEAR,
    MANIFEST,
    load_bundled,
    year_error,
)


class Command(BaseCommand):
    help = (
        "Nạp các bộ tiêu chí kèm theo hệ thống (danh sách trong "
        f"{MANIFEST.parent.name}/{MANIFEST.name}): 9 chỉ số TT 01/2018/TT-VPCP, Bộ chỉ số "
        "QĐ 766/QĐ-TTg và bộ chỉ số CCHC ví dụ minh họa cho sở, huyện, xã. Tất cả hoặc không "
        "gì cả; chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            default=DEFAULT_YEAR,
            help=(
                f"Năm đánh giá của các bộ tiêu chí, từ {FIRST_YEAR} đến {LAST_YEAR} "
                f"(mặc định {DEFAULT_YEAR})."
            ),
        )
        parser.add_argument(
            "--no-illustrative",
            action="store_true",
            help="Không nạp các bộ tiêu chí ví dụ minh họa.",
        )

    def handle(self, *args, year: int, no_illustrative: bool = False, **options):
        if (wrong_year := year_error(year)) is not None:
            raise CommandError(wrong_year + " Chưa nạp gì.")
        only = (lambda spec: not spec.illustrative) if no_illustrative else None
        try:
            results = load_bundled(year=year, only=only)
        except ValidationError as exc:
            raise CommandError(
                "Bộ tiêu chí kèm theo không hợp lệ, chưa ghi gì:\n" + "\n".join(exc.messages)
            ) from exc
        if options.get("verbosity", 1) > 0:
            for result in results:
                self.stdout.write(str(result))
