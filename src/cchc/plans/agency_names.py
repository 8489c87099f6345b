"""Resolving the agency names a plan writes ("Văn phòng UBND tỉnh", "Sở VH, TT và DL",
"UBND các huyện, thành phố") to catalogue agencies. Used by both plan imports: the appendix
(XLSX/CSV) and the review page of a Word plan. Names are compared by
``task_table.agency_key``, the one normaliser for both sides."""

from __future__ import annotations

import re

from cchc.organizations.models import Agency, AgencyLevel
from cchc.plans.task_table import agency_key

# Collective names a plan uses for a whole level of agencies.
GROUPS = {
    agency_key(name): level
    for name, level in (
        ("Các sở, ban, ngành", AgencyLevel.DEPARTMENT),
        ("Các sở, ban, ngành tỉnh", AgencyLevel.DEPARTMENT),
        ("Các cơ quan chuyên môn thuộc UBND tỉnh", AgencyLevel.DEPARTMENT),
        ("UBND các huyện, thành phố", AgencyLevel.DISTRICT),
        ("Các huyện, thành phố", AgencyLevel.DISTRICT),
        ("UBND cấp huyện", AgencyLevel.DISTRICT),
        ("UBND các xã, phường, thị trấn", AgencyLevel.COMMUNE),
        ("UBND cấp xã", AgencyLevel.COMMUNE),
    )
}


class AgencyNames:
    """Resolves the names a plan writes to agencies. ``exclude`` leaves out levels the caller
    cannot use (the review page's lists have no communes)."""

    def __init__(self, *, exclude: tuple[str, ...] = ()) -> None:
        agencies = Agency.objects.exclude(level=AgencyLevel.PROVINCE).exclude(level__in=exclude)
        self.by_name: dict[str, Agency] = {}
        for agency in agencies.order_by("level", "code"):
            self.by_name.setdefault(agency_key(agency.name), agency)
        self.levels = {
            level: list(agencies.filter(level=level).order_by("code"))
            for level in set(GROUPS.values())
            if level not in exclude
        }

    def one(self, text: str) -> list[Agency] | None:
        """The agency a name means (or every agency of a level, for a collective name)."""
        key = agency_key(text)
        if key in GROUPS:
            return self.levels.get(GROUPS[key]) or None
        agency = self.by_name.get(key)
        return [agency] if agency else None

    def many(self, text: str) -> tuple[list[Agency], list[str]]:
        """Agencies named in a cell ("Sở Tư pháp; Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch,
        UBND các huyện, thành phố"): split on ";" and new lines, then join comma-separated
        pieces greedily into the longest known names. Returns (agencies, unknown names)."""
        found: list[Agency] = []
        unknown: list[str] = []
        for chunk in re.split(r"[;\n]+", text):
            pieces = [p.strip(" .") for p in chunk.split(",") if p.strip(" .")]
            start = 0
            while start < len(pieces):
                for end in range(len(pieces), start, -1):
                    match = self.one(", ".join(pieces[start:end]))
                    if match:
                        found.extend(a for a in match if a not in found)
                        start = end
                        break
                else:
                    if pieces[start] not in unknown:
                        unknown.append(pieces[start])
                    start += 1
        return found, unknown
