"""Publishing on the public CCHC page: only the reform office publishes (`DataKind.PUBLICATION`),
each act is a `Release`, and a release is withdrawn — never deleted — with a reason. Synthetic
(demo) data and illustrative plans are refused: they are never presented as the province's.

A FIGURES release freezes the plan's targets (province, tiers, each agency; every month from
January to the month published) and its tasks' statuses on the day, so the public reads what
was published, not what the working tables say later."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.services import ServiceError, audited_save
from cchc.core.uploads import store_evidence
from cchc.core.users import User
from cchc.indicators import dashboard
from cchc.indicators.selectors import per_agency
from cchc.inspections.models import Inspection
from cchc.organizations.access import DataKind, require_write
from cchc.organizations.models import Tier
from cchc.organizations.scope import AgencyScope
from cchc.parindex.models import AssessmentStatus, Framework
from cchc.plans.models import Plan
from cchc.plans.selectors import task_board
from cchc.portal.models import (
    SUBJECT,
    DirectiveDocument,
    NewsItem,
    PublishedFigure,
    PublishedTask,
    Release,
    ReleaseKind,
)

TIER_CODE = {str(label): code for code, label in Tier.choices}

SYNTHETIC_REFUSED = _(
    "Không công bố được: %(what)s có số liệu từ dữ liệu mô phỏng (bản dùng thử sinh ra), "
    "không phải số liệu thật của tỉnh."
)

ALREADY_PUBLIC = _("Nội dung này đang được công khai; gỡ bản cũ trước nếu cần công bố lại.")


def _require_office(actor: User) -> None:
    require_write(actor, DataKind.PUBLICATION, action=_("công bố nội dung trên trang công khai"))


def _release(kind: str, *, actor: User, now: datetime | None, **fields) -> Release:
    """Create the release; a subject already public is refused in Vietnamese (the database's
    unique constraint decides, so two office staff publishing at once cannot both succeed)."""
    subject = {k: v for k, v in fields.items() if k in (*SUBJECT.values(), "through")}
    if _is_public(kind, **subject):
        raise ServiceError(ALREADY_PUBLIC)
    release = Release(kind=kind, published_at=now or timezone.now(), published_by=actor, **fields)
    try:
        with transaction.atomic():
            audited_save(release, actor=actor, reason=_("Công bố"))
    except IntegrityError:
        raise ServiceError(ALREADY_PUBLIC) from None
    return release


def _is_public(kind: str, **subject) -> bool:
    return Release.objects.public().filter(kind=kind, **subject).exists()


@transaction.atomic
def plan_publish(*, actor: User, plan: Plan, now: datetime | None = None) -> Release:
    _require_office(actor)
    if plan.illustrative:
        raise ServiceError(
            _("Kế hoạch %(year)s là kế hoạch minh họa của bản dùng thử, không công bố được.")
            % {"year": plan.year}
        )
    return _release(ReleaseKind.PLAN, actor=actor, now=now, plan=plan)


def _frozen(
    release,
    target,
    month,
    *,
    n,
    d,
    value,
    tier,
    synthetic,
    agency_id=None,
    threshold=None,
    met=None,
    status="",
) -> PublishedFigure:
    figure = PublishedFigure(
        release=release, target_label=target.label, target_text=target.quantity,
        indicator=target.indicator_code, month=month, agency_id=agency_id, tier=tier,
        numerator=n, denominator=d, value=value, unit=target.unit, threshold=threshold,
        comparator=target.comparator if threshold is not None else "", met=met, status=status,
    )  # fmt: skip
    figure.synthetic = synthetic  # not stored: a synthetic figure stops the publication
    return figure


def _months(year: int, through: date) -> list[date]:
    return [date(year, m, 1) for m in range(1, through.month + 1)]


@transaction.atomic
def figures_publish(
    *, actor: User, plan: Plan, through: date, now: datetime | None = None
) -> Release:
    """Publish the plan's progress through the month of `through`: its targets' figures for
    the province, per tier and per agency, at the end of every month from January, and its
    tasks' statuses today. The plan itself must be public."""
    _require_office(actor)
    through = through.replace(day=1)
    if through.year != plan.year:
        raise ServiceError(_("Tháng công bố phải thuộc năm %(y)s.") % {"y": plan.year})
    if not _is_public(ReleaseKind.PLAN, plan=plan):
        raise ServiceError(_("Công bố kế hoạch trước khi công bố số liệu của kế hoạch."))
    last = dashboard.data_through(plan.year)
    if last is None or through > last:
        raise ServiceError(
            _("Chưa có số liệu đến tháng %(m)s/%(y)s.") % {"m": through.month, "y": through.year}
        )
    release = _release(ReleaseKind.FIGURES, actor=actor, now=now, plan=plan, through=through)
    everything = AgencyScope.everything()
    figures: list[PublishedFigure] = []
    for month in _months(plan.year, through):
        for status in dashboard.plan_statuses(plan, scope=everything, through=month):
            target = status.target
            if status.overall is None:
                continue
            thresholds = {t.tier: t.value for t in target.thresholds.all()}
            frozen = partial(_frozen, release, target, month)
            # The dashboard names each tier by its label ("Cấp tỉnh"); the row keeps the code.
            province = [(status.overall, ""), *((e, TIER_CODE[label]) for label, e in status.tiers)]
            for evaluation, tier in province:
                figures.append(frozen(
                    n=evaluation.numerator, d=evaluation.denominator, value=evaluation.value,
                    tier=tier, threshold=thresholds.get(tier), met=evaluation.met,
                    status=status.status if not tier else "", synthetic=evaluation.synthetic,
                ))  # fmt: skip
            for r in per_agency(
                target.indicator_code, scope=everything, year=plan.year, through=month,
                baseline_year=target.baseline_year, growth_measure=target.growth_measure,
                levels=status.levels,
            ):  # fmt: skip
                figures.append(frozen(
                    n=r["n"], d=r["d"], value=r["value"], tier=r["tier"], agency_id=r["agency_id"],
                    synthetic=r["synthetic"],
                ))  # fmt: skip
    synthetic = {f.target_label for f in figures if f.synthetic}
    tasks = [
        r for r in task_board(plan=plan, scope=everything, today=timezone.localdate())
        if r.task.owner_id is None
    ]  # fmt: skip
    if any(r.synthetic for r in tasks):
        synthetic.add(_("tiến độ nhiệm vụ"))
    if synthetic:
        raise ServiceError(SYNTHETIC_REFUSED % {"what": ", ".join(sorted(synthetic))})
    # A lead and a deadline the demo set to show the tracker at work (`Task.illustrative`):
    # not in the plan's document, so not the province's to publish, even once a real report
    # has replaced the demo's (outside review U: published as "Sở Nội vụ, 30/06/2022").
    illustrative = [r.task for r in tasks if r.task.illustrative]
    if illustrative:
        raise ServiceError(
            _("Không công bố được: %(n)s nhiệm vụ có cơ quan chủ trì và thời hạn do bản dùng "
              "thử đặt để minh họa (%(first)s…), không có trong văn bản kế hoạch. Hãy giao "
              "nhiệm vụ trên trang sửa nhiệm vụ trước khi công bố.")
            % {"n": len(illustrative), "first": illustrative[0].text[:60]}
        )  # fmt: skip
    PublishedFigure.objects.bulk_create(figures, batch_size=2000)
    PublishedTask.objects.bulk_create([
        PublishedTask(
            release=release, task=r.task, area=r.task.area.name, area_order=r.task.area.order,
            order=r.task.order, text=r.task.text,
            lead_agency=r.task.lead_agency.name if r.task.lead_agency else "",
            deadline=r.task.deadline, status=r.status, percent=r.percent,
        )
        for r in tasks
    ])  # fmt: skip
    return release


