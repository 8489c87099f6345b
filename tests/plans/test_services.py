from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.organizations.models import Agency
from cchc.plans import services
from cchc.plans.models import Plan, ReformArea
from cchc.plans.services import ThresholdInput
from tests.factories import PlanFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_plan_create_for_another_year_can_copy_targets(reform_office):
    source = Plan.objects.get(year=2022)
    plan = services.plan_create(
        actor=reform_office,
        province=Agency.objects.get(code="12"),
        copy_targets_from=source,
        year=2023,
        title="Kế hoạch cải cách hành chính tỉnh Lai Châu năm 2023",
    )
    assert plan.targets.count() == 11
    assert source.targets.count() == 11
    copied = plan.targets.get(number=4)
    assert {t.tier: t.value for t in copied.thresholds.all()}["commune"] == Decimal("15")
    assert plan.tasks.count() == 0


def test_plan_create_refuses_a_second_plan_for_the_same_year(reform_office):
    with pytest.raises(ValidationError, match="Đã có kế hoạch"):
        services.plan_create(
            actor=reform_office, province=Agency.objects.get(code="12"), year=2022, title="X"
        )


@pytest.mark.parametrize("role_fixture", ["dept_officer", "leader", "appraiser"])
def test_only_reform_office_writes_plans(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=user, province=Agency.objects.get(code="12"), year=2040, title="X"
        )


def test_target_save_per_level_thresholds_and_history(reform_office):
    plan = PlanFactory()
    target = services.target_save(
        actor=reform_office,
        plan=plan,
        thresholds=[
            ThresholdInput("province", Decimal("30")),
            ThresholdInput("commune", Decimal("15")),
        ],
        number=4,
        part="",
        source_text="…",
        quantity="kết quả được số hóa",
        comparator="gte",
    )
    services.target_save(
        actor=reform_office, plan=plan, target=target,
        thresholds=[ThresholdInput("", Decimal("25"))], comparator="gte", reason="Ngưỡng chung",
    )  # fmt: skip
    assert {t.tier: t.value for t in target.thresholds.all()} == {"": Decimal("25")}
    assert target.history.first().history_user == reform_office


@pytest.mark.parametrize(
    ("comparator", "thresholds", "message"),
    [
        ("gte", [], "ít nhất một ngưỡng"),
        (
            "gte",
            [ThresholdInput("", Decimal(1)), ThresholdInput("district", Decimal(2))],
            "không dùng cùng",
        ),
        ("between", [ThresholdInput("", Decimal(20), None)], "ngưỡng trên"),
        ("between", [ThresholdInput("", Decimal(20), Decimal(10))], "ngưỡng trên"),
        ("gte", [ThresholdInput("", Decimal(20), Decimal(30))], "trong khoảng"),
    ],
)
def test_target_save_rejects_inconsistent_thresholds(
    reform_office, comparator, thresholds, message
):
    plan = PlanFactory()
    with pytest.raises(ValidationError, match=message):
        services.target_save(
            actor=reform_office, plan=plan, thresholds=thresholds, number=1, part="",
            source_text="…", quantity="q", comparator=comparator,
        )  # fmt: skip
    assert plan.targets.count() == 0


def test_growth_target_needs_a_baseline_year(reform_office):
    with pytest.raises(ValidationError, match="năm gốc"):
        services.target_save(
            actor=reform_office, plan=PlanFactory(), thresholds=[ThresholdInput("", Decimal(10))],
            number=6, part="a", source_text="…", quantity="q", comparator="gte", kind="growth",
            baseline_year=None,
        )  # fmt: skip


def test_task_save_keeps_lead_and_coordinators_distinct(reform_office):
    plan = PlanFactory()
    area = ReformArea.objects.get(code="procedures")
    stp, snv = Agency.objects.get(code="12-STP"), Agency.objects.get(code="12-SNV")
    with pytest.raises(ValidationError, match="không đồng thời"):
        services.task_save(
            actor=reform_office, plan=plan, area=area, text="Rà soát",
            lead_agency=stp, coordinating_agencies=[stp, snv],
        )  # fmt: skip
    task = services.task_save(
        actor=reform_office, plan=plan, area=area, text="Rà soát",
        lead_agency=stp, coordinating_agencies=[snv],
    )  # fmt: skip
    assert list(task.coordinating_agencies.all()) == [snv]
    assert task.order == 1
    second = services.task_save(actor=reform_office, plan=plan, area=area, text="Công bố")
    assert second.order == 2


def test_task_delete_by_agency_officer_is_refused(dept_officer):
    task = TaskFactory()
    with pytest.raises(PermissionDenied):
        services.task_delete(actor=dept_officer, task=task, reason="Trùng")
