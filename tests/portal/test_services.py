"""Publishing on the public page (issue 18): only the reform office publishes; synthetic data
and illustrative plans are refused; a release is withdrawn with a reason, never deleted; a
figures release freezes what it published."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cchc.core.services import ServiceError
from cchc.indicators.models import IndicatorSnapshot
from cchc.operations.models import ImportRun
from cchc.organizations.models import Agency
from cchc.plans import services as plans_services
from cchc.plans.models import Plan, Task
from cchc.portal import services
from cchc.portal.models import PublishedFigure, PublishedTask, Release, ReleaseKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return Plan.objects.get(year=2022)


def snapshot(code, month, n, d, synthetic=False):
    IndicatorSnapshot.objects.create(
        indicator="ONLINE_DOSSIER_SHARE", agency=Agency.objects.get(code=code), tier="province",
        month=date(2022, month, 1), numerator=n, denominator=d, synthetic=synthetic,
    )  # fmt: skip


def test_only_the_reform_office_publishes(plan, dept_officer, leader):
    for user in (dept_officer, leader):
        with pytest.raises(PermissionDenied):
            services.plan_publish(actor=user, plan=plan)
    assert not Release.objects.exists()


def test_a_plan_is_published_once_and_withdrawn_with_a_reason(plan, reform_office):
    release = services.plan_publish(actor=reform_office, plan=plan)
    assert Release.objects.public().get() == release
    with pytest.raises(ServiceError, match="đang được công khai"):
        services.plan_publish(actor=reform_office, plan=plan)
    with pytest.raises(ServiceError, match="lý do"):
        services.release_withdraw(actor=reform_office, release=release, reason="  ")
    services.release_withdraw(actor=reform_office, release=release, reason="Sai số văn bản")
    release.refresh_from_db()
    assert not release.is_public and release.withdraw_reason == "Sai số văn bản"
    assert release.history.first().history_change_reason == "Sai số văn bản"
    again = services.plan_publish(actor=reform_office, plan=plan)
    assert list(Release.objects.public()) == [again] and Release.objects.count() == 2


def test_an_illustrative_plan_is_never_published(reform_office):
    plan = Plan.objects.get(year=2022)
    Plan.objects.filter(pk=plan.pk).update(illustrative=True)
    plan.refresh_from_db()
    with pytest.raises(ServiceError, match="minh họa"):
        services.plan_publish(actor=reform_office, plan=plan)


def test_figures_are_frozen_when_published(plan, reform_office):
    """Target 6c, March 2022: Sở Tư pháp 3/10, Sở Nội vụ 1/10 → province 4/20 = 20 %; a later
    correction of the data does not change what was published."""
    snapshot("12-STP", 3, 3, 10)
    snapshot("12-SNV", 3, 1, 10)
    with pytest.raises(ServiceError, match="Công bố kế hoạch trước"):
        services.figures_publish(actor=reform_office, plan=plan, through=date(2022, 3, 1))
    services.plan_publish(actor=reform_office, plan=plan)
    with pytest.raises(ServiceError, match="Chưa có số liệu đến tháng 4/2022"):
        services.figures_publish(actor=reform_office, plan=plan, through=date(2022, 4, 1))
    release = services.figures_publish(actor=reform_office, plan=plan, through=date(2022, 3, 15))
    assert release.through == date(2022, 3, 1)
    six_c = PublishedFigure.objects.filter(release=release, target_label="6c", month="2022-03-01")
    province = six_c.get(agency=None, tier="")
    assert (province.numerator, province.denominator, province.value) == (4, 20, Decimal("20"))
    by_agency = {f.agency.code: f.value for f in six_c.exclude(agency=None)}
    assert by_agency == {"12-STP": Decimal("30"), "12-SNV": Decimal("10")}
    assert province.status and province.threshold is not None
    months = set(PublishedFigure.objects.filter(release=release).values_list("month", flat=True))
    assert months == {date(2022, m, 1) for m in (1, 2, 3)}
    assert (
        PublishedTask.objects.filter(release=release).count()
        == plan.tasks.filter(owner=None).count()
    )
    IndicatorSnapshot.objects.filter(agency__code="12-STP").update(numerator=9)
    province.refresh_from_db()
    assert province.value == Decimal("20")


def test_synthetic_figures_are_refused_and_nothing_is_written(plan, reform_office):
    services.plan_publish(actor=reform_office, plan=plan)
    snapshot("12-STP", 2, 3, 10, synthetic=True)
    with pytest.raises(ServiceError, match=r"6c.*mô phỏng"):
        services.figures_publish(actor=reform_office, plan=plan, through=date(2022, 2, 1))
    assert not Release.objects.filter(kind=ReleaseKind.FIGURES).exists()
    assert not PublishedFigure.objects.exists()


def test_a_lead_and_deadline_the_demo_set_are_not_published(plan, reform_office):
    """Outside review U: a task the demo assigned for illustration (`Task.illustrative`) was
    published with its invented lead and deadline once no synthetic report was left on it.
    Refused until the reform office assigns the task itself; then published."""
    snapshot("12-STP", 3, 3, 10)
    services.plan_publish(actor=reform_office, plan=plan)
    task = plan.tasks.filter(owner=None).first()
    Task.objects.filter(pk=task.pk).update(
        lead_agency=Agency.objects.get(code="12-SNV"), deadline=date(2022, 6, 30),
        illustrative=True,
    )  # fmt: skip
    with pytest.raises(ServiceError, match="1 nhiệm vụ có cơ quan chủ trì và thời hạn do bản"):
        services.figures_publish(actor=reform_office, plan=plan, through=date(2022, 3, 1))
    assert not Release.objects.filter(kind=ReleaseKind.FIGURES).exists()
    assert not PublishedTask.objects.exists()
    task.refresh_from_db()
    plans_services.task_save(
        actor=reform_office, plan=plan, task=task, area=task.area, text=task.text,
        lead_agency=Agency.objects.get(code="12-STP"), deadline=date(2022, 9, 30),
        reason="Giao cơ quan chủ trì",
    )  # fmt: skip
    release = services.figures_publish(actor=reform_office, plan=plan, through=date(2022, 3, 1))
    published = PublishedTask.objects.get(release=release, task=task)
    assert (published.lead_agency, published.deadline) == ("Sở Tư pháp", date(2022, 9, 30))


def test_an_inspection_conclusion_needs_words_and_real_data(reform_office):
    from cchc.inspections.models import Inspection

    run = ImportRun.objects.create(
        kind="inspections", synthetic=True, uploaded_by=reform_office, file_name="kt.csv"
    )
    inspection = Inspection.objects.create(
        agency=Agency.objects.get(code="12-STP"), inspected_on=date(2022, 5, 4), import_run=run
    )
    with pytest.raises(ServiceError, match="kết luận"):
        services.inspection_publish(actor=reform_office, inspection=inspection, conclusion=" ")
    with pytest.raises(ServiceError, match="mô phỏng"):
        services.inspection_publish(actor=reform_office, inspection=inspection, conclusion="Tốt.")
    ImportRun.objects.filter(pk=run.pk).update(synthetic=False)
    inspection.refresh_from_db()
    release = services.inspection_publish(
        actor=reform_office, inspection=inspection, conclusion="Thực hiện tốt."
    )
    assert release.conclusion == "Thực hiện tốt."


def test_a_published_news_item_is_edited_with_a_reason(reform_office):
    news = services.news_save(actor=reform_office, title=" Hội nghị ", body="Nội dung.")
    assert news.title == "Hội nghị"
    services.news_publish(actor=reform_office, news=news)
    with pytest.raises(ServiceError, match="lý do sửa"):
        services.news_save(actor=reform_office, news=news, title="Hội nghị CCHC", body="Mới.")
    services.news_save(
        actor=reform_office, news=news, title="Hội nghị CCHC", body="Mới.", reason="Sửa tiêu đề"
    )
    assert news.history.first().history_change_reason == "Sửa tiêu đề"


def test_a_document_needs_its_file(reform_office):
    fields = {"number": "12/CT-UBND", "issued_on": date(2022, 3, 1), "issuer": "UBND tỉnh",
              "title": "Chỉ thị về đẩy mạnh CCHC"}  # fmt: skip
    with pytest.raises(ServiceError, match="tệp"):
        services.document_save(actor=reform_office, **fields)
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    document = services.document_save(
        actor=reform_office, content=pdf, original_name="chi-thi.pdf", **fields
    )
    assert document.content_type == "application/pdf" and document.size == len(pdf)
    release = services.document_publish(actor=reform_office, document=document)
    assert release.document == document
