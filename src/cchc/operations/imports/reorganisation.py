"""A province's own reorganisation (mergers, splits, dissolved districts) loaded from a file,
as the bundled Lai Châu 2025 one is: the rules live in `organizations.reorganisation`; this
importer gives them the import page, its template, its journal and its progress."""

from __future__ import annotations

from collections.abc import Iterable

from cchc.core.tabular.columns import RowError
from cchc.operations.imports.base import Affected, Importer, WriteResult
from cchc.operations.models import ImportKind
from cchc.organizations import reorganisation
from cchc.organizations.access import DataKind


class ReorganisationImporter(Importer):
    kind = ImportKind.REORGANISATION
    data_kind = DataKind.AGENCIES
    title = "Sắp xếp đơn vị, cơ quan"
    natural_key = ("predecessor", "successor_code")
    columns = reorganisation.COLUMNS

    def resolve(self, rows: list[dict]) -> list[RowError]:
        return reorganisation.check_events(rows)

    def _duplicates(self, rows: list[dict], titles: dict[str, str]) -> Iterable[RowError]:
        return []  # `check_events` reports a link given twice, with the rules across rows

    def write(self, rows: list[dict], *, run) -> WriteResult:
        written = reorganisation.apply_events(
            rows, actor=run.uploaded_by, reason=f"Nạp tệp {run.file_name}"
        )
        return WriteResult(
            created=written.created, updated=written.updated, unchanged=written.unchanged,
            affected=Affected(agency_ids=written.agency_ids, years=written.years),
        )  # fmt: skip
