"""Layer 2 of the indicator engine: numerators and denominators per agency × month,
aggregated inside the database (never a Python loop over dossiers).

Each extractor receives a `Window` (which agencies, which months) and returns every
snapshot row for that window; the refresh replaces the window's rows with them."""

from __future__ import annotations

import calendar
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Sum

from cchc.indicators.periods import month_within
from cchc.inspections.models import Inspection, InspectionPlanItem
from cchc.inspections.planning import INSPECTED_LEVELS
from cchc.operations.models import (
    ONLINE_LEVELS_3_4,
    DossierMonthly,
    LegalDocument,
    LegalReview,
    ProcedureSnapshot,
    SystemConnection,
    SystemKind,
    WorkRecordStat,
)
from cchc.operations.rollups import COUNTERS as ROLLUP_COUNTERS
from cchc.operations.rollups import SUMMED
from cchc.organizations.models import TIER_OF_LEVEL, Agency, AgencyLevel


@dataclass(frozen=True)
class Window:
    agency_ids: frozenset[int] | None  # None: every agency
    months: tuple[date, ...]  # first days of months, sorted

    def agency_q(self, field: str = "agency_id") -> Q:
        return Q() if self.agency_ids is None else Q(**{f"{field}__in": self.agency_ids})

    @property
    def years(self) -> list[int]:
        return sorted({m.year for m in self.months})


@dataclass(frozen=True)
class Row:
    agency_id: int
    tier: str
    month: date
    numerator: int
    denominator: int
    synthetic: bool = False
    # Records left out of both numerator and denominator, and shown beside the value (finished
    # dossiers whose deadline cannot be known, for the on-time rate).
    excluded: int = 0
    # For a flow that also counts a state at the period's end (IndicatorSnapshot.end_*).
    end_numerator: int = 0
    end_denominator: int = 0
    end_excluded: int = 0


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def agency_tiers() -> dict[int, str]:
    return {
        pk: TIER_OF_LEVEL[AgencyLevel(level)]
        for pk, level in Agency.objects.values_list("pk", "level")
    }


def province_id() -> int | None:
    return Agency.objects.filter(level=AgencyLevel.PROVINCE).values_list("pk", flat=True).first()


def _synthetic(prefix: str = "") -> Count:
    return Count("pk", filter=Q(**{f"{prefix}import_run__synthetic": True}))


