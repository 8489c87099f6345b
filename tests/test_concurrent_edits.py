"""No silent lost update (issue 16, ADR 0013): for every editable record, two people open
the edit page, both save; the first is saved, the second is refused with who saved and
when, the second's text is shown again on the page, and nothing of it is written.

Both sessions post back exactly the fields their page rendered (tests/html_forms.py),
hidden version included."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cchc.inspections.models import Inspection, Recommendation
from cchc.operations.models import ImportRun
from cchc.organizations.models import Agency
from cchc.parindex import frameworks
from cchc.plans.models import Plan
from cchc.reports.models import PeriodicReport
from tests.factories import make_user
from tests.html_forms import page_form
from tests.parindex.conftest import SMALL_CSV, small_spec

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    role: tuple[str, str]  # (agency code, role) of both writers
    url: Callable[[], str]
    having: str  # a field the edit form renders
    field: str  # the field both change
    read: Callable[[], str]  # the stored value of that field
    values: tuple[str, str] = ("Bản của người thứ nhất", "Bản của người thứ hai")
    extra: dict | None = None


def _report_url() -> str:
    report = PeriodicReport.objects.create(
        agency=Agency.objects.get(code="12-STP"), kind="quarter", year=2022, number=1
    )
    return reverse("reports:report_detail", args=[report.pk])


def _recommendation_url() -> str:
    run = ImportRun.objects.create(kind="inspections", file_name="x")
    inspection = Inspection.objects.create(
        agency=Agency.objects.get(code="12-STP"), inspected_on=date(2022, 3, 1), import_run=run
    )
    Recommendation.objects.create(inspection=inspection, text="Niêm yết đủ thủ tục")
    return reverse("inspections:page") + "?nam=2022"


def _plan():
    return Plan.objects.get(year=2022)


REASON = {"reason": "Sửa theo văn bản góp ý"}
OFFICE = ("12-SNV", "reform_office")
CASES = {
    "report": Case(
        ("12-STP", "agency_officer"), _report_url, "overview", "overview",
        lambda: PeriodicReport.objects.get().overview, extra={"thao_tac": "luu"},
    ),
    "plan": Case(
        OFFICE, lambda: reverse("plans:plan_update", args=[_plan().pk]), "title", "title",
        lambda: _plan().title, extra=REASON,
    ),
    "target": Case(
        OFFICE, lambda: reverse("plans:target_update", args=[_plan().targets.get(number=4).pk]),
        "quantity", "quantity", lambda: _plan().targets.get(number=4).quantity, extra=REASON,
    ),
    "task": Case(
        OFFICE, lambda: reverse("plans:task_update", args=[_plan().tasks.first().pk]),
        "text", "text", lambda: _plan().tasks.first().text, extra=REASON,
    ),
    "agency rename": Case(
        OFFICE, lambda: reverse("organizations:agency_rename", args=[_stp().pk]), "name",
        "name", lambda: _stp().name, values=("Sở Tư pháp (tên A)", "Sở Tư pháp (tên B)"),
    ),
    "agency end": Case(
        OFFICE, lambda: reverse("organizations:agency_end", args=[_stp().pk]), "valid_to",
        "valid_to", lambda: _stp().valid_to.strftime("%d/%m/%Y"),
        values=("30/06/2025", "31/12/2025"),
    ),
    "recommendation close": Case(
        OFFICE, _recommendation_url, "note", "note",
        lambda: Recommendation.objects.get().closing_note, extra={"closed_on": "20/09/2022"},
    ),
}  # fmt: skip


def _stp() -> Agency:
    return Agency.objects.get(code="12-STP")


def _session(username: str, role: tuple[str, str]) -> Client:
    client = Client()
    client.force_login(make_user(username, *role))
    return client


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_second_of_two_concurrent_saves_is_refused_and_writes_nothing(name):
    case = CASES[name]
    first, second = _session("nguoi-a", case.role), _session("nguoi-b", case.role)
    url = case.url()
    forms = [page_form(client.get(url), having=case.having) for client in (first, second)]
    assert "version" in forms[0].fields, "the page renders the row's version"
    value_a, value_b = case.values
    extra = case.extra or {}

    url = forms[0].action or url  # a form posting to its own action (closing a recommendation)
    saved = first.post(url, forms[0].data(**{case.field: value_a}, **extra))
    assert saved.status_code == 302
    assert case.read() == value_a

    refused = second.post(url, forms[1].data(**{case.field: value_b}, **extra), follow=True)
    body = refused.content.decode()
    assert "vừa được nguoi-a cập nhật lúc" in body
    assert "Thay đổi của bạn chưa được lưu" in body
    assert value_b in body, "the second writer's text is shown again, not lost"
    assert case.read() == value_a


def test_a_page_without_the_version_writes_nothing(reform_office, client):
    """A form from before the mechanism (or a hand-made post) cannot overwrite blindly."""
    client.force_login(reform_office)
    plan = _plan()
    url = reverse("plans:plan_update", args=[plan.pk])
    data = page_form(client.get(url), having="title").data(title="Không phiên bản", **REASON)
    del data["version"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Trang đã cũ: hãy tải lại trang rồi nhập lại." in response.content.decode()
    assert _plan().title == plan.title


@pytest.mark.parametrize("kind", ["target", "task"])
def test_deleting_a_row_someone_edited_since_is_refused(kind, reform_office):
    first, second = _session("nguoi-a", OFFICE), _session("nguoi-b", OFFICE)
    plan = _plan()
    row = plan.targets.get(number=4) if kind == "target" else plan.tasks.first()
    edit = reverse(f"plans:{kind}_update", args=[row.pk])
    form = page_form(first.get(edit), having="reason")
    delete = page_form(second.get(edit), having="xoa-reason")
    field = "quantity" if kind == "target" else "text"
    assert first.post(edit, form.data(**{field: "Sửa trước khi xóa"}, **REASON)).status_code == 302

    refused = second.post(delete.action, delete.data(**{"xoa-reason": "Trùng lặp"}))
    assert refused.status_code == 200
    assert "vừa được nguoi-a cập nhật lúc" in refused.content.decode()
    assert type(row).objects.filter(pk=row.pk).exists()


# --- a framework is edited by reloading its file (parindex:framework_import?bo=<pk>) ------


def _framework_file(title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("bo.csv", SMALL_CSV.replace("Báo cáo định kỳ", title).encode())


def test_the_second_of_two_framework_reloads_is_refused_and_loads_nothing():
    creator = make_user("nguoi-tao", *OFFICE)
    framework = frameworks.import_framework(
        small_spec(), SMALL_CSV.encode(), "thu.csv", actor=creator
    ).framework
    first, second = _session("nguoi-a", OFFICE), _session("nguoi-b", OFFICE)
    reload_url = reverse("parindex:framework_import") + f"?bo={framework.pk}"
    detail = first.get(reverse("parindex:framework_detail", args=[framework.pk]))
    assert f'href="{reload_url}"' in detail.content.decode()
    forms = [page_form(client.get(reload_url), having="version") for client in (first, second)]
    assert forms[0].fields["title"] == [framework.title]
    assert forms[0].fields["code"] == [framework.code]

    saved = first.post(reload_url, {**forms[0].data(), "file": _framework_file("Bản A")})
    assert saved.status_code == 302
    # the file changed criteria only, yet the second page's version is now stale
    refused = second.post(reload_url, {**forms[1].data(), "file": _framework_file("Bản B")})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "vừa được nguoi-a cập nhật lúc" in body
    assert "Thay đổi của bạn chưa được lưu" in body
    assert "chọn lại tệp" in body
    titles = set(framework.criteria.values_list("title", flat=True))
    assert "Bản A" in titles and "Bản B" not in titles


def test_a_framework_reload_without_the_version_loads_nothing(reform_office, client):
    framework = frameworks.import_framework(small_spec(), SMALL_CSV.encode(), "thu.csv").framework
    client.force_login(reform_office)
    reload_url = reverse("parindex:framework_import") + f"?bo={framework.pk}"
    data = page_form(client.get(reload_url), having="version").data()
    del data["version"]
    response = client.post(reload_url, {**data, "file": _framework_file("Không phiên bản")})
    assert response.status_code == 200
    assert "Trang đã cũ: hãy tải lại trang rồi nhập lại." in response.content.decode()
    assert not framework.criteria.filter(title="Không phiên bản").exists()
