"""Helpers for the import tests: build CSV and XLSX files in memory, run them through the
services exactly as an upload would (import_create, then import_execute called directly: with
pytest-django's `db` fixture on_commit callbacks never fire, so nothing runs twice), and take a
fingerprint of every operational table to prove that a rejected file wrote nothing."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook

from cchc.inspections.models import Inspection
from cchc.national.models import NationalFigure
from cchc.operations.models import (
    Dossier,
    DossierMonthly,
    ImportRun,
    InformationSystem,
    LegalDocument,
    LegalReview,
    Procedure,
    ProcedureSnapshot,
    SystemConnection,
    WorkRecordStat,
)
from cchc.operations.services import import_create, import_execute
from cchc.organizations.models import Agency, AgencySuccession

OPERATIONAL_MODELS = (
    Procedure, ProcedureSnapshot, Dossier, DossierMonthly, WorkRecordStat, LegalDocument,
    LegalReview, Inspection, InformationSystem, SystemConnection, Agency, AgencySuccession,
    NationalFigure,
)  # fmt: skip


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def typed(value):
    """What a person typing into Excel gets: dates become dates, whole numbers numbers."""
    if not isinstance(value, str):
        return value
    if match := re.fullmatch(r"(\d{2})/(\d{2})/(\d{4}) (\d{2}):(\d{2})", value):
        d, m, y, hh, mm = map(int, match.groups())
        return datetime(y, m, d, hh, mm)
    if match := re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", value):
        d, m, y = map(int, match.groups())
        return date(y, m, d)
    if re.fullmatch(r"[1-9]\d*|0", value):
        return int(value)
    return value or None


def xlsx_bytes(header: list[str], rows: list[list], *, as_typed: bool = True) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([typed(v) if as_typed else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def load(actor, kind: str, content: bytes | str, name: str = "tep.csv") -> ImportRun:
    if isinstance(content, str):
        content = content.encode("utf-8")
    run = import_create(actor=actor, kind=kind, file_name=name, content=content)
    return import_execute(ImportRun.objects.get(pk=run.pk))


def counts(run: ImportRun) -> tuple[int, int, int]:
    return run.rows_created, run.rows_updated, run.rows_unchanged


def fingerprint() -> dict[str, list[tuple]]:
    """Every row of every operational table, in primary-key order (tests hold few rows)."""
    result = {}
    for model in OPERATIONAL_MODELS:
        names = [f.attname for f in model._meta.concrete_fields]
        result[model.__name__] = [
            tuple(str(v) if isinstance(v, Decimal) else v for v in row)
            for row in model.objects.order_by("pk").values_list(*names)
        ]
    return result


def errors_at(run: ImportRun, row: int, column: str) -> list[str]:
    return [e["message"] for e in run.errors if e["row"] == row and e["column"] == column]
