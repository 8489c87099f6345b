"""`manage.py generate_demo_parindex [--seed S] [--year Y]`: a seeded synthetic PAR INDEX year
for the demo (see cchc.demo.parindex). Progress goes to stderr, the summary to stdout."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.core.formatting import format_number, format_seconds
from cchc.core.progress import progress_bar
from cchc.core.services import ServiceError
from cchc.demo.parindex import DEFAULT_SEED, DEFAULT_YEAR, generate


class Command(BaseCommand):
    help = (
        "Sinh Chỉ số CCHC MÔ PHỎNG (có gieo hạt) của một năm đã qua cho bản demo, theo các bộ "
        "tiêu chí ví dụ minh họa: tự chấm, thẩm định, điều tra xã hội học, điểm thưởng/trừ, "
        "chốt và công bố kết quả, tất cả qua các nghiệp vụ của hệ thống. Mọi phiếu đánh giá gắn "
        "nhãn “dữ liệu mô phỏng”. Chạy lại với cùng hạt giống và năm không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED,
            help=f"hạt giống (mặc định {DEFAULT_SEED})",
        )  # fmt: skip
        parser.add_argument(
            "--year", type=int, default=DEFAULT_YEAR,
            help=f"năm đánh giá (mặc định {DEFAULT_YEAR}, năm trước năm kế hoạch)",
        )  # fmt: skip

    def handle(self, *args, seed, year, **options):
        if not 2001 <= year < timezone.localdate().year:
            raise CommandError("Năm đánh giá phải từ 2001 đến năm trước năm hiện tại.")
        try:
            summary = generate(seed=seed, year=year, progress=progress_bar(self.stderr))
        except (RuntimeError, ServiceError) as exc:
            self.stderr.write("")
            raise CommandError(str(exc)) from exc
        self.stderr.write("")
        self.stdout.write(f"Chỉ số CCHC năm {year} — dữ liệu mô phỏng (seed {seed}):")
        for group in summary.groups:
            if group.created:
                classes = ", ".join(
                    f"{name} {format_number(n, 0)}" for name, n in group.classes.items()
                )
                self.stdout.write(
                    f"  {group.title} ({group.framework}): {format_number(group.assessed, 0)} "
                    f"cơ quan được đánh giá, đã công bố kết quả — {classes}"
                )
            else:
                self.stdout.write(
                    f"  {group.title} ({group.framework}): {format_number(group.assessed, 0)} "
                    f"cơ quan — {group.note}"
                )
        if not summary.written:
            self.stdout.write("  Dữ liệu này đã có từ lần chạy trước; không có gì thay đổi.")
        self.stdout.write(f"Thời gian: {format_seconds(summary.seconds)}.")
