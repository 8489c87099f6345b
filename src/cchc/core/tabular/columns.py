"""What a table of an import is made of, for every app that reads one: its columns (title,
aliases such as the national synchronisation's field names, the cell parser), an error at a
row and column, and the header check. The operational importers (`operations.imports`), the
PAR INDEX frameworks and surveys and the plans' task appendix share them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from cchc.core.tabular.reading import HEADER_SEARCH_ROWS, map_header

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


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} lỗi")
        self.errors = errors


def column_names(columns: Iterable[Column]) -> dict[str, tuple[str, ...]]:
    return {c.key: (c.title, c.key, *c.aliases) for c in columns}


class Headed(Protocol):
    """What a header check reads: a `Table` (read row by row) or a `Sheet` (by column)."""

    header: list[str]
    header_line: int


def check_header(
    table: Headed, columns: list[Column], required: Iterable[str] | None = None
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


def reject_any(errors: list[RowError]) -> None:
    """Refuse the file when there is any error: all of them, by row and column."""
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRejected(errors)
