"""A plan declares its tiers (cấp tỉnh / cấp huyện / cấp xã): since 01/07/2025 local government
has two levels, so a 2026 plan has no cấp huyện. Its forms offer only its tiers, its targets
refuse the missing one, and copying the 2022 plan into 2026 drops — and says — what 2026 lacks.
Expected counts are read from the bundled plan's JSON file, not from the product's code."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cchc.core.reference import DATA_DIR
from cchc.organizations.models import Agency
from cchc.plans import services, tiers
from cchc.plans.forms import PlanCreateForm, TargetForm
from cchc.plans.models import Plan, TargetThreshold
from cchc.plans.services import ThresholdInput
from tests.factories import PlanFactory
from tests.html_forms import page_form

pytestmark = pytest.mark.django_db
BUNDLED = json.loads((DATA_DIR / "plan_laichau_2022.json").read_text(encoding="utf-8"))


def bundled_targets():
    return [(f"{t['number']}{t.get('part', '')}", t) for t in BUNDLED["targets"]]


def create(actor, year, **kwargs):
    return services.plan_create(
        actor=actor, province=Agency.objects.get(code="12"), year=year,
        title=f"Kế hoạch CCHC năm {year}", **kwargs,
    )  # fmt: skip


def two_tier_plan(**kwargs):
    return PlanFactory(tiers=["province", "commune"], **kwargs)


def threshold_target(actor, plan, *thresholds, scope_levels=(), number=1):
    return services.target_save(
        actor=actor, plan=plan, thresholds=list(thresholds), number=number, part="",
        source_text="…", quantity="hồ sơ công việc trên môi trường mạng", comparator="gte",
        unit="percent", kind="share", baseline_year=None, scope_note="",
        indicator_code="WORK_RECORDS_ONLINE", scope_levels=list(scope_levels),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (None, ["province", "district", "commune"]),
        (2022, ["province", "district", "commune"]),
        (2025, ["province", "district", "commune"]),  # issued in December 2024, three levels
        (2026, ["province", "commune"]),
        (2027, ["province", "commune"]),
    ],
)
def test_a_new_plan_starts_with_the_tiers_in_force_on_the_first_of_january(year, expected):
    assert tiers.default_tiers(year) == expected


def test_the_bundled_2022_plan_keeps_three_tiers():
    plan = Plan.objects.get(year=2022)
    assert plan.tiers == ["province", "district", "commune"]
    assert plan.has_district_tier and plan.tier_words == "cấp tỉnh, cấp huyện và cấp xã"


def test_plan_create_defaults_by_year_and_takes_the_offices_choice(reform_office):
    assert create(reform_office, 2026).tiers == ["province", "commune"]
    assert create(reform_office, 2025).tiers == ["province", "district", "commune"]
    chosen = create(reform_office, 2027, tiers=["commune", "district", "province"])
    assert chosen.tiers == ["province", "district", "commune"]  # stored in the tiers' order


@pytest.mark.parametrize("wrong", [[], ["county"]])
def test_plan_create_refuses_no_tier_or_an_unknown_one(reform_office, wrong):
    with pytest.raises(ValidationError):
        create(reform_office, 2026, tiers=wrong)
    assert not Plan.objects.filter(year=2026).exists()


def test_copying_2022_into_2026_drops_and_says_what_2026_lacks(reform_office):
    source = Plan.objects.get(year=2022)
    district_thresholds = sum(
        1 for _l, t in bundled_targets() for x in t["thresholds"] if x.get("tier") == "district"
    )
    narrowed = [label for label, t in bundled_targets() if "district" in t["scope_levels"]]
    assert district_thresholds == 2 and narrowed == ["1", "2", "4", "6a", "8"]  # the file's

    plan = create(reform_office, 2026, copy_targets_from=source)

    copy = plan.target_copy
    assert copy.copied == len(BUNDLED["targets"]) == plan.targets.count()
    assert copy.dropped_thresholds == {"district": district_thresholds}
    assert copy.skipped == []
    assert not TargetThreshold.objects.filter(target__plan=plan, tier="district").exists()
    assert not any("district" in t.scope_levels for t in plan.targets.all())
    digitised = plan.targets.get(number=4)
    assert {t.tier: t.value for t in digitised.thresholds.all()} == {
        "province": Decimal("30"), "commune": Decimal("15"),
    }  # fmt: skip
    worded = [
        label for label, t in bundled_targets()
        if any("huyện" in (t.get(k) or "").lower() for k in ("source_text", "quantity", "scope_note"))
    ]  # fmt: skip
    assert worded and copy.wording == worded
    assert copy.sentences() == [
        "Bỏ 2 ngưỡng cấp huyện vì kế hoạch năm 2026 chỉ có cấp tỉnh và cấp xã.",
        "Bỏ UBND cấp huyện khỏi đối tượng áp dụng của chỉ tiêu 1, 2, 4, 6a, 8 vì kế hoạch "
        "năm 2026 chỉ có cấp tỉnh và cấp xã.",
        f"Lời văn của chỉ tiêu {', '.join(worded)} (chép từ kế hoạch năm 2022) còn nhắc cấp "
        "huyện: hãy sửa lại cho kế hoạch năm 2026.",
    ]
    # The source is untouched.
    assert TargetThreshold.objects.filter(target__plan=source, tier="district").count() == 2


def test_copying_into_a_three_tier_plan_drops_nothing(reform_office):
    plan = create(reform_office, 2023, copy_targets_from=Plan.objects.get(year=2022))
    assert not plan.target_copy.dropped_anything and plan.target_copy.sentences() == []
    assert TargetThreshold.objects.filter(target__plan=plan, tier="district").count() == 2


def test_a_target_only_of_the_district_tier_is_not_copied(reform_office):
    source = PlanFactory(year=2025)
    threshold_target(reform_office, source, ThresholdInput("district", Decimal("40")), number=1)
    threshold_target(reform_office, source, ThresholdInput("", Decimal("50")),
                     scope_levels=["district"], number=2)  # fmt: skip
    threshold_target(reform_office, source, ThresholdInput("commune", Decimal("30")), number=3)
    plan = create(reform_office, 2026, copy_targets_from=source)
    assert sorted(t.label for t in plan.targets.all()) == ["3"]
    assert plan.target_copy.skipped == ["1", "2"]
    assert plan.target_copy.sentences()[-1] == (
        "Không sao chép chỉ tiêu 1, 2: chỉ tiêu chỉ đặt cho cấp không còn trong kế hoạch năm 2026."
    )


def test_a_two_tier_target_refuses_a_district_threshold_or_level(reform_office):
    plan = two_tier_plan()
    with pytest.raises(ValidationError, match="không đặt ngưỡng cấp huyện"):
        threshold_target(reform_office, plan, ThresholdInput("district", Decimal("40")))
    with pytest.raises(ValidationError, match="không gồm UBND cấp huyện"):
        threshold_target(reform_office, plan, ThresholdInput("", Decimal("40")),
                         scope_levels=["department", "district"])  # fmt: skip
    assert not plan.targets.exists()
    saved = threshold_target(reform_office, plan, ThresholdInput("commune", Decimal("30")))
    assert [t.tier for t in saved.thresholds.all()] == ["commune"]


def test_a_tier_leaves_a_plan_only_when_no_target_uses_it(reform_office):
    plan = PlanFactory()  # three tiers
    threshold_target(reform_office, plan, ThresholdInput("district", Decimal("40")), number=3)
    with pytest.raises(ValidationError, match="chỉ tiêu 3 còn ngưỡng hoặc đối tượng áp dụng"):
        services.plan_update(actor=reform_office, plan=plan, reason="Hai cấp",
                             tiers=["province", "commune"])  # fmt: skip
    plan.refresh_from_db()
    assert plan.tiers == ["province", "district", "commune"]
    plan.targets.get().delete()
    services.plan_update(actor=reform_office, plan=plan, reason="Hai cấp",
                         tiers=["province", "commune"])  # fmt: skip
    plan.refresh_from_db()
    assert plan.tiers == ["province", "commune"]


def test_the_target_form_offers_only_the_plans_tiers():
    two = TargetForm(tiers=["province", "commune"])
    assert [label for label, _v, _u in two.threshold_rows()] == [
        "Ngưỡng chung", "Cấp tỉnh", "Cấp xã",
    ]  # fmt: skip
    assert "value_district" not in two.fields
    assert [v for v, _l in two.fields["scope_levels"].choices] == ["department", "commune"]
    three = TargetForm()
    assert "value_district" in three.fields
    assert [v for v, _l in three.fields["scope_levels"].choices] == [
        "department", "district", "commune",
    ]  # fmt: skip


def test_the_plan_form_ticks_the_years_tiers():
    assert PlanCreateForm(initial={"year": 2026}).initial["tiers"] == ["province", "commune"]
    assert PlanCreateForm(initial={"year": 2023}).initial["tiers"] == [
        "province", "district", "commune",
    ]  # fmt: skip


def test_target_page_of_a_two_tier_plan_has_no_district_input(client, reform_office):
    plan = two_tier_plan()
    client.force_login(reform_office)
    html = client.get(reverse("plans:target_create", args=[plan.pk])).content.decode()
    assert 'name="value_province"' in html and 'name="value_commune"' in html
    assert 'name="value_district"' not in html and "Cấp huyện" not in html
    assert 'value="district"' not in html  # no district applicability checkbox
    bundled = Plan.objects.get(year=2022)
    html = client.get(reverse("plans:target_create", args=[bundled.pk])).content.decode()
    assert 'name="value_district"' in html and "Cấp huyện" in html


def test_creating_2026_from_the_page_says_what_the_copy_dropped(client, reform_office):
    client.force_login(reform_office)
    form = page_form(client.get(reverse("plans:plan_create")), having="title")
    data = form.data(year="2026", title="Kế hoạch CCHC năm 2026", tiers=["province", "commune"],
                     copy_targets_from=str(Plan.objects.get(year=2022).pk))  # fmt: skip
    response = client.post(reverse("plans:plan_create"), data, follow=True)
    html = response.content.decode()
    plan = Plan.objects.get(year=2026)
    assert plan.tiers == ["province", "commune"]
    assert "Đã sao chép 11 chỉ tiêu từ kế hoạch năm 2022." in html
    assert "Bỏ 2 ngưỡng cấp huyện vì kế hoạch năm 2026 chỉ có cấp tỉnh và cấp xã." in html
    assert "Các cấp của kế hoạch: cấp tỉnh và cấp xã (chính quyền địa phương hai cấp)" in html
    # The plan page's targets name no district threshold.
    assert "Cấp huyện:" not in html


def test_the_plan_edit_form_keeps_and_changes_the_tiers(client, reform_office):
    plan = two_tier_plan(year=2041)
    client.force_login(reform_office)
    url = reverse("plans:plan_update", args=[plan.pk])
    form = page_form(client.get(url), having="title")
    assert form.fields["tiers"] == ["province", "commune"]
    client.post(url, form.data(reason="Thêm cấp huyện", tiers=["province", "district", "commune"]))
    plan.refresh_from_db()
    assert plan.tiers == ["province", "district", "commune"]


def test_a_2026_document_with_district_thresholds_shows_them_and_saving_without_refuses(
    client, reform_office
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.plans.test_plan_import_pages import SEED

    client.force_login(reform_office)
    text = SEED.replace("NĂM 2022".encode(), "NĂM 2026".encode()).replace(
        "năm 2022".encode(), "năm 2026".encode()
    )
    client.post(reverse("plans:plan_import_upload"),
                {"file": SimpleUploadedFile("kh-2026.txt", text)})  # fmt: skip
    review = client.get(reverse("plans:plan_import_review"))
    form = page_form(review, having="plan-year")
    assert form.fields["plan-year"] == ["2026"]
    # The document names cấp huyện thresholds: shown and ticked, for the office to decide.
    assert form.fields["plan-tiers"] == ["province", "district", "commune"]
    assert any(name.endswith("value_district") for name in form.fields)
    response = client.post(reverse("plans:plan_import_review"),
                           form.data(**{"plan-tiers": ["province", "commune"]}))  # fmt: skip
    assert response.status_code == 200
    # Refused, saying why (target 1 names UBND cấp huyện first; thresholds are checked after).
    assert (
        "Kế hoạch năm 2026 chỉ có cấp tỉnh và cấp xã: đối tượng áp dụng không gồm UBND cấp "
        "huyện." in response.content.decode()
    )
    assert not Plan.objects.filter(year=2026).exists()


def test_the_review_warns_of_applicability_a_two_tier_year_drops():
    from cchc.plans.importing import draft_tier_warnings

    draft = {"year": 2026, "targets": [
        {"number": 1, "part": "", "scope_levels": ["department", "district"]},
        {"number": 5, "part": "a", "scope_levels": ["district", "commune"]},
        {"number": 7, "part": "", "scope_levels": []},
    ]}  # fmt: skip
    assert draft_tier_warnings(draft, ["province", "commune"]) == [
        "Văn bản nêu UBND cấp huyện trong đối tượng áp dụng của chỉ tiêu 1, 5a, nhưng kế hoạch "
        "năm 2026 có cấp tỉnh và cấp xã: phần đó không được lưu (đánh dấu thêm cấp nếu cần)."
    ]
    assert draft_tier_warnings(draft, ["province", "district", "commune"]) == []


def test_a_form_posted_without_tiers_takes_the_years_or_keeps_the_plans(client, reform_office):
    client.force_login(reform_office)
    client.post(reverse("plans:plan_create"), {"year": "2026", "title": "Kế hoạch năm 2026"})
    plan = Plan.objects.get(year=2026)
    assert plan.tiers == ["province", "commune"]
    url = reverse("plans:plan_update", args=[plan.pk])
    data = page_form(client.get(url), having="title").data(reason="Sửa tên", title="Kế hoạch 2026")
    del data["tiers"]  # nothing ticked
    assert client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.tiers) == ("Kế hoạch 2026", ["province", "commune"])


def test_the_plan_history_shows_a_change_of_tiers_in_words(client, reform_office):
    plan = create(reform_office, 2026)
    services.plan_update(actor=reform_office, plan=plan, reason="Thêm cấp huyện",
                         tiers=["province", "district", "commune"])  # fmt: skip
    client.force_login(reform_office)
    html = client.get(reverse("plans:plan_history", args=[plan.pk])).content.decode()
    assert "Các cấp của kế hoạch" in html and "Thêm cấp huyện" in html
    assert "Cấp tỉnh, Cấp xã" in html and "Cấp tỉnh, Cấp huyện, Cấp xã" in html
    assert "&#x27;province&#x27;" not in html and "'province'" not in html