_reads: ContextVar[dict | None] = ContextVar("indicator_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Indicators refreshed together read their data once: inside this block an aggregation
    asked for again over the same window is not run again (the four dossier indicators read
    the same roll-up rows of the same months)."""
    token = _reads.set({})
    try:
        yield
    finally:
        _reads.reset(token)


def _once(key: tuple, compute: Callable[[], list]) -> list:
    memo = _reads.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


# The roll-up counters the dossier indicators divide; those of online payment are read apart,
# over the procedures offering it that year only.
PAYMENT_COUNTERS = ("paid_online", "with_fee")
MONTHLY_COUNTERS = tuple(c for c in ROLLUP_COUNTERS if c not in PAYMENT_COUNTERS)


def _monthly_sums(window: Window, *, only_online_payment: bool) -> list[Mapping[str, Any]]:
    """Per agency × month, the sums of the roll-up's counters over `window`."""

    def compute() -> list[Mapping[str, Any]]:
        qs = DossierMonthly.objects.filter(window.agency_q(), month__in=window.months)
        counters = MONTHLY_COUNTERS
        if only_online_payment:
            # 5b counts payments "trong số đó": only procedures offering online payment that year.
            counters = PAYMENT_COUNTERS
            # Year by year, each a range of months: the year extracted from each row would be
            # a Python function call per roll-up row on SQLite (0,15 s of a province's year).
            offering = [
                Q(
                    Exists(
                        ProcedureSnapshot.objects.filter(
                            procedure=OuterRef("procedure"), year=year, online_payment=True
                        )
                    ),
                    month__year=year,
                )
                for year in window.years
            ]
            qs = qs.filter(reduce(operator.or_, offering))
        sums = {f"sum_{c}": Sum(c) for c in counters}
        return list(qs.values("agency_id", "month").annotate(**sums, syn=_synthetic()))

    return _once(("dossier_monthly", only_online_payment, window), compute)


def _counter(sums: Mapping[str, Any], name: str) -> int:
    """A roll-up counter of `sums`, or a sum of counters (`rollups.SUMMED`)."""
    return sum(sums[f"sum_{part}"] for part in SUMMED.get(name, (name,)))


def dossier_monthly(
    numerator: str,
    denominator: str,
    *,
    only_online_payment: bool = False,
    excluded: str = "",
    end: tuple[str, str, str] | None = None,
):
    """Two DossierMonthly counters (or sums of counters) summed per agency × month, and the
    counter of the records left out of both, when there is one. `end`: the counters of the
    state at the month's end (numerator, denominator, left out) that the period's last month
    adds (Decision 766: dossiers still open)."""

    def extract(window: Window) -> Iterable[Row]:
        tiers = agency_tiers()
        for r in _monthly_sums(window, only_online_payment=only_online_payment):
            state = [_counter(r, name) for name in end] if end else [0, 0, 0]
            yield Row(
                r["agency_id"], tiers[r["agency_id"]], r["month"], _counter(r, numerator),
                _counter(r, denominator), r["syn"] > 0,
                _counter(r, excluded) if excluded else 0, *state,
            )  # fmt: skip

    return extract


def work_records(window: Window) -> Iterable[Row]:
    tiers = agency_tiers()
    qs = WorkRecordStat.objects.filter(window.agency_q(), month__in=window.months)
    for r in qs.values("agency_id", "month", "online", "total", syn=F("import_run__synthetic")):
        yield Row(
            r["agency_id"], tiers[r["agency_id"]], r["month"], r["online"], r["total"], r["syn"]
        )


def inspection_coverage(window: Window) -> Iterable[Row]:
    """Stock: for each department, district and commune UBND running at the month's end, 1/1
    if inspected between 1 January and the month's end, 0/1 if not yet. A month counts the
    units of its own end (a district dissolved on 30/06/2025 counts until June, the communes
    formed on 01/07/2025 from July: no unit twice, none before it existed). Which of them a
    figure counts is its target's applicability (target 1 of plan 4345: no communes; the
    registry's default), read with the snapshots (indicators.applicability)."""
    agencies = Agency.objects.filter(window.agency_q("pk"), level__in=sorted(INSPECTED_LEVELS))
    for year in window.years:
        existed = agencies.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=date(year, 12, 31)),
            Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 31)),
        )
        lives = list(existed.values_list("pk", "level", "valid_from", "valid_to"))
        first = dict(
            inspections_by(date(year, 12, 31))
            .filter(agency_id__in=[a for a, *_ in lives])
            .values("agency_id")
            .annotate(first=Min("inspected_on"))
            .values_list("agency_id", "first")
        )
        # "Not inspected" is as synthetic as the inspections it is read from.
        synthetic = Inspection.objects.filter(
            inspected_on__year=year, import_run__synthetic=True
        ).exists()
        for month in (m for m in window.months if m.year == year):
            end = month_end(month)
            for agency_id, level, valid_from, valid_to in lives:
                if (valid_from and valid_from > end) or (valid_to and valid_to < end):
                    continue
                done = agency_id in first and first[agency_id] <= end
                yield Row(agency_id, TIER_OF_LEVEL[level], month, int(done), 1, synthetic)


# The records each stock indicator counts at a day (a month's end), selected by one function
# each: the extractor counts them and the records page (indicators.records) lists them.


def inspections_by(end: date):
    """The inspections of `end`'s year up to `end` (target 1's numerator, per agency)."""
    return Inspection.objects.filter(inspected_on__year=end.year, inspected_on__lte=end)


def legal_documents_at(end: date):
    """Documents issued from 1 January to `end` (target 3's denominator), annotated `reviewed`:
    checked or reviewed by `end` (its numerator)."""
    reviewed = LegalReview.objects.filter(document=OuterRef("pk"), reviewed_on__lte=end)
    return LegalDocument.objects.filter(issued_on__year=end.year, issued_on__lte=end).annotate(
        reviewed=Exists(reviewed)
    )


def required_connections():
    """The connections target 7 names: from the provincial portal, the one-stop system and the
    provincial reporting system (its denominator); a system of kind "Khác" is not one of them."""
    return SystemConnection.objects.exclude(system__kind=SystemKind.OTHER)


