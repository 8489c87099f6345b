"""The records behind a number of a target, and the links to them. A dossier ratio's links
open the dossier list filtered as the roll-up counted (`dossier_urls`). For the other targets
(inspections, legal documents, system connections, work-record statistics, the procedure
catalogue, PAR INDEX results) this module says how each kind is listed; which records belong
to a number is decided by the indicator's `records` (indicators.extraction), from the same
selection its extractor counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse

from cchc.core.formatting import format_date
from cchc.indicators.periods import Span
from cchc.indicators.registry import Indicator


def _yes(value: bool) -> str:
    return "Có" if value else "Không"


def _day(value: date | None) -> str:
    return f"{format_date(value)}" if value else "—"


@dataclass(frozen=True)
class Listing:
    noun: str  # what one record is: "văn bản", "cuộc kiểm tra", …
    columns: tuple[tuple[str, Callable[[Any], Any]], ...]
    order: tuple[str, ...]
    related: tuple[str, ...] = ()
    synthetic: str = "import_run__synthetic"  # the lookup that says a record is synthetic
    # Columns summed under the list (column title → field), where the number is a sum of the
    # records rather than their count (work-record statistics).
    totals: tuple[tuple[str, str], ...] = ()


LISTINGS: dict[str, Listing] = {
    "inspections": Listing(
        "cuộc kiểm tra",
        (("Ngày kiểm tra", lambda o: _day(o.inspected_on)), ("Đoàn kiểm tra", lambda o: o.team),
         ("Kết hợp kiểm tra tổ chức bộ máy", lambda o: _yes(o.covers_organisation)),
         ("Kết hợp kiểm tra kỷ luật, kỷ cương", lambda o: _yes(o.covers_discipline)),
         ("Kết quả, tồn tại", lambda o: o.findings)),
        ("inspected_on",),
    ),
    "legal_documents": Listing(
        "văn bản",
        (("Số, ký hiệu", lambda o: o.number), ("Loại văn bản", lambda o: o.doc_type),
         ("Trích yếu", lambda o: o.title), ("Ngày ban hành", lambda o: _day(o.issued_on)),
         ("Đã kiểm tra, rà soát", lambda o: _yes(o.reviewed))),
        ("issued_on", "number"),
    ),
    "systems": Listing(
        "kết nối",
        (("Hệ thống", lambda o: o.system.name), ("Kết nối tới", lambda o: o.get_target_display()),
         ("Kết nối từ ngày", lambda o: _day(o.connected_on))),
        ("system__name", "target"),
        ("system",),
    ),
    "work_records": Listing(
        "tháng có số liệu",
        (("Tháng", lambda o: f"{o.month:%m/%Y}"),
         ("Hồ sơ công việc (không gồm hồ sơ mật)", lambda o: o.total),
         ("Xử lý trên môi trường mạng", lambda o: o.online)),
        ("month",),
        totals=(("Hồ sơ công việc (không gồm hồ sơ mật)", "total"),
                ("Xử lý trên môi trường mạng", "online")),
    ),
    "catalogue": Listing(
        "thủ tục",
        (("Mã thủ tục", lambda o: o.procedure.code), ("Tên thủ tục", lambda o: o.procedure.name),
         ("Mức độ trực tuyến", lambda o: o.get_online_level_display()),
         ("Có phí, lệ phí", lambda o: _yes(o.has_fee)),
         ("Thanh toán trực tuyến", lambda o: _yes(o.online_payment)),
         ("Trên Cổng DVC quốc gia", lambda o: _yes(o.on_national_portal))),
        ("procedure__code",),
        ("procedure",),
    ),
}  # fmt: skip


def provide_listing(kind: str, listing: Listing) -> None:
    """Let an app above this one say how its records are listed (parindex: the published
    results behind target 2). Called from that app's AppConfig.ready()."""
    LISTINGS[kind] = listing


PARTS = {"tu": 0, "mau": 1}  # ?phan=: the numerator's records, the denominator's


def listed(indicator: Indicator) -> bool:
    return indicator.records is not None and indicator.drill in LISTINGS


def selection(indicator: Indicator, *, agency_id: int, tier: str, period: Span, part: str):
    """The records of `part` ("tu" or "mau"), ordered for listing; None when that part has no
    records of its own (the denominator of target 1 is the agency itself)."""
    listing = LISTINGS[indicator.drill]
    if indicator.records is None:  # not listed (the page asks `listed` first)
        return None
    end = period.last_day
    records = indicator.records(agency_id, tier, period.first_month, end)[PARTS[part]]
    if records is None:
        return None
    return records.select_related(*listing.related).order_by(*listing.order)


def totals(listing: Listing, records) -> list[Any] | None:
    """The row under the list: the summed columns over every record (not only the page's),
    None when the listing sums nothing."""
    if not listing.totals:
        return None
    sums = records.aggregate(**{f"sum_{field}": Sum(field) for _title, field in listing.totals})
    by_title = {title: sums[f"sum_{field}"] or 0 for title, field in listing.totals}
    return [by_title.get(title, "") for title, _value in listing.columns]


def dossier_urls(
    indicator: Indicator, *, agency_id: int, year: int, months: tuple[int, int] = (1, 12)
) -> tuple[str, str] | None:
    """(numerator's dossiers, denominator's dossiers) of a dossier ratio for one agency and the
    months `months` (first, last) of `year`, filtered exactly as the roll-up counted them (same
    counter, same date, same months), so the list's count is the number clicked; None when
    `indicator` is not a dossier ratio."""
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


def _excluded_url(indicator: Indicator, urls: tuple[str, str] | None) -> str | None:
    """The dossiers left out of a ratio (finished without a knowable deadline), filtered like
    its numerator's: same agency, year and months."""
    if not urls or not indicator.excluded_counter or not indicator.drill_counters:
        return None  # (urls exist only for a ratio with drill counters)
    return urls[0].replace(
        urlencode({"loc": indicator.drill_counters[0]}),
        urlencode({"loc": indicator.excluded_counter}),
    )


def link_rows(target, indicator: Indicator, rows: list[dict], period: Span) -> None:
    """Set each per-agency row's `urls`: (numerator's records, denominator's records or None),
    or None when the indicator has no records to list (target 2 before its results exist)."""
    if indicator.drill == "dossiers":
        for row in rows:
            row["urls"] = dossier_urls(
                indicator, agency_id=row["agency_id"], year=period.year, months=period.months
            )
            row["excluded_url"] = _excluded_url(indicator, row["urls"])
        return
    if not listed(indicator) or indicator.records is None:  # (listed: it has records)
        for row in rows:
            row["urls"] = None
        return
    page = reverse("indicators:target_records", args=[target.pk])
    # Lazy querysets: which parts have records is known without a query, and is the same for
    # every row.
    has_denominator = (
        indicator.records(0, "", period.first_month, period.last_day)[PARTS["mau"]] is not None
    )
    for row in rows:
        query = {"co_quan": row["agency_id"], "cap": row["tier"], "thang": period.last,
                 "ky": period.kind}  # fmt: skip
        numerator = f"{page}?{urlencode({**query, 'phan': 'tu'})}"
        denominator = f"{page}?{urlencode({**query, 'phan': 'mau'})}" if has_denominator else None
        row["urls"] = numerator, denominator
