"""Uploading a plan document, reviewing the draft, and saving it — nothing before confirm."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from cchc.core.reference import DATA_DIR
from cchc.organizations.models import Agency, AgencyLevel
from cchc.plans import importing
from cchc.plans.agency_names import AgencyNames
from cchc.plans.models import Plan, ReformArea
from tests.html_forms import page_form

pytestmark = pytest.mark.django_db
SEED = (DATA_DIR / "sources" / "kh-4345-kh-ubnd-2021.txt").read_bytes()


@pytest.fixture
def office(client, reform_office):
    client.force_login(reform_office)
    return client


def upload(client, name, content):
    return client.post(
        reverse("plans:plan_import_upload"), {"file": SimpleUploadedFile(name, content)}
    )


def post_data(response) -> dict:
    """What the browser sends back: every field the page renders, blank rows included (issue
    17: a helper that left out the blank rows hid that they blocked every save)."""
    return page_form(response, having="plan-year").data()


def test_upload_shows_a_draft_and_saves_nothing(office):
    response = upload(office, "kh-4345.txt", SEED)
    assert response.status_code == 302 and response.url == reverse("plans:plan_import_review")
    review = office.get(response.url)
    assert review.context["targets"].initial_form_count() == 11
    assert review.context["bases"].initial_form_count() == 3
    assert review.context["tasks"].initial_form_count() == 5
    assert (
        "Tối thiểu 30% thủ tục hành chính có yêu cầu nghĩa vụ tài chính" in review.content.decode()
    )
    assert Plan.objects.count() == 1  # only the bundled 2022 plan


def test_review_then_save_creates_the_plan_with_corrections(office):
    review = office.get(upload(office, "kh.txt", SEED).url)
    data = post_data(review)
    # The bundled 2022 plan exists: saving as is must fail and write nothing.
    failed = office.post(reverse("plans:plan_import_review"), data)
    assert failed.status_code == 200 and "Đã có kế hoạch" in failed.content.decode()
    assert Plan.objects.count() == 1
    data["plan-year"] = "2023"
    seventh = next(
        i for i, f in enumerate(review.context["targets"].forms) if f.initial.get("number") == 7
    )
    data[f"ct-{seventh}-DELETE"] = "on"
    saved = office.post(reverse("plans:plan_import_review"), data)
    assert saved.status_code == 302, saved.context and saved.context["targets"].errors
    plan = Plan.objects.get(year=2023)
    assert plan.number == "4345/KH-UBND" and plan.signer == "Trần Tiến Dũng"
    assert plan.targets.count() == 10 and not plan.targets.filter(number=7).exists()
    four = plan.targets.get(number=4)
    assert {t.tier: int(t.value) for t in four.thresholds.all()} == {
        "province": 30, "district": 20, "commune": 15,
    }  # fmt: skip
    assert plan.legal_bases.count() == 3 and plan.tasks.count() == 5
    assert set(plan.tasks.values_list("area__code", flat=True)) == {"direction", "institutions"}


def test_docx_upload_is_read(office):
    document = Document()
    for line in SEED.decode("utf-8").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    review = office.get(upload(office, "kh.docx", buffer.getvalue()).url)
    assert review.context["targets"].initial_form_count() == 11


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rong.txt", b"", "rỗng"),
        ("hong.docx", b"PK\x03\x04 not really a docx", ".docx"),
        ("anh.png", b"\x89PNG", "Chỉ nhận tệp Word"),
        ("khac.txt", "Biên bản họp chi bộ tháng 3.".encode(), "kế hoạch"),
    ],
)
def test_bad_files_get_a_vietnamese_message_and_nothing_is_saved(office, name, content, message):
    response = upload(office, name, content)
    assert response.status_code == 200
    assert message.lower() in str(response.context["form"].errors).lower()
    assert Plan.objects.count() == 1
    assert "plan_import_draft" not in office.session


def test_review_without_draft_goes_back_to_upload(office):
    response = office.get(reverse("plans:plan_import_review"))
    assert response.url == reverse("plans:plan_import_upload")


FIRST_TASK = "đảm bảo theo quy định của Bộ Nội vụ."
NAMED_AGENCIES = " (chủ trì: Ban Điều phối Mặt Trăng; phối hợp: Sở Nội vụ, Hội Thiên văn học tỉnh)"


def test_unmatched_agency_names_are_shown_as_warnings_beside_their_task(office):
    text = SEED.decode("utf-8")
    assert FIRST_TASK in text
    text = text.replace(FIRST_TASK, FIRST_TASK + NAMED_AGENCIES, 1)
    review = office.get(upload(office, "kh.txt", text.encode("utf-8")).url)
    html = review.content.decode()
    assert (
        "Không tìm thấy cơ quan “Ban Điều phối Mặt Trăng” trong danh mục; nhiệm vụ sẽ chưa có "
        "cơ quan chủ trì cho đến khi Sở Nội vụ phân công." in html
    )
    assert "Không tìm thấy cơ quan phối hợp “Hội Thiên văn học tỉnh” trong danh mục" in html
    assert "Có 2 tên cơ quan trong văn bản không khớp" in html
    task = next(f for f in review.context["tasks"].forms if FIRST_TASK in f.initial["text"])
    assert task.initial["lead_agency"] is None
    # The name that does match is still pre-selected, and gets no warning.
    assert len(task.initial["coordinating_agencies"]) == 1
    assert "“Sở Nội vụ” trong danh mục" not in html
    # The warning sits with its task: inside the same task box, before the next one.
    box = html[html.index(FIRST_TASK) :]
    assert box.index("Ban Điều phối Mặt Trăng”") < box.index('name="nv-1-text"')

    # Saving keeps the task, without the unknown lead agency, as the officer was told.
    data = post_data(review)
    data["plan-year"] = "2023"
    saved = office.post(reverse("plans:plan_import_review"), data)
    assert saved.status_code == 302
    saved_task = Plan.objects.get(year=2023).tasks.get(text__contains=FIRST_TASK)
    assert saved_task.lead_agency is None
    assert saved_task.coordinating_agencies.count() == 1


def test_a_target_added_in_the_blank_row_is_saved(office):
    review = office.get(upload(office, "kh.txt", SEED).url)
    targets = review.context["targets"]
    blank = targets.initial_form_count()
    assert len(targets.forms) == blank + 1  # one empty row to add a target
    data = post_data(review)
    data["plan-year"] = "2023"
    data.update({
        f"ct-{blank}-number": "9",
        f"ct-{blank}-source_text": "Tối thiểu 60% hồ sơ được số hóa khi tiếp nhận.",
        f"ct-{blank}-quantity": "hồ sơ được số hóa khi tiếp nhận",
        f"ct-{blank}-comparator": "gte",
        f"ct-{blank}-unit": "percent",
        f"ct-{blank}-kind": "share",
        f"ct-{blank}-value_all": "60",
    })  # fmt: skip
    saved = office.post(reverse("plans:plan_import_review"), data)
    assert saved.status_code == 302, saved.context and saved.context["targets"].errors
    plan = Plan.objects.get(year=2023)
    assert plan.targets.count() == 12
    added = plan.targets.get(number=9)
    assert added.source_text == "Tối thiểu 60% hồ sơ được số hóa khi tiếp nhận."
    assert added.quantity == "hồ sơ được số hóa khi tiếp nhận"
    assert added.comparator == "gte" and added.unit == "percent" and added.kind == "share"
    assert [(t.tier, int(t.value)) for t in added.thresholds.all()] == [("", 60)]


def test_the_review_page_saves_as_a_browser_posts_it_untouched_blank_rows_ignored(office):
    # Posted back exactly as rendered: the blank "(dòng mới)" rows of every formset come with
    # their select defaults and empty boxes, as a browser sends them. Only the year changes.
    review = office.get(upload(office, "kh.txt", SEED).url)
    form = page_form(review, having="plan-year")
    saved = office.post(reverse("plans:plan_import_review"), form.data(**{"plan-year": "2023"}))
    assert saved.status_code == 302, saved.context and [
        (k, i, f.errors)
        for k in ("bases", "targets", "tasks")
        for i, f in enumerate(saved.context[k].forms)
        if f.errors
    ]
    plan = Plan.objects.get(year=2023)
    # The document's 11 targets, 3 legal bases and 5 tasks; no blank row became a row.
    assert plan.targets.count() == 11
    assert plan.legal_bases.count() == 3 and plan.tasks.count() == 5


def test_a_blank_row_typed_into_is_checked_and_nothing_is_saved(office):
    # Only an untouched blank row is skipped: one with a source text typed in must be completed.
    review = office.get(upload(office, "kh.txt", SEED).url)
    form = page_form(review, having="plan-year")
    blank = review.context["targets"].initial_form_count()
    data = form.data(**{
        "plan-year": "2023", f"ct-{blank}-source_text": "Tối thiểu 60% hồ sơ được số hóa.",
    })  # fmt: skip
    refused = office.post(reverse("plans:plan_import_review"), data)
    assert refused.status_code == 200
    errors = refused.context["targets"].forms[blank].errors
    assert set(errors) == {"number", "quantity"}
    assert "Trường này là bắt buộc." in errors["quantity"]
    assert not Plan.objects.filter(year=2023).exists()


def test_the_upload_button_says_it_reads_the_document(office):
    html = office.get(reverse("plans:plan_import_upload")).content.decode()
    assert ">Đọc văn bản</button>" in html
    assert ">Lưu</button>" not in html  # nothing is saved on this page


def test_a_word_plan_with_a_task_table_prefills_areas_agencies_deadlines_and_outputs(office):
    from tests.plans.test_task_tables import table_plan

    review = office.get(upload(office, "kh-88.docx", table_plan()).url)
    forms = review.context["tasks"].forms[: review.context["tasks"].initial_form_count()]
    codes = {a.pk: a.code for a in Agency.objects.all()}
    areas = dict(ReformArea.objects.values_list("pk", "code"))
    got = [
        (areas[f.initial["area"]], codes[f.initial["lead_agency"]], f.initial["deadline"],
         f.initial["output"])
        for f in forms
    ]  # fmt: skip
    assert got == [
        ("direction", "12-SNV", date(2023, 3, 31), "Kế hoạch"),
        ("direction", "12-STTTT", date(2023, 12, 31), "Tin, bài"),
        ("institutions", "12-STP", date(2023, 6, 30), "Báo cáo rà soát"),
        ("institutions", "12-STP", date(2023, 10, 31), ""),
    ]
    departments = Agency.objects.filter(level=AgencyLevel.DEPARTMENT).exclude(code="12-SNV")
    assert set(forms[0].initial["coordinating_agencies"]) == set(
        departments.values_list("pk", flat=True)
    )
    assert sorted(codes[pk] for pk in forms[1].initial["coordinating_agencies"]) == [
        "12-SVHTTDL", "12-VPUB",
    ]  # fmt: skip
    assert len(forms[3].initial["coordinating_agencies"]) == 8  # UBND các huyện, thành phố
    html = review.content.decode()
    assert "Không tìm thấy cơ quan" not in html
    assert review.context["header"].initial["signer"] == "Trần Tiến Dũng"
    # Saved as rendered: the tasks of the table, with their deadlines and outputs.
    saved = office.post(reverse("plans:plan_import_review"), post_data(review))
    assert saved.status_code == 302
    plan = Plan.objects.get(year=2023)
    assert sorted(plan.tasks.values_list("text", "deadline", "output", "lead_agency__code")) == [
        ("Ban hành kế hoạch kiểm tra cải cách hành chính", date(2023, 3, 31), "Kế hoạch", "12-SNV"),
        ("Kiểm tra việc thi hành pháp luật", date(2023, 10, 31), "", "12-STP"),
        ("Rà soát văn bản quy phạm pháp luật", date(2023, 6, 30), "Báo cáo rà soát", "12-STP"),
        ("Tuyên truyền cải cách hành chính", date(2023, 12, 31), "Tin, bài", "12-STTTT"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("heading", "code"),
    [
        ("Công tác chỉ đạo, điều hành", "direction"),
        ("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH", "direction"),
        ("Cải cách tổ chức bộ máy hành chính nhà nước", "organization"),
        ("IV. Cải cách tổ chức bộ máy hành chính nhà nước", "organization"),
        ("Cải cách chế độ công vụ, công chức", "civil_service"),
        ("Xây dựng, phát triển Chính quyền điện tử, Chính quyền số", "digital_government"),
        ("Cải cách thủ tục hành chính", "procedures"),
    ],
)
def test_area_headings_match_their_reform_area(heading, code):
    assert importing.match_area(heading).code == code


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Văn phòng Ủy ban nhân dân tỉnh", "12-VPUB"),
        ("Văn phòng UBND tỉnh", "12-VPUB"),
        ("Sở KH&ĐT", "12-SKHDT"),
        ("UBND huyện Tam Đường", "106"),
        ("Ủy ban nhân dân thành phố Lai Châu", "105"),
    ],
)
def test_the_review_matches_agency_names_as_the_appendix_does(name, code):
    matched = importing.match_task_agencies({"lead_agency_name": name})
    assert matched.lead.code == code and not matched.unmatched_lead
    assert [a.code for a in AgencyNames().one(name)] == [code]


def test_an_unmatched_agency_is_warned_about_once_per_task():
    matched = importing.match_task_agencies({
        "lead_agency_name": "Sở Nội vụ",
        "coordinating_agency_names": ["Hội Thiên văn", "Sở Nội vụ", "Hội Thiên văn", "Sở Tư pháp"],
    })  # fmt: skip
    assert matched.unmatched_coordinating == ["Hội Thiên văn"]
    assert [a.code for a in matched.coordinating] == ["12-STP"]  # the lead is not a partner too


def test_the_review_page_makes_as_many_queries_for_eight_tasks_as_for_two(office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.plans.test_task_tables import table_plan

    def queries(count: int) -> int:
        rows = [[str(n), f"Nhiệm vụ {n}", "Sở Nội vụ", "Sở Tư pháp; UBND các huyện, thành phố",
                 "Quý II/2023", ""] for n in range(1, count + 1)]  # fmt: skip
        url = upload(office, "kh.docx", table_plan(task_rows=[["I. CẢI CÁCH THỂ CHẾ"], *rows])).url
        with CaptureQueriesContext(connection) as captured:
            assert office.get(url).status_code == 200
        return len(captured)

    assert queries(8) == queries(2)
