"""Reform inspections (kiểm tra cải cách hành chính) of agencies, for target 1: one row per
inspection, identified by the inspected agency and the day. The import engine lives below
this app and learns of this kind by registration (`InspectionsConfig.ready`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cchc.core.formatting import format_date
from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column, RowError
from cchc.inspections.models import Inspection
from cchc.operations.imports.base import Importer, WriteResult, first_of_month
from cchc.operations.models import ImportKind
from cchc.organizations.access import DataKind

VALUE_FIELDS = ("team", "covers_organisation", "covers_discipline", "findings")


class InspectionImporter(Importer):
    kind = ImportKind.INSPECTIONS
    data_kind = DataKind.INSPECTIONS
    title = "Kiểm tra cải cách hành chính"
    natural_key = ("agency", "inspected_on")
    columns = [
        Column("agency", "Cơ quan được kiểm tra", f.text,
               aliases=("Mã cơ quan", "MaCoQuan", "Cơ quan", "Đơn vị được kiểm tra"),
               help="Mã (hoặc đúng tên) cơ quan được kiểm tra", example="12-STP"),
        Column("inspected_on", "Ngày kiểm tra", f.day, aliases=("NgayKiemTra",),
               help="dd/mm/yyyy", example="15/06/2022"),
        Column("team", "Đoàn kiểm tra", f.text_for(Inspection, "team"), required=False, aliases=("DoanKiemTra",),
               example="Đoàn kiểm tra CCHC của UBND tỉnh"),
        Column("covers_organisation", "Kết hợp kiểm tra tổ chức bộ máy", f.boolean, required=False,
               aliases=("Kiểm tra tổ chức bộ máy", "Tổ chức bộ máy"),
               help="Có/Không (1/0); trống: Không", example="Có"),
        Column("covers_discipline", "Kết hợp kiểm tra kỷ luật, kỷ cương", f.boolean, required=False,
               aliases=("Kiểm tra kỷ luật, kỷ cương", "Kỷ luật, kỷ cương"),
               help="Có/Không (1/0); trống: Không", example="Không"),
        Column("findings", "Kết quả, tồn tại", f.text, required=False,
               aliases=("Kết quả kiểm tra", "Tồn tại, hạn chế", "KetQua"),
               example="Còn 3 hồ sơ giải quyết quá hạn chưa có văn bản xin lỗi"),
    ]  # fmt: skip

    def resolve(self, rows: list[dict]) -> list[RowError]:
        title = next(c.title for c in self.columns if c.key == "inspected_on")
        errors = self.resolve_agencies(rows)
        errors += self.outside_life(rows, "inspected_on", what="cuộc kiểm tra ngày")
        today = timezone.localdate()
        for row in rows:
            row["team"] = row.get("team") or ""
            row["findings"] = row.get("findings") or ""
            row["covers_organisation"] = bool(row.get("covers_organisation"))
            row["covers_discipline"] = bool(row.get("covers_discipline"))
            if row["inspected_on"] > today:
                errors.append(
                    RowError(row["_row"], title, f"ngày {format_date(row['inspected_on'])} chưa đến; "
                             "cuộc kiểm tra dự kiến ghi trong kế hoạch kiểm tra")
                )  # fmt: skip
        return errors

    @transaction.atomic
    def write(self, rows: list[dict], *, run) -> WriteResult:
        result = WriteResult()
        now = timezone.now()  # bulk_update does not touch `updated_at` by itself
        existing = {
            (i.agency_id, i.inspected_on): i
            for i in Inspection.objects.filter(
                agency_id__in={r["agency"].pk for r in rows},
                inspected_on__in={r["inspected_on"] for r in rows},
            )
        }
        creates, updates = [], []
        for row in rows:
            agency_id, day = row["agency"].pk, row["inspected_on"]
            values = {name: row[name] for name in VALUE_FIELDS}
            inspection = existing.get((agency_id, day))
            if inspection is None:
                creates.append(Inspection(agency_id=agency_id, inspected_on=day, import_run=run,
                                          **values))  # fmt: skip
            elif any(getattr(inspection, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(inspection, key, value)
                inspection.import_run, inspection.updated_at = run, now
                updates.append(inspection)
            else:
                result.unchanged += 1
                continue
            result.affected.agency_ids.add(agency_id)
            result.affected.months.add(first_of_month(day))
            result.affected.years.add(day.year)
        Inspection.objects.bulk_create(creates, batch_size=1000)
        Inspection.objects.bulk_update(
            updates, [*VALUE_FIELDS, "import_run", "updated_at"], batch_size=1000
        )
        result.created, result.updated = len(creates), len(updates)
        return result
