"""Provincial information systems and their required connections to national systems, for
target 7. One row per system × connection target; the rows of one system repeat its name, kind
and owner, which must agree. An empty connection date means "not yet connected"."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cchc.core.formatting import format_date
from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column, RowError
from cchc.core.tabular.reading import quoted
from cchc.operations.imports.base import Importer, WriteResult, first_of_month
from cchc.operations.models import (
    ImportKind,
    InformationSystem,
    NationalSystem,
    SystemConnection,
    SystemKind,
)
from cchc.organizations.access import DataKind

KIND_WORDS = {
    **{kind.value: kind.value for kind in SystemKind},
    **{str(kind.label).lower(): kind.value for kind in SystemKind},
    "cổng dịch vụ công tỉnh": SystemKind.PROVINCIAL_PORTAL,
    "cổng dvc tỉnh": SystemKind.PROVINCIAL_PORTAL, "cổng dịch vụ công": SystemKind.PROVINCIAL_PORTAL,
    "một cửa điện tử": SystemKind.ONE_STOP, "hệ thống một cửa điện tử": SystemKind.ONE_STOP,
    "một cửa": SystemKind.ONE_STOP,
    "hệ thống báo cáo": SystemKind.REPORTING, "báo cáo": SystemKind.REPORTING,
    "hệ thống thông tin báo cáo": SystemKind.REPORTING, "khác": SystemKind.OTHER,
}  # fmt: skip
TARGET_WORDS = {
    **{target.value: target.value for target in NationalSystem},
    **{str(target.label).lower(): target.value for target in NationalSystem},
    "cổng dvc quốc gia": NationalSystem.NATIONAL_PORTAL,
    "cổng dịch vụ công quốc gia": NationalSystem.NATIONAL_PORTAL,
    "dvcqg": NationalSystem.NATIONAL_PORTAL,
    "hệ thống báo cáo quốc gia": NationalSystem.NATIONAL_REPORTING,
    "hệ thống thông tin báo cáo quốc gia": NationalSystem.NATIONAL_REPORTING,
    "báo cáo quốc gia": NationalSystem.NATIONAL_REPORTING,
}  # fmt: skip
SYSTEM_FIELDS = ("name", "kind", "owner")


class SystemImporter(Importer):
    kind = ImportKind.SYSTEMS
    data_kind = DataKind.SYSTEMS
    title = "Hệ thống thông tin và kết nối"
    natural_key = ("code", "target")
    columns = [
        Column("code", "Mã hệ thống", f.text_for(InformationSystem, "code"), aliases=("MaHeThong", "Mã"),
               help="Mã do tỉnh đặt, không đổi giữa các lần nạp", example="LCU-DVC"),
        Column("name", "Tên hệ thống", f.text_for(InformationSystem, "name"), aliases=("TenHeThong", "Tên"),
               example="Hệ thống thông tin giải quyết TTHC tỉnh Lai Châu"),
        Column("kind", "Loại hệ thống", f.choice(KIND_WORDS, "loại hệ thống"),
               aliases=("LoaiHeThong", "Loại"),
               help="Cổng dịch vụ công của tỉnh, Hệ thống thông tin một cửa điện tử, "
                    "Hệ thống thông tin báo cáo của tỉnh hoặc Khác",
               example="Cổng dịch vụ công của tỉnh"),
        Column("owner", "Cơ quan quản lý", f.text, aliases=("Mã cơ quan quản lý", "MaCoQuan", "Mã cơ quan"),
               help="Mã (hoặc đúng tên) cơ quan quản lý hệ thống", example="12-VPUB"),
        Column("target", "Kết nối tới", f.choice(TARGET_WORDS, "hệ thống quốc gia"),
               aliases=("KetNoiToi", "Hệ thống quốc gia"),
               help="Cổng DVC quốc gia hoặc Hệ thống báo cáo quốc gia", example="Cổng DVC quốc gia"),
        Column("connected_on", "Ngày kết nối", f.day, required=False,
               aliases=("NgayKetNoi", "Kết nối từ ngày"),
               help="dd/mm/yyyy; trống: chưa kết nối", example="15/06/2022"),
    ]  # fmt: skip

    def resolve(self, rows: list[dict]) -> list[RowError]:
        titles = {c.key: c.title for c in self.columns}
        errors = self.resolve_agencies(rows, key="owner")
        errors += self.foreign_records(
            rows, InformationSystem, key=("code",), column=titles["code"], owner="owner_id"
        )
        today = timezone.localdate()
        first_row: dict[str, dict] = {}
        for row in rows:
            if row.get("connected_on") and row["connected_on"] > today:
                errors.append(
                    RowError(row["_row"], titles["connected_on"],
                             f"ngày {format_date(row['connected_on'])} chưa đến")
                )  # fmt: skip
            first = first_row.setdefault(row["code"], row)
            for key in SYSTEM_FIELDS:
                if (
                    first is not row
                    and None not in (first.get(key), row.get(key))
                    and (first[key] != row[key])
                ):
                    errors.append(
                        RowError(row["_row"], titles[key],
                                 f"khác với dòng {first['_row']} của cùng hệ thống {quoted(row['code'])}")
                    )  # fmt: skip
        return errors

    @transaction.atomic
    def write(self, rows: list[dict], *, run) -> WriteResult:
        result = WriteResult()
        affected = result.affected
        connected: set[date] = set()
        systems = {
            s.code: s for s in InformationSystem.objects.filter(code__in={r["code"] for r in rows})
        }
        connections = {
            (c.system_id, c.target): c
            for c in SystemConnection.objects.filter(system__in=list(systems.values()))
        }
        changed_systems: set[str] = set()
        for row in rows:
            system = systems.get(row["code"])
            values = {"name": row["name"], "kind": row["kind"], "owner": row["owner"]}
            if system is None:
                system = InformationSystem.objects.create(
                    code=row["code"], import_run=run, **values
                )
                systems[row["code"]] = system
                changed_systems.add(row["code"])
            elif row["code"] not in changed_systems and any(
                getattr(system, k) != v for k, v in values.items()
            ):
                affected.agency_ids.add(system.owner_id)  # the former owner too
                for key, value in values.items():
                    setattr(system, key, value)
                system.import_run = run
                system.save()
                changed_systems.add(row["code"])
            connection = connections.get((system.pk, row["target"]))
            if connection is None:
                SystemConnection.objects.create(
                    system=system, target=row["target"], connected_on=row.get("connected_on"),
                    import_run=run,
                )  # fmt: skip
                result.created += 1
            elif connection.connected_on != row.get("connected_on"):
                if connection.connected_on:
                    connected.add(connection.connected_on)
                connection.connected_on = row.get("connected_on")
                connection.import_run = run
                connection.save()
                result.updated += 1
            elif row["code"] in changed_systems:
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            affected.agency_ids.add(system.owner_id)
            if row.get("connected_on"):
                connected.add(row["connected_on"])
        if affected.agency_ids:
            # A connection counts from its date on, in every later month: refresh each year
            # from the earliest date touched to this one.
            this_year = timezone.localdate().year
            first_year = min([d.year for d in connected] + [this_year])
            affected.years.update(range(first_year, this_year + 1))
            affected.months.update(first_of_month(d) for d in connected)
        return result
