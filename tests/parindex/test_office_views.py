"""The reform office's PAR INDEX pages (views.landing, .frameworks, .rounds, .results): the
landing page by role, framework and survey imports (errors by line and column, nothing
written), opening assessments and deadlines, appraiser assignments, bonus and penalty, computing
and publishing results, the results' visibility before and after publication, the XLSX and
DOCX exports, and query budgets."""

from datetime import date
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.organizations.models import Agency
from cchc.parindex.models import (
    Adjustment,
    AppraisalAssignment,
    Assessment,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    Framework,
    Result,
    SurveyScore,
)
from cchc.parindex.office_forms import parse_bands_text
from cchc.parindex.services.publication import assessment_reopen, results_publish
from cchc.parindex.services.results import adjustment_add, results_compute, survey_import
from cchc.parindex.services.rounds import appraiser_assign, assessment_open
from tests.factories import UserFactory, make_user
from tests.html_forms import page_form
from tests.parindex.conftest import DEADLINE, SMALL_CSV, YEAR

pytestmark = pytest.mark.django_db
S = AssessmentStatus
SURVEY_CSV = 'Mã cơ quan,Mã tiêu chí,Điểm,Ghi chú\n12-STP,1.3,"2,5",Đợt 1\n12-STC,1.3,3,\n'


def url(name, framework, **kwargs):
    return reverse(f"parindex:{name}", kwargs={"pk": framework.pk, **kwargs})


def page(client, user, address, data=None, **extra):
    client.force_login(user)
    if data is None:
        return client.get(address, **extra)
    return client.post(address, data, **extra)


def finalise_all(framework):
    Assessment.objects.filter(framework=framework).update(status=S.FINALISED)


@pytest.fixture
def scored(reform_office, framework, opened):
    """Self-scores for the three departments, survey points, a bonus: ready to compute."""
    values = {"12-STP": (4, 3, 6, 4), "12-STC": (3, 2, 5, 2), "12-SKHDT": (2, 1, 3, 1)}
    for code, points in values.items():
        for criterion, value in zip(("1.1", "1.2", "2.1", "2.2"), points, strict=True):
            CriterionScore.objects.filter(
                assessment=opened[code], criterion__code=criterion
            ).update(self_score=D(value))
    survey_import(actor=reform_office, framework=framework,
                  content=SURVEY_CSV.encode(), file_name="dtxhh.csv")  # fmt: skip
    adjustment_add(actor=reform_office, assessment=opened["12-STC"], kind="bonus",
                   points=D("0.5"), reason="Sáng kiến cải cách")  # fmt: skip
    return opened


# --- landing page ---------------------------------------------------------------------------


def test_index_shows_frameworks_to_the_office_and_leaders(
    client, reform_office, leader, framework, opened
):
    Framework.objects.filter(pk=framework.pk).update(illustrative=True)
    body = page(client, reform_office, reverse("parindex:index")).content.decode()
    assert framework.title in body and "ví dụ minh họa" in body
    assert "Nhập bộ tiêu chí" in body and "Đang tự chấm: 3" in body
    assert "dữ liệu mô phỏng" not in body
    body = page(client, leader, reverse("parindex:index")).content.decode()
    assert framework.title in body and "Nhập bộ tiêu chí" not in body
    # A framework whose assessments the demo generated says so on the landing page.
    Assessment.objects.filter(framework=framework).update(synthetic=True)
    assert "dữ liệu mô phỏng" in page(client, leader, reverse("parindex:index")).content.decode()


def test_index_lists_an_officers_own_assessments_only(client, dept_officer, opened):
    response = page(client, dept_officer, reverse("parindex:index"))
    assert {a.agency.code for a in response.context["assessments"]} == {"12-STP"}
    body = response.content.decode()
    assert reverse("parindex:assessment_detail", args=[opened["12-STP"].pk]) in body
    assert "Sở Tài chính" not in body and "Nhập bộ tiêu chí" not in body


