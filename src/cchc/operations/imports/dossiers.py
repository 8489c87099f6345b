"""Dossiers (hồ sơ TTHC), in the national synchronisation's field names or Vietnamese titles."""

from __future__ import annotations

import json
from datetime import datetime, time
from decimal import Decimal
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from cchc.core.bulk import insert_rows
from cchc.core.calendar import WorkingCalendar
from cchc.core.selectors import working_calendar
from cchc.core.tables import quoted
from cchc.operations.imports import fields as f
from cchc.operations.imports.base import Column, Importer, RowError, WriteResult
from cchc.operations.models import Channel, Dossier, DossierStatus, ImportKind, Procedure
from cchc.operations.rollups import RollupDelta

FINISHED = {DossierStatus.DONE, DossierStatus.REJECTED}
STATUS_WORDS = {
    **{s.value: s.value for s in DossierStatus},
    **{str(s.label).lower(): s.value for s in DossierStatus},
    "đã trả kết quả": DossierStatus.DONE,
    "đã xử lý xong": DossierStatus.DONE,
    "hoàn thành": DossierStatus.DONE,
    "đang giải quyết": DossierStatus.PROCESSING,
    "bổ sung hồ sơ": DossierStatus.SUPPLEMENT,
    "từ chối": DossierStatus.REJECTED,
    "rút hồ sơ": DossierStatus.WITHDRAWN,
}
CHANNEL_WORDS = {
    "1": Channel.IN_PERSON, "2": Channel.ONLINE, "3": Channel.POSTAL,
    "trực tiếp": Channel.IN_PERSON, "trực tuyến": Channel.ONLINE,
    "bưu chính": Channel.POSTAL, "bưu chính công ích": Channel.POSTAL,
}  # fmt: skip
WRITE_FIELDS = (
    "procedure_id", "agency_id", "channel", "received_at", "due_at", "finished_at", "status",
    "supplement_count", "supplement_days", "finished_on_time", "fee", "paid_online",
    "result_digitized",
)  # fmt: skip


def on_time(
    calendar: WorkingCalendar,
    *,
    due_at: datetime | None,
    finished_at: datetime | None,
    supplement_count: int,
    supplement_days: int,
) -> bool | None:
    """Decree 61/2018 as amended: on time when the end of processing, less the working days
    spent waiting for supplements, is not after the appointment date; more than one request
    for supplements counts as late, whether or not the deadline is known. None while the
    dossier is open, and for a finished one whose deadline cannot be known (no appointment
    date, no maximum duration of its procedure): "không xác định được hạn", counted apart."""
    if finished_at is None:
        return None
    if supplement_count > 1:
        return False
    if due_at is None:
        return None
    deadline = due_at.date()
    if supplement_days:
        deadline = calendar.add_working_days(deadline, supplement_days)
    return finished_at.date() <= deadline


