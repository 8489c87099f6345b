"""Test data builders. Agencies come from the bundled reference data (loaded once per test
session), so factories only add users and plan content on top of it."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from cchc.organizations.models import Agency, Membership
from cchc.plans.models import Plan, ReformArea, Target, TargetThreshold, Task

PASSWORD = "Mat-khau-thu-2022"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


def make_user(username: str, agency_code: str, role: str):
    user = UserFactory(username=username)
    Membership.objects.update_or_create(
        user=user, defaults={"agency": Agency.objects.get(code=agency_code), "role": role}
    )
    return user


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    province = factory.LazyFunction(lambda: Agency.objects.get(code="12"))
    year = factory.Sequence(lambda n: 2030 + n)
    number = factory.Sequence(lambda n: f"{n}/KH-UBND")
    title = factory.LazyAttribute(lambda o: f"Kế hoạch cải cách hành chính năm {o.year}")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    source_text = "Tối thiểu 30% hồ sơ được giải quyết trực tuyến."
    quantity = "hồ sơ được giải quyết trực tuyến"
    threshold = factory.RelatedFactory(
        "tests.factories.TargetThresholdFactory", factory_related_name="target"
    )


class TargetThresholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetThreshold

    tier = ""
    value = Decimal("30")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    area = factory.LazyFunction(lambda: ReformArea.objects.get(code="procedures"))
    order = factory.Sequence(lambda n: n + 1)
    text = "Rà soát, đơn giản hóa thủ tục hành chính."
