"""Every form with a date, driven through its own page by a browser set to English
(`Accept-Language: en-US`): the page's rendered form is posted back (tests/html_forms.py) with
10/11/2022 typed in its date field, and the 10th of November is what gets stored.

The forms are found by introspection of the project's forms modules: a new form with a date
fails `test_every_date_form_is_driven_here` until a case for it is added below."""

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import cchc
from cchc.api import forms as api_forms
from cchc.api.models import ApiToken
from cchc.core import forms as core_forms
from cchc.core.reference import DATA_DIR
from cchc.inspections import forms as inspection_forms
from cchc.inspections.models import Inspection, Recommendation
from cchc.operations import forms as operation_forms
from cchc.operations.models import ImportRun
from cchc.organizations import forms as agency_forms
from cchc.organizations.models import Agency, AgencySuccession
from cchc.parindex import frameworks
from cchc.parindex import office_forms as parindex_forms
from cchc.parindex.models import Assessment
from cchc.plans import forms as plan_forms
from cchc.plans.models import Plan, ProgressReport
from cchc.portal import office_forms as portal_forms
from cchc.portal.models import DirectiveDocument
from tests.factories import make_user
from tests.html_forms import page_forms
from tests.parindex.conftest import SMALL_CSV, small_spec
from tests.portal.tenancy_office import PDF

pytestmark = pytest.mark.django_db

EN_US = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
TYPED, STORED = "10/11/2022", date(2022, 11, 10)
OFFICE = ("12-SNV", "reform_office")
REASON = {"reason": "Sửa theo văn bản góp ý"}


@dataclass
class Case:
    url: Callable[[Client], str]  # prepares what the page needs, returns its address
    date_field: str  # the rendered name of the date typed in
    read: Callable[[object], date]  # the stored date (given the response to the submit)
    changes: dict = field(default_factory=dict)  # other fields a person fills in
    role: tuple[str, str] = OFFICE
    pick: dict = field(default_factory=dict)  # rendered values telling the form from others
    posts_to: str = ""  # how the address the form posts to ends (its action's own address)
    typed: tuple[str, date] = (TYPED, STORED)  # a date the form accepts (a token's is ahead)


def _stp() -> Agency:
    return Agency.objects.get(code="12-STP")


def _plan() -> Plan:
    return Plan.objects.get(year=2022)


def _recommendation_url(client) -> str:
    run = ImportRun.objects.create(kind="inspections", file_name="x")
    inspection = Inspection.objects.create(
        agency=_stp(), inspected_on=date(2022, 3, 1), import_run=run
    )
    Recommendation.objects.create(inspection=inspection, text="Niêm yết đủ thủ tục")
    return reverse("inspections:page") + "?nam=2022"


def _progress_url(client) -> str:
    task = _plan().tasks.first()
    task.lead_agency = _stp()
    task.save()
    return reverse("plans:task_progress", args=[task.pk])


def _framework_url(name: str) -> Callable[[], str]:
    def url(client) -> str:
        framework = frameworks.import_framework(small_spec(), SMALL_CSV.encode(), "t.csv")
        return reverse(f"parindex:{name}", args=[framework.framework.pk])

    return url


def _opened_framework_url(client) -> str:
    address = _framework_url("assessment_open")(client)
    client.post(address, {"deadline": "31/01/2032", "agencies": [_stp().pk]})
    assert Assessment.objects.count() == 1
    return address


def _import_review_url(client) -> str:
    """The draft is kept in the session: the same person uploads, then reviews."""
    source = (DATA_DIR / "sources" / "kh-4345-kh-ubnd-2021.txt").read_bytes()
    client.post(reverse("plans:plan_import_upload"),
                {"file": SimpleUploadedFile("kh.txt", source)})  # fmt: skip
    return reverse("plans:plan_import_review")


