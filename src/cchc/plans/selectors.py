"""Reads of plans, targets and tasks. A province's plan is a published document: every
user with a role in the province reads it whole; per-agency data (progress, evidence)
hangs off tasks in later apps and is filtered by scope there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.db.models import Prefetch, QuerySet

from cchc.organizations.models import Agency
from cchc.plans.models import Plan, ReformArea, Target, TargetThreshold, Task


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.select_related("province").order_by("-year")


def current_plan_id(*, today: date) -> int | None:
    """The plan of this year, else the most recent earlier one, else the next one."""
    years = dict(Plan.objects.values_list("year", "pk"))
    past = [year for year in years if year <= today.year]
    if past:
        return years[max(past)]
    return years[min(years)] if years else None


def _targets() -> QuerySet[Target]:
    return Target.objects.prefetch_related(
        Prefetch("thresholds", queryset=TargetThreshold.objects.order_by("tier"))
    )


def _tasks() -> QuerySet[Task]:
    return Task.objects.select_related("area", "lead_agency").prefetch_related(
        Prefetch("coordinating_agencies", queryset=Agency.objects.order_by("code"))
    )


def plan_detail(*, pk: int) -> Plan:
    return (
        Plan.objects.select_related("province")
        .prefetch_related("legal_bases", Prefetch("targets", queryset=_targets()))
        .get(pk=pk)
    )


@dataclass
class TargetGroup:
    """A numbered item of the plan and the measured parts it splits into."""

    number: int
    targets: list[Target]

    @property
    def source_text(self) -> str:
        return self.targets[0].source_text


def target_groups(plan: Plan) -> list[TargetGroup]:
    targets = sorted(plan.targets.all(), key=lambda t: (t.number, t.part))
    return [
        TargetGroup(number=number, targets=list(items))
        for number, items in groupby(targets, key=lambda t: t.number)
    ]


@dataclass
class AreaTasks:
    area: ReformArea
    tasks: list[Task]


def tasks_by_area(plan: Plan) -> list[AreaTasks]:
    tasks = _tasks().filter(plan=plan).order_by("area__order", "order", "pk")
    return [
        AreaTasks(area=area, tasks=list(items))
        for area, items in groupby(tasks, key=lambda t: t.area)
    ]


def target_detail(*, pk: int) -> Target:
    return _targets().select_related("plan").get(pk=pk)


def task_detail(*, pk: int) -> Task:
    return _tasks().select_related("plan").get(pk=pk)


def agency_tasks(*, plan: Plan, agency: Agency) -> tuple[list[Task], list[Task]]:
    """Tasks of `plan` that `agency` leads, and those it coordinates."""
    tasks = _tasks().filter(plan=plan)
    return (
        list(tasks.filter(lead_agency=agency)),
        list(tasks.filter(coordinating_agencies=agency)),
    )