def test_index_lists_an_appraisers_assignments(client, reform_office, appraiser, framework, opened):
    stp = Agency.objects.get(code="12-STP")
    appraiser_assign(actor=reform_office, appraiser=appraiser, agency=stp,
                     framework=framework)  # fmt: skip
    response = page(client, appraiser, reverse("parindex:index"))
    assert [a.agency.code for a in response.context["assigned"]] == ["12-STP"]
    assert {a.agency.code for a in response.context["assessments"]} == {"12-STP"}
    assert "Sở Tài chính" not in response.content.decode()


def test_index_needs_a_role(client, opened):
    client.force_login(UserFactory(username="khong-vai-tro"))
    assert client.get(reverse("parindex:index")).status_code == 404


# --- framework import -----------------------------------------------------------------------


def framework_form(content, name="bo-tieu-chi.csv", **overrides):
    data = {
        "code": "CCHC-SO", "title": "Bộ chỉ số CCHC sở, ban, ngành", "year": "2032",
        "group": "department", "source": "Quyết định số 01/QĐ-UBND", "source_url": "",
        "par_index": "on", "precision": "2", "bands": "18 Xuất sắc / 15 Tốt / 10 Khá / Yếu",
        "band_basis": "points", "file": SimpleUploadedFile(name, content),
    }  # fmt: skip
    return {**data, **overrides}


def test_framework_import_writes_the_framework_and_its_bands(client, reform_office):
    response = page(client, reform_office, reverse("parindex:framework_import"),
                    framework_form(SMALL_CSV.encode()))  # fmt: skip
    framework = Framework.objects.get(code="CCHC-SO", year=2032)
    assert response.status_code == 302
    assert response.url == reverse("parindex:framework_detail", args=[framework.pk])
    assert framework.criteria.count() == 8 and framework.group == "department"
    assert framework.bands == [
        {"min": "18", "label": "Xuất sắc"}, {"min": "15", "label": "Tốt"},
        {"min": "10", "label": "Khá"}, {"min": None, "label": "Yếu"},
    ]  # fmt: skip
    body = client.get(response.url).content.decode()
    assert "Tỷ lệ hồ sơ đúng hạn" in body and "ON_TIME_RATE" in body
    assert "đủ điểm từ 100% trở lên, 0 điểm từ 80% trở xuống" in body


def test_a_rejected_framework_file_shows_line_and_column_and_writes_nothing(client, reform_office):
    bad = SMALL_CSV.replace("1.2,1,Báo cáo định kỳ,3", "1.2,9,Báo cáo định kỳ,-3")
    before = (Framework.objects.count(), Criterion.objects.count())
    response = page(client, reform_office, reverse("parindex:framework_import"),
                    framework_form(bad.encode()))  # fmt: skip
    assert response.status_code == 200
    errors = {(e.row, e.column) for e in response.context["errors"]}
    assert (5, "max_points") in errors
    body = response.content.decode()
    assert "Tệp bị từ chối, chưa ghi gì" in body and "điểm không được âm" in body
    assert (Framework.objects.count(), Criterion.objects.count()) == before


def test_framework_import_refuses_bands_out_of_order(client, reform_office):
    response = page(client, reform_office, reverse("parindex:framework_import"),
                    framework_form(SMALL_CSV.encode(), bands="10 Khá\n15 Tốt"))  # fmt: skip
    assert response.status_code == 200
    assert "từ cao xuống thấp" in response.content.decode()
    assert not Framework.objects.filter(code="CCHC-SO").exists()


def test_a_plain_import_of_an_existing_framework_is_refused_with_a_link_to_reload_it(
    client, reform_office
):
    page(client, reform_office, reverse("parindex:framework_import"),
         framework_form(SMALL_CSV.encode()))  # fmt: skip
    framework = Framework.objects.get(code="CCHC-SO", year=2032, group="department")
    before = (framework.updated_at, sorted(framework.criteria.values_list("code", "title")))
    changed = SMALL_CSV.replace("Báo cáo định kỳ", "Báo cáo CCHC định kỳ")
    response = page(client, reform_office, reverse("parindex:framework_import"),
                    framework_form(changed.encode(), title="Tên khác"))  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bộ tiêu chí CCHC-SO năm 2032 (Sở, ban, ngành) đã có" in body
    assert "mở trang bộ tiêu chí và chọn “Nạp lại tệp”" in body
    assert f'href="{reverse("parindex:framework_detail", args=[framework.pk])}"' in body
    framework.refresh_from_db()
    assert framework.title == "Bộ chỉ số CCHC sở, ban, ngành"
    assert (framework.updated_at, sorted(framework.criteria.values_list("code", "title"))) == before