def connected_by(end: date) -> Q:
    """A required connection (target 7's denominator) in place by `end` (its numerator)."""
    return Q(connected_on__lte=end)


def legal_review_coverage(window: Window) -> Iterable[Row]:
    """Stock: documents issued since 1 January up to the month's end, and how many of them
    have been checked or reviewed by then."""
    tiers = agency_tiers()
    for month in window.months:
        qs = legal_documents_at(month_end(month)).filter(window.agency_q())
        for r in qs.values("agency_id").annotate(
            d=Count("pk"), n=Count("pk", filter=Q(reviewed=True)), syn=_synthetic()
        ):
            yield Row(r["agency_id"], tiers[r["agency_id"]], month, r["n"], r["d"], r["syn"] > 0)


def systems_connected(window: Window) -> Iterable[Row]:
    """Stock: required connections in place at the month's end / required connections.
    Stored on the systems' owner agency."""
    tiers = agency_tiers()
    qs = required_connections().filter(window.agency_q("system__owner_id"))
    for month in window.months:
        end = month_end(month)
        for r in qs.values(owner=F("system__owner_id")).annotate(
            d=Count("pk"),
            n=Count("pk", filter=connected_by(end)),
            syn=_synthetic(),
        ):
            yield Row(r["owner"], tiers[r["owner"]], month, r["n"], r["d"], r["syn"] > 0)


def catalogue(numerator: Q, denominator: Q):
    """Stock over the procedure catalogue of each month's year, per authority tier, stored on
    the province: the catalogue belongs to the province, not to one agency."""

    def extract(window: Window) -> Iterable[Row]:
        province = province_id()
        if province is None:  # nothing to store the catalogue's figures on
            return
        by_year: dict[int, list[Row]] = defaultdict(list)
        for year in window.years:
            qs = ProcedureSnapshot.objects.filter(year=year).filter(denominator)
            for r in qs.values("authority_tier").annotate(
                d=Count("pk"), n=Count("pk", filter=numerator), syn=_synthetic()
            ):
                by_year[year].append(
                    Row(
                        province,
                        r["authority_tier"],
                        date(year, 1, 1),
                        r["n"],
                        r["d"],
                        r["syn"] > 0,
                    )
                )
        for month in window.months:
            for row in by_year[month.year]:
                yield Row(
                    row.agency_id, row.tier, month, row.numerator, row.denominator, row.synthetic
                )

    return extract


ONLINE_3_4 = Q(online_level__in=ONLINE_LEVELS_3_4)


# --- the records behind a number --------------------------------------------------------
# For an agency (and tier) and a period ending with `end` (a month's last day; `first` the
# period's first month): (the numerator's records, the denominator's records or None), from
# the same selections the extractors count. Listed by indicators.records.

Records = Callable[[int, str, date, date], tuple[Any, Any]]


def inspection_records(agency_id: int, tier: str, first: date, end: date) -> tuple[Any, Any]:
    return inspections_by(end).filter(agency_id=agency_id), None


def legal_document_records(agency_id: int, tier: str, first: date, end: date) -> tuple[Any, Any]:
    documents = legal_documents_at(end).filter(agency_id=agency_id)
    return documents.filter(reviewed=True), documents


def connection_records(agency_id: int, tier: str, first: date, end: date) -> tuple[Any, Any]:
    connections = required_connections().filter(system__owner_id=agency_id)
    return connections.filter(connected_by(end)), connections


def work_record_records(agency_id: int, tier: str, first: date, end: date) -> tuple[Any, Any]:
    """Flow: the monthly statistics of the period (numerator and denominator sum them)."""
    stats = WorkRecordStat.objects.filter(agency_id=agency_id, month__gte=first, month__lte=end)
    return stats, stats


def catalogue_records(numerator: Q, denominator: Q) -> Records:
    def records(agency_id: int, tier: str, first: date, end: date) -> tuple[Any, Any]:
        snapshots = ProcedureSnapshot.objects.filter(year=end.year, authority_tier=tier).filter(
            denominator
        )
        return snapshots.filter(numerator), snapshots

    return records


# --- the last month with data, per source -------------------------------------------------
# Each indicator names the function of its source (registry, `data_through`): the last month
# of a year for which that source holds data. Snapshots are written up to that month and no
# further, so a month without data is never stored as a figure, and the pages open on the
# last month a figure can be signed for.

