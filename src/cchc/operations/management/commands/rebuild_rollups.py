"""Recompute the monthly dossier roll-up from every dossier (ADR 0006): after an upgrade from
a version that kept the roll-up another way, after editing dossiers outside the importer, or
with --check to compare the stored sums with a full recompute without changing anything."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from cchc.core.formatting import format_number
from cchc.operations.models import DossierMonthly, ImportKind, ImportRun, StatSource
from cchc.operations.rollups import COUNTERS, lock_dossier_writes, rollup_rebuild
from cchc.operations.signals import operational_data_changed


class _Rollback(Exception):
    pass


BEFORE = "cchc_rollup_before"  # temporary: the stored rows, while a recompute is compared


def _compare(run: ImportRun) -> tuple[int, int]:
    """Recompute inside a transaction that is rolled back and compare in SQL (no row passes
    through Python): the number of rows the recompute gives and of keys that differ."""
    table = DossierMonthly._meta.db_table
    columns = ", ".join(("agency_id", "procedure_id", "month", *COUNTERS))
    dossier_rows = f"SELECT {columns} FROM {table} WHERE source = %s"  # noqa: S608
    key = "agency_id, procedure_id, month"
    differing = (
        f"SELECT COUNT(*) FROM (SELECT {key} FROM ({dossier_rows} EXCEPT "  # noqa: S608
        f"SELECT {columns} FROM {BEFORE}) a UNION SELECT {key} FROM (SELECT {columns} "
        f"FROM {BEFORE} EXCEPT {dossier_rows}) b) d"
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            lock_dossier_writes()  # the stored rows and the recompute see the same dossiers
            cursor.execute(f"CREATE TEMPORARY TABLE {BEFORE} AS {dossier_rows}",
                           [StatSource.DOSSIERS])  # fmt: skip
            rollup_rebuild(run=run)
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE source = %s",  # noqa: S608
                           [StatSource.DOSSIERS])  # fmt: skip
            (rows,) = cursor.fetchone()
            cursor.execute(differing, [StatSource.DOSSIERS, StatSource.DOSSIERS])
            (changed,) = cursor.fetchone()
            cursor.execute(f"DROP TABLE {BEFORE}")
            raise _Rollback(rows, changed)
    except _Rollback as result:
        return result.args


class Command(BaseCommand):
    help = (
        "Tính lại toàn bộ số liệu hồ sơ theo tháng từ các hồ sơ đã nạp, rồi tính lại chỉ tiêu. "
        "Với --check: chỉ so sánh, không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Chỉ so sánh số liệu đang lưu với kết quả tính lại"
        )

    def handle(self, *args, check, **options):
        run = ImportRun.objects.filter(kind=ImportKind.DOSSIERS).order_by("-pk").first()
        if run is None:
            raise CommandError("Chưa có lần nạp hồ sơ nào; không có gì để tính lại.")
        started = time.perf_counter()
        if check:
            rows, differing = _compare(run)
            self.stdout.write(
                f"Đã so sánh {format_number(rows)} dòng số liệu theo tháng: "
                f"{format_number(differing)} dòng khác với kết quả tính lại."
            )
            if differing:
                raise CommandError(
                    "Số liệu đang lưu khác kết quả tính lại; chạy lệnh không có --check."
                )
            return
        rollup_rebuild(run=run)
        rows = DossierMonthly.objects.filter(source=StatSource.DOSSIERS)
        # The indicators recompute from the new sums, as after an import of every dossier.
        operational_data_changed.send(
            sender=ImportRun, run=run, kind=run.kind, years=set(),
            agency_ids=set(rows.values_list("agency_id", flat=True).distinct()),
            months=set(rows.values_list("month", flat=True).distinct()),
        )  # fmt: skip
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Đã tính lại số liệu hồ sơ theo tháng và các chỉ tiêu "
            f"({format_number(seconds, 1)} giây)."
        )