def test_the_reload_page_is_filled_from_the_framework_and_keeps_its_identity(client, reform_office):
    page(client, reform_office, reverse("parindex:framework_import"),
         framework_form(SMALL_CSV.encode(), display_places="1"))  # fmt: skip
    framework = Framework.objects.get(code="CCHC-SO", year=2032)
    url = reverse("parindex:framework_import") + f"?bo={framework.pk}"
    form = page_form(page(client, reform_office, url), having="version")
    assert form.fields["code"] == ["CCHC-SO"] and form.fields["year"] == ["2032"]
    assert form.fields["group"] == ["department"] and form.fields["precision"] == ["2"]
    assert form.fields["display_places"] == ["1"]
    assert form.fields["source"] == ["Quyết định số 01/QĐ-UBND"]
    assert form.fields["bands"] == ["18 Xuất sắc\n15 Tốt\n10 Khá\nYếu"]
    # a reload cannot move the framework to another code, year or group
    changed = SMALL_CSV.replace("Báo cáo định kỳ", "Báo cáo CCHC định kỳ")
    data = form.data(code="KHAC", year="2033", title="Tên mới")
    response = client.post(url, {**data, "file": SimpleUploadedFile("b.csv", changed.encode())})
    assert response.status_code == 302
    assert list(Framework.objects.values_list("code", "year", "title")) == [
        ("CCHC-SO", 2032, "Tên mới")
    ]
    assert framework.criteria.filter(title="Báo cáo CCHC định kỳ").exists()


def test_only_the_reform_office_sees_the_reload_link(client, reform_office, leader):
    page(client, reform_office, reverse("parindex:framework_import"),
         framework_form(SMALL_CSV.encode()))  # fmt: skip
    framework = Framework.objects.get(code="CCHC-SO", year=2032)
    detail = reverse("parindex:framework_detail", args=[framework.pk])
    assert "Nạp lại tệp" in page(client, reform_office, detail).content.decode()
    assert "Nạp lại tệp" not in page(client, leader, detail).content.decode()
    url = reverse("parindex:framework_import") + f"?bo={framework.pk}"
    assert page(client, leader, url).status_code == 403
    assert (
        page(client, reform_office, reverse("parindex:framework_import") + "?bo=0").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("text", "bands"),
    [
        ("15 Xuất sắc\n12 Tốt\nYếu", [("15", "Xuất sắc"), ("12", "Tốt"), (None, "Yếu")]),
        ("≥ 90%: Xuất sắc / 80,5 - Tốt", [("90", "Xuất sắc"), ("80.5", "Tốt")]),
        ("", []),
    ],
)
def test_bands_are_typed_as_people_write_them(text, bands):
    assert [(b["min"], b["label"]) for b in parse_bands_text(text)] == bands


def test_framework_template_and_import_are_the_reform_offices(client, reform_office, leader):
    response = page(client, reform_office, reverse("parindex:framework_import") + "?mau=csv")
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("code,parent_code,title,max_points,scoring_rule")
    assert page(client, leader, reverse("parindex:framework_import")).status_code == 403


# --- opening, deadlines -----------------------------------------------------------------


def test_open_assessments_for_chosen_agencies_then_the_whole_group(
    client, reform_office, framework
):
    chosen = Agency.objects.filter(code__in=["12-STP", "12-STC"])
    response = page(client, reform_office, url("assessment_open", framework),
                    {"deadline": "31/01/2032", "agencies": [a.pk for a in chosen]})  # fmt: skip
    assert response.status_code == 302
    opened = Assessment.objects.filter(framework=framework)
    assert set(opened.values_list("agency__code", flat=True)) == {"12-STP", "12-STC"}
    assert set(opened.values_list("deadline", flat=True)) == {date(2032, 1, 31)}
    page(client, reform_office, url("assessment_open", framework),
         {"deadline": "15/02/2032"})  # fmt: skip
    departments = Agency.objects.filter(level="department").active_on(date(YEAR, 12, 31))
    assert opened.count() == departments.count() > 2
    assert opened.get(agency__code="12-STP").deadline == date(2032, 1, 31)  # kept as it was


