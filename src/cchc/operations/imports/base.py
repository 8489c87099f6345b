"""The all-or-nothing import mechanism shared by every kind of operational data.

An importer declares its columns (Vietnamese title, accepted aliases such as the national
dossier-synchronisation field names, a cell parser) and how to resolve references, check
rows against each other and write. `validate` parses the whole table and collects every
error with row and column; `write` runs only on a table without errors, in one transaction,
upserting on the natural key so that loading the same file twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from django.db.models import Model

from cchc.core.tables import HEADER_SEARCH_ROWS, Table, map_header, quoted
from cchc.operations.imports.fields import CellError, is_blank
from cchc.organizations.access import DataKind
from cchc.organizations.models import Agency
from cchc.organizations.scope import AgencyScope

MAX_REPORTED_ERRORS = 500


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    parse: Callable[[Any], Any]
    required: bool = True
    aliases: tuple[str, ...] = ()
    help: str = ""
    example: str = ""


@dataclass(frozen=True)
class RowError:
    row: int  # line in the file, the header being line 1
    column: str  # the column's title as the user knows it, "" for the whole row
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Affected:
    """What a write touched, so that roll-ups and indicator snapshots refresh only there."""

    agency_ids: set[int] = field(default_factory=set)
    months: set[date] = field(default_factory=set)
    years: set[int] = field(default_factory=set)


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    affected: Affected = field(default_factory=Affected)


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} lỗi")
        self.errors = errors


def column_names(columns: Iterable[Column]) -> dict[str, tuple[str, ...]]:
    return {c.key: (c.title, c.key, *c.aliases) for c in columns}


def check_header(
    table: Table, columns: list[Column], required: Iterable[str] | None = None
) -> tuple[dict[str, int], list[RowError]]:
    """Each column's position in `table`'s header, and the header's errors: a column given
    twice, a required one missing (`required`: the keys that must be there; by default the
    columns marked required). When no row of the file names any column, each missing
    column's message also says that no header row was found."""
    positions, repeated = map_header(table.header, column_names(columns))
    line = table.header_line
    errors = [RowError(line, title, "cột bị lặp lại") for title in repeated]
    needed = set(required) if required is not None else {c.key for c in columns if c.required}
    missing = "thiếu cột bắt buộc"
    if not positions:
        missing += (f" (không tìm thấy dòng tiêu đề: trong {HEADER_SEARCH_ROWS} dòng đầu của tệp "
                    "không dòng nào có tên cột như tệp mẫu)")  # fmt: skip
    errors += [
        RowError(line, c.title, missing)
        for c in columns
        if c.key in needed and c.key not in positions
    ]
    return positions, errors


def first_of_month(day: date) -> date:
    return day.replace(day=1)