@transaction.atomic
def ranking_publish(*, actor: User, framework: Framework, now: datetime | None = None) -> Release:
    """Put a PAR INDEX framework's results on the public page: they must have been published
    to the agencies (`parindex.services.publication.results_publish`) and come from no synthetic
    round."""
    _require_office(actor)
    if framework.illustrative:
        raise ServiceError(
            _("Bộ tiêu chí “%(f)s” là bộ mẫu minh họa của bản dùng thử, không công bố được.")
            % {"f": framework.title}
        )
    assessments = framework.assessments.all()
    if not assessments.exists() or assessments.exclude(status=AssessmentStatus.PUBLISHED).exists():
        raise ServiceError(
            _(
                "Kết quả của bộ tiêu chí này chưa được công bố trong hệ thống (Chỉ số CCHC → Kết quả)."
            )
        )
    if assessments.filter(synthetic=True).exists():
        raise ServiceError(SYNTHETIC_REFUSED % {"what": framework})
    return _release(ReleaseKind.RANKING, actor=actor, now=now, framework=framework)


@transaction.atomic
def inspection_publish(
    *,
    actor: User,
    inspection: Inspection,
    conclusion: str,
    now: datetime | None = None,
) -> Release:
    """Publish an inspection's conclusion in the words the office writes for the public."""
    _require_office(actor)
    conclusion = conclusion.strip()
    if not conclusion:
        raise ServiceError(_("Nhập kết luận công khai của cuộc kiểm tra."))
    if inspection.synthetic:
        raise ServiceError(SYNTHETIC_REFUSED % {"what": _("cuộc kiểm tra này")})
    return _release(
        ReleaseKind.INSPECTION, actor=actor, now=now, inspection=inspection, conclusion=conclusion
    )