def _succession_correct_url() -> str:
    link = AgencySuccession.objects.create(
        predecessor=Agency.objects.get(code="106-02"),
        successor=Agency.objects.get(code="106-01"),
        effective_on=date(2023, 1, 1),
    )
    return reverse("organizations:succession_correct", args=[link.pk])


def _annex_date(response) -> date:
    from docx import Document

    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    day, month, year = re.search(r"Quyết định số .* ngày (\d\d)/(\d\d)/(\d{4})", text).groups()
    return date(int(year), int(month), int(day))


def _said_date(response, words: str) -> date:
    day, month, year = re.search(words + r" ?(\d\d)/(\d\d)/(\d{4})",
                                 response.content.decode()).groups()  # fmt: skip
    return date(int(year), int(month), int(day))


CASES = {
    plan_forms.PlanCreateForm: Case(
        lambda c: reverse("plans:plan_create"), "issued_on",
        lambda r: Plan.objects.get(year=2023).issued_on,
        {"year": "2023", "title": "Kế hoạch CCHC năm 2023"},
    ),
    plan_forms.PlanForm: Case(
        lambda c: reverse("plans:plan_update", args=[_plan().pk]), "effective_on",
        lambda r: _plan().effective_on, REASON,
    ),
    plan_forms.TaskForm: Case(
        lambda c: reverse("plans:task_update", args=[_plan().tasks.first().pk]), "deadline",
        lambda r: _plan().tasks.first().deadline, REASON,
    ),
    plan_forms.LegalBasisForm: Case(
        _import_review_url, "cc-0-issued_on",
        lambda r: Plan.objects.get(year=2023).legal_bases.order_by("pk").first().issued_on,
        {"plan-year": "2023"},  # the untouched blank target row is ignored
    ),
    plan_forms.ProgressForm: Case(
        _progress_url, "completed_on", lambda r: ProgressReport.objects.get().completed_on,
        {"status": "done", "percent": "100", "text": "Đã ban hành"}, ("12-STP", "agency_officer"),
    ),
    inspection_forms.InspectionForm: Case(
        lambda c: reverse("inspections:page") + "?nam=2022", "inspected_on",
        lambda r: Inspection.objects.get().inspected_on,
        {"agency": lambda: str(_stp().pk), "team": "Đoàn 1", "findings": "Chưa niêm yết đủ",
         "recommendations": "Niêm yết đủ"},
    ),
    inspection_forms.CloseForm: Case(
        _recommendation_url, "closed_on", lambda r: Recommendation.objects.get().closed_on,
        {"note": "Đã niêm yết"},
    ),
    agency_forms.AgencyCreateForm: Case(
        lambda c: reverse("organizations:agency_create"), "valid_from",
        lambda r: Agency.objects.get(code="12-SMOI").valid_from,
        {"code": "12-SMOI", "name": "Sở Mới", "level": "department",
         "parent": lambda: str(Agency.objects.get(code="12").pk)},
    ),
    agency_forms.AgencyEndForm: Case(
        lambda c: reverse("organizations:agency_end", args=[_stp().pk]), "valid_to",
        lambda r: _stp().valid_to,
    ),
    agency_forms.SuccessionForm: Case(
        lambda c: reverse("organizations:agency_succession"), "effective_on",
        lambda r: AgencySuccession.objects.get().effective_on,
        {"predecessors": lambda: [str(Agency.objects.get(code="106-02").pk)],
         "successors": lambda: [str(Agency.objects.get(code="106-01").pk)]},
    ),
    agency_forms.SuccessionCorrectForm: Case(
        lambda c: _succession_correct_url(), "effective_on",
        lambda r: AgencySuccession.objects.get().effective_on, REASON,
    ),
    # A view (GET): the day whose structure the tree shows, as the page's sentence says it.
    agency_forms.AgencyTreeForm: Case(
        lambda c: reverse("organizations:agency_list"), "ngay",
        lambda r: _said_date(r, "cơ cấu ngày <strong>"),
    ),
    api_forms.TokenIssueForm: Case(
        lambda c: reverse("api:token_list"), "expires_on",
        lambda r: timezone.localtime(ApiToken.objects.get().expires_at).date(),
        {"agency": lambda: str(_stp().pk), "purpose": "read", "name": "Cổng của Sở"},
        typed=("10/11/2032", date(2032, 11, 10)),
    ),
    parindex_forms.OpenForm: Case(
        _framework_url("assessment_open"), "deadline",
        lambda r: Assessment.objects.get().deadline, {"agencies": lambda: [str(_stp().pk)]},
    ),
    parindex_forms.DeadlineForm: Case(
        _opened_framework_url, "deadline", lambda r: Assessment.objects.get().deadline,
        posts_to="/mo-dot/han-tat-ca/",
    ),
    parindex_forms.AnnexForm: Case(_framework_url("results"), "ngay", _annex_date),
    portal_forms.DocumentForm: Case(
        lambda c: reverse("portal:office_document_create"), "issued_on",
        lambda r: DirectiveDocument.objects.get().issued_on,
        {"number": "12/CT-UBND", "issuer": "UBND tỉnh", "title": "Chỉ thị về CCHC",
         "file": lambda: SimpleUploadedFile("chi-thi.pdf", PDF)},
    ),
    # A search (GET): the date it searched from, as the list's sentence says it.
    operation_forms.DossierSearchForm: Case(
        lambda c: reverse("operations:dossier_list"), "tiep_nhan_tu",
        lambda r: _said_date(r, "tiếp nhận từ ngày"),
    ),
}  # fmt: skip


