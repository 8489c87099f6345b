"""Monthly dossier statistics (số liệu hồ sơ theo tháng) for a province without a
dossier-level export: one row per agency × procedure × month with the counters of
`DossierMonthly`, stored with source "imported". Roll-ups computed from dossiers are never
overwritten: a row that meets one is an error, so the two sources never mix in one cell."""

from __future__ import annotations

from django.db import transaction

from cchc.core.bulk import insert_rows
from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column, RowError
from cchc.core.tabular.reading import quoted
from cchc.operations.imports.base import Importer, WriteResult
from cchc.operations.models import DossierMonthly, ImportKind, Procedure, StatSource
from cchc.operations.rollups import COUNTERS, KEY_ORDER

# (part, whole): a part may not exceed its whole.
LIMITS = (
    ("received_online", "received"),
    ("with_fee", "received"),
    ("paid_online", "with_fee"),
    ("results_granted", "finished"),
    ("results_digitized", "results_granted"),
)


class DossierStatsImporter(Importer):
    kind = ImportKind.DOSSIER_STATS
    title = "Số liệu hồ sơ TTHC theo tháng"
    natural_key = ("agency", "procedure", "month")
    columns = [
        Column("agency", "Mã cơ quan", f.text, aliases=("MaDonVi", "MaCoQuan", "Cơ quan", "Đơn vị"),
               help="Mã (hoặc đúng tên) cơ quan giải quyết", example="12-STP"),
        Column("procedure", "Mã thủ tục", f.text, aliases=("MaTTHC", "Mã TTHC"),
               help="Thủ tục phải có trong danh mục đã nạp", example="1.001234"),
        Column("month", "Tháng", f.month_start, aliases=("Thang", "Kỳ", "Kỳ báo cáo"),
               help="mm/yyyy (hoặc một ngày bất kỳ trong tháng)", example="01/2022"),
        Column("received", "Tiếp nhận", f.non_negative_integer,
               aliases=("Số hồ sơ tiếp nhận", "Hồ sơ tiếp nhận", "TiepNhan"),
               help="Hồ sơ tiếp nhận trong tháng", example="120"),
        Column("received_online", "Tiếp nhận trực tuyến", f.non_negative_integer, required=False,
               aliases=("TiepNhanTrucTuyen", "Trực tuyến"), help="Trống: 0", example="30"),
        Column("finished", "Đã giải quyết", f.non_negative_integer, required=False,
               aliases=("DaGiaiQuyet", "Số hồ sơ đã giải quyết"),
               help="Hồ sơ kết thúc xử lý trong tháng; trống: 0", example="110"),
        Column("finished_on_time", "Giải quyết đúng hạn", f.non_negative_integer, required=False,
               aliases=("DungHan", "Đúng hạn", "Trước hạn, đúng hạn"), help="Trống: 0",
               example="105"),
        Column("finished_late", "Giải quyết quá hạn", f.non_negative_integer, required=False,
               aliases=("QuaHan", "Quá hạn"), help="Trống: 0", example="5"),
        Column("finished_unknown_deadline", "Không xác định được hạn", f.non_negative_integer,
               required=False, aliases=("KhongXacDinhHan", "Đã giải quyết, không xác định được hạn"),
               help="Đã giải quyết nhưng không có ngày hẹn trả, thủ tục không có thời hạn; "
                    "không tính vào tỷ lệ đúng hạn. Trống: số đã giải quyết trừ đúng hạn và "
                    "quá hạn", example="0"),
        Column("open_on_time", "Đang giải quyết trong hạn", f.non_negative_integer,
               required=False, aliases=("DangGiaiQuyetTrongHan", "Đang giải quyết, trong hạn"),
               help="Còn mở vào cuối tháng, chưa đến hạn; trống: 0", example="8"),
        Column("open_overdue", "Đang giải quyết quá hạn", f.non_negative_integer, required=False,
               aliases=("DangGiaiQuyetQuaHan", "Đang giải quyết, quá hạn"),
               help="Còn mở vào cuối tháng, đã quá hạn; trống: 0", example="2"),
        Column("open_unknown_deadline", "Đang giải quyết, không xác định được hạn",
               f.non_negative_integer, required=False, aliases=("DangGiaiQuyetKhongXacDinhHan",),
               help="Còn mở vào cuối tháng, không có ngày hẹn trả; trống: 0", example="0"),
        Column("with_fee", "Hồ sơ có phí, lệ phí", f.non_negative_integer, required=False,
               aliases=("CoPhi", "Hồ sơ có phí"), help="Trống: 0", example="60"),
        Column("paid_online", "Thanh toán trực tuyến", f.non_negative_integer, required=False,
               aliases=("ThanhToanTrucTuyen",), help="Hồ sơ có phí đã nộp trực tuyến; trống: 0",
               example="12"),
        Column("results_granted", "Kết quả giải quyết", f.non_negative_integer, required=False,
               aliases=("KetQuaGiaiQuyet", "Hồ sơ được giải quyết"),
               help="Hồ sơ đã giải quyết có kết quả (không gồm hồ sơ từ chối); trống: bằng số "
                    "đã giải quyết", example="100"),
        Column("results_digitized", "Kết quả được số hóa", f.non_negative_integer,
               required=False, aliases=("SoHoaKetQua", "Số hóa kết quả"), help="Trống: 0",
               example="40"),
    ]  # fmt: skip

    def resolve(self, rows: list[dict]) -> list[RowError]:
        titles = {c.key: c.title for c in self.columns}
        errors = self.resolve_agency_months(rows)
        codes = {row["procedure"] for row in rows}
        procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
        for row in rows:
            line = row["_row"]
            procedure = procedures.get(row["procedure"])
            if procedure is None:
                errors.append(
                    RowError(line, titles["procedure"], f"không có thủ tục {quoted(row['procedure'])} "
                             "trong danh mục; hãy nạp danh mục thủ tục trước")
                )  # fmt: skip
            row["procedure"] = procedure
            self._fill_blanks(row)
            for part, whole in LIMITS:
                if row[part] > row[whole]:
                    errors.append(
                        RowError(line, titles[part], f"{row[part]} lớn hơn “{titles[whole]}” "
                                 f"({row[whole]})")
                    )  # fmt: skip
            judged = (row["finished_on_time"] + row["finished_late"]
                      + row["finished_unknown_deadline"])  # fmt: skip
            if judged > row["finished"]:
                errors.append(
                    RowError(line, titles["finished"], "đúng hạn, quá hạn và không xác định được "
                             f"hạn cộng lại ({judged}) lớn hơn số đã giải quyết "
                             f"({row['finished']})")
                )  # fmt: skip
        errors += self._rolled_up(rows, titles["month"])
        return errors

    @staticmethod
    def _fill_blanks(row: dict) -> None:
        """A blank counter is 0, except two a province's statistics often leave out: the
        results (blank: every finished dossier, the statistics not telling rejections apart)
        and the finished dossiers whose deadline is unknown (blank: those neither on time nor
        late)."""
        blanks = {name for name in COUNTERS if row.get(name) is None}
        for name in COUNTERS:
            row[name] = row.get(name) or 0
        if "results_granted" in blanks:
            row["results_granted"] = row["finished"]
        if "finished_unknown_deadline" in blanks:
            rest = row["finished"] - row["finished_on_time"] - row["finished_late"]
            row["finished_unknown_deadline"] = max(rest, 0)

    def _rolled_up(self, rows: list[dict], title: str) -> list[RowError]:
        """Cells already computed from this agency's dossiers stay theirs."""
        good = [r for r in rows if r.get("agency") and r.get("procedure")]
        if not good:
            return []
        taken = set(
            DossierMonthly.objects.filter(
                agency_id__in={r["agency"].pk for r in good},
                month__in={r["month"] for r in good},
                source=StatSource.DOSSIERS,
            ).values_list("agency_id", "procedure_id", "month")
        )
        return [
            RowError(row["_row"], title, "tháng này đã có số liệu tổng hợp từ hồ sơ chi tiết "
                     "của cơ quan cho thủ tục này; không ghi đè")
            for row in good
            if (row["agency"].pk, row["procedure"].pk, row["month"]) in taken
        ]  # fmt: skip

    @transaction.atomic
    def write(self, rows: list[dict], *, run) -> WriteResult:
        result = WriteResult()
        existing = {
            (agency_id, procedure_id, month): (pk, values)
            for pk, agency_id, procedure_id, month, *values in DossierMonthly.objects.filter(
                agency_id__in={r["agency"].pk for r in rows},
                month__in={r["month"] for r in rows},
                source=StatSource.IMPORTED,
            ).values_list("pk", "agency_id", "procedure_id", "month", *COUNTERS)
        }
        creates, updates = [], []
        for row in rows:
            key = (row["agency"].pk, row["procedure"].pk, row["month"])
            values = [row[name] for name in COUNTERS]
            old = existing.get(key)
            if old is None:
                creates.append(
                    {"agency_id": key[0], "procedure_id": key[1], "month": key[2],
                     "source": StatSource.IMPORTED, "import_run_id": run.pk,
                     **dict(zip(COUNTERS, values, strict=True))}
                )  # fmt: skip
            elif list(old[1]) != values:
                updates.append(
                    DossierMonthly(pk=old[0], import_run=run, **dict(zip(COUNTERS, values, strict=True)))
                )  # fmt: skip
            else:
                result.unchanged += 1
                continue
            result.affected.agency_ids.add(key[0])
            result.affected.months.add(key[2])
            result.affected.years.add(key[2].year)
        fields = ["agency_id", "procedure_id", "month", "source", "import_run_id", *COUNTERS]
        # In the roll-up's key order, month first, as every roll-up writer adds rows (ADR 0033).
        creates.sort(key=lambda row: tuple(row[name] for name in KEY_ORDER))
        insert_rows(DossierMonthly, fields, creates)
        DossierMonthly.objects.bulk_update(updates, [*COUNTERS, "import_run"], batch_size=1000)
        result.created, result.updated = len(creates), len(updates)
        return result