class Importer:
    """Subclasses set `kind`, `title`, `columns` and implement `resolve` and `write`."""

    kind: ClassVar[str]
    title: ClassVar[str]
    columns: ClassVar[list[Column]]
    natural_key: ClassVar[tuple[str, ...]]
    # Who may author the rows (organizations.access): an agency its own operational rows by
    # default; inspections, systems and the catalogue are the reform office's.
    data_kind: ClassVar[DataKind] = DataKind.OPERATIONAL
    # Templates list the importer classes (the import page's sample files): without this a
    # template would call the class, fail for want of `scope` and print nothing.
    do_not_call_in_templates: ClassVar[bool] = True

    def __init__(
        self,
        *,
        scope: AgencyScope,
        visible: AgencyScope | None = None,
        stage: Callable[[str], None] | None = None,
    ):
        # `scope`: the agencies whose rows the uploader may write (`access.write_scope`);
        # `visible`: those it may read, only to word an error about an agency it can see.
        self.scope = scope
        self.visible = visible or scope
        # Told the name of each step of a long write (shown beside the progress bar).
        self.stage = stage or (lambda name: None)

    # --- reading and checking ---------------------------------------------------------
    @classmethod
    def header_titles(cls) -> list[str]:
        """Every title a file's header may give a column (its title, key and aliases)."""
        return [title for titles in column_names(cls.columns).values() for title in titles]

    def map_header(self, header: list[str]) -> tuple[dict[str, int], list[RowError]]:
        """Each column's position in a header row on line 1, and the header's errors."""
        return check_header(Table(header=header, rows=[]), self.columns)

    def parse(self, table: Table, progress: Callable[[int], None] | None = None) -> list[dict]:
        """Every row as a dict of parsed values with its line number under "_row".
        Raises ImportRejected with all errors found (header, cells, references, duplicates)."""
        positions, errors = check_header(table, self.columns)
        if errors:
            raise ImportRejected(errors)
        if not table.rows:
            raise ImportRejected([RowError(table.first_data_line, "",
                                           "tệp chỉ có dòng tiêu đề, không có dữ liệu")])  # fmt: skip
        titles = {c.key: c.title for c in self.columns}
        rows: list[dict] = [{"_row": table.line(index)} for index in range(len(table.rows))]
        for done, column in enumerate(self.columns):
            errors.extend(self._parse_column(column, positions.get(column.key), table.rows, rows))
            if progress:
                progress(int((done + 1) * 100 / len(self.columns)))
        # References (agencies, procedures) are checked on the rows whose cells all parsed,
        # so one report shows both kinds of error.
        bad_rows = {e.row for e in errors}
        errors.extend(self.resolve([r for r in rows if r["_row"] not in bad_rows]))
        # Duplicates last: a key is compared once its references are resolved, so "12-stp"
        # and "12-STP" (or an agency's code and its name) are the same agency.
        errors.extend(self._duplicates(rows, titles))
        if errors:
            errors.sort(key=lambda e: (e.row, e.column))
            raise ImportRejected(errors)
        return rows

    def _parse_column(
        self, column: Column, index: int | None, raws: list[list[Any]], rows: list[dict]
    ) -> list[RowError]:
        """Parse one column of every row into `rows`. Column by column, so that a text seen
        before (a code, a status, a date) is parsed once: its result, value or error, is
        remembered for the rest of the column (not for the natural key, unique per row).
        Unbounded on purpose: the memo's keys are the table's own strings and its values are
        shared by every row that repeats them, so it saves more memory than it takes (1M
        dossiers, three date columns: 99 MB peak with it, 126 MB capped at 50.000 texts,
        and 1 s slower)."""
        key, errors = column.key, []
        seen: dict[str, tuple[bool, Any]] = {}
        remember = key not in self.natural_key
        for row, raw in zip(rows, raws, strict=True):
            value = raw[index] if index is not None and index < len(raw) else None
            if value.__class__ is str and (known := seen.get(value)) is not None:
                ok, result = known
            else:
                ok, result = self._parse_cell(column, value)
                if remember and value.__class__ is str:
                    seen[value] = (ok, result)
            if ok:
                row[key] = result
            elif result is not None:
                errors.append(RowError(row["_row"], column.title, result))
            else:
                row[key] = None  # blank, and the column not required
        return errors

    @staticmethod
    def _parse_cell(column: Column, value: Any) -> tuple[bool, Any]:
        """(True, the parsed value), or (False, the error's message; None for a blank cell
        the column may leave empty)."""
        if is_blank(value):
            return False, ("không được để trống" if column.required else None)
        try:
            return True, column.parse(value)
        except CellError as exc:
            return False, str(exc)

    def _duplicates(self, rows: list[dict], titles: dict[str, str]) -> Iterable[RowError]:
        seen: dict[Any, int] = {}
        names = self.natural_key
        for row in rows:
            if len(names) == 1:  # most imports (a dossier's code): no tuple per row
                key = row.get(names[0])
                if key is None:
                    continue
                if isinstance(key, Model):
                    key = key.pk
            else:
                key = tuple(
                    v.pk if isinstance(v, Model) else v for v in (row.get(k) for k in names)
                )
                if None in key:
                    continue
            if key in seen:
                yield RowError(
                    row["_row"], titles[self.natural_key[0]], f"trùng với dòng {seen[key]}"
                )
            else:
                seen[key] = row["_row"]

    def resolve(self, rows: list[dict]) -> list[RowError]:
        """Turn codes into objects (agencies, procedures), check cross-field rules."""
        return []

    def resolve_agencies(self, rows: list[dict], key: str = "agency") -> list[RowError]:
        """Agencies by code (or exact name). A row of an agency whose data the uploader may
        not write rejects the file: worded exactly like an unknown agency when the uploader
        cannot see it either (nothing about it is revealed), and as "not yours to write" when
        it can (a district's commune)."""
        title = next(c.title for c in self.columns if c.key == key)
        agencies = Agency.objects.visible_to(self.visible).only("pk", "code", "name", "level")
        by_code = {a.code.lower(): a for a in agencies}
        by_name = {a.name.casefold(): a for a in by_code.values()}
        errors = []
        for row in rows:
            value = row.get(key)
            if value is None:
                continue
            agency = by_code.get(str(value).lower()) or by_name.get(str(value).casefold())
            if agency is None:
                message = f"không có cơ quan {quoted(value)} trong phạm vi của bạn"
            elif not self.scope.contains(agency.pk):
                message = (
                    "bạn chỉ được nạp dữ liệu của chính cơ quan mình; dữ liệu của "
                    f"{agency.name} do {agency.name} hoặc Văn phòng CCHC nạp"
                )
            else:
                row[key] = agency
                continue
            errors.append(RowError(row["_row"], title, message))
            row[key] = None
        return errors

    def foreign_records(
        self,
        rows: list[dict],
        model,
        *,
        key: tuple[str, ...],
        column: str,
        owner: str = "agency_id",
    ) -> list[RowError]:
        """Rows whose natural key (`key`: fields of `model` unique together, named alike in
        the rows) names a record owned by an agency outside the uploader's scope: writing
        them would move another agency's record into the uploader's own, so they are errors.
        Nothing is checked for a province-wide scope."""
        if self.scope.sees_all:
            return []
        firsts = sorted({row[key[0]] for row in rows if row.get(key[0]) is not None})
        foreign: set[tuple] = set()
        for start in range(0, len(firsts), 2000):
            foreign.update(
                model.objects.filter(**{f"{key[0]}__in": firsts[start : start + 2000]})
                .exclude(**{f"{owner}__in": self.scope.agency_ids})
                .values_list(*key)
            )
        return [
            RowError(
                row["_row"],
                column,
                f"{quoted(row[key[0]])} đã có trong dữ liệu của một cơ quan ngoài phạm vi của bạn; "
                "không ghi đè được",
            )
            for row in rows
            if tuple(row.get(k) for k in key) in foreign
        ]

    # --- writing -------------------------------------------------------------------------
    def write(self, rows: list[dict], *, run) -> WriteResult:
        raise NotImplementedError
