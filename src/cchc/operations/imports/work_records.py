"""E-office work records (hồ sơ công việc) per agency and month, for target 8: how many
were handled online out of all records, confidential records excluded from both counts."""

from __future__ import annotations

from django.db import transaction

from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column, RowError
from cchc.operations.imports.base import Importer, WriteResult
from cchc.operations.models import ImportKind, WorkRecordStat


class WorkRecordImporter(Importer):
    kind = ImportKind.WORK_RECORDS
    title = "Hồ sơ công việc theo tháng"
    natural_key = ("agency", "month")
    columns = [
        Column("agency", "Mã cơ quan", f.text, aliases=("MaDonVi", "MaCoQuan", "Cơ quan", "Đơn vị"),
               help="Mã (hoặc đúng tên) cơ quan", example="12-STP"),
        Column("month", "Tháng", f.month_start, aliases=("Thang", "Kỳ", "Kỳ báo cáo"),
               help="mm/yyyy (hoặc một ngày bất kỳ trong tháng)", example="01/2022"),
        Column("total", "Tổng số hồ sơ công việc", f.non_negative_integer,
               aliases=("TongSo", "Tổng số", "Tổng số hồ sơ công việc (không gồm hồ sơ mật)"),
               help="Không tính hồ sơ mật", example="240"),
        Column("online", "Xử lý trên môi trường mạng", f.non_negative_integer,
               aliases=("TrucTuyen", "Xử lý trực tuyến", "Số hồ sơ xử lý trên môi trường mạng"),
               help="Không tính hồ sơ mật; không lớn hơn tổng số", example="150"),
    ]  # fmt: skip

    def resolve(self, rows: list[dict]) -> list[RowError]:
        titles = {c.key: c.title for c in self.columns}
        errors = self.resolve_agency_months(rows)
        errors += [
            RowError(row["_row"], titles["online"],
                     f"{row['online']} lớn hơn tổng số hồ sơ công việc ({row['total']})")
            for row in rows
            if row["online"] > row["total"]
        ]  # fmt: skip
        return errors

    @transaction.atomic
    def write(self, rows: list[dict], *, run) -> WriteResult:
        result = WriteResult()
        existing = {
            (stat.agency_id, stat.month): stat
            for stat in WorkRecordStat.objects.filter(
                agency_id__in={r["agency"].pk for r in rows}, month__in={r["month"] for r in rows}
            )
        }
        creates, updates = [], []
        for row in rows:
            agency_id, month = row["agency"].pk, row["month"]
            stat = existing.get((agency_id, month))
            if stat is None:
                creates.append(WorkRecordStat(agency_id=agency_id, month=month, total=row["total"],
                                              online=row["online"], import_run=run))  # fmt: skip
            elif (stat.total, stat.online) != (row["total"], row["online"]):
                stat.total, stat.online, stat.import_run = row["total"], row["online"], run
                updates.append(stat)
            else:
                result.unchanged += 1
                continue
            result.affected.agency_ids.add(agency_id)
            result.affected.months.add(month)
            result.affected.years.add(month.year)
        WorkRecordStat.objects.bulk_create(creates, batch_size=1000)
        WorkRecordStat.objects.bulk_update(
            updates, ["total", "online", "import_run"], batch_size=1000
        )
        result.created, result.updated = len(creates), len(updates)
        return result
