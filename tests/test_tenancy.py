"""Agency isolation, proved route by route.

Every named URL of the product must be classified below. A new route that is not
classified fails `test_every_route_is_classified`, so isolation is decided, never forgotten.

- AGENCY_OWNED: routes that show or change one agency's data; `kwargs(other)` builds the
  route's arguments for an object of an agency outside the officer's scope. Such a lookup
  must answer 404 (the same as a missing object), for GET and for POST.
- AGENCY_LISTS: pages that list agency-owned data; they must never include another
  agency's objects.
- PROVINCE_SHARED: the province's published plan (targets, tasks as written): read by
  every user with a role, never by an account without one; written only by the reform office.
- SCOPED_FIGURES: pages whose figures are summed over the user's scope (targets dashboard,
  target detail, its Excel export): another agency's numbers and names never appear.
- ACCOUNT: login, logout and password pages of the user's own account.
"""

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cchc.organizations.models import Agency
from cchc.plans.models import Plan
from tests.factories import UserFactory, make_user
from tests.parindex import tenancy as parindex_tenancy
from tests.parindex import tenancy_office as parindex_office
from tests.portal import tenancy_office as portal_office

pytestmark = pytest.mark.django_db


def agency_pk(code: str):
    return lambda: {"pk": Agency.objects.get(code=code).pk}


def plan_pk():
    return {"pk": Plan.objects.get(year=2022).pk}


def plan_parent():
    return {"plan_pk": Plan.objects.get(year=2022).pk}


def target_pk():
    return {"pk": Plan.objects.get(year=2022).targets.first().pk}


def task_pk():
    return {"pk": Plan.objects.get(year=2022).tasks.first().pk}


def import_run_of(code: str):
    def kwargs():
        from cchc.operations.models import ImportRun

        run = ImportRun.objects.create(
            kind="dossiers", file_name="b.csv", agency=Agency.objects.get(code=code)
        )
        return {"pk": run.pk}

    return kwargs


def inspection_of(code: str):
    def kwargs():
        from cchc.inspections.models import Inspection

        inspection, _ = Inspection.objects.get_or_create(
            agency=Agency.objects.get(code=code), inspected_on=date(2022, 6, 15),
            defaults={"findings": f"Tồn tại của {code}"},
        )  # fmt: skip
        return {"pk": inspection.pk}

    return kwargs


def recommendation_pk():
    from cchc.inspections.models import Recommendation

    inspection = inspection_of("12-STP")()["pk"]
    return {"pk": Recommendation.objects.create(inspection_id=inspection, text="Khắc phục").pk}


def report_of(code: str, fmt: str | None = None):
    def kwargs():
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from cchc.reports.models import PeriodicReport

        report, _ = PeriodicReport.objects.get_or_create(
            agency=Agency.objects.get(code=code), kind="quarter", year=2022, number=1
        )
        report.docx_path = default_storage.save(f"t/{code}.docx", ContentFile(b"docx"))
        report.xlsx_path = default_storage.save(f"t/{code}.xlsx", ContentFile(b"xlsx"))
        report.save()
        return {"pk": report.pk, **({"fmt": fmt} if fmt else {})}

    return kwargs


PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 32


def evidence_of(code: str):
    def kwargs():
        from cchc.core.uploads import store_evidence
        from cchc.plans.models import ProgressEvidence, ProgressReport, ReformArea, Task

        agency = Agency.objects.get(code=code)
        task = Task.objects.create(
            plan=Plan.objects.get(year=2022), area=ReformArea.objects.get(code="public_finance"),
            order=500 + agency.pk, text=f"Nhiệm vụ có tài liệu của {code}", lead_agency=agency,
        )  # fmt: skip
        report = ProgressReport.objects.create(
            task=task, agency=agency, is_lead=True, status="in_progress", percent=10, text="x",
            reported_by=UserFactory(username=f"ev-{code}"),
        )  # fmt: skip
        stored = store_evidence(content=PNG, original_name="anh.png", folder="t")
        return {"pk": ProgressEvidence.objects.create(report=report, **stored.__dict__).pk}

    return kwargs


AGENCY_OWNED = {
    "organizations:agency_detail": agency_pk,
    "organizations:agency_rename": agency_pk,
    "organizations:agency_end": agency_pk,
    "operations:import_detail": import_run_of,
    "reports:report_detail": report_of,
    "plans:evidence_download": evidence_of,
    "reports:report_download": lambda code: report_of(code, "docx"),
    "reports:inspection_conclusion": inspection_of,
    # --- parindex, views.assessment (kwargs factories in tests/parindex/tenancy.py) ---
    "parindex:assessment_detail": parindex_tenancy.assessment_of,
    "parindex:assessment_submit": parindex_tenancy.assessment_of,
    "parindex:appraisal_complete": parindex_tenancy.assessment_of,
    "parindex:assessment_finalise": parindex_tenancy.assessment_of,
    "parindex:assessment_reopen": parindex_tenancy.assessment_of,
    "parindex:score_save": parindex_tenancy.score_of,
    "parindex:appraisal_save": parindex_tenancy.score_of,
    "parindex:return_for_explanation": parindex_tenancy.score_of,
    "parindex:agency_explain": parindex_tenancy.score_of,
    "parindex:score_history": parindex_tenancy.score_of,
    "parindex:evidence_upload": parindex_tenancy.score_of,
    "parindex:evidence_download": parindex_tenancy.evidence_of,
    "parindex:evidence_delete": parindex_tenancy.evidence_of,
    # --- parindex, the reform office's pages (views.landing, .frameworks, .rounds, .results) ---
}
# list route → the agency codes of the items a response lists
AGENCY_LISTS = {
    "organizations:agency_list": lambda ctx: {a.code for a in ctx["agencies"]},
    "operations:import_list": lambda ctx: {r.agency.code for r in ctx["runs"] if r.agency},
    "operations:dossier_list": lambda ctx: {d.agency.code for d in ctx["page"]},
    "plans:task_board": lambda ctx: {r.task.lead_agency.code for r in ctx["rows"]},
    # --- parindex, views.assessment ---
    # --- parindex, the reform office's pages (views.landing, .frameworks, .rounds, .results) ---
    "parindex:index": parindex_office.index_agencies,
}
PROVINCE_SHARED_READ = {
    "home": dict,
    "plans:plan_list": dict,
    "plans:plan_detail": plan_pk,
    "plans:task_board": dict,
    "plans:task_progress": task_pk,
    "reports:report_index": dict,
    "inspections:page": dict,
    "operations:import_template": lambda: {"kind": "dossiers", "fmt": "xlsx"},
    "plans:agency_plan": plan_pk,
    "plans:plan_history": plan_pk,
    "plans:target_history": target_pk,
    "plans:task_history": task_pk,
    # --- parindex, views.assessment ---
    # --- parindex, the reform office's pages (views.landing, .frameworks, .rounds, .results) ---
    "parindex:framework_detail": parindex_office.framework_pk,
    "parindex:results": parindex_office.framework_pk,
    "parindex:results_export": parindex_office.export_of("docx"),
}


