"""Issue 17: a target's applicability (đối tượng áp dụng) and due year (năm đạt chỉ tiêu)
travel from the document through the review page to the saved target, are edited on the
target's page, kept in its history and shown where the plan lists its targets; the review
page marks an indicator the parser suggested."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cchc.core.reference import DATA_DIR
from cchc.plans.models import Plan
from tests.html_forms import page_form, submit

pytestmark = pytest.mark.django_db
SEED = (DATA_DIR / "sources" / "kh-4345-kh-ubnd-2021.txt").read_text(encoding="utf-8")
ITEM_1_END = "kỷ luật, kỷ cương trong năm 2022."


@pytest.fixture
def office(reform_office):
    client = Client()
    client.force_login(reform_office)
    return client


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _review(office, text: str):
    upload = office.post(
        reverse("plans:plan_import_upload"),
        {"file": SimpleUploadedFile("kh.txt", text.encode("utf-8"))},
    )
    assert upload.status_code == 302
    return office.get(upload.url)


def test_review_shows_scope_and_due_year_and_saves_the_reviewers_choice(office):
    assert ITEM_1_END in SEED
    review = _review(office, SEED.replace(ITEM_1_END, "kỷ luật, kỷ cương đến hết năm 2025."))
    first = review.context["targets"].forms[0]
    assert first.initial["scope_levels"] == ["department", "district"]
    assert first.initial["target_year"] == 2025
    html = review.content.decode()
    assert re.search(r'name="ct-0-scope_levels" value="department"[^>]*checked', html)
    assert re.search(r'name="ct-0-scope_levels" value="district"[^>]*checked', html)
    assert not re.search(r'name="ct-0-scope_levels" value="commune"[^>]*checked', html)
    assert re.search(r'name="ct-0-target_year" value="2025"', html)

    data = page_form(review, having="plan-year").data()
    data["plan-year"] = "2023"
    data["ct-1-scope_levels"] = ["department", "district"]  # the reviewer drops communes
    saved = office.post(reverse("plans:plan_import_review"), data)
    assert saved.status_code == 302, saved.context and saved.context["targets"].errors
    plan = Plan.objects.get(year=2023)
    one, two, three = (plan.targets.get(number=n) for n in (1, 2, 3))
    assert (one.scope_levels, one.target_year) == (["department", "district"], 2025)
    assert two.scope_levels == ["department", "district"]
    assert (three.scope_levels, three.target_year) == ([], None)


def test_review_marks_each_suggested_indicator(office):
    review = _review(office, SEED)
    html = review.content.decode()
    forms = review.context["targets"].forms
    suggested = [f for f in forms if f.initial.get("indicator_code")]
    assert len(suggested) == 11
    assert html.count("indicator-suggested") == len(suggested)
    assert "gợi ý" in _text(html)


def test_target_year_is_edited_kept_in_history_and_shown_on_the_plan(office):
    target = Plan.objects.get(year=2022).targets.get(number=3)
    assert target.target_year is None
    response = submit(
        office, reverse("plans:target_update", args=[target.pk]), having="quantity",
        target_year="2025", growth_measure="points", reason="Mốc theo Nghị quyết HĐND",
    )  # fmt: skip
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.target_year == 2025

    history = _text(office.get(reverse("plans:target_history", args=[target.pk])).content.decode())
    assert "Năm đạt chỉ tiêu: — 2025" in history
    assert "Cách tính mức tăng:" in history
    page = _text(office.get(reverse("plans:plan_detail", args=[target.plan_id])).content.decode())
    assert "Năm đạt chỉ tiêu: 2025" in page  # not "2.025"


def test_a_target_year_outside_the_years_is_refused_with_a_vietnamese_message(office):
    target = Plan.objects.get(year=2022).targets.get(number=3)
    response = submit(
        office, reverse("plans:target_update", args=[target.pk]), having="quantity",
        target_year="225", reason="Gõ nhầm",
    )  # fmt: skip
    assert response.status_code == 200
    assert "2000" in _text(response.content.decode())
    target.refresh_from_db()
    assert target.target_year is None
