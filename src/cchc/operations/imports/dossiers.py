"""Dossiers (hồ sơ TTHC), in the national synchronisation's field names or Vietnamese titles."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from cchc.core.calendar import local_moments, zoned_moments
from cchc.core.selectors import working_calendar
from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column, RowError, reject_any
from cchc.core.tabular.parse import parse_sheet
from cchc.core.tabular.reading import Table, quoted
from cchc.core.tabular.sheet import Sheet
from cchc.operations.imports.base import Importer, WriteResult, life_message
from cchc.operations.imports.dossier_write import write_dossier_frame
from cchc.operations.models import Channel, Dossier, DossierStatus, ImportKind, Procedure
from cchc.organizations.succession import successor_names

FINISHED = {DossierStatus.DONE, DossierStatus.REJECTED}
STATUS_WORDS = {
    **{s.value: s for s in DossierStatus},
    **{str(s.label).lower(): s for s in DossierStatus},
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


class DossierImporter(Importer):
    kind = ImportKind.DOSSIERS
    title = "Hồ sơ thủ tục hành chính"
    natural_key = ("code",)
    columns = [
        Column("code", "Mã hồ sơ", f.text_for(Dossier, "code"), aliases=("MaHoSo",), example="000.00.12.H33-220105-0001"),
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

    # A Polars frame instead of the rows of dicts: the pipeline (`services`) hands what
    # `parse` returns to `write` unread, and this `write` takes the frame.
    def parse(self, table: Table | Sheet, progress=None) -> pl.DataFrame:  # type: ignore[override]
        """The file's dossiers as typed columns, ready to write (`write`), every check of the
        per-row path made by column: cells, agencies, the uploader's scope, procedures,
        dates against each other, due dates in working days, duplicate codes. Raises
        ImportRejected with every error, in the per-row path's words and order."""
        sheet = table if isinstance(table, Sheet) else Sheet.of_table(table)
        parsed = parse_sheet(sheet, self.columns)
        if progress:
            progress(50)
        frame, errors = parsed.frame, list(parsed.errors)
        errors += self._duplicate_codes(frame)
        if parsed.errors:  # references are checked on the rows whose cells all parsed
            refused = pl.Series([e.row for e in parsed.errors], dtype=pl.Int64)
            frame = frame.filter(~pl.col("_row").is_in(refused.implode()))
        frame, found = self._resolve(frame)
        errors += found
        if progress:
            progress(100)
        reject_any(errors)
        return frame

    def _duplicate_codes(self, frame: pl.DataFrame) -> list[RowError]:
        """A code given again (every row, its cells right or not), naming its first line."""
        codes = frame.get_column("code")
        hashes = codes.hash()  # equal codes hash alike: distinct hashes, distinct codes
        if hashes.n_unique() == hashes.len():  # nearly every file (0,01 s instead of 0,05)
            return []
        repeated = codes.is_not_null() & ~codes.is_first_distinct()
        if not repeated.any():
            return []
        title = self.columns[0].title
        firsts = frame.select(
            "_row", first=pl.col("_row").min().over("code"), repeated=repeated
        ).filter(pl.col("repeated"))
        return [RowError(line, title, f"trùng với dòng {first}")
                for line, first, _ in firsts.iter_rows()]  # fmt: skip

    def _errors(self, frame: pl.DataFrame, where: pl.Expr, column: str, message) -> list[RowError]:
        """An error at `column` on each row of `frame` matching `where`; `message` a text, or
        a function of the row's value in that column."""
        hits = frame.filter(where)
        if callable(message):
            key = next(c.key for c in self.columns if c.title == column)
            return [RowError(line, column, message(value))
                    for line, value in hits.select("_row", key).iter_rows()]  # fmt: skip
        return [RowError(line, column, message) for line in hits.get_column("_row").to_list()]

    def _resolve(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[RowError]]:
        """References and cross-field rules for the rows whose cells all parsed, by column,
        and the frame in the writer's columns (`WRITE_FIELDS` with the code)."""
        errors: list[RowError] = []
        found = self.agency_lookup(frame.get_column("agency").unique().to_list())
        ids = {value: agency.pk for value, (agency, _) in found.items() if agency is not None}
        refused = [value for value, (agency, _) in found.items() if agency is None]
        errors += self._errors(frame, pl.col("agency").is_in(refused), "Mã cơ quan",
                               lambda value: found[value][1])  # fmt: skip
        if not self.scope.sees_all:
            codes = frame.get_column("code").to_list()
            foreign = [code for (code,) in self.foreign_keys(codes, Dossier, key=("code",))]
            errors += self._errors(frame, pl.col("code").is_in(foreign), "Mã hồ sơ", lambda code:
                                   f"{quoted(code)} đã có trong dữ liệu của một cơ quan ngoài "
                                   "phạm vi của bạn; không ghi đè được")  # fmt: skip
        codes = frame.get_column("procedure").unique().to_list()
        procedures = dict(Procedure.objects.filter(code__in=codes).values_list("code", "pk"))
        frame = frame.with_columns(
            agency_id=pl.col("agency").replace_strict(ids, default=None, return_dtype=pl.Int64),
            procedure_id=pl.col("procedure").replace_strict(
                procedures, default=None, return_dtype=pl.Int64
            ),
        )
        errors += self._outside_validity(frame, found)
        unknown = pl.col("procedure_id").is_null()
        errors += self._errors(frame, unknown, "Mã thủ tục", lambda code:
                               f"không có thủ tục {quoted(code)} trong danh mục; hãy nạp danh mục "
                               "thủ tục trước")  # fmt: skip
        frame = frame.filter(~unknown)
        finished = pl.col("status").is_in([s.value for s in FINISHED])
        errors += self._errors(frame, pl.col("finished_at") < pl.col("received_at"),
                               "Ngày kết thúc xử lý", "trước ngày tiếp nhận")  # fmt: skip
        errors += self._errors(frame, finished & pl.col("finished_at").is_null(),
                               "Ngày kết thúc xử lý", "hồ sơ đã giải quyết phải có ngày kết thúc")  # fmt: skip
        if errors:
            return frame, errors
        return self._clock(frame, codes), errors

    def _outside_validity(self, frame: pl.DataFrame, found: dict) -> list[RowError]:
        """A dossier received when its agency did not exist (before it was set up, after it
        ended in a reorganisation) belongs to another unit: refused, naming the successor."""
        bounded = {agency.pk: agency for agency, _ in found.values()
                   if agency is not None and (agency.valid_from or agency.valid_to)}  # fmt: skip
        if not bounded:
            return []
        limits = pl.DataFrame(
            [(pk, a.valid_from, a.valid_to) for pk, a in bounded.items()],
            schema={"agency_id": pl.Int64, "valid_from": pl.Date, "valid_to": pl.Date},
            orient="row",
        )
        joined = frame.select("_row", "agency_id", "received_at").join(
            limits, on="agency_id", how="inner"
        )
        day = local_moments(joined.get_column("received_at")).dt.date()
        hits = joined.filter((day < pl.col("valid_from")) | (day > pl.col("valid_to")))
        if hits.is_empty():
            return []
        heirs = successor_names(hits.get_column("agency_id").unique().to_list())
        return [
            RowError(line, "Mã cơ quan", life_message(bounded[pk], received.date(), month=False,
                                                      what="hồ sơ tiếp nhận ngày",
                                                      heirs=heirs.get(pk, "")))
            for line, pk, received in hits.select("_row", "agency_id", "received_at").iter_rows()
        ]  # fmt: skip

    def _clock(self, frame: pl.DataFrame, codes: list[str]) -> pl.DataFrame:
        """Due dates where the file has none (the procedure's duration that year, in working
        days; the 15:00 cut-off for paper dossiers, an online one counting from the day it
        arrived) and on-time (`on_time`), for the whole file at once. Dates are taken from
        Vietnam's wall clock (`local_moments`), converted once per column."""
        calendar = working_calendar()
        missing = frame.get_column("due_at").is_null()
        if missing.any():  # an export usually gives every due date: only its blanks computed
            at = missing.arg_true()
            due = self._due(frame[at], codes, calendar)
            due_at = frame.get_column("due_at").scatter(at, due)
            frame = frame.with_columns(due_at)
        frame = frame.with_columns(
            supplement_count=pl.col("supplement_count").fill_null(0),
            supplement_days=pl.col("supplement_days").fill_null(0),
            fee=pl.col("fee").fill_null(0),
            paid_online=pl.col("paid_online").fill_null(False),
            result_digitized=pl.col("result_digitized").fill_null(False),
        )
        # Decree 61/2018 as amended (`on_time`): a deadline moved by the working days spent
        # waiting for supplements; more than one request is late, known deadline or not.
        deadline = local_moments(frame.get_column("due_at")).dt.date()
        moved = calendar.add_working_days_many(deadline, frame.get_column("supplement_days"))
        ended = local_moments(frame.get_column("finished_at")).dt.date()
        finished = (
            pl.col("status").is_in([s.value for s in FINISHED])
            & pl.col("finished_at").is_not_null()
        )
        frame = frame.with_columns(
            finished_on_time=pl.when(~finished).then(None)
            .when(pl.col("supplement_count") > 1).then(False)
            .when(pl.col("due_at").is_null()).then(None)
            .otherwise(ended <= moved)
        )  # fmt: skip
        return frame.select("code", *WRITE_FIELDS)

    def _due(self, frame: pl.DataFrame, codes: list[str], calendar) -> pl.Series:
        """The due dates of `frame`'s dossiers by their procedure's duration the year each was
        received (null where that year's catalogue gives none), at 17:00, on `calendar`."""
        received = local_moments(frame.get_column("received_at"))
        year = received.dt.year()
        years = year.unique().to_list()
        durations = pl.DataFrame(
            list(Procedure.objects.filter(code__in=codes, snapshots__year__in=years)
                 .values_list("code", "snapshots__year", "snapshots__processing_days")),
            schema={"procedure": pl.String, "year": pl.Int32, "days": pl.Int64}, orient="row",
        )  # fmt: skip
        days = (
            frame.select("procedure", year=year)
            .join(durations, on=["procedure", "year"], how="left", maintain_order="left")
            .get_column("days")
        )
        paper = frame.get_column("channel") != int(Channel.ONLINE)
        start = pl.select(
            pl.when(paper).then(calendar.receipt_days(received)).otherwise(received.dt.date())
        ).to_series()
        due = calendar.add_working_days_many(start, days)
        return zoned_moments(due.cast(pl.Datetime("us")) + timedelta(hours=17))

    def write(self, frame: pl.DataFrame, *, run) -> WriteResult:  # type: ignore[override]
        """Upsert on the dossier code, set-based (`dossier_write`), and bring the monthly
        roll-up along by the difference the file makes, in the caller's transaction."""
        return write_dossier_frame(frame, run=run, stage=self.stage)
