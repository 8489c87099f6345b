"""The bundled 2022 plan holds what document 4345/KH-UBND says, and nothing invented."""

from datetime import date
from decimal import Decimal

import pytest

from cchc.core.reference import DATA_DIR
from cchc.plans.models import Plan, Task
from cchc.plans.reference import PLAN_FILES, load_plan

pytestmark = pytest.mark.django_db

SOURCE = (DATA_DIR / "sources" / "kh-4345-kh-ubnd-2021.txt").read_text(encoding="utf-8")


@pytest.fixture
def plan():
    return Plan.objects.get(number="4345/KH-UBND")


def test_plan_header(plan):
    assert (plan.year, plan.issued_on, plan.signer) == (2022, date(2021, 12, 23), "Trần Tiến Dũng")
    assert plan.province.code == "12"
    assert plan.issuer == "Ủy ban nhân dân tỉnh Lai Châu"
    assert [b.number for b in plan.legal_bases.all()] == ["76/NQ-CP", "08-NQ/TU", "2943/KH-UBND"]
    assert [b.issued_on for b in plan.legal_bases.all()] == [
        date(2021, 7, 15), date(2021, 5, 20), date(2021, 9, 20)
    ]  # fmt: skip
    assert len(plan.requirement_list) == 4


def test_every_quoted_text_is_verbatim_from_the_document(plan):
    quoted = [plan.purposes, *plan.requirement_list]
    quoted += [b.text for b in plan.legal_bases.all()]
    quoted += [t.source_text for t in plan.targets.all()]
    quoted += [t.text for t in plan.tasks.all()]
    for text in quoted:
        assert text in SOURCE, text[:80]


def thresholds(plan, label):
    target = next(t for t in plan.targets.all() if t.label == label)
    return target, {t.tier: t.value for t in target.thresholds.all()}


@pytest.mark.parametrize(
    ("label", "expected", "kind", "baseline", "indicator"),
    [
        ("1", {"": 30}, "share", None, "INSPECTION_COVERAGE"),
        ("2", {"": 100}, "share", None, "PAR_INDEX_COVERAGE"),
        ("3", {"": 100}, "share", None, "LEGAL_REVIEW_COVERAGE"),
        (
            "4",
            {"province": 30, "district": 20, "commune": 15},
            "share",
            None,
            "RESULT_DIGITISATION",
        ),
        ("5a", {"": 30}, "share", None, "ONLINE_PAYMENT_PROCEDURES"),
        ("5b", {"": 10}, "share", None, "ONLINE_PAYMENT_SHARE"),
        ("6a", {"": 10}, "growth", 2021, "ONLINE_SERVICE_GROWTH"),
        ("6b", {"": 20}, "growth", 2021, "PORTAL_INTEGRATION_GROWTH"),
        ("6c", {"": 20}, "share", None, "ONLINE_DOSSIER_SHARE"),
        ("7", {"": 100}, "share", None, "SYSTEMS_CONNECTED"),
        (
            "8",
            {"province": 50, "district": 40, "commune": 30},
            "share",
            None,
            "WORK_RECORDS_ONLINE",
        ),
    ],
)
def test_targets_as_structured_data(plan, label, expected, kind, baseline, indicator):
    target, values = thresholds(plan, label)
    assert values == {tier: Decimal(v) for tier, v in expected.items()}
    assert (target.kind, target.baseline_year, target.indicator_code) == (kind, baseline, indicator)
    assert target.comparator == "gte"


def test_plan_has_eight_numbered_targets(plan):
    assert sorted({t.number for t in plan.targets.all()}) == list(range(1, 9))
    assert plan.targets.count() == 11


def test_target_scope_follows_the_wording(plan):
    first, _ = thresholds(plan, "1")
    second, _ = thresholds(plan, "2")
    eighth, _ = thresholds(plan, "8")
    assert first.scope_levels == ["department", "district"]  # no communes in target 1
    assert second.scope_levels == ["department", "district", "commune"]
    assert "Ma Lù Thàng" in second.scope_note
    assert "mật" in eighth.scope_note


def test_tasks_as_far_as_the_document_goes_with_no_invented_lead(plan):
    tasks = list(plan.tasks.select_related("area"))
    assert [t.area.code for t in tasks] == ["direction"] * 4 + ["institutions"]
    assert not any(t.lead_agency_id or t.deadline or t.output for t in tasks)
    assert not Task.coordinating_agencies.through.objects.filter(task__plan=plan).exists()
    assert "III.2" in plan.source_note


def test_reloading_the_plan_changes_nothing(plan):
    plan.title = "Tên đã sửa"
    plan.save()
    result = load_plan(PLAN_FILES[0])
    assert (result.created, result.unchanged) == (0, 1)
    plan.refresh_from_db()
    assert plan.title == "Tên đã sửa"
    assert Plan.objects.count() == 1
