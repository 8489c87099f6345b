"""The monthly results of Decision 766 published for the province and its agencies (kết quả
Bộ chỉ số 766 công bố), read with the one import engine: one row per national indicator ×
agency × month with the published value in percent. A file replaces what is stored for its
months: loading the same month again gives the same rows, and a row the new file no longer
holds is removed (the published table was corrected)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from cchc.core.tabular import cells as f
from cchc.core.tabular.cells import CellError
from cchc.core.tabular.columns import Column, RowError
from cchc.core.tabular.reading import quoted
from cchc.national import framework
from cchc.national.models import NationalFigure
from cchc.operations.imports.base import Importer, WriteResult
from cchc.operations.models import ImportKind
from cchc.organizations.access import DataKind

PLACES = 2


def percent(value: Any) -> Decimal:
    """A published value in percent: a number as every column reads it (vi-VN "85,5", plain
    "85.5"), with or without a trailing "%", between 0 and 100, at most two decimals."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.endswith("%"):
        text = text[:-1].rstrip()
    number = f.decimal(text)
    if not 0 <= number <= 100:
        raise CellError(f"{quoted(value)} không phải tỷ lệ phần trăm (từ 0 đến 100)")
    if number != number.quantize(Decimal(1).scaleb(-PLACES)):
        raise CellError(f"{quoted(value)} có quá {PLACES} chữ số thập phân")
    return number.quantize(Decimal(1).scaleb(-PLACES))


class NationalFigureImporter(Importer):
    kind = ImportKind.NATIONAL_766
    data_kind = DataKind.NATIONAL_FIGURES
    title = "Kết quả Bộ chỉ số 766 công bố"
    natural_key = ("indicator", "agency", "month")
    columns = [
        Column("indicator", "Mã chỉ số", f.text,
               aliases=("Chỉ số", "Mã chỉ tiêu", "Chỉ tiêu", "MaChiSo", "Tên chỉ số"),
               help="Mã chỉ số của Bộ chỉ số 766 (ví dụ 766.4.3 hoặc 4.3) hoặc đúng tên chỉ số",
               example="766.4.3"),
        Column("agency", "Mã cơ quan", f.text,
               aliases=("Cơ quan", "Đơn vị", "MaDonVi", "MaCoQuan", "Mã đơn vị"),
               help="Mã (hoặc đúng tên) cơ quan; số liệu của cả tỉnh ghi mã của tỉnh",
               example="12-STP"),
        Column("month", "Tháng", f.month_start, aliases=("Thang", "Kỳ", "Kỳ đánh giá"),
               help="mm/yyyy (hoặc một ngày bất kỳ trong tháng)", example="01/2022"),
        Column("value", "Giá trị (%)", percent,
               aliases=("Giá trị", "Kết quả", "Tỷ lệ", "Tỷ lệ (%)", "GiaTri"),
               help="Tỷ lệ công bố, từ 0 đến 100, tối đa 2 chữ số thập phân; ghi 85,5 cho 85,5%",
               example="85,5"),
    ]  # fmt: skip

    def resolve(self, rows: list[dict]) -> list[RowError]:
        titles = {c.key: c.title for c in self.columns}
        errors = self.resolve_agency_months(rows)
        for row in rows:
            code = framework.find(row["indicator"])
            if code is None:
                errors.append(
                    RowError(row["_row"], titles["indicator"],
                             f"không có chỉ số {quoted(row['indicator'])} trong Bộ chỉ số 766 "
                             "(ghi mã như 766.4.3)")
                )  # fmt: skip
            row["indicator"] = code
        return errors

    @transaction.atomic
    def write(self, rows: list[dict], *, run) -> WriteResult:
        result = WriteResult()
        months = {row["month"] for row in rows}
        stored = NationalFigure.objects.filter(month__in=months)
        if self.scope.agency_ids is not None:  # not every agency (scope.sees_all)
            stored = stored.filter(agency_id__in=self.scope.agency_ids)
        existing = {
            (code, agency_id, month): (pk, value)
            for pk, code, agency_id, month, value in stored.values_list(
                "pk", "indicator", "agency_id", "month", "value"
            )
        }
        now = timezone.now()
        creates, updates, kept = [], [], set()
        for row in rows:
            key = (row["indicator"], row["agency"].pk, row["month"])
            old = existing.get(key)
            if old is None:
                creates.append(NationalFigure(indicator=key[0], agency_id=key[1], month=key[2],
                                              value=row["value"], import_run=run))  # fmt: skip
                continue
            kept.add(old[0])
            if old[1] != row["value"]:
                updates.append(NationalFigure(pk=old[0], value=row["value"], import_run=run,
                                              updated_at=now))  # fmt: skip
            else:
                result.unchanged += 1
        # The month's published table is the file: what it no longer holds goes.
        gone = [pk for pk, _value in existing.values() if pk not in kept]
        NationalFigure.objects.filter(pk__in=gone).delete()
        NationalFigure.objects.bulk_create(creates, batch_size=1000)
        NationalFigure.objects.bulk_update(
            updates, ["value", "import_run", "updated_at"], batch_size=1000
        )
        # A removed row is counted as updated: the month's table changed there.
        result.created, result.updated = len(creates), len(updates) + len(gone)
        return result