@transaction.atomic
def document_save(
    *,
    actor: User,
    document: DirectiveDocument | None = None,
    number: str,
    issued_on: date,
    issuer: str,
    title: str,
    summary: str = "",
    content: bytes | None = None,
    original_name: str = "",
) -> DirectiveDocument:
    """Create a directive document (with its file) or edit one; a new file replaces the old."""
    _require_office(actor)
    document = document or DirectiveDocument(created_by=actor)
    document.number, document.issued_on, document.issuer = number, issued_on, issuer
    document.title, document.summary = title, summary
    if content is not None:
        stored = store_evidence(content=content, original_name=original_name, folder="portal")
        document.stored_name, document.original_name = stored.stored_name, stored.original_name
        document.content_type, document.size = stored.content_type, stored.size
        document.sha256 = stored.sha256
    if not document.stored_name:
        raise ServiceError(_("Đính kèm tệp văn bản."))
    audited_save(document, actor=actor)
    return document


@transaction.atomic
def document_publish(
    *, actor: User, document: DirectiveDocument, now: datetime | None = None
) -> Release:
    _require_office(actor)
    return _release(ReleaseKind.DOCUMENT, actor=actor, now=now, document=document)


@transaction.atomic
def news_save(
    *,
    actor: User,
    news: NewsItem | None = None,
    title: str,
    lead: str = "",
    body: str,
    reason: str = "",
) -> NewsItem:
    """Write or edit a news item; an edit of a published item says why (its history keeps it)."""
    _require_office(actor)
    if news is not None and news.pk and _is_public(ReleaseKind.NEWS, news=news) and not reason:
        raise ServiceError(_("Tin bài đang công khai: nêu lý do sửa."))
    news = news or NewsItem(created_by=actor)
    news.title, news.lead, news.body = title.strip(), lead.strip(), body.strip()
    audited_save(news, actor=actor, reason=reason)
    return news


@transaction.atomic
def news_publish(*, actor: User, news: NewsItem, now: datetime | None = None) -> Release:
    _require_office(actor)
    return _release(ReleaseKind.NEWS, actor=actor, now=now, news=news)


@transaction.atomic
def release_withdraw(
    *, actor: User, release: Release, reason: str, now: datetime | None = None
) -> Release:
    """Take a release off the public page; the reason is kept with it and in its history."""
    _require_office(actor)
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Nêu lý do gỡ khỏi trang công khai."))
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.withdrawn_at is not None:
        raise ServiceError(_("Nội dung này đã được gỡ trước đó."))
    release.withdrawn_at, release.withdrawn_by = now or timezone.now(), actor
    release.withdraw_reason = reason
    audited_save(release, actor=actor, reason=reason)
    return release
