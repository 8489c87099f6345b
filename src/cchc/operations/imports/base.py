"""The all-or-nothing import mechanism shared by every kind of operational data.

An importer declares its columns (Vietnamese title, accepted aliases such as the national
dossier-synchronisation field names, a cell parser) and how to resolve references, check
rows against each other and write. `validate` parses the whole table and collects every
error with row and column; `write` runs only on a table without errors, in one transaction,
upserting on the natural key so that loading the same file twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

from django.db.models import Model
from django.utils import timezone

from cchc.core.formatting import format_date
from cchc.core.tabular.columns import Column, RowError, check_header, column_names, reject_any
from cchc.core.tabular.parse import parse_sheet
from cchc.core.tabular.reading import Table, quoted
from cchc.core.tabular.sheet import Sheet
from cchc.organizations.access import DataKind
from cchc.organizations.models import Agency
from cchc.organizations.reorganisation import AgencyNames
from cchc.organizations.scope import AgencyScope
from cchc.organizations.succession import successor_names


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


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def life_message(agency: Agency, day: date, *, what: str, month: bool, heirs: str) -> str:
    """Why a record dated `day` is not `agency`'s: it had ended (the record is its
    successor's, named in `heirs`) or had not begun. `what` names the date: "hồ sơ tiếp nhận
    ngày", "văn bản ban hành ngày", "số liệu tháng" (with `month`, `day` is the month's)."""
    when = f"{what} {day:%m/%Y}" if month else f"{what} {format_date(day)}"
    if agency.valid_to is not None and day > agency.valid_to:
        return (f"{agency.name} kết thúc hoạt động ngày {format_date(agency.valid_to)}; {when} "
                "thuộc đơn vị kế thừa" + (f" ({heirs})" if heirs else ""))  # fmt: skip
    return f"{agency.name} bắt đầu hoạt động ngày {format_date(agency.valid_from)}: {when} trước ngày đó"


