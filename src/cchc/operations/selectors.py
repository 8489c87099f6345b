from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear

from cchc.core.calendar import LOCAL_TZ as VN
from cchc.core.formatting import ascii_slug, format_date, months_words
from cchc.operations.models import (
    Channel,
    Dossier,
    DossierStatus,
    ImportRun,
    ImportStatus,
    Procedure,
    ProcedureSnapshot,
)
from cchc.operations.rollups import FINISHED, SELECTIONS, month_bounds
from cchc.organizations.scope import AgencyScope


def import_runs(*, scope: AgencyScope, reform_office: bool) -> QuerySet[ImportRun]:
    """Runs the user may see: the reform office sees all; an agency sees the runs made by
    accounts of the agencies in its scope (province-wide runs name no agency and stay hidden)."""
    qs = ImportRun.objects.select_related("uploaded_by", "agency")
    return qs if reform_office else qs.visible_to(scope)


def same_file_before(run: ImportRun, runs: QuerySet[ImportRun]) -> ImportRun | None:
    """The latest earlier run among `runs` (those the user may see: `import_runs`) that loaded
    the same file — same kind, same SHA-256 — successfully; None when there is none. Loading it
    again changes nothing that file wrote, and the page says so."""
    if not run.file_sha256:
        return None
    return (
        runs.filter(
            kind=run.kind,
            file_sha256=run.file_sha256,
            status=ImportStatus.DONE,
            created_at__lt=run.created_at,
        )
        .exclude(pk=run.pk)
        .order_by("-created_at")
        .first()
    )


# Counting stops here: past it the list says "hơn 50.000 hồ sơ" rather than count ten
# million rows on each page (the Excel file holds as many, so past it the file is cut).
COUNT_LIMIT = 50_000


@dataclass(frozen=True)
class DossierSearch:
    """What a person searched the dossier list for (`forms.DossierSearchForm`), besides the
    drill-down's selection: empty fields select everything."""

    code: str = ""  # the dossier code, whole or its beginning
    procedure: str = ""  # a procedure's code (or its beginning), or words of its name
    channel: int | None = None
    status: str = ""
    deadline: str = ""  # a key of DEADLINES
    received: tuple[date | None, date | None] = (None, None)  # first and last day, included
    finished: tuple[date | None, date | None] = (None, None)

    @property
    def empty(self) -> bool:
        return self == DossierSearch()


@dataclass(frozen=True)
class Deadline:
    label: str  # the choice in the form
    words: str  # in the sentence that says what the list holds
    condition: Q


# The on-time column of the list, as a filter. "Cannot be known" is a finished dossier without
# an appointment date or a maximum duration to judge it by (as the roll-up's
# `finished_unknown_deadline` counts it); an open dossier is none of the three.
DEADLINES = {
    "dung_han": Deadline("Đúng hạn", "giải quyết đúng hạn", Q(finished_on_time=True)),
    "qua_han": Deadline("Quá hạn", "giải quyết quá hạn", Q(finished_on_time=False)),
    "khong_xac_dinh": Deadline(
        "Không xác định được hạn",
        "đã giải quyết, không xác định được hạn",
        Q(finished_on_time__isnull=True, finished_at__isnull=False, status__in=FINISHED),
    ),
}


def dossiers(
    *,
    scope: AgencyScope,
    agency_id: int | None = None,
    year: int | None = None,
    months: tuple[int, int] | None = None,
    counted: str | None = None,
    online_payment_only: bool = False,
    search: DossierSearch | None = None,
) -> QuerySet[Dossier]:
    """Dossiers behind a number: those a roll-up counter (`counted`, a key of
    `rollups.SELECTIONS`) counts in `year` (the months `months`, first and last, both included;
    the whole year by default), by the counter's own date (receipt or end of processing).
    Without a counter: the dossiers received in the period. `online_payment_only`: only
    procedures offering online payment in the year of that date (target 5b's records).
    `search` narrows them further. Newest first by that date (`dossier_order`), then by pk."""
    qs: QuerySet[Dossier] = Dossier.objects.visible_to(scope).select_related("agency", "procedure")
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    count = SELECTIONS.get(counted or "", SELECTIONS["received"])
    if counted in SELECTIONS:
        qs = qs.filter(count.condition)
    if year is not None:
        first, last = months or (1, 12)
        start = month_bounds(date(year, first, 1))[0]
        end = month_bounds(date(year, last, 1))[1]
        qs = qs.filter(**{f"{count.by}__gte": start, f"{count.by}__lt": end})
    if online_payment_only:
        offering = ProcedureSnapshot.objects.filter(
            procedure=OuterRef("procedure"), year=OuterRef("_year"), online_payment=True
        )
        qs = qs.annotate(_year=ExtractYear(count.by)).filter(Exists(offering))
    if search is not None and not search.empty:
        qs = _searched(qs, search)
    return qs.order_by(f"-{count.by}", "-pk")


