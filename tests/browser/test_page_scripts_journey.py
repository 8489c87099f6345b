"""What the pages' scripts do, in Chromium, under the site's Content-Security-Policy (outside
review U): no page writes a script or an `on…=` handler into its HTML any more; the site's
own files (static/cchc/app.js, static/cchc/trend-chart.js) do it by data attributes. The
`page` fixture fails a journey whenever the policy blocks anything."""

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cchc.indicators.models import IndicatorSnapshot
from cchc.organizations.models import Agency
from cchc.plans.models import Plan, Task
from tests.browser.steps import login
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chart_period_select_confirmations_and_the_plan_form_work(
    reference_data, page, live_server
):
    make_user("vp", "12-SNV", "reform_office")
    plan = Plan.objects.get(year=2022)
    target = plan.targets.get(indicator_code="ONLINE_DOSSIER_SHARE")
    for month, n in ((1, 2), (2, 3), (3, 5)):
        IndicatorSnapshot.objects.create(
            indicator="ONLINE_DOSSIER_SHARE", agency=Agency.objects.get(code="12-STP"),
            tier="province", month=date(2022, month, 1), numerator=n, denominator=10,
        )  # fmt: skip
    login(page, live_server, "vp")

    # The chart, drawn by trend-chart.js from the page's JSON data.
    page.goto(live_server.url + reverse("indicators:target_detail", args=[target.pk]))
    expect(page.locator("#trend canvas")).to_have_count(1)
    # A select that submits its form when changed (data-submit-on-change).
    page.locator("#ky").select_option("thang")
    expect(page).to_have_url(re.compile(r"[?&]ky=thang"))

    # A deletion asks first (data-confirm): dismissed, nothing is deleted; accepted, it is.
    task = plan.tasks.order_by("pk").first()
    page.goto(live_server.url + reverse("plans:task_update", args=[task.pk]))
    page.get_by_label("Lý do xóa").fill("Giao trùng nhiệm vụ")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Xóa").click()
    expect(page).to_have_url(re.compile(rf"/nhiem-vu/{task.pk}/sua/$"))
    assert asked == ["Xóa mục này? Lịch sử thay đổi vẫn được lưu."]
    assert Task.objects.filter(pk=task.pk).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Xóa").click()
    expect(page.get_by_text("Đã xóa nhiệm vụ.")).to_be_visible()
    assert not Task.objects.filter(pk=task.pk).exists()

    # A new plan's tiers follow the year typed (data-tiers-follow-year), until one is ticked.
    page.goto(live_server.url + reverse("plans:plan_create"))
    district = page.locator('input[name="tiers"][value="district"]')
    page.get_by_label("Năm kế hoạch").fill("2027")
    expect(district).not_to_be_checked()
    page.get_by_label("Năm kế hoạch").fill("2024")
    expect(district).to_be_checked()