def future_month_errors(rows: list[dict], key: str, title: str) -> list[RowError]:
    """Statistics are about months that have begun: a later month is a typing error."""
    this_month = timezone.localdate().replace(day=1)
    return [
        RowError(row["_row"], title, f"tháng {row[key]:%m/%Y} chưa đến")
        for row in rows
        if row.get(key) and row[key] > this_month
    ]


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

    def parse(
        self, table: Table | Sheet, progress: Callable[[int], None] | None = None
    ) -> list[dict]:
        """Every row as a dict of parsed values with its line number under "_row".
        Raises ImportRejected with all errors found (header, cells, references, duplicates).
        Cells are parsed by column (`core.tabular.parse`)."""
        sheet = table if isinstance(table, Sheet) else Sheet.of_table(table)
        parsed = parse_sheet(sheet, self.columns)
        if progress:
            progress(60)
        errors = parsed.errors
        rows = parsed.rows()
        titles = {c.key: c.title for c in self.columns}
        # References (agencies, procedures) are checked on the rows whose cells all parsed,
        # so one report shows both kinds of error.
        bad_rows = {e.row for e in errors}
        errors.extend(self.resolve([r for r in rows if r["_row"] not in bad_rows]))
        # Duplicates last: a key is compared once its references are resolved, so "12-stp"
        # and "12-STP" (or an agency's code and its name) are the same agency.
        errors.extend(self._duplicates(rows, titles))
        if progress:
            progress(100)
        reject_any(errors)
        return rows

    def _duplicates(self, rows: list[dict], titles: dict[str, str]) -> Iterable[RowError]:
        seen: dict[Any, int] = {}
        names = self.natural_key
        # A key of several columns is named whole: "trùng với dòng 2 (cùng Năm, Mã thủ tục)".
        same = (" (cùng " + ", ".join(titles[k] for k in names) + ")") if len(names) > 1 else ""
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
                    row["_row"], titles[self.natural_key[0]], f"trùng với dòng {seen[key]}{same}"
                )
            else:
                seen[key] = row["_row"]

    def resolve(self, rows: list[dict]) -> list[RowError]:
        """Turn codes into objects (agencies, procedures), check cross-field rules."""
        return []

    def resolve_agencies(self, rows: list[dict], key: str = "agency") -> list[RowError]:
        """Agencies by code (or exact name), as `agency_lookup` finds them; a row whose
        agency is refused is an error at its agency column."""
        title = next(c.title for c in self.columns if c.key == key)
        found = self.agency_lookup({row[key] for row in rows if row.get(key) is not None})
        errors = []
        for row in rows:
            value = row.get(key)
            if value is None:
                continue
            agency, message = found[value]
            if message is None:
                row[key] = agency
                continue
            errors.append(RowError(row["_row"], title, message))
            row[key] = None
        return errors

    def agency_lookup(self, values: Iterable[Any]) -> dict[Any, tuple[Agency | None, str | None]]:
        """Each value → (the agency it names, None) or (None, why it is refused). By code
        (any case) or name, in any spelling the list knows (`reorganisation.AgencyNames`; a
        name borne by an ended agency and its successor finds the one active today). An agency whose data the uploader may not write rejects
        the row: worded exactly like an unknown agency when the uploader cannot see it either
        (nothing about it is revealed), and as "not yours to write" when it can (a
        district's commune)."""
        names = AgencyNames(
            Agency.objects.visible_to(self.visible).only(
                "pk", "code", "name", "level", "valid_from", "valid_to", "other_names"
            )
        )
        today = timezone.localdate()
        found: dict[Any, tuple[Agency | None, str | None]] = {}
        for value in values:
            agency, why = names.find(value, on=today)
            if why is not None:  # a name several agencies bear
                found[value] = (None, why)
            elif agency is None:
                found[value] = (None, f"không có cơ quan {quoted(value)} trong phạm vi của bạn")
            elif not self.scope.contains(agency.pk):
                found[value] = (None, "bạn chỉ được nạp dữ liệu của chính cơ quan mình; dữ liệu "
                                f"của {agency.name} do {agency.name} hoặc Văn phòng CCHC nạp")  # fmt: skip
            else:
                found[value] = (agency, None)
        return found

    def resolve_agency_months(self, rows: list[dict], key: str = "month") -> list[RowError]:
        """The checks every table of monthly figures per agency makes: agencies resolved in
        the uploader's scope, no month that has not begun, no month its agency ran on no
        day of."""
        title = next(c.title for c in self.columns if c.key == key)
        errors = self.resolve_agencies(rows)
        errors += future_month_errors(rows, key, title)
        errors += self.outside_life(rows, key, what="số liệu tháng", month=True)
        return errors

    def outside_life(
        self, rows: list[dict], key: str, *, what: str, month: bool = False, agency: str = "agency"
    ) -> list[RowError]:
        """Rows dated (`key`) when their agency did not run — before it was set up, after it
        ended in a reorganisation: the record belongs to another unit, so the row is an error
        at the agency column, naming the successor (`succession.successor_names`). With
        `month`, `key` is the first day of a month and the row is refused only when the
        agency ran on no day of that month (a unit merged on the 16th reports its first
        half-month). `what` names the date in the message ("hồ sơ tiếp nhận ngày")."""
        title = next(c.title for c in self.columns if c.key == agency)
        hits = []
        for row in rows:
            unit, day = row.get(agency), row.get(key)
            if not isinstance(unit, Agency) or day is None:
                continue
            first, last = (day, last_of_month(day)) if month else (day, day)
            if (unit.valid_to is not None and first > unit.valid_to) or (
                unit.valid_from is not None and last < unit.valid_from
            ):
                hits.append((row["_row"], unit, day))
        if not hits:
            return []
        heirs = successor_names({unit.pk for _, unit, _ in hits})
        return [
            RowError(line, title, life_message(unit, day, what=what, month=month,
                                               heirs=heirs.get(unit.pk, "")))
            for line, unit, day in hits
        ]  # fmt: skip

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
        firsts = {row[key[0]] for row in rows if row.get(key[0]) is not None}
        foreign = self.foreign_keys(firsts, model, key=key, owner=owner)
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

    def foreign_keys(
        self, firsts: Iterable[Any], model, *, key: tuple[str, ...], owner: str = "agency_id"
    ) -> set[tuple]:
        """The natural keys of `model` whose first part is among `firsts` and whose record
        an agency outside the uploader's scope owns."""
        firsts = sorted(firsts)
        foreign: set[tuple] = set()
        for start in range(0, len(firsts), 2000):
            foreign.update(
                model.objects.filter(**{f"{key[0]}__in": firsts[start : start + 2000]})
                .exclude(**{f"{owner}__in": self.scope.agency_ids})
                .values_list(*key)
            )
        return foreign

    # --- writing -------------------------------------------------------------------------
    def write(self, rows: list[dict], *, run) -> WriteResult:
        raise NotImplementedError