def test_deadlines_are_changed_while_draft_and_computed_points_refreshed(
    client, reform_office, dept_officer, framework, opened
):
    stp = opened["12-STP"]
    address = url("assessment_set_deadline", framework)
    response = page(client, reform_office, address,
                    {"assessment": stp.pk, "deadline": "28/02/2032"})  # fmt: skip
    assert response.status_code == 302
    assert Assessment.objects.get(pk=stp.pk).deadline == date(2032, 2, 28)
    Assessment.objects.filter(pk=stp.pk).update(status=S.SUBMITTED)
    response = page(client, reform_office, address,
                    {"assessment": stp.pk, "deadline": "10/03/2032"})  # fmt: skip
    assert "Chỉ đặt lại hạn khi cơ quan chưa gửi phiếu tự chấm" in response.content.decode()
    response = page(client, reform_office, url("deadlines_set", framework),
                    {"deadline": "05/03/2032"}, follow=True)  # fmt: skip
    assert "cho 2 phiếu đang tự chấm" in response.content.decode()
    refresh = url("computed_scores_refresh", framework)
    response = page(client, reform_office, refresh, {}, follow=True)
    assert "Đã cập nhật điểm tính từ số liệu" in response.content.decode()
    assert page(client, dept_officer, refresh, {}).status_code == 403


# --- appraisers -----------------------------------------------------------------------------


def test_assign_and_unassign_appraisers(client, reform_office, appraiser, framework, opened):
    agencies = Agency.objects.filter(code__in=["12-STP", "12-STC"])
    address = url("assignments", framework)
    response = page(client, reform_office, address,
                    {"appraiser": appraiser.pk, "agencies": [a.pk for a in agencies]},
                    follow=True)  # fmt: skip
    assert "thẩm định 2 cơ quan" in response.content.decode()
    assignments = AppraisalAssignment.objects.filter(framework=framework, appraiser=appraiser)
    assert set(assignments.values_list("agency__code", flat=True)) == {"12-STP", "12-STC"}
    one = assignments.get(agency__code="12-STC")
    page(client, reform_office, url("appraiser_unassign", framework), {"phan_cong": one.pk})
    assert list(assignments.values_list("agency__code", flat=True)) == ["12-STP"]


def test_assigning_an_appraiser_to_its_own_agency_is_refused_and_nothing_written(
    client, reform_office, framework, opened
):
    stp_appraiser = make_user("td-stp", "12-STP", "appraiser")
    agencies = Agency.objects.filter(code__in=["12-STP", "12-STC"])
    response = page(client, reform_office, url("assignments", framework),
                    {"appraiser": stp_appraiser.pk, "agencies": [a.pk for a in agencies]})  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert "Không phân công người thẩm định chấm cơ quan của chính mình" in body
    assert "Chưa phân công ai" in body
    assert not AppraisalAssignment.objects.exists()


# --- survey points ----------------------------------------------------------------------


