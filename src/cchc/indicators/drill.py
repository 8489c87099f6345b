"""Links from a number to the records behind it. For a dossier ratio, the numerator and the
denominator each open the dossier list filtered exactly as the roll-up counted them (same
counter, same date — receipt or end of processing — same months), so the list's count is
the number that was clicked."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from cchc.indicators.registry import Indicator


def dossier_urls(
    indicator: Indicator, *, agency_id: int, year: int, months: tuple[int, int] = (1, 12)
) -> tuple[str, str] | None:
    """(numerator's records, denominator's records) of `indicator` for one agency and the
    months `months` (first, last) of `year`; None when the indicator is not a dossier ratio."""
    if indicator.drill != "dossiers" or not indicator.drill_counters:
        return None
    query: dict[str, int | str] = {"co_quan": agency_id, "nam": year}
    if months != (1, 12):
        query.update(tu_thang=months[0], den_thang=months[1])
    if indicator.drill_online_payment:
        query["thanh_toan_tt"] = 1
    page = reverse("operations:dossier_list")
    numerator, denominator = indicator.drill_counters
    return (
        f"{page}?{urlencode({**query, 'loc': numerator})}",
        f"{page}?{urlencode({**query, 'loc': denominator})}",
    )
