"""The per-row import path that the column engine (`core.tabular.parse`, the dossier import
by column) replaced, kept as the reference the property tests compare the engine with
(issue 20): every cell through its column's parser, then the dossiers' checks row by row
(the former `DossierImporter.resolve` and `on_time`, unchanged)."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from cchc.core.calendar import WorkingCalendar
from cchc.core.selectors import working_calendar
from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column, RowError
from cchc.core.tabular.reading import Table, quoted
from cchc.operations.models import Channel, Dossier, DossierStatus, Procedure

FINISHED = {DossierStatus.DONE, DossierStatus.REJECTED}


def by_cell(table: Table, columns: list[Column]) -> tuple[list[dict], list[RowError]]:
    """Each cell through its parser (the former `Importer._parse_column`): rows with "_row",
    a refused cell's key left out, a blank one None; every cell error."""
    index = {c.key: table.header.index(c.title) for c in columns if c.title in table.header}
    rows, errors = [], []
    for n, raw in enumerate(table.rows):
        row = {"_row": table.line(n)}
        for column in columns:
            position = index.get(column.key)
            value = raw[position] if position is not None and position < len(raw) else None
            if f.is_blank(value):
                if column.required:
                    errors.append(RowError(row["_row"], column.title, "không được để trống"))
                else:
                    row[column.key] = None
                continue
            try:
                row[column.key] = column.parse(value)
            except f.CellError as exc:
                errors.append(RowError(row["_row"], column.title, str(exc)))
        rows.append(row)
    return rows, errors


def on_time(calendar: WorkingCalendar, *, due_at, finished_at, supplement_count, supplement_days):
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


def dossiers_by_row(importer, table: Table) -> tuple[list[dict], list[tuple]]:
    """The former dossier parse: cells, agencies, scope, procedures, dates, due dates,
    on-time and duplicate codes, row by row. Returns (rows, sorted errors as tuples)."""
    rows, errors = by_cell(table, importer.columns)
    bad = {e.row for e in errors}
    good = [r for r in rows if r["_row"] not in bad]
    errors += importer.resolve_agencies(good)
    errors += importer.foreign_records(good, Dossier, key=("code",), column="Mã hồ sơ")
    codes = {row["procedure"] for row in good if row.get("procedure")}
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
    calendar = working_calendar()
    years = {row["received_at"].year for row in good if row.get("received_at")}
    durations = {
        (code, year): days
        for code, year, days in Procedure.objects.filter(
            code__in=codes, snapshots__year__in=years
        ).values_list("code", "snapshots__year", "snapshots__processing_days")
    }
    for row in good:
        line = row["_row"]
        procedure = procedures.get(row.get("procedure"))
        if procedure is None:
            errors.append(RowError(line, "Mã thủ tục", f"không có thủ tục {quoted(row.get('procedure'))} "
                                   "trong danh mục; hãy nạp danh mục thủ tục trước"))  # fmt: skip
            continue
        row["procedure"] = procedure
        received, finished = row["received_at"], row.get("finished_at")
        if finished is not None and finished < received:
            errors.append(RowError(line, "Ngày kết thúc xử lý", "trước ngày tiếp nhận"))
        if row["status"] in FINISHED and finished is None:
            errors.append(RowError(line, "Ngày kết thúc xử lý",
                                   "hồ sơ đã giải quyết phải có ngày kết thúc"))  # fmt: skip
        if row.get("due_at") is None:
            days = durations.get((procedure.code, received.year))
            if days is not None:
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
            calendar, due_at=row["due_at"],
            finished_at=finished if row["status"] in FINISHED else None,
            supplement_count=row["supplement_count"], supplement_days=row["supplement_days"],
        )  # fmt: skip
    seen: dict = {}
    for row in rows:
        code = row.get("code")
        if code is None:
            continue
        if code in seen:
            errors.append(RowError(row["_row"], "Mã hồ sơ", f"trùng với dòng {seen[code]}"))
        else:
            seen[code] = row["_row"]
    return good, sorted((e.row, e.column, e.message) for e in errors)