def dossier_order(counted: str | None) -> str:
    """The date the list of `counted` is ordered (and paged) by; never null in that list."""
    return SELECTIONS.get(counted or "", SELECTIONS["received"]).by


def _searched(qs: QuerySet[Dossier], search: DossierSearch) -> QuerySet[Dossier]:
    if search.code:
        qs = qs.filter(_code_prefix(search.code))
    if search.procedure:
        qs = qs.filter(procedure_id__in=procedures_matching(search.procedure))
    if search.channel is not None:
        qs = qs.filter(channel=search.channel)
    if search.status:
        qs = qs.filter(status=search.status)
    if search.deadline:
        qs = qs.filter(DEADLINES[search.deadline].condition)
    for field, (first, last) in (("received_at", search.received),
                                 ("finished_at", search.finished)):  # fmt: skip
        if first is not None:
            qs = qs.filter(**{f"{field}__gte": _day_start(first)})
        if last is not None:
            qs = qs.filter(**{f"{field}__lt": _day_start(last + timedelta(days=1))})
    return qs


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=VN)


def _code_prefix(prefix: str) -> Q:
    """Codes starting with `prefix` (the whole code among them), case as typed. PostgreSQL
    finds them with the code's LIKE index (migration 0009); on SQLite, whose LIKE ignores case
    and so no index, the range beside it lets the unique index serve it (SQLite compares
    text byte by byte, so the range holds every such code).
    """
    condition = Q(code__startswith=prefix)
    if connection.vendor == "sqlite":
        condition &= Q(code__gte=prefix, code__lt=prefix + "\U0010ffff")
    return condition


def procedures_matching(text: str) -> list[int]:
    """Procedures whose code starts with `text` (any case); when none does, those whose name
    holds every word of it, without regard to case or accents ("ly lich tu phap" finds "Cấp
    Phiếu lý lịch tư pháp"). Names are matched in Python over the catalogue (a few thousand
    rows): accents cannot be ignored alike on SQLite and PostgreSQL."""
    text = text.strip()
    by_code = list(Procedure.objects.filter(code__istartswith=text).values_list("pk", flat=True))
    words = [word for word in ascii_slug(text).split("-") if word]
    if by_code or not words:
        return by_code
    names = ((pk, ascii_slug(name)) for pk, name in Procedure.objects.values_list("pk", "name"))
    return [pk for pk, folded in names if all(word in folded for word in words)]


def dossiers_description(
    *,
    year: int | None,
    months: tuple[int, int] | None = None,
    counted: str | None = None,
    online_payment_only: bool = False,
    search: DossierSearch | None = None,
) -> str:
    """What `dossiers` selected, in words, after its count: "hồ sơ giải quyết đúng hạn
    (kết thúc xử lý trong quý II năm 2022), kênh trực tuyến"."""
    count = SELECTIONS.get(counted or "")
    by = (count or SELECTIONS["received"]).by
    text = count.label if count else "hồ sơ"
    if year is not None:
        date_name = "kết thúc xử lý" if by == "finished_at" else "tiếp nhận"
        text += f" ({date_name} {months_words(year, *(months or (1, 12)))})"
    if online_payment_only:
        text += ", chỉ thủ tục đã triển khai thanh toán trực tuyến"
    return ", ".join([text, *search_words(search or DossierSearch())])


def search_words(search: DossierSearch) -> list[str]:
    """Each condition of `search` as the list's sentence says it."""
    words = []
    if search.code:
        words.append(f"mã hồ sơ bắt đầu bằng “{search.code}”")
    if search.procedure:
        words.append(f"thủ tục tìm theo “{search.procedure}”")
    if search.channel is not None:
        words.append(f"kênh {str(Channel(search.channel).label).lower()}")
    if search.status:
        words.append(f"trạng thái “{DossierStatus(search.status).label}”")
    if search.deadline:
        words.append(DEADLINES[search.deadline].words)
    for name, (first, last) in (("tiếp nhận", search.received),
                                ("kết thúc xử lý", search.finished)):  # fmt: skip
        if first and last:
            words.append(f"{name} từ ngày {format_date(first)} đến ngày {format_date(last)}")
        elif first:
            words.append(f"{name} từ ngày {format_date(first)}")
        elif last:
            words.append(f"{name} đến hết ngày {format_date(last)}")
    return words


def figures_pending() -> bool:
    """Whether some committed import's figures are still being recomputed (ADR 0016)."""
    return ImportRun.objects.filter(figures_pending__isnull=False).exists()