def _forms_modules():
    for module in pkgutil.walk_packages(cchc.__path__, "cchc."):
        if module.name.rsplit(".", 1)[-1].endswith("forms"):
            yield importlib.import_module(module.name)


def _date_forms() -> set[type]:
    found = set()
    for module in _forms_modules():
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__
                    and any(isinstance(f, forms.DateField) for f in value.base_fields.values())):  # fmt: skip
                found.add(value)
    return found


def test_every_date_form_is_driven_here():
    found = _date_forms()
    assert plan_forms.TaskForm in found and parindex_forms.AnnexForm in found  # the search works
    missing = {f.__qualname__ for f in found - set(CASES)}
    assert not missing, f"date forms without a case in {__name__}: {missing}"


def test_every_date_field_is_the_projects():
    """Django's own DateField reads the active language's formats; the project's reads the
    Vietnamese ones always (ADR 0015)."""
    plain = [
        f"{form.__qualname__}.{name}"
        for form in _date_forms()
        for name, f in form.base_fields.items()
        if isinstance(f, forms.DateField) and not isinstance(f, core_forms.DateField)
    ]
    assert plain == []


def _typed(changes: dict) -> dict:
    return {k: v() if callable(v) else v for k, v in changes.items()}


@pytest.mark.parametrize("form_class", list(CASES), ids=lambda c: c.__qualname__)
def test_a_date_typed_under_an_english_browser_is_stored_as_typed(client, form_class):
    case = CASES[form_class]
    client.force_login(make_user("nguoi-nhap", *case.role))
    url = case.url(client)
    page = client.get(url, **EN_US)
    assert '<html lang="vi"' in page.content.decode()
    [form] = [f for f in page_forms(page.content.decode()) if case.date_field in f.fields
              and all(f.fields.get(k) == v for k, v in case.pick.items())
              and f.action.endswith(case.posts_to)]  # fmt: skip
    typed, stored = case.typed
    data = form.data(**{case.date_field: typed}, **_typed(case.changes))
    send = client.post if form.method == "post" else client.get
    response = send(form.action or url, data, **EN_US)
    assert response.status_code in (200, 302)
    if response.status_code == 200 and form.method == "post":
        shown = [response.context[key] for key in response.context]
        errors = [f.errors for f in shown if isinstance(f, forms.BaseForm | BaseFormSet)]
        pytest.fail(f"refused: {[e for e in errors if any(e)]}")
    assert case.read(response) == stored
