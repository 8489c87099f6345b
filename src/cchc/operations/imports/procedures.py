"""The procedure catalogue (danh mục thủ tục hành chính), one snapshot per year.

Each row is one procedure in one year: its code, name and field (the `Procedure`, shared by
every year) and that year's catalogue entry (`ProcedureSnapshot`: authority tier, online level,
fee, online payment, integration on the national portal, processing time). Targets 5a, 6a and
6b compare these entries, so the province loads one catalogue per year, 2021 being the
baseline. Only the reform office loads the catalogue: it is the province's, not an agency's."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cchc.core.seams import Seam
from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column, ImportRejected, RowError
from cchc.core.tabular.reading import Table
from cchc.core.tabular.sheet import Sheet
from cchc.operations.imports.base import Importer, WriteResult
from cchc.operations.models import ONLINE_LEVELS_3_4, ImportKind, OnlineLevel, Procedure
from cchc.operations.models import ProcedureSnapshot as Snapshot
from cchc.organizations.access import DataKind
from cchc.organizations.models import Tier

TIER_WORDS = {
    **{t.value: t.value for t in Tier},
    **{str(t.label).lower(): t.value for t in Tier},
    "tỉnh": Tier.PROVINCE, "huyện": Tier.DISTRICT, "xã": Tier.COMMUNE,
    "cấp sở": Tier.PROVINCE, "sở": Tier.PROVINCE, "ubnd tỉnh": Tier.PROVINCE,
    "ubnd cấp huyện": Tier.DISTRICT, "ubnd cấp xã": Tier.COMMUNE,
}  # fmt: skip
LEVEL_WORDS = {
    **{level.value: level.value for level in OnlineLevel},
    **{str(level.label).lower(): level.value for level in OnlineLevel},
    "mức 2": OnlineLevel.LEVEL_2, "mức 3": OnlineLevel.LEVEL_3, "mức 4": OnlineLevel.LEVEL_4,
    "mức độ 2": OnlineLevel.LEVEL_2, "mức độ 3": OnlineLevel.LEVEL_3,
    "mức độ 4": OnlineLevel.LEVEL_4,
    "một phần": OnlineLevel.PARTIAL, "dvc một phần": OnlineLevel.PARTIAL,
    "trực tuyến một phần": OnlineLevel.PARTIAL,
    "toàn trình": OnlineLevel.FULL, "dvc toàn trình": OnlineLevel.FULL,
    "trực tuyến toàn trình": OnlineLevel.FULL,
    "không": OnlineLevel.NONE, "chưa": OnlineLevel.NONE, "mức 1": OnlineLevel.NONE,
    "mức độ 1": OnlineLevel.NONE, "1": OnlineLevel.NONE,
}  # fmt: skip
# year → the authority tiers of that year's plan (plans.tiers.tiers_of_year): no cấp huyện from
# 2026. Set by the indicators app (ADR 0004), which sits above both operations and plans;
# unset (operations alone), every tier is accepted.
tiers_of_year = Seam("operations.tiers_of_year")
TIER_NAMES: dict[str, str] = {
    Tier.PROVINCE: "cấp tỉnh",
    Tier.DISTRICT: "cấp huyện",
    Tier.COMMUNE: "cấp xã",
}
SNAPSHOT_FIELDS = (
    "authority_tier", "online_level", "eligible_online", "has_fee", "online_payment",
    "on_national_portal", "processing_days",
)  # fmt: skip


class ProcedureImporter(Importer):
    kind = ImportKind.PROCEDURES
    data_kind = DataKind.CATALOGUE
    title = "Danh mục thủ tục hành chính (theo năm)"
    natural_key = ("year", "code")
    columns = [
        Column("year", "Năm", f.year, aliases=("Nam", "Năm danh mục"),
               help="Năm của danh mục; năm 2021 là mốc so sánh của chỉ tiêu 6", example="2022"),
        Column("code", "Mã thủ tục", f.text_for(Procedure, "code"), aliases=("MaTTHC", "Mã TTHC", "Mã số"),
               help="Mã trên Cơ sở dữ liệu quốc gia về TTHC", example="1.001234"),
        Column("name", "Tên thủ tục", f.text, aliases=("TenTTHC", "Tên TTHC", "Tên thủ tục hành chính"),
               example="Cấp phiếu lý lịch tư pháp cho công dân Việt Nam"),
        Column("field", "Lĩnh vực", f.text_for(Procedure, "field"), required=False, aliases=("LinhVuc",),
               example="Lý lịch tư pháp"),
        Column("authority_tier", "Cấp giải quyết", f.choice(TIER_WORDS, "cấp (tỉnh, huyện, xã)"),
               aliases=("CapThucHien", "Cấp thực hiện", "Cấp"),
               help="Cấp tỉnh, Cấp huyện (đến năm 2025) hoặc Cấp xã", example="Cấp tỉnh"),
        Column("online_level", "Mức độ trực tuyến", f.choice(LEVEL_WORDS, "mức độ trực tuyến"),
               required=False, aliases=("MucDo", "Mức độ", "Mức độ DVC trực tuyến"),
               help="2, 3, 4, Một phần hoặc Toàn trình; trống: chưa cung cấp trực tuyến",
               example="4"),
        Column("eligible_online", "Đủ điều kiện trực tuyến", f.boolean, required=False,
               aliases=("Đủ điều kiện cung cấp trực tuyến", "DuDieuKienTrucTuyen"),
               help="Có/Không (1/0); trống: Có", example="Có"),
        Column("has_fee", "Có phí, lệ phí", f.boolean, required=False,
               aliases=("CoPhiLePhi", "Phí, lệ phí", "Có phí"), help="Có/Không (1/0); trống: Không",
               example="Có"),
        Column("online_payment", "Thanh toán trực tuyến", f.boolean, required=False,
               aliases=("ThanhToanTrucTuyen", "Đã triển khai thanh toán trực tuyến"),
               help="Có/Không (1/0); chỉ với thủ tục có phí, lệ phí; trống: Không",
               example="Có"),
        Column("on_national_portal", "Tích hợp Cổng DVC quốc gia", f.boolean, required=False,
               aliases=("TichHopDVCQG", "Tích hợp trên Cổng Dịch vụ công quốc gia",
                        "Cổng DVC quốc gia"),
               help="Có/Không (1/0); trống: Không", example="Có"),
        Column("processing_days", "Thời hạn giải quyết (ngày làm việc)", f.non_negative_small_integer,
               required=False, aliases=("ThoiHanGiaiQuyet", "Thời hạn giải quyết", "Số ngày giải quyết"),
               help="Dùng để tính ngày hẹn trả khi tệp hồ sơ không có", example="10"),
    ]  # fmt: skip

    def parse(self, table: Table | Sheet, progress=None) -> list[dict]:
        """Only a province-wide uploader (the reform office) may load the catalogue."""
        if not self.scope.sees_all:
            raise ImportRejected(
                [
                    RowError(
                        1,
                        "",
                        "Chỉ Văn phòng CCHC của tỉnh được nạp danh mục thủ tục hành chính; "
                        "hãy gửi tệp cho Văn phòng CCHC (Sở Nội vụ).",
                    )
                ]
            )
        return super().parse(table, progress)

    def resolve(self, rows: list[dict]) -> list[RowError]:
        errors = []
        titles = {c.key: c.title for c in self.columns}
        years: dict[int, list[str]] = {}
        for row in rows:
            line = row["_row"]
            if tiers_of_year.available:
                held = years.setdefault(row["year"], list(tiers_of_year(row["year"])))
                if row["authority_tier"] not in held:
                    errors.append(
                        RowError(line, titles["authority_tier"],
                                 f"năm {row['year']} không có "
                                 f"{TIER_NAMES[row['authority_tier']]} (kế hoạch năm "
                                 f"{row['year']} có {', '.join(TIER_NAMES[t] for t in held)})")
                    )  # fmt: skip
            row["field"] = row.get("field") or ""
            row["online_level"] = row.get("online_level") or OnlineLevel.NONE
            if row.get("eligible_online") is None:
                row["eligible_online"] = True
            row["has_fee"] = bool(row.get("has_fee"))
            row["online_payment"] = bool(row.get("online_payment"))
            row["on_national_portal"] = bool(row.get("on_national_portal"))
            if row["online_payment"] and not row["has_fee"]:
                errors.append(
                    RowError(line, titles["online_payment"],
                             "thủ tục không có phí, lệ phí thì không có thanh toán trực tuyến")
                )  # fmt: skip
            if not row["eligible_online"] and row["online_level"] in ONLINE_LEVELS_3_4:
                errors.append(
                    RowError(line, titles["online_level"],
                             "thủ tục ghi là không đủ điều kiện trực tuyến nhưng lại có mức độ "
                             f"“{OnlineLevel(row['online_level']).label}”")
                )  # fmt: skip
        return errors

    @transaction.atomic
    def write(self, rows: list[dict], *, run) -> WriteResult:
        result = WriteResult()
        now = timezone.now()  # bulk_update does not touch `updated_at` by itself
        codes = sorted({row["code"] for row in rows})
        procedures: dict[str, Procedure] = {}
        latest: dict[str, int] = {}  # the latest catalogue year already stored per procedure
        for start in range(0, len(codes), 2000):
            chunk = codes[start : start + 2000]
            procedures.update((p.code, p) for p in Procedure.objects.filter(code__in=chunk))
            latest.update(
                Snapshot.objects.filter(procedure__code__in=chunk)
                .values("procedure__code")
                .annotate(last=Max("year"))
                .values_list("procedure__code", "last")
            )
        # Name and field come from the file's latest year, unless the database already has
        # a later catalogue (loading the 2021 baseline after 2022 keeps the 2022 names).
        source: dict[str, dict] = {}
        for row in rows:
            current = source.get(row["code"])
            if current is None or row["year"] > current["year"]:
                source[row["code"]] = row
        new_procedures, changed_procedures, renamed_rows = [], [], set()
        for code, row in source.items():
            procedure = procedures.get(code)
            if procedure is None:
                procedure = Procedure(code=code, name=row["name"], field=row["field"])
                new_procedures.append(procedure)
                procedures[code] = procedure
            elif row["year"] >= latest.get(code, row["year"]) and (
                procedure.name, procedure.field) != (row["name"], row["field"]):  # fmt: skip
                procedure.name, procedure.field = row["name"], row["field"]
                procedure.updated_at = now
                changed_procedures.append(procedure)
                renamed_rows.add(row["_row"])
        Procedure.objects.bulk_create(new_procedures, batch_size=1000)
        Procedure.objects.bulk_update(
            changed_procedures, ["name", "field", "updated_at"], batch_size=1000
        )
        if new_procedures and new_procedures[0].pk is None:  # backends without RETURNING
            fresh = Procedure.objects.filter(code__in=[p.code for p in new_procedures])
            procedures.update((p.code, p) for p in fresh)

        existing: dict[tuple[int, int], Snapshot] = {}
        ids = sorted(p.pk for p in procedures.values())
        for start in range(0, len(ids), 2000):
            for stored in Snapshot.objects.filter(
                procedure_id__in=ids[start : start + 2000], year__in={r["year"] for r in rows}
            ):
                existing[(stored.procedure_id, stored.year)] = stored
        creates: list[Snapshot] = []
        updates: list[Snapshot] = []
        for row in rows:
            procedure = procedures[row["code"]]
            values = {name: row[name] for name in SNAPSHOT_FIELDS}
            snapshot = existing.get((procedure.pk, row["year"]))
            if snapshot is None:
                creates.append(Snapshot(procedure=procedure, year=row["year"], import_run=run,
                                        **values))  # fmt: skip
                result.created += 1
            elif any(getattr(snapshot, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(snapshot, name, value)
                snapshot.import_run, snapshot.updated_at = run, now
                updates.append(snapshot)
                result.updated += 1
            elif row["_row"] in renamed_rows:
                result.updated += 1
                continue
            else:
                result.unchanged += 1
                continue
            result.affected.years.add(row["year"])
        Snapshot.objects.bulk_create(creates, batch_size=1000)
        Snapshot.objects.bulk_update(
            updates, [*SNAPSHOT_FIELDS, "import_run", "updated_at"], batch_size=1000
        )
        return result