def succession_pk():
    from cchc.organizations.models import AgencySuccession

    link = AgencySuccession.objects.create(
        predecessor=Agency.objects.get(code="106-02"),
        successor=Agency.objects.get(code="106-01"),
        effective_on=date(2025, 7, 1),
    )
    return {"pk": link.pk}


def membership_pk():
    from cchc.organizations.models import Membership

    return {"pk": Membership.objects.get(user=make_user("bb-move", "106-02", "agency_officer")).pk}


def token_pk():
    from datetime import timedelta

    from cchc.api.tokens import token_issue

    token, _text = token_issue(
        actor=make_user("vp-token", "12-SNV", "reform_office"),
        agency=Agency.objects.get(code="12-STP"), purpose="read", name="Mã thử",
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    return {"pk": token.pk}


PROVINCE_SHARED_WRITE = {
    "api:token_list": dict,
    "api:token_revoke": token_pk,
    "organizations:agency_create": dict,
    "organizations:agency_succession": dict,
    "organizations:succession_correct": succession_pk,
    "organizations:membership_move": membership_pk,
    "plans:plan_create": dict,
    "plans:plan_import_upload": dict,
    "plans:plan_import_review": dict,
    "plans:plan_update": plan_pk,
    "plans:target_create": plan_parent,
    "plans:target_update": target_pk,
    "plans:target_delete": target_pk,
    "plans:task_create": plan_parent,
    "plans:task_appendix_import": plan_parent,
    "plans:task_update": task_pk,
    "plans:task_delete": task_pk,
    # --- parindex, the reform office's pages (views.landing, .frameworks, .rounds, .results) ---
    "parindex:framework_import": dict,
    "parindex:assessment_open": parindex_office.framework_pk,
    "parindex:assessment_set_deadline": parindex_office.framework_pk,
    "parindex:deadlines_set": parindex_office.framework_pk,
    "parindex:computed_scores_refresh": parindex_office.framework_pk,
    "parindex:assignments": parindex_office.framework_pk,
    "parindex:appraiser_unassign": parindex_office.framework_pk,
    "parindex:survey_import": parindex_office.framework_pk,
    "parindex:adjustments": parindex_office.framework_pk,
    "parindex:adjustment_remove": parindex_office.framework_pk,
    "parindex:results_compute": parindex_office.framework_pk,
    "parindex:results_publish": parindex_office.framework_pk,
    # --- national: the published Decision 766 figures and the threshold ---
    "national:upload": dict,
    "national:threshold_set": dict,
    # --- portal, views.office: the reform office publishes on the public page ---
    # --- inspections: the reform office plans, records and closes ---
    "inspections:plan_propose": dict,
    "inspections:record": dict,
    "inspections:recommendation_close": recommendation_pk,
    "portal:office_overview": dict,
    "portal:office_withdraw": portal_office.release_pk,
    "portal:office_plans": dict,
    "portal:office_plan": portal_office.plan_pk,
    "portal:office_rankings": dict,
    "portal:office_inspections": dict,
    "portal:office_inspection": portal_office.inspection_pk,
    "portal:office_documents": dict,
    "portal:office_document_create": dict,
    "portal:office_document": portal_office.document_pk,
    "portal:office_document_file": portal_office.document_pk,
    "portal:office_document_publish": portal_office.document_pk,
    "portal:office_news_list": dict,
    "portal:office_news_create": dict,
    "portal:office_news": portal_office.news_pk,
    "portal:office_news_publish": portal_office.news_pk,
    # --- reports: the province's Word templates (mẫu văn bản) ---
    "reports:template_index": dict,
    "reports:template_download": lambda: {"kind": "bao_cao_dinh_ky"},
    "reports:template_upload": lambda: {"kind": "bao_cao_dinh_ky"},
    "reports:template_revert": lambda: {"kind": "bao_cao_dinh_ky"},
}
# Pages read by the province-wide roles only (the reform office and the read-only leader):
# agencies' sent reports. Agency officers and appraisers are refused.
PROVINCE_WIDE_READ = {"reports:report_tracker": dict}
# Actions on the user's own agency only: the agency comes from the account, never the request.
OWN_AGENCY_ACTIONS = {"reports:report_open"}
ACCOUNT = {"login", "logout", "password_change", "password_change_done"}


def target_of(label):
    def kwargs():
        target = next(t for t in Plan.objects.get(year=2022).targets.all() if t.label == label)
        return {"pk": target.pk}

    return kwargs


SCOPED_FIGURES = {
    "indicators:dashboard": dict,
    "indicators:target_detail": target_of("6c"),
    "indicators:target_agencies_xlsx": target_of("6c"),
}

# Drill-downs: the records behind one agency's number, the agency named by `?co_quan=`
# (route → its kwargs). Another agency's answers 404, page and Excel alike.
DRILL_DOWNS = {
    "operations:dossier_list": dict,
    "indicators:target_records": target_of("3"),
    # Our figures beside the published Decision 766 ones, narrowed to one agency by the same
    # `?co_quan=`; the page's writes (upload, threshold) are the reform office's
    # (tests/national/test_comparison_page.py).
    "national:comparison": dict,
}

# (officer fixture, an agency it must not reach)
OUTSIDERS = [
    ("dept_officer", "12-SNV"),  # another department
    ("dept_officer", "106"),  # a district
    ("district_officer", "107"),  # another district
    ("district_officer", "107-01"),  # another district's commune
    ("district_officer", "12"),  # the province itself
    ("commune_officer", "106"),  # its own district
    ("commune_officer", "106-03"),  # a neighbouring commune
    ("appraiser", "12-STP"),  # not assigned to it
    ("appraiser_elsewhere", "12-STP"),  # assigned to it, in another round
]


def all_route_names() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    return names


# The REST API (issue 18): read with a token (or the pages' session); every route below is
# read with a token of each kind of agency in `test_api_reads_only_the_tokens_scope`.
API_READ = {
    "api:agency_list": dict,
    "api:agency_detail": lambda: {"code": "12-STP"},
    "api:plan_list": dict,
    "api:target_list": lambda: {"year": 2022},
    "api:target_figures": lambda: {"year": 2022, "label": "6c"},
    "api:task_list": lambda: {"year": 2022},
    "api:task_reports": lambda: {"year": 2022, "pk": _api_task("12-STP").pk},
    "api:parindex_results": lambda: {"year": 2031},
    "api:document_list": dict,
    "api:schema": dict,
    "api:docs": dict,
}
# Writing through the API: the one-stop system's dossier push (`test_api_push_writes_only_
# the_tokens_scope`) and a task's progress report (`test_api_progress_reports_only_on_the_
# tokens_own_tasks`; the same route reads the task's reports).
API_WRITE = {"api:dossier_push": dict, "api:task_reports": dict}
# The API's description (OpenAPI schema and its documentation page) holds no data, and the
# documents the reform office published are public as on the public page.
API_PUBLIC = {"api:schema", "api:docs", "api:document_list"}


# The public CCHC page (issue 18, portal.views.public): read without login, only what the
# reform office published (route → its kwargs, from `tests.portal.publishing.Published`).
# `test_public_pages_show_only_what_is_published` and the tests after it cover them.
PUBLIC = {
    "portal:public_home": lambda p: {},
    "portal:public_plan": lambda p: {},
    "portal:public_target": lambda p: {"label": "6c"},
    "portal:public_tasks": lambda p: {},
    "portal:public_ranking": lambda p: {"pk": p.ranking.framework_id},
    "portal:public_inspections": lambda p: {},
    "portal:public_documents": lambda p: {},
    "portal:public_document_download": lambda p: {"pk": p.document.document_id},
    "portal:public_news_list": lambda p: {},
    "portal:public_news_feed": lambda p: {},
    "portal:public_news_detail": lambda p: {"pk": p.news.news_id},
}
# route → the release whose withdrawal makes it answer 404 (the others drop the content).
PUBLIC_SUBJECT = {
    "portal:public_plan": "plan",
    "portal:public_target": "figures",
    "portal:public_tasks": "figures",
    "portal:public_ranking": "ranking",
    "portal:public_document_download": "document",
    "portal:public_news_detail": "news",
}
# Open data (issue 18, portal.views.opendata), read without login; only what the reform office
# has published (`test_public_routes_show_nothing_unpublished`).
OPEN_DATA = {
    "portal:opendata_catalogue": dict,
    "portal:opendata_catalogue_jsonld": dict,
    "portal:opendata_dictionary": lambda: {"table": "co-quan"},
    "portal:opendata_table": lambda: {"year": 2022, "table": "co-quan", "fmt": "csv"},
    "portal:opendata_dossiers": lambda: {"year": 2022},
}


def test_every_route_is_classified():
    classified = (
        set(AGENCY_OWNED) | set(AGENCY_LISTS) | set(PROVINCE_SHARED_READ)
        | set(PROVINCE_SHARED_WRITE) | set(SCOPED_FIGURES) | set(DRILL_DOWNS)
        | set(PROVINCE_WIDE_READ) | OWN_AGENCY_ACTIONS | ACCOUNT | set(API_READ)
        | set(API_WRITE) | set(PUBLIC) | set(OPEN_DATA)
    )  # fmt: skip
    assert all_route_names() - classified == set(), "unclassified routes: decide their tenancy"
    assert classified - all_route_names() == set(), "classified routes that no longer exist"


@pytest.mark.parametrize("route", sorted(OPEN_DATA))
def test_public_routes_show_nothing_unpublished(client, route):
    """Anonymous visitors reach every public route; with nothing published (dossiers and
    snapshots present) they read no agency's data: a data file answers 404."""
    from cchc.indicators.models import IndicatorSnapshot

    records_of("12-STP")
    IndicatorSnapshot.objects.create(
        indicator="ONLINE_DOSSIER_SHARE", agency=Agency.objects.get(code="12-STP"),
        tier="province", month=date(2022, 3, 1), numerator=1, denominator=2,
    )  # fmt: skip
    response = client.get(reverse(route, kwargs=OPEN_DATA[route]()))
    data_file = route in {"portal:opendata_table", "portal:opendata_dossiers"}
    assert response.status_code == (404 if data_file else 200)
    if not data_file:
        assert "Sở Tư pháp" not in response.content.decode()


@pytest.mark.parametrize("route", sorted(AGENCY_OWNED))
@pytest.mark.parametrize(("officer", "other_code"), OUTSIDERS)
def test_other_agencys_object_answers_404(client, request, route, officer, other_code):
    client.force_login(request.getfixturevalue(officer))
    url = reverse(route, kwargs=AGENCY_OWNED[route](other_code)())
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x", "valid_to": "01/01/2030"}).status_code == 404
    assert Agency.objects.get(code=other_code).valid_to is None


@pytest.mark.parametrize("route", sorted(AGENCY_OWNED))
def test_own_agency_is_reachable_for_reading(client, dept_officer, route):
    client.force_login(dept_officer)
    url = reverse(route, kwargs=AGENCY_OWNED[route]("12-STP")())
    # Reading the own agency works; changing it is the reform office's job (403, not 404).
    readable = {
        "organizations:agency_detail",
        "operations:import_detail",
        "reports:report_detail",
        "reports:report_download",
        "reports:inspection_conclusion",
        "plans:evidence_download",
        "parindex:assessment_detail",
        "parindex:score_history",
        "parindex:evidence_download",
    }
    # Routes that only take a POST answer a GET with 405 once the object is found.
    post_only = {
        "parindex:assessment_submit",
        "parindex:appraisal_complete",
        "parindex:assessment_finalise",
        "parindex:assessment_reopen",
        "parindex:score_save",
        "parindex:appraisal_save",
        "parindex:return_for_explanation",
        "parindex:agency_explain",
        "parindex:evidence_upload",
        "parindex:evidence_delete",
    }
    expected = 200 if route in readable else 405 if route in post_only else 403
    assert client.get(url).status_code == expected


def records_of(code: str) -> None:
    """An import run and a dossier owned by agency `code`, for the list tests."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cchc.operations.models import Dossier, ImportRun, Procedure

    agency = Agency.objects.get(code=code)
    run = ImportRun.objects.create(kind="dossiers", file_name=f"{code}.csv", agency=agency)
    procedure, _ = Procedure.objects.get_or_create(code="P-LIST", defaults={"name": "Thủ tục"})
    from cchc.plans.models import ProgressReport, ReformArea, Task

    task = Task.objects.create(
        plan=Plan.objects.get(year=2022), area=ReformArea.objects.get(code="procedures"),
        order=Task.objects.count() + 100, text=f"Nhiệm vụ của {code}", lead_agency=agency,
    )  # fmt: skip
    ProgressReport.objects.create(
        task=task, agency=agency, is_lead=True, status="in_progress", percent=40,
        text=f"Báo cáo riêng của {agency.name}", reported_by=UserFactory(username=f"r-{code}"),
    )  # fmt: skip
    Dossier.objects.create(
        code=f"{code}-220105-0001", procedure=procedure, agency=agency, channel=2,
        received_at=datetime(2022, 1, 5, 8, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        status="processing", import_run=run,
    )  # fmt: skip
    parindex_office.assessment_for(code)  # listed by the PAR INDEX landing page


@pytest.mark.parametrize(("officer", "other_code"), OUTSIDERS)
def test_lists_never_include_other_agencies(client, request, officer, other_code):
    user = request.getfixturevalue(officer)
    records_of(other_code)
    records_of(user.membership.agency.code)
    client.force_login(user)
    other = Agency.objects.get(code=other_code)
    for route, listed in AGENCY_LISTS.items():
        searches = ({"ma": f"{other_code}-2201"}, {"thu_tuc": "P-LIST"}, {"kenh": "2"})
        for params in ({}, {"tat_ca": "1"}, {"q": other_code}, {"nam": "2022"}, *searches):
            response = client.get(reverse(route), params)
            assert response.status_code == 200
            shown = listed(response.context)
            assert other_code not in shown, route
            detail = reverse("organizations:agency_detail", kwargs={"pk": other.pk})
            assert detail not in response.content.decode()
            assert (
                other.name not in response.content.decode() or route == "organizations:agency_list"
            )
        assert user.membership.agency.code in listed(client.get(reverse(route)).context), route


@pytest.mark.parametrize("route", sorted(DRILL_DOWNS))
@pytest.mark.parametrize(("officer", "other_code"), OUTSIDERS)
def test_drill_down_to_another_agency_answers_404(client, request, route, officer, other_code):
    user = request.getfixturevalue(officer)
    client.force_login(user)
    other = Agency.objects.get(code=other_code)
    url = reverse(route, kwargs=DRILL_DOWNS[route]())
    tier = {"cap": "province", "phan": "mau"}  # target 3's query; ignored by the dossier list
    assert client.get(url, {"co_quan": other.pk, **tier}).status_code == 404
    assert client.get(url, {"co_quan": other.pk, **tier, "xuat": "xlsx"}).status_code == 404
    own = {"co_quan": user.membership.agency_id, **tier}
    assert client.get(url, own).status_code == 200


@pytest.mark.parametrize(("officer", "other_code"), OUTSIDERS)
def test_searching_another_agencys_dossiers_finds_nothing(client, request, officer, other_code):
    """The dossier list's search reads through the user's scope: another agency's dossier
    code, or its id as the agency filter with any search beside it, finds nothing / 404 —
    on the page and in the Excel file."""
    import io

    from openpyxl import load_workbook

    user = request.getfixturevalue(officer)
    records_of(other_code)
    client.force_login(user)
    url = reverse("operations:dossier_list")
    code = f"{other_code}-220105-0001"
    for extra in ({}, {"xuat": "xlsx"}):
        other = Agency.objects.get(code=other_code).pk
        for query in ({"co_quan": other, "ma": code}, {"co_quan": other, "kenh": "2"}):
            assert client.get(url, {**query, **extra}).status_code == 404
    page = client.get(url, {"ma": code, "thu_tuc": "P-LIST", "kenh": "2"})
    assert page.status_code == 200 and list(page.context["page"]) == []
    assert f"<td>{code}</td>" not in page.content.decode()  # (the search box echoes it)
    export = client.get(url, {"ma": code, "xuat": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[-1][0] == "Mã hồ sơ"  # the header, and no dossier under it


@pytest.mark.parametrize("route", sorted(PROVINCE_SHARED_READ))
def test_shared_pages_need_a_role(client, route):
    client.force_login(UserFactory(username="no-role"))
    url = reverse(route, kwargs=PROVINCE_SHARED_READ[route]())
    response = client.get(url)
    if route == "home":
        assert "chưa được gán vào cơ quan" in response.content.decode()
        assert "4345/KH-UBND" not in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("route", sorted(PROVINCE_SHARED_READ))
@pytest.mark.parametrize("officer", ["dept_officer", "commune_officer", "leader", "appraiser"])
def test_shared_pages_are_readable_by_every_role(client, request, route, officer):
    client.force_login(request.getfixturevalue(officer))
    assert client.get(reverse(route, kwargs=PROVINCE_SHARED_READ[route]())).status_code == 200


@pytest.mark.parametrize("route", sorted(PROVINCE_SHARED_WRITE))
@pytest.mark.parametrize("officer", ["dept_officer", "district_officer", "leader", "appraiser"])
def test_writes_are_refused_to_everyone_but_the_reform_office(client, request, route, officer):
    client.force_login(request.getfixturevalue(officer))
    url = reverse(route, kwargs=PROVINCE_SHARED_WRITE[route]())
    before = (Plan.objects.count(), Agency.objects.count())
    assert client.get(url).status_code in {403, 405}
    assert (
        client.post(url, {"year": 2031, "title": "x", "code": "Z", "name": "Z"}).status_code == 403
    )
    assert (Plan.objects.count(), Agency.objects.count()) == before


@pytest.mark.parametrize(
    "route",
    sorted(
        set(AGENCY_OWNED)
        | set(AGENCY_LISTS)
        | set(PROVINCE_SHARED_READ)
        | set(PROVINCE_SHARED_WRITE)
        | set(PROVINCE_WIDE_READ)
        | set(SCOPED_FIGURES)
        | set(DRILL_DOWNS)
    ),
)
def test_anonymous_is_sent_to_login(client, route):
    kwargs_factory = {
        **AGENCY_OWNED,
        **PROVINCE_SHARED_READ,
        **PROVINCE_SHARED_WRITE,
        **PROVINCE_WIDE_READ,
        **SCOPED_FIGURES,
        **DRILL_DOWNS,
    }.get(route)
    if route in AGENCY_OWNED:
        kwargs = kwargs_factory("12-STP")()
    else:
        kwargs = kwargs_factory() if kwargs_factory else {}
    response = client.get(reverse(route, kwargs=kwargs))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.fixture
def figures_of_three_agencies(db):
    from datetime import date

    from cchc.indicators.services import snapshots_refresh
    from cchc.operations.models import DossierMonthly, ImportRun, Procedure

    run = ImportRun.objects.create(kind="dossier_stats", file_name="t.csv")
    procedure = Procedure.objects.create(code="P-T", name="Thủ tục thử")
    for code, online in [("12-STP", 7), ("12-SNV", 3), ("107-01", 1)]:
        DossierMonthly.objects.create(
            agency=Agency.objects.get(code=code), procedure=procedure, month=date(2022, 1, 1),
            source="imported", received=10, received_online=online, import_run=run,
        )  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2022])


@pytest.mark.parametrize("route", sorted(SCOPED_FIGURES))
def test_scoped_figures_never_show_other_agencies(
    client, dept_officer, figures_of_three_agencies, route
):
    client.force_login(dept_officer)
    response = client.get(reverse(route, kwargs=SCOPED_FIGURES[route]()))
    assert response.status_code == 200
    if route.endswith("xlsx"):
        from io import BytesIO

        from openpyxl import load_workbook

        cells = [
            c
            for row in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
            for c in row
        ]
        assert (
            "Sở Tư pháp" in cells and "Sở Nội vụ" not in cells and "Thị trấn Mường Tè" not in cells
        )
    else:
        body = response.content.decode()
        assert "Sở Nội vụ</td>" not in body and "Mường Tè" not in body
        assert "<strong>70%</strong>" in body and "(7/10)" in body  # its own figure
        assert "(11/30)" not in body and "36,67%" not in body  # not the province's


@pytest.mark.parametrize("route", ["indicators:dashboard", "indicators:target_detail"])
def test_cached_figures_of_a_wider_scope_are_never_served(
    client, reform_office, dept_officer, figures_of_three_agencies, route, settings
):
    """The pages cache their figures (indicators.figures_cache): the province's, cached for
    the reform office, must not reach an officer, and the officer's own must still show."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "tenancy-figures"}}  # fmt: skip
    cache.clear()
    url = reverse(route, kwargs=SCOPED_FIGURES[route]())
    client.force_login(reform_office)
    assert "(11/30)" in client.get(url).content.decode()  # the province's figure, now cached
    client.force_login(dept_officer)
    body = client.get(url).content.decode()
    assert "(7/10)" in body and "(11/30)" not in body and "Sở Nội vụ</td>" not in body
    cache.clear()


@pytest.mark.parametrize("route", sorted(SCOPED_FIGURES))
def test_scoped_figures_need_a_role(client, route):
    client.force_login(UserFactory(username="no-role-2"))
    assert client.get(reverse(route, kwargs=SCOPED_FIGURES[route]())).status_code == 404


@pytest.mark.parametrize(("officer", "other_code"), OUTSIDERS)
def test_task_page_hides_other_agencies_reports_and_refuses_their_posts(
    client, request, officer, other_code
):
    from cchc.plans.models import ProgressReport, Task

    records_of(other_code)
    task = Task.objects.get(lead_agency__code=other_code, text__startswith="Nhiệm vụ của")
    client.force_login(request.getfixturevalue(officer))
    url = reverse("plans:task_progress", kwargs={"pk": task.pk})
    body = client.get(url).content.decode()
    assert "Báo cáo riêng của" not in body
    before = ProgressReport.objects.count()
    response = client.post(url, {"status": "in_progress", "percent": 50, "text": "x"})
    assert response.status_code == 403
    assert ProgressReport.objects.count() == before


TRACKER_QUERY = "?ky=quarter&nam=2022&so=1"


@pytest.mark.parametrize("route", sorted(PROVINCE_WIDE_READ))
@pytest.mark.parametrize(
    ("officer", "status"),
    [("reform_office", 200), ("leader", 200), ("dept_officer", 403),
     ("district_officer", 403), ("appraiser", 403)],
)  # fmt: skip
def test_province_wide_pages_are_read_by_the_office_and_the_leader_only(
    client, request, route, officer, status
):
    client.force_login(request.getfixturevalue(officer))
    url = reverse(route, kwargs=PROVINCE_WIDE_READ[route]()) + TRACKER_QUERY
    assert client.get(url).status_code == status


def _sent_report_of(code: str):
    from cchc.reports.models import PeriodicReport

    pk = report_of(code)()["pk"]
    PeriodicReport.objects.filter(pk=pk).update(
        status="submitted", overview="Bản đã gửi.", submitted_at=timezone.now()
    )
    return PeriodicReport.objects.get(pk=pk)


def test_the_leader_finds_reads_and_downloads_an_agencys_sent_report(client, leader):
    report = _sent_report_of("12-STP")
    client.force_login(leader)
    tracker = client.get(reverse("reports:report_tracker") + TRACKER_QUERY)
    detail_url = reverse("reports:report_detail", args=[report.pk])
    assert detail_url in tracker.content.decode()
    index = client.get(reverse("reports:report_index") + "?nam=2022").content.decode()
    assert reverse("reports:report_tracker") + TRACKER_QUERY in index
    page = client.get(detail_url)
    assert page.status_code == 200 and "Bản đã gửi." in page.content.decode()
    download = client.get(reverse("reports:report_download", args=[report.pk, "docx"]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"docx"


def test_the_leader_cannot_write_an_agencys_sent_report(client, leader):
    report = _sent_report_of("12-STP")
    client.force_login(leader)
    url = reverse("reports:report_detail", args=[report.pk])
    for action in ["luu", "tao", "gui"]:
        response = client.post(url, {"overview": "Sửa bởi lãnh đạo", "thao_tac": action,
                                     "signing_authority": "GIÁM ĐỐC"})  # fmt: skip
        assert response.status_code == 403
    report.refresh_from_db()
    assert report.overview == "Bản đã gửi." and report.status == "submitted"
    assert client.post(reverse("reports:report_open"),
                       {"ky": "quarter", "nam": "2022", "so": "2"}).status_code == 403  # fmt: skip


def test_the_leader_does_not_see_an_agencys_draft(client, leader):
    from cchc.reports.models import PeriodicReport

    pk = report_of("12-STP")()["pk"]
    client.force_login(leader)
    assert client.get(reverse("reports:report_detail", args=[pk])).status_code == 404
    assert client.get(reverse("reports:report_download", args=[pk, "docx"])).status_code == 404
    tracker = client.get(reverse("reports:report_tracker") + TRACKER_QUERY).content.decode()
    assert reverse("reports:report_detail", args=[pk]) not in tracker
    assert PeriodicReport.objects.get(pk=pk).status == "draft"


def test_opening_a_report_is_always_for_the_own_agency(client, dept_officer):
    from cchc.reports.models import PeriodicReport

    client.force_login(dept_officer)
    other = Agency.objects.get(code="12-SNV")
    url = reverse("reports:report_open")
    response = client.post(url, {"ky": "quarter", "nam": "2022", "so": "1", "agency": other.pk})
    assert response.status_code == 302
    assert list(PeriodicReport.objects.values_list("agency__code", flat=True)) == ["12-STP"]


@pytest.mark.parametrize(("officer", "other_code"), OUTSIDERS)
def test_an_agencys_own_tasks_stay_within_its_scope(
    client, request, reform_office, officer, other_code
):
    from cchc.plans.models import ReformArea, Task

    plan = Plan.objects.get(year=2022)
    other = Agency.objects.get(code=other_code)
    own = Task.objects.create(
        plan=plan, area=ReformArea.objects.get(code="civil_service"), order=999,
        text="Nhiệm vụ nội bộ của cơ quan khác", lead_agency=other, owner=other,
    )  # fmt: skip
    client.force_login(request.getfixturevalue(officer))
    assert client.get(reverse("plans:task_progress", args=[own.pk])).status_code == 404
    assert client.get(reverse("plans:task_history", args=[own.pk])).status_code == 404
    assert (
        client.get(reverse("plans:agency_plan", args=[plan.pk]), {"co_quan": other.pk}).status_code
        == 404
    )
    for url in (reverse("plans:plan_detail", args=[plan.pk]), reverse("plans:task_board"),
                reverse("plans:agency_plan", args=[plan.pk]), reverse("home")):  # fmt: skip
        assert "Nhiệm vụ nội bộ của cơ quan khác" not in client.get(url).content.decode()
    client.force_login(reform_office)
    assert client.get(reverse("plans:task_progress", args=[own.pk])).status_code == 200
    assert client.get(reverse("plans:task_history", args=[own.pk])).status_code == 200


# --- Authority: who may write what (organizations.access), and the appraiser's reads -------
@pytest.fixture
def appraiser_elsewhere(db):
    """An appraiser assigned to Sở Tư pháp in another round (2030) than the one whose
    assessment it tries to read (the tenancy factories' framework, 2031)."""
    from cchc.parindex.models import AppraisalAssignment, Framework

    user = make_user("tdinh-khac", "12-SNV", "appraiser")
    earlier = Framework.objects.create(code="PHAN-QUYEN", year=2030, group="all", title="Cũ")
    AppraisalAssignment.objects.create(
        appraiser=user, agency=Agency.objects.get(code="12-STP"), framework=earlier
    )
    return user


@pytest.fixture
def appraiser_of_stp(db):
    """An appraiser assigned to Sở Tư pháp in the tenancy factories' round."""
    from cchc.parindex.models import AppraisalAssignment, Framework

    user = make_user("tdinh-stp", "12-SNV", "appraiser")
    parindex_tenancy.assessment_of("12-STP")()  # creates the round's framework
    AppraisalAssignment.objects.create(
        appraiser=user, agency=Agency.objects.get(code="12-STP"),
        framework=Framework.objects.get(code="PHAN-QUYEN", year=2031),
    )  # fmt: skip
    return user


# The assessment, with its evidence, is what an assigned appraiser reads; nothing else.
APPRAISED_READS = {"parindex:assessment_detail", "parindex:score_history",
                   "parindex:evidence_download"}  # fmt: skip


@pytest.mark.parametrize("route", sorted(AGENCY_OWNED))
def test_an_appraiser_assigned_elsewhere_reads_nothing_of_the_agency(
    client, appraiser_elsewhere, route
):
    client.force_login(appraiser_elsewhere)
    url = reverse(route, kwargs=AGENCY_OWNED[route]("12-STP")())
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x", "valid_to": "01/01/2030"}).status_code == 404


@pytest.mark.parametrize("route", sorted(AGENCY_OWNED))
def test_an_assigned_appraiser_reads_the_assessment_and_its_evidence_only(
    client, appraiser_of_stp, route
):
    client.force_login(appraiser_of_stp)
    url = reverse(route, kwargs=AGENCY_OWNED[route]("12-STP")())
    expected = 200 if route in APPRAISED_READS else 405 if route.startswith("parindex:") else 404
    assert client.get(url).status_code == expected


def test_an_assigned_appraiser_cannot_remove_the_agencys_evidence(client, appraiser_of_stp):
    from cchc.parindex.models import Evidence

    kwargs = parindex_tenancy.evidence_of("12-STP")()
    client.force_login(appraiser_of_stp)
    response = client.post(reverse("parindex:evidence_delete", kwargs=kwargs))
    assert response.status_code == 403
    assert Evidence.objects.filter(pk=kwargs["pk"]).exists()


@pytest.mark.parametrize("route", sorted(set(AGENCY_LISTS) | set(DRILL_DOWNS)))
def test_an_assigned_appraiser_lists_nothing_else_of_the_agency(client, appraiser_of_stp, route):
    records_of("12-STP")
    client.force_login(appraiser_of_stp)
    other = Agency.objects.get(code="12-STP")
    if route in DRILL_DOWNS:
        url = reverse(route, kwargs=DRILL_DOWNS[route]())
        assert (
            client.get(url, {"co_quan": other.pk, "cap": "province", "phan": "mau"}).status_code
            == 404
        )
        return
    response = client.get(reverse(route))
    shown = AGENCY_LISTS[route](response.context)
    if route == "parindex:index":  # the assessment it appraises, and only that one
        assert shown <= {"12-STP", "12-SNV"}
    else:
        assert "12-STP" not in shown, route


def _own_file(kind: str, code: str) -> bytes:
    """A small valid file of `kind` whose rows are agency `code`'s (tests/operations' cases)."""
    from tests.operations.importing import csv_bytes
    from tests.operations.test_imports_common import CASES

    case = CASES[kind]
    rows = [list(r) for r in case.rows]
    for row in rows:
        # A reorganisation's rows are the province's structure, no agency's own records.
        if case.agency_at is not None and kind != "reorganisation":
            row[case.agency_at] = code
        if kind == "dossiers":
            row[0] = row[0].replace("12-STP", code)
    return csv_bytes(case.header, rows)


ROLES = ["reform_office", "dept_officer", "district_officer", "commune_officer", "leader",
         "appraiser"]  # fmt: skip


def _import_kinds():
    from cchc.operations.imports import IMPORTERS

    return sorted(IMPORTERS)


@pytest.mark.parametrize("kind", _import_kinds())
@pytest.mark.parametrize("role", ROLES)
def test_every_import_kind_is_authored_only_by_whom_the_table_allows(
    client, request, catalogue, role, kind, django_capture_on_commit_callbacks
):
    """Through the import page, as a person uploads: a file of the user's own agency loads
    where `organizations.access` lets the role author that kind, and is refused with nothing
    stored everywhere else — an agency never authors its inspections or connections."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cchc.operations.imports import IMPORTERS
    from cchc.operations.models import ImportRun
    from cchc.organizations.access import DataKind
    from tests.operations.importing import fingerprint

    user = request.getfixturevalue(role)
    own_rows = {"dossiers", "dossier_stats", "work_records", "legal_documents"}
    assert {k for k, i in IMPORTERS.items() if i.data_kind == DataKind.OPERATIONAL} == own_rows
    allowed = {"reform_office": set(IMPORTERS), "dept_officer": own_rows,
               "district_officer": own_rows, "commune_officer": own_rows}.get(role, set())  # fmt: skip
    before = (fingerprint(), ImportRun.objects.count())
    client.force_login(user)
    upload = SimpleUploadedFile("tep.csv", _own_file(kind, user.membership.agency.code))
    with django_capture_on_commit_callbacks(execute=True):  # the import job runs on commit
        response = client.post(reverse("operations:import_list"), {"kind": kind, "file": upload})
    if kind in allowed:
        assert response.status_code == 302
        run = ImportRun.objects.latest("pk")
        assert run.status == "done", run.errors
    else:
        assert response.status_code in {200, 403}  # the kind is not offered / no upload at all
        assert (fingerprint(), ImportRun.objects.count()) == before


@pytest.fixture
def catalogue(db):
    from cchc.operations.models import Procedure, ProcedureSnapshot

    procedure = Procedure.objects.create(code="1.001", name="Cấp phiếu lý lịch tư pháp")
    ProcedureSnapshot.objects.create(procedure=procedure, year=2022, authority_tier="province",
                                     processing_days=10, has_fee=True, online_payment=True)  # fmt: skip
    return procedure


@pytest.mark.parametrize("role", ["dept_officer", "district_officer", "leader", "appraiser"])
def test_no_one_but_the_reform_office_records_an_inspection(client, request, role):
    """Target 1 counts inspections: the agency inspected must not be able to add one."""
    from cchc.inspections.models import Inspection

    user = request.getfixturevalue(role)
    client.force_login(user)
    data = {"agency": user.membership.agency_id, "inspected_on": "15/06/2022",
            "team": "Đoàn tự kiểm tra", "recommendations": ""}  # fmt: skip
    close = reverse("inspections:recommendation_close", kwargs=recommendation_pk())
    for url, action in ((reverse("inspections:record"), data),
                        (reverse("inspections:plan_propose"), {}),
                        (close, {"closed_on": "20/09/2022", "note": "Đã xong"})):  # fmt: skip
        assert client.post(url, action).status_code == 403
    assert Inspection.objects.count() == 1  # the one whose recommendation was offered
    assert not Inspection.objects.get().recommendations.filter(closed_on__isnull=False).exists()


def test_the_author_table_never_lets_an_agency_judge_itself():
    from cchc.organizations.access import WRITES, DataKind
    from cchc.organizations.models import Role

    judging = {DataKind.INSPECTIONS, DataKind.SYSTEMS, DataKind.APPRAISAL,
               DataKind.PARINDEX_RESULTS, DataKind.PLAN, DataKind.CATALOGUE,
               DataKind.NATIONAL_FIGURES}  # fmt: skip
    assert not judging & set(WRITES[Role.AGENCY_OFFICER])
    assert WRITES[Role.LEADER] == {}
    assert set(WRITES[Role.APPRAISER]) == {DataKind.APPRAISAL}
    assert set(WRITES) == set(Role.values)


def test_the_upload_page_offers_an_officer_only_its_own_kinds(client, dept_officer, reform_office):
    import re

    client.force_login(dept_officer)
    body = client.get(reverse("operations:import_list")).content.decode()
    offered = set(re.findall(r'<option value="(\w+)"', body))
    assert offered == {"dossiers", "dossier_stats", "work_records", "legal_documents"}
    assert "do Văn phòng CCHC của tỉnh nạp" in body
    client.force_login(reform_office)
    body = client.get(reverse("operations:import_list")).content.decode()
    assert len(set(re.findall(r'<option value="(\w+)"', body))) == 9
    assert "do Văn phòng CCHC của tỉnh nạp" not in body


def _api_token_for(code: str, purpose: str) -> dict:
    from datetime import timedelta

    from cchc.api.tokens import token_issue

    _token, text = token_issue(
        actor=make_user(f"vp-{code}", "12-SNV", "reform_office"),
        agency=Agency.objects.get(code=code), purpose=purpose, name=f"Mã {code}",
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def _api_token(code: str) -> dict:
    return _api_token_for(code, "read")


def _api_task(code: str, *, owner: bool = False):
    """A province task led by agency `code` with a report of `code` (or `code`'s own task)."""
    from cchc.plans.models import ProgressReport, ReformArea, Task

    agency = Agency.objects.get(code=code)
    text = f"Nhiệm vụ API {'riêng ' if owner else ''}của {code}"
    task = Task.objects.filter(text=text).first()
    if task is None:
        task = Task.objects.create(
            plan=Plan.objects.get(year=2022), area=ReformArea.objects.get(code="procedures"),
            order=Task.objects.count() + 700, text=text, lead_agency=agency,
            owner=agency if owner else None,
        )  # fmt: skip
        ProgressReport.objects.create(
            task=task, agency=agency, is_lead=True, status="in_progress", percent=40,
            text=f"Báo cáo API của {code}", reported_by=UserFactory(username=f"api-r-{code}"),
        )  # fmt: skip
    return task


def _api_par_index(reform_office):
    """PAR INDEX 2031: Sở Tư pháp, Sở Tài chính and Sở KH&ĐT published; a second framework
    whose results are computed but not published."""
    from cchc.parindex.models import Assessment
    from cchc.parindex.services.publication import results_publish
    from cchc.parindex.services.results import results_compute
    from tests.api.test_par_index import scored_framework

    framework = scored_framework(reform_office)
    Assessment.objects.filter(framework=framework).update(status="finalised")
    results_publish(actor=reform_office, framework=framework)
    results_compute(actor=reform_office,
                    framework=scored_framework(reform_office, code="CHUA-CONG-BO"))  # fmt: skip


def _api_rows_outside_scope(route: str, body, scope, visible: set[str]) -> list:
    """What an API answer lists that the token's scope may not read, by the route's rule:
    the tasks it neither leads nor coordinates (the task board's rule), reports of a task it
    does not work on (the task page's), results not published (published ones are public, as
    on the results page)."""
    from cchc.parindex.models import Result

    if scope.sees_all or not isinstance(body, dict):
        return []
    if route == "api:task_list":
        return [r["text"] for r in body["results"]
                if not ({r["lead_agency"]["code"]} | {a["code"] for a in r["coordinating_agencies"]})
                & visible]  # fmt: skip
    if route == "api:task_reports":
        from cchc.plans.models import Task

        task = Task.objects.get(text="Nhiệm vụ API của 12-STP")
        workers = {task.lead_agency.code} | {a.code for a in task.coordinating_agencies.all()}
        return body["results"] if not workers & visible else []
    if route == "api:parindex_results":
        listed = [(f["code"], r["agency"]["code"]) for f in body["frameworks"]
                  for g in f["groups"] for r in g["results"]]  # fmt: skip
        published = set(
            Result.objects.filter(assessment__status="published").values_list(
                "assessment__framework__code", "assessment__agency__code")
        )  # fmt: skip
        return [row for row in listed if row not in published]
    return []


def _agency_codes(body) -> set[str]:
    """Agency codes of the rows an API answer returns (list items and figure rows)."""
    rows = body.get("results", []) if isinstance(body, dict) else []
    codes = {r["code"] for r in rows if isinstance(r, dict) and "code" in r and "level" in r}
    if isinstance(body, dict):
        codes |= {r["agency"] for r in body.get("agencies", [])}
    return codes


@pytest.mark.parametrize("route", sorted(API_READ))
@pytest.mark.parametrize("code", ["12-STP", "106", "106-02", "12"])
def test_api_reads_only_the_tokens_scope(client, route, code):
    """Each API route read with a token of a department, a district, a commune and the
    province: the agencies in its answer are the scope's (`scope_for`), another agency's
    detail is a 404, and without a token nothing is read."""
    from cchc.indicators.models import IndicatorSnapshot
    from cchc.organizations.selectors import scope_for

    for agency in Agency.objects.filter(code__in=["12-STP", "106", "106-02", "12-SNV"]):
        IndicatorSnapshot.objects.create(
            indicator="ONLINE_DOSSIER_SHARE", agency=agency, tier="province",
            month=date(2022, 3, 1), numerator=1, denominator=2,
        )  # fmt: skip
        _api_task(agency.code)
    _api_task("12-SNV", owner=True)
    if route == "api:parindex_results":
        _api_par_index(make_user("vp-pi", "12-SNV", "reform_office"))
    header = _api_token(code)
    url = reverse(route, kwargs=API_READ[route]())
    anonymous = client.get(url)
    if route in API_PUBLIC:
        assert anonymous.status_code == 200 and "Sở Tư pháp" not in anonymous.content.decode()
    else:
        assert anonymous.status_code in {401, 403}
    response = client.get(url, **header)
    agency = Agency.objects.get(code=code)
    scope = scope_for(
        make_user(f"as-{code}", code, "agency_officer" if agency.parent_id else "leader")
    )
    if route == "api:agency_detail" and not scope.contains(Agency.objects.get(code="12-STP").pk):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        visible = set(Agency.objects.visible_to(scope).values_list("code", flat=True))
        body = response.json()
        if route not in {"api:task_list", "api:task_reports", "api:parindex_results"}:
            assert _agency_codes(body) <= visible
        assert _api_rows_outside_scope(route, body, scope, visible) == []
        text = response.content.decode()
        assert "Nhiệm vụ API riêng của 12-SNV" not in text or scope.sees_all
        assert "CHUA-CONG-BO" not in text  # unpublished results: nobody reads them here
        if route == "api:task_list":
            listed = {r["text"] for r in body["results"]}
            assert (f"Nhiệm vụ API của {code}" in listed) == (code != "12"), listed
            assert ("Nhiệm vụ API của 12-SNV" in listed) == scope.sees_all
        if route == "api:parindex_results":  # the whole published ranking, for every role
            [framework] = body["frameworks"]
            assert {r["agency"]["code"] for g in framework["groups"] for r in g["results"]} == {
                "12-STP",
                "12-STC",
                "12-SKHDT",
            }


@pytest.mark.parametrize("code", ["12-STP", "106", "106-02"])
def test_api_push_writes_only_the_tokens_scope(client, catalogue, code):
    """A push token of a department, a district or a commune writes its scope's dossiers and
    no other agency's: a batch naming another agency is refused whole."""
    from cchc.operations.models import Dossier
    from cchc.organizations.selectors import scope_for

    header = _api_token_for(code, "push_dossiers")
    url = reverse("api:dossier_push")
    assert client.get(url, **header).status_code == 405
    scope = scope_for(make_user(f"push-{code}", code, "agency_officer"))
    outside = Agency.objects.exclude(pk__in=scope.agency_ids).get(code="12-SNV")

    def batch(agency):
        return {"dossiers": [{"MaHoSo": f"HS-{agency}", "MaTTHC": "1.001", "MaDonVi": agency,
                              "KenhThucHien": 1, "NgayTiepNhan": "01/03/2022 09:00",
                              "TrangThaiHoSo": "Đang giải quyết"}]}  # fmt: skip

    refused = client.post(url, batch(outside.code), content_type="application/json", **header)
    assert refused.status_code == 400 and not Dossier.objects.exists()
    own = client.post(url, batch(code), content_type="application/json", **header)
    assert own.status_code == 200, own.json()
    assert list(Dossier.objects.values_list("agency__code", flat=True)) == [code]


@pytest.mark.parametrize(
    ("code", "other"),
    [("12-STP", "12-SNV"), ("106", "106-02"), ("106-02", "106"), ("12", "12-STP")],
)
def test_api_progress_reports_only_on_the_tokens_own_tasks(client, code, other):
    """A reporting token of a department, a district, a commune and the province reports on
    the tasks its agency leads; a task another agency leads (even a commune of its district,
    as on the task page) is refused (403), another agency's own task is not found (404), and
    nothing is written for either."""
    from cchc.plans.models import ProgressEvidence, ProgressReport

    header = _api_token_for(code, "report_progress")
    theirs, hidden = _api_task(other), _api_task("12-SNV", owner=True)
    url = "/api/v1/plans/2022/tasks/{}/reports/"
    data = {"status": "in_progress", "percent": 50, "text": "Đã làm một phần."}
    before = ProgressReport.objects.count()
    assert client.post(url.format(theirs.pk), data, **header).status_code == 403
    assert client.post(url.format(hidden.pk), data, **header).status_code == 404
    assert ProgressReport.objects.count() == before and not ProgressEvidence.objects.exists()
    own = client.post(url.format(_api_task(code).pk), data, **header)
    assert own.status_code == 201 and own.json()["agency"]["code"] == code


# --- the public page ---------------------------------------------------------------------------

# What each published release puts on the public pages, and must be absent once withdrawn.
PUBLIC_MARKERS = {
    "plan": "4345/KH-UBND",
    "figures": "Số liệu đến hết tháng 3/2022",
    "ranking": "Bộ chỉ số CCHC các sở (thử)",
    "inspection": "thực hiện tốt công tác cải cách hành chính",
    "document": "12/CT-UBND",
    "news": "Hội nghị triển khai công tác CCHC năm 2022",
}


def _public_bodies(client, published) -> dict[str, tuple[int, bytes]]:
    found = {}
    for route, kwargs in PUBLIC.items():
        response = client.get(reverse(route, kwargs=kwargs(published)))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        found[route] = (response.status_code, content)
    return found


def test_public_pages_need_no_login(client, reform_office):
    from tests.portal.publishing import publish_everything

    published = publish_everything(reform_office)
    client.logout()
    for route, (status, _content) in _public_bodies(client, published).items():
        assert status == 200, route


@pytest.mark.parametrize("kind", sorted(PUBLIC_MARKERS))
def test_public_pages_show_only_what_is_published(client, reform_office, kind):
    """Withdrawn, a release's content is on no public page, and its own pages answer 404."""
    from cchc.portal.services import release_withdraw
    from tests.portal.publishing import publish_everything

    published = publish_everything(reform_office)
    release_withdraw(actor=reform_office, release=getattr(published, kind), reason="Nhầm")
    marker = PUBLIC_MARKERS[kind].encode()
    for route, (status, content) in _public_bodies(client, published).items():
        withdrawn = PUBLIC_SUBJECT.get(route) == kind or (
            kind == "plan" and PUBLIC_SUBJECT.get(route) == "figures"
        )
        assert status == (404 if withdrawn else 200), route
        assert marker not in content or route == "portal:public_document_download", route


def test_unpublished_items_are_unreachable(client, reform_office):
    """A plan, figures, ranking, inspection, document and news item that exist but were never
    published reach no public page."""
    from cchc.plans.models import Plan
    from cchc.portal import services
    from tests.portal import publishing

    publishing.snapshots()
    framework = publishing.published_framework(reform_office)  # published to agencies only
    inspection = publishing.inspection(reform_office)
    document = publishing.document(reform_office)
    news = publishing.news(reform_office)
    services.plan_publish(actor=reform_office, plan=Plan.objects.get(year=2022))  # no figures
    for route, kwargs in {
        "portal:public_target": {"label": "6c"},
        "portal:public_tasks": {},
        "portal:public_ranking": {"pk": framework.pk},
        "portal:public_document_download": {"pk": document.pk},
        "portal:public_news_detail": {"pk": news.pk},
    }.items():
        assert client.get(reverse(route, kwargs=kwargs)).status_code == 404, route
    for route in ("portal:public_home", "portal:public_inspections", "portal:public_documents",
                  "portal:public_news_list", "portal:public_news_feed"):  # fmt: skip
        body = client.get(reverse(route)).content.decode()
        for hidden in (framework.title, inspection.agency.name, document.number, news.title,
                       "Số liệu đến hết tháng"):  # fmt: skip
            assert hidden not in body, (route, hidden)


def test_no_other_file_is_reachable_from_the_public_pages(client, reform_office):
    """Only the file of a public directive document is served: no other document's, no
    evidence, no report — whatever number is tried."""
    from cchc.plans.models import ProgressEvidence
    from cchc.portal.models import DirectiveDocument
    from tests.portal import publishing

    published = publishing.publish_everything(reform_office)
    publishing.document(reform_office, number="88/CV-UBND")  # kept, never published
    evidence_of("12-STP")()  # an evidence file exists too
    report_of("12-STP")()
    highest = max(
        DirectiveDocument.objects.order_by("-pk").first().pk,
        ProgressEvidence.objects.order_by("-pk").first().pk,
    )
    served = set()
    for pk in range(1, highest + 5):
        url = reverse("portal:public_document_download", kwargs={"pk": pk})
        if client.get(url).status_code == 200:
            served.add(pk)
    assert served == {published.document.document_id}
