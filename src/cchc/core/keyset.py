"""Keyset (seek) pagination of a list shown newest first: a page is found from the key
(date, pk) of the row next to it, not by skipping rows with OFFSET, so the last page of ten
million rows costs what the first does. Pages have no numbers; a page links to the first,
the newer, the older and the last page (`Trang đầu`, `Trước`, `Sau`, `Trang cuối`).

A cursor is the row's date in microseconds since 1970 and its pk, "1651363200000000.42":
exact (no float rounding), short, and meaningless to change by hand (a wrong one is refused)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    moment: datetime
    pk: int

    def __str__(self) -> str:
        return f"{(self.moment - EPOCH) // MICROSECOND}.{self.pk}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """The cursor written by `str`; ValueError for anything else."""
        micros, _, pk = text.partition(".")
        if not (micros.lstrip("-").isdigit() and pk.isdigit()) or len(text) > 40:
            raise ValueError(text)
        try:
            return cls(EPOCH + int(micros) * MICROSECOND, int(pk))
        except OverflowError as error:
            raise ValueError(text) from error


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Any]
    has_newer: bool  # a page before this one ("Trước", "Trang đầu")
    has_older: bool  # a page after this one ("Sau", "Trang cuối")
    by: str

    def _cursor(self, row) -> str:
        return str(Cursor(getattr(row, self.by), row.pk))

    @property
    def newer_cursor(self) -> str | None:
        return self._cursor(self.rows[0]) if self.rows and self.has_newer else None

    @property
    def older_cursor(self) -> str | None:
        return self._cursor(self.rows[-1]) if self.rows and self.has_older else None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _older(by: str, cursor: Cursor) -> Q:
    # The first term repeats what the second implies so that the index on `by` (alone or
    # after an equality, e.g. (agency, received_at)) starts its scan at the cursor.
    return Q(**{f"{by}__lte": cursor.moment}) & (
        Q(**{f"{by}__lt": cursor.moment}) | Q(pk__lt=cursor.pk)
    )


def _newer(by: str, cursor: Cursor) -> Q:
    return Q(**{f"{by}__gte": cursor.moment}) & (
        Q(**{f"{by}__gt": cursor.moment}) | Q(pk__gt=cursor.pk)
    )


def keyset_page(
    qs: QuerySet,
    *,
    by: str,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
    last: bool = False,
    size: int = 50,
) -> KeysetPage:
    """The page of `qs` (newest `by` first, then highest pk) that starts after `older_than`,
    ends before `newer_than`, is the last (`last`), or else the first. `by` must not be null
    in `qs`. Each page reads `size` + 1 rows to know whether another follows."""
    newest_first = qs.order_by(f"-{by}", "-pk")
    oldest_first = qs.order_by(by, "pk")
    if newer_than is not None or last:
        if newer_than is not None:
            oldest_first = oldest_first.filter(_newer(by, newer_than))
        rows = list(oldest_first[: size + 1])
        if len(rows) > size:
            return KeysetPage(rows[:size][::-1], has_newer=True, has_older=not last, by=by)
        if last:
            return KeysetPage(rows[::-1], has_newer=False, has_older=False, by=by)
        # Back at the top with fewer than a page left: show the full first page instead.
    elif older_than is not None:
        rows = list(newest_first.filter(_older(by, older_than))[: size + 1])
        return KeysetPage(rows[:size], has_newer=True, has_older=len(rows) > size, by=by)
    rows = list(newest_first[: size + 1])
    return KeysetPage(rows[:size], has_newer=False, has_older=len(rows) > size, by=by)


def bounded_count(qs: QuerySet, limit: int) -> tuple[int, bool]:
    """How many rows `qs` holds, counting no further than `limit`: (count, True) when it
    holds more than `limit` (count is then `limit`)."""
    # Only the keys: the list's joins (select_related) and columns would be read for nothing.
    count = qs.select_related(None).order_by().values("pk")[: limit + 1].count()
    return min(count, limit), count > limit