Through = Callable[[int], date | None]


def _month(value: date | None) -> date | None:
    return value.replace(day=1) if value else None


def _latest(*values: date | None) -> date | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def dossiers_through(year: int) -> date | None:
    """The last month with a dossier received or finished (roll-up rows of dossiers or loaded
    statistics alike); a month holding only dossiers still open is not a month of data. Read
    once per refresh for the four dossier indicators (`shared_reads`)."""

    def compute() -> list:
        flows = Q()
        for counter in (*MONTHLY_COUNTERS, *PAYMENT_COUNTERS):
            if not counter.startswith("open_"):  # the state at a month's end is not a flow
                flows |= Q(**{f"{counter}__gt": 0})
        rows = DossierMonthly.objects.filter(flows, month__year=year)
        return [rows.aggregate(m=Max("month"))["m"]]

    return _once(("dossiers_through", year), compute)[0]


def work_records_through(year: int) -> date | None:
    """The last month whose work-record statistics were loaded."""
    return WorkRecordStat.objects.filter(month__year=year).aggregate(m=Max("month"))["m"]


def _load_month(rows, year: int) -> date | None:
    """The month `rows` were last loaded (their import runs' dates), kept within `year`: a
    load after the year tells the state through December, one before it the state in
    January. None when no load has a date."""
    runs = rows.exclude(import_run=None).aggregate(
        finished=Max("import_run__finished_at"), started=Max("import_run__started_at")
    )
    moment = runs["finished"] or runs["started"]
    return None if moment is None else month_within(moment, year)


def inspections_through(year: int) -> date | None:
    """The month of the year's latest inspection, or of the latest load of the inspections
    when that comes later (a load in July says there was none since the last one); an
    inspection entered on the page (no import run) counts as loaded when it was entered."""
    rows = Inspection.objects.filter(inspected_on__year=year)
    latest = rows.aggregate(d=Max("inspected_on"))["d"]
    if latest is None:
        return None
    entered = rows.filter(import_run=None).aggregate(at=Max("created_at"))["at"]
    return _latest(
        _month(latest),
        _load_month(rows, year),
        None if entered is None else month_within(entered, year),
    )


def legal_documents_through(year: int) -> date | None:
    """The month of the year's latest document issued or review made, or of their latest load
    when that comes later."""
    rows = LegalDocument.objects.filter(issued_on__year=year)
    issued = rows.aggregate(d=Max("issued_on"))["d"]
    if issued is None:
        return None
    reviewed = LegalReview.objects.filter(reviewed_on__year=year).aggregate(d=Max("reviewed_on"))
    return _latest(_month(issued), _month(reviewed["d"]), _load_month(rows, year))


def _loaded_on(rows, year: int) -> date | None:
    """A register (the procedure catalogue, the information systems) states how things stand
    on the day it was loaded (`_load_month`). A register loaded without a date counts for the
    whole year; no row, no data."""
    if not rows.exists():
        return None
    return _load_month(rows, year) or date(year, 12, 1)


def catalogue_through(year: int) -> date | None:
    """The catalogue of `year` as of its snapshot's load."""
    return _loaded_on(ProcedureSnapshot.objects.filter(year=year), year)


def systems_through(year: int) -> date | None:
    """The connections register as of its latest load, or its latest connection date in the
    year when that comes later."""
    loaded = _loaded_on(SystemConnection.objects.all(), year)
    connected = SystemConnection.objects.filter(connected_on__year=year).aggregate(
        d=Max("connected_on")
    )
    return _latest(loaded, _month(connected["d"]))


# --- what is planned ------------------------------------------------------------------------

Planned = Callable[[Any, int, date], int | None]


def inspections_planned(agencies, year: int, end: date) -> int | None:
    """Of `agencies` (those a target counts in a reader's scope, possibly of one tier), how
    many will have been inspected in `year` if its inspection plan is carried out: inspected
    by `end`, or in the plan. None when `year` has no plan."""
    plan = InspectionPlanItem.objects.filter(year=year)
    if not plan.exists():
        return None
    counted = agencies.filter(level__in=sorted(INSPECTED_LEVELS)).active_on(date(year, 12, 31))
    done = inspections_by(end).values("agency_id")
    return counted.filter(Q(pk__in=done) | Q(pk__in=plan.values("agency_id"))).count()