class DossierImporter(Importer):
    kind = ImportKind.DOSSIERS
    title = "Hồ sơ thủ tục hành chính"
    natural_key = ("code",)
    columns = [
        Column("code", "Mã hồ sơ", f.text_up_to(64), aliases=("MaHoSo",), example="000.00.12.H33-220105-0001"),
        Column("procedure", "Mã thủ tục", f.text, aliases=("MaTTHC",), example="1.001234"),
        Column("agency", "Mã cơ quan", f.text, aliases=("MaDonVi", "MaCoQuan", "Cơ quan giải quyết"),
               example="12-STP"),
        Column("channel", "Kênh thực hiện", f.choice(CHANNEL_WORDS, "kênh (1, 2, 3)"),
               aliases=("KenhThucHien", "Kênh"), help="1 trực tiếp, 2 trực tuyến, 3 bưu chính",
               example="2"),
        Column("received_at", "Ngày tiếp nhận", f.aware_datetime, aliases=("NgayTiepNhan",),
               example="05/01/2022 08:30"),
        Column("due_at", "Ngày hẹn trả", f.aware_datetime, required=False, aliases=("NgayHenTra",),
               help="Trống: tính theo thời hạn của thủ tục, bằng ngày làm việc",
               example="12/01/2022 17:00"),
        Column("finished_at", "Ngày kết thúc xử lý", f.aware_datetime, required=False,
               aliases=("NgayKetThucXuLy",), example="11/01/2022 15:00"),
        Column("status", "Trạng thái", f.choice(STATUS_WORDS, "trạng thái hồ sơ"),
               aliases=("TrangThaiHoSo",), example="Đã giải quyết"),
        Column("supplement_count", "Số lần yêu cầu bổ sung", f.non_negative_small_integer,
               required=False, aliases=("SoLanBoSung",), example="0"),
        Column("supplement_days", "Số ngày chờ bổ sung", f.non_negative_small_integer, required=False,
               aliases=("SoNgayBoSung",), example="0"),
        Column("fee", "Phí, lệ phí", f.money, required=False, aliases=("PhiLePhi",),
               help="Số đồng: 50.000 hoặc 50000", example="50.000"),
        Column("paid_online", "Thanh toán trực tuyến", f.boolean, required=False,
               aliases=("DuocThanhToanTrucTuyen",), example="1"),
        Column("result_digitized", "Kết quả được số hóa", f.boolean, required=False,
               aliases=("DaSoHoaKetQua",), example="1"),
    ]  # fmt: skip

    def resolve(self, rows: list[dict]) -> list[RowError]:
        errors = self.resolve_agencies(rows)
        errors += self.foreign_records(rows, Dossier, key=("code",), column="Mã hồ sơ")
        codes = {row["procedure"] for row in rows if row.get("procedure")}
        procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        calendar = working_calendar()
        years = {row["received_at"].year for row in rows if row.get("received_at")}
        durations = {
            (code, year): days
            for code, year, days in Procedure.objects.filter(
                code__in=codes, snapshots__year__in=years
            ).values_list("code", "snapshots__year", "snapshots__processing_days")
        }
        for row in rows:
            line = row["_row"]
            procedure = procedures.get(row.get("procedure"))
            if procedure is None:
                errors.append(
                    RowError(line, "Mã thủ tục", f"không có thủ tục {quoted(row.get('procedure'))} "
                             "trong danh mục; hãy nạp danh mục thủ tục trước")
                )  # fmt: skip
                continue
            row["procedure"] = procedure
            received, finished = row["received_at"], row.get("finished_at")
            if finished is not None and finished < received:
                errors.append(RowError(line, "Ngày kết thúc xử lý", "trước ngày tiếp nhận"))
            if row["status"] in FINISHED and finished is None:
                errors.append(
                    RowError(
                        line, "Ngày kết thúc xử lý", "hồ sơ đã giải quyết phải có ngày kết thúc"
                    )
                )
            if row.get("due_at") is None:
                days = durations.get((procedure.code, received.year))
                if days is not None:
                    # The 15:00 cut-off is for paper dossiers; an online one counts from the
                    # day it arrived (add_working_days skips that day and any day off).
                    paper = row["channel"] != Channel.ONLINE
                    start = calendar.receipt_day(received) if paper else received
                    due = calendar.add_working_days(start, days)
                    row["due_at"] = datetime.combine(due, time(17, 0), tzinfo=received.tzinfo)
            row["supplement_count"] = row.get("supplement_count") or 0
            row["supplement_days"] = row.get("supplement_days") or 0
            row["fee"] = row.get("fee") or Decimal(0)
            row["paid_online"] = bool(row.get("paid_online"))
            row["result_digitized"] = bool(row.get("result_digitized"))
            row["finished_on_time"] = on_time(
                calendar,
                due_at=row["due_at"],
                finished_at=finished if row["status"] in FINISHED else None,
                supplement_count=row["supplement_count"],
                supplement_days=row["supplement_days"],
            )
        return errors

    @transaction.atomic
    def write(self, rows: list[dict], *, run) -> WriteResult:
        """Upsert on the dossier code and, in the same transaction, bring the monthly roll-up
        along by the difference the file makes (`RollupDelta`): its cost follows the file,
        not the history."""
        result = WriteResult()
        # Sorted, so that each chunk of the lookup, and the new rows' insertion into the
        # code's unique index, walk one stretch of the index rather than all of it.
        rows = sorted(rows, key=itemgetter("code"))
        existing = self._stored([row["code"] for row in rows])
        creates, updates = [], []
        for row in rows:
            values = self._values(row)
            old = existing.get(row["code"])
            if old is None:
                creates.append({"code": row["code"], "import_run_id": run.pk, **values})
            elif tuple(old[2:]) != tuple(values.values()):
                updates.append(Dossier(pk=old[0], code=row["code"], import_run=run, **values))
            else:
                result.unchanged += 1
        if creates or updates:
            delta = RollupDelta(run)
            delta.take_away([dossier.pk for dossier in updates])
            self.stage("Ghi hồ sơ")
            insert_rows(Dossier, ["code", "import_run_id", *WRITE_FIELDS], creates)
            Dossier.objects.bulk_update(updates, [*WRITE_FIELDS, "import_run"], batch_size=1000)
            self.stage("Cộng số liệu theo tháng")
            agency_ids, months = delta.apply()
            result.affected.agency_ids.update(agency_ids)
            result.affected.months.update(months)
        result.created, result.updated = len(creates), len(updates)
        return result

    @staticmethod
    def _stored(codes: list[str]) -> dict[str, tuple]:
        """The stored dossiers among `codes`: code → (pk, code, *WRITE_FIELDS)."""
        fields = ("pk", "code", *WRITE_FIELDS)
        column = f"{connection.ops.quote_name(Dossier._meta.db_table)}.code"
        stored: dict[str, tuple] = {}
        for start in range(0, len(codes), 2000):
            chunk = codes[start : start + 2000]
            # One parameter, an array: binding thousands of separate parameters (Django
            # prepares each) costs the client several times what the index lookups cost.
            if connection.vendor == "postgresql":
                among = RawSQL(f"{column} = ANY(%s)", [chunk], output_field=BooleanField())  # noqa: S611
            else:
                among = RawSQL(  # noqa: S611
                    f"{column} IN (SELECT value FROM json_each(%s))",  # noqa: S608
                    [json.dumps(chunk)],
                    output_field=BooleanField(),
                )
            stored.update((v[1], v) for v in Dossier.objects.filter(among).values_list(*fields))
        return stored

    @staticmethod
    def _values(row: dict) -> dict:
        return {
            "procedure_id": row["procedure"].pk,
            "agency_id": row["agency"].pk,
            "channel": int(row["channel"]),
            "received_at": row["received_at"],
            "due_at": row.get("due_at"),
            "finished_at": row.get("finished_at"),
            "status": row["status"],
            "supplement_count": row["supplement_count"],
            "supplement_days": row["supplement_days"],
            "finished_on_time": row["finished_on_time"],
            "fee": row["fee"],
            "paid_online": row["paid_online"],
            "result_digitized": row["result_digitized"],
        }