def test_survey_import_and_its_template(client, reform_office, framework, opened):
    from openpyxl import load_workbook

    address = url("survey_import", framework)
    template = page(client, reform_office, address + "?mau=xlsx")
    rows = list(load_workbook(BytesIO(template.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã cơ quan", "Mã tiêu chí", "Điểm")
    assert {r[0] for r in rows[1:]} == {"12-STP", "12-SKHDT", "12-STC"}
    upload = SimpleUploadedFile("dtxhh.csv", SURVEY_CSV.encode())
    response = page(client, reform_office, address, {"file": upload, "note": "Đợt 1"},
                    follow=True)  # fmt: skip
    assert "thêm 2, cập nhật 0, giữ nguyên 0" in response.content.decode()
    points = dict(SurveyScore.objects.values_list("agency__code", "points"))
    assert points == {"12-STP": D("2.5"), "12-STC": D("3")}


def test_a_rejected_survey_file_shows_line_and_column_and_writes_nothing(
    client, reform_office, framework, opened
):
    bad = "Mã cơ quan,Mã tiêu chí,Điểm\n12-STP,1.3,2\n12-XYZ,1.3,1\n12-STC,1.1,1\n12-SKHDT,1.3,9\n"
    response = page(client, reform_office, url("survey_import", framework),
                    {"file": SimpleUploadedFile("dtxhh.csv", bad.encode())})  # fmt: skip
    assert response.status_code == 200
    errors = {(e.row, e.column) for e in response.context["errors"]}
    assert errors == {(3, "agency"), (4, "criterion"), (5, "points")}
    assert "<td>points (điểm)</td>" in response.content.decode()
    assert "Tệp bị từ chối, chưa ghi điểm nào" in response.content.decode()
    assert not SurveyScore.objects.exists()


# --- bonus and penalty --------------------------------------------------------------------


def test_adjustments_are_added_with_a_reason_and_removed(client, reform_office, framework, opened):
    stp = opened["12-STP"]
    address = url("adjustments", framework)
    response = page(client, reform_office, address, {"assessment": stp.pk,
                    "kind": "penalty", "points": "0,5", "reason": "Báo cáo quý chậm"},
                    follow=True)  # fmt: skip
    assert "Đã ghi điểm trừ 0,5 điểm cho Sở Tư pháp" in response.content.decode()
    adjustment = Adjustment.objects.get()
    assert (adjustment.kind, adjustment.points) == ("penalty", D("0.5"))
    response = page(client, reform_office, address, {"assessment": stp.pk,
                    "kind": "bonus", "points": "1", "reason": "  "})  # fmt: skip
    assert response.status_code == 200 and Adjustment.objects.count() == 1
    page(client, reform_office, url("adjustment_remove", framework), {"dieu_chinh": adjustment.pk})
    assert not Adjustment.objects.exists()


# --- results ------------------------------------------------------------------------------


def test_compute_then_publication_refused_until_every_assessment_is_finalised(
    client, reform_office, framework, scored
):
    compute, publish = url("results_compute", framework), url("results_publish", framework)
    response = page(client, reform_office, compute, {}, follow=True)
    assert "Đã tính kết quả của 3 phiếu đánh giá" in response.content.decode()
    assert Result.objects.count() == 3
    response = page(client, reform_office, publish, {}, follow=True)
    assert "Còn 3 phiếu đánh giá chưa chốt kết quả" in response.content.decode()
    assert not Assessment.objects.filter(status=S.PUBLISHED).exists()
    finalise_all(framework)
    response = page(client, reform_office, publish, {}, follow=True)
    assert "Đã công bố kết quả của 3 cơ quan" in response.content.decode()
    assert Assessment.objects.filter(status=S.PUBLISHED).count() == 3


def test_only_the_reform_office_computes_and_publishes(
    client, dept_officer, leader, framework, scored
):
    for user in (dept_officer, leader):
        assert page(client, user, url("results_compute", framework), {}).status_code == 403
    assert not Result.objects.exists()


def shown_agencies(response):
    return {r.assessment.agency.code for _label, rows in response.context["groups"] for r in rows}


def test_results_are_scoped_before_publication_and_public_after(
    client, reform_office, dept_officer, appraiser, framework, scored
):
    results_compute(actor=reform_office, framework=framework)
    address = url("results", framework)
    assert shown_agencies(page(client, dept_officer, address)) == {"12-STP"}
    assert shown_agencies(page(client, appraiser, address)) == set()
    assert shown_agencies(page(client, reform_office, address)) == {"12-STP", "12-STC", "12-SKHDT"}
    body = page(client, dept_officer, address).content.decode()
    assert "Sở Tài chính" not in body and "Tạm tính" in body
    finalise_all(framework)
    results_publish(actor=reform_office, framework=framework)
    everyone = {"12-STP", "12-STC", "12-SKHDT"}
    for user in (dept_officer, appraiser):
        assert shown_agencies(page(client, user, address)) == everyone
    body = page(client, dept_officer, address).content.decode()
    assert "Sở Tài chính" in body and "Đã công bố" in body
    # Reopening withdraws a result's publication: private again until published again.
    assessment_reopen(actor=reform_office, assessment=scored["12-STC"],
                      reason="Khiếu nại điểm tiêu chí 2.1")  # fmt: skip
    assert shown_agencies(page(client, dept_officer, address)) == {"12-STP", "12-SKHDT"}


def test_framework_page_shows_criteria_to_all_and_assessments_in_scope(
    client, dept_officer, leader, framework, opened
):
    response = page(client, dept_officer, url("framework_detail", framework))
    assert {a.agency.code for a in response.context["rows"]} == {"12-STP"}
    assert "Kỷ luật hành chính" in response.content.decode()
    response = page(client, leader, url("framework_detail", framework))
    assert {a.agency.code for a in response.context["rows"]} == {"12-STP", "12-STC", "12-SKHDT"}


def test_results_table_shows_figures_the_vietnamese_way(client, reform_office, framework, scored):
    results_compute(actor=reform_office, framework=framework)
    body = page(client, reform_office, url("results", framework)).content.decode()
    stc = Result.objects.get(assessment__agency__code="12-STC")
    # totals and the index to the framework's 2 display decimals, fixed
    assert stc.bonus == D("0.5") and "+0,50" in body
    assert stc.index == D("77.5") and "77,50%" in body


def test_xlsx_export_has_the_rows_in_scope(client, reform_office, dept_officer, framework, scored):
    from openpyxl import load_workbook

    results_compute(actor=reform_office, framework=framework)
    response = page(client, reform_office, url("results_export", framework, fmt="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "Nhóm"))
    data = rows[header + 1 :]
    assert {r[2] for r in data} == {"12-STP", "12-STC", "12-SKHDT"}
    stp = next(r for r in data if r[2] == "12-STP")
    result = Result.objects.get(assessment__agency__code="12-STP")
    assert stp[3] == "Sở Tư pháp" and stp[9] == float(result.total) and stp[1] == result.rank
    assert any("tạm tính" in str(r[0]) for r in rows[:header] if r)
    response = page(client, dept_officer, url("results_export", framework, fmt="xlsx"))
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "Sở Tài chính" not in {c for r in rows for c in r}


def test_docx_annex_contains_the_results_table(client, reform_office, framework, scored):
    from docx import Document

    results_compute(actor=reform_office, framework=framework)
    finalise_all(framework)
    results_publish(actor=reform_office, framework=framework)
    Framework.objects.filter(pk=framework.pk).update(illustrative=True)
    query = "?ngay=20/03/2032&so=15/QĐ-UBND&ky=Nguyễn Văn A"
    response = page(client, reform_office, url("results_export", framework, fmt="docx") + query)
    document = Document(BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "PHỤ LỤC" in text
    assert f"Kết quả xác định Chỉ số cải cách hành chính năm {YEAR} của các sở, ban, ngành" in text
    assert "(Kèm theo Quyết định số 15/QĐ-UBND ngày 20/03/2032" in text
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any("Nguyễn Văn A" in cell for cell in cells)  # the signer, in the closing block
    assert "ví dụ minh họa" in text
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Xếp hạng")
    names = [row.cells[1].text for row in table.rows[1:]]
    assert sorted(names) == ["Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Tư pháp"]
    first = Result.objects.get(rank=1, assessment__framework=framework)
    assert table.rows[1].cells[1].text == first.assessment.agency.name


def test_unknown_export_format_is_404(client, reform_office, framework):
    assert (
        page(client, reform_office, url("results_export", framework, fmt="pdf")).status_code == 404
    )


def test_results_and_framework_pages_keep_a_query_budget(
    client, django_assert_max_num_queries, reform_office, dept_officer, appraiser, framework
):
    assessment_open(actor=reform_office, framework=framework, deadline=DEADLINE)
    for agency in Agency.objects.filter(code__in=["12-STP", "12-STC", "12-SKHDT", "12-SXD"]):
        appraiser_assign(actor=reform_office, appraiser=appraiser, agency=agency,
                         framework=framework)  # fmt: skip
    results_compute(actor=reform_office, framework=framework)
    count = Assessment.objects.filter(framework=framework).count()
    assert count > 15
    for user in (reform_office, dept_officer):
        client.force_login(user)
        for name in ("results", "framework_detail"):
            with django_assert_max_num_queries(12):
                assert client.get(url(name, framework)).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(reverse("parindex:index")).status_code == 200
    response = client.get(url("framework_detail", framework))
    assert response.context["rows"][0].appraisers == [appraiser]
