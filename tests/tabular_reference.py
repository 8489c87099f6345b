"""The per-row import path that the column engine (`core.tabular.parse`, the dossier import
by column) replaced, kept as the reference the property tests compare the engine with
(issue 20): every cell through its column's parser, then the dossiers' checks row by row
(the former `DossierImporter.resolve` and `on_time`, unchanged), and the former dossier
write (`write_by_row`: stored rows looked up and compared in Python)."""

from __future__ import annotations

import json
from datetime import datetime, time
from decimal import Decimal
from operator import itemgetter
from types import SimpleNamespace

import polars as pl
from django.db import connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from cchc.core.bulk import insert_rows
from cchc.core.calendar import WorkingCalendar
from cchc.core.selectors import working_calendar
from cchc.core.tabular import cells as f
from cchc.core.tabular.columns import Column, RowError
from cchc.core.tabular.reading import Table, quoted
from cchc.operations.imports import dossier_write
from cchc.operations.imports.base import WriteResult
from cchc.operations.imports.dossiers import WRITE_FIELDS
from cchc.operations.models import Channel, Dossier, DossierStatus, Procedure
from cchc.operations.rollups import RollupDelta

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


# --- the former dossier write: looked up, compared and written row by row ---------------------
@transaction.atomic
def write_by_row(rows: list[dict], *, run, stage=lambda name: None) -> WriteResult:
    """Upsert on the dossier code and, in the same transaction, bring the monthly roll-up
    along by the difference the file makes (`RollupDelta`): its cost follows the file,
    not the history."""
    result = WriteResult()
    # Sorted, so that each chunk of the lookup, and the new rows' insertion into the
    # code's unique index, walk one stretch of the index rather than all of it.
    rows = sorted(rows, key=itemgetter("code"))
    existing = _stored([row["code"] for row in rows])
    creates, updates = [], []
    for row in rows:
        values = _values(row)
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
        stage("Ghi hồ sơ")
        insert_rows(Dossier, ["code", "import_run_id", *WRITE_FIELDS], creates)
        Dossier.objects.bulk_update(updates, [*WRITE_FIELDS, "import_run"], batch_size=1000)
        stage("Cộng số liệu theo tháng")
        agency_ids, months = delta.apply()
        result.affected.agency_ids.update(agency_ids)
        result.affected.months.update(months)
    result.created, result.updated = len(creates), len(updates)
    return result


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


def frame_of_rows(rows: list[dict]) -> pl.DataFrame:
    """The frame of rows resolved the way `dossiers_by_row` leaves them (procedure and
    agency as objects, fee a whole Decimal): to compare this writer with `write_by_row`
    on the same rows, in tests and benchmarks."""
    keys = {"procedure_id": "procedure", "agency_id": "agency"}
    data = {name: [row.get(keys.get(name, name)) for row in rows] for name in dossier_write.COLUMNS}
    data["procedure_id"] = [p.pk for p in data["procedure_id"]]
    data["agency_id"] = [a.pk for a in data["agency_id"]]
    data["channel"] = [int(c) for c in data["channel"]]
    data["status"] = [str(s) for s in data["status"]]
    data["fee"] = [int(fee) for fee in data["fee"]]
    return pl.DataFrame(data, schema=dossier_write.SCHEMA)


def rows_of_frame(frame: pl.DataFrame) -> list[dict]:
    """The frame's rows in the shape `write_by_row` takes (procedure and agency as objects with
    their key, the fee a Decimal)."""
    rows = []
    for row in frame.to_dicts():
        row["procedure"] = SimpleNamespace(pk=row.pop("procedure_id"))
        row["agency"] = SimpleNamespace(pk=row.pop("agency_id"))
        row["fee"] = Decimal(row["fee"])
        rows.append(row)
    return rows
