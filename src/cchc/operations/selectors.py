from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import ExtractYear

from cchc.core.formatting import months_words
from cchc.operations.models import Dossier, ImportRun, ImportStatus, ProcedureSnapshot
from cchc.operations.rollups import SELECTIONS, month_bounds
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


def dossiers(
    *,
    scope: AgencyScope,
    agency_id: int | None = None,
    year: int | None = None,
    months: tuple[int, int] | None = None,
    counted: str | None = None,
    online_payment_only: bool = False,
) -> QuerySet[Dossier]:
    """Dossiers behind a number: those a roll-up counter (`counted`, a key of
    `rollups.SELECTIONS`) counts in `year` (the months `months`, first and last, both included;
    the whole year by default), by the counter's own date (receipt or end of processing).
    Without a counter: the dossiers received in the period. `online_payment_only`: only
    procedures offering online payment in the year of that date (target 5b's records)."""
    qs = Dossier.objects.visible_to(scope).select_related("agency", "procedure")
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
    return qs.order_by(f"-{count.by}")


def dossiers_description(
    *,
    year: int | None,
    months: tuple[int, int] | None = None,
    counted: str | None = None,
    online_payment_only: bool = False,
) -> str:
    """What `dossiers` selected, in words, after its count: "hồ sơ giải quyết đúng hạn
    (kết thúc xử lý trong quý II năm 2022)"."""
    count = SELECTIONS.get(counted or "")
    by = (count or SELECTIONS["received"]).by
    text = count.label if count else "hồ sơ"
    if year is not None:
        date_name = "kết thúc xử lý" if by == "finished_at" else "tiếp nhận"
        text += f" ({date_name} {months_words(year, *(months or (1, 12)))})"
    if online_payment_only:
        text += ", chỉ thủ tục đã triển khai thanh toán trực tuyến"
    return text


def figures_pending() -> bool:
    """Whether some committed import's figures are still being recomputed (ADR 0016)."""
    return ImportRun.objects.filter(figures_pending__isnull=False).exists()
