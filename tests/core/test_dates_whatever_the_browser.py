"""Dates and numbers read the Vietnamese way whatever language the browser asks for: an
office computer set to English sends `Accept-Language: en-US`, and 10/11/2022 must still be
the 10th of November (it was stored as 11 October when the request switched to English)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from cchc.inspections.forms import CloseForm
from cchc.inspections.models import Inspection
from cchc.organizations.models import Agency
from cchc.plans.models import Plan
from tests.html_forms import page_form

pytestmark = pytest.mark.django_db

EN_US = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
URL = reverse("inspections:page") + "?nam=2022"


def _record(client, inspected_on: str):
    form = page_form(client.get(URL, **EN_US), having="inspected_on")
    data = form.data(
        agency=str(Agency.objects.get(code="12-STP").pk), inspected_on=inspected_on,
        team="Đoàn 1", findings="Niêm yết chưa đủ", recommendations="Niêm yết đủ",
    )  # fmt: skip
    return client.post(form.action or URL, data, **EN_US)


@pytest.mark.parametrize(
    "typed, stored",
    [("10/11/2022", date(2022, 11, 10)), ("28/12/2022", date(2022, 12, 28)),
     ("2022-11-10", date(2022, 11, 10))],
)  # fmt: skip
def test_a_date_typed_dd_mm_yyyy_is_stored_so_under_an_english_browser(
    client, reform_office, typed, stored
):
    client.force_login(reform_office)
    assert _record(client, typed).status_code == 302
    assert Inspection.objects.get().inspected_on == stored


def test_a_wrong_date_is_refused_in_vietnamese_under_an_english_browser(client, reform_office):
    client.force_login(reform_office)
    response = _record(client, "31/02/2022")
    assert response.status_code == 200 and not Inspection.objects.exists()
    errors = response.context["form"].errors["inspected_on"]
    assert errors == ["Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 28/12/2022."]
    body = response.content.decode()
    assert "Enter a valid date" not in body and '<html lang="vi"' in body


def test_a_number_typed_the_vietnamese_way_is_read_so_under_an_english_browser(
    client, reform_office
):
    """1.234,5 is one thousand two hundred and thirty-four and a half; English formats would
    read the comma as a thousands separator and the dot as the decimal point."""
    client.force_login(reform_office)
    target = Plan.objects.get(year=2022).targets.get(number=4)
    url = reverse("plans:target_update", args=[target.pk])
    form = page_form(client.get(url, **EN_US), having="value_province")
    data = form.data(value_province="1.234,5", reason="Sửa ngưỡng")
    assert client.post(form.action or url, data, **EN_US).status_code == 302
    assert target.thresholds.get(tier="province").value == Decimal("1234.5")


def test_the_date_field_reads_dd_mm_yyyy_even_with_english_active():
    """The project's date field does not depend on the active language at all: a language
    activated by some future middleware or command still reads 10/11/2022 as 10 November."""
    with translation.override("en"):
        form = CloseForm({"closed_on": "10/11/2022", "note": "Đã xong"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["closed_on"] == date(2022, 11, 10)
