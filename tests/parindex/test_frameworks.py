"""Importing criteria frameworks (all or nothing, row/column errors, idempotent) and the
bundled frameworks."""

import io
import unicodedata
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from cchc.indicators.registry import INDICATORS
from cchc.parindex import frameworks, selectors
from cchc.parindex.models import Assessment, Criterion, Framework, ScoringType
from cchc.parindex.services.frameworks import framework_import
from tests.parindex.conftest import SMALL_CSV, small_spec

pytestmark = pytest.mark.django_db

HEADER = "code,parent_code,title,max_points,scoring_rule,evidence_required,source_url\n"
SHARED = Path("/work/shared/data/frameworks")


def import_csv(user, text: str, name: str = "bo-tieu-chi.csv", **spec):
    return framework_import(
        actor=user, spec=small_spec(**spec), content=text.encode(), file_name=name
    )


def rejected(user, text: str, name: str = "bo-tieu-chi.csv") -> list[str]:
    before = (Framework.objects.count(), Criterion.objects.count())
    with pytest.raises(ValidationError) as info:
        import_csv(user, text, name)
    assert (Framework.objects.count(), Criterion.objects.count()) == before  # nothing written
    return info.value.messages


# --- a good file --------------------------------------------------------------------------


def test_good_file_is_imported_with_its_tree(reform_office):
    result = import_csv(reform_office, SMALL_CSV)
    framework = result.framework
    assert (result.created, result.updated, result.unchanged) == (8, 0, 0)
    assert framework.bands[0] == {"min": "18", "label": "Xuất sắc"}
    by_code = {c.code: c for c in framework.criteria.all()}
    assert by_code["1.1"].parent == by_code["1"]
    assert by_code["1.1"].evidence_required and by_code["1.1"].evidence_note == "Kế hoạch CCHC năm"
    assert by_code["1.1"].step == D("0.5")
    assert by_code["1.3"].scoring_type == ScoringType.SURVEY
    assert by_code["2.2"].scoring_type == ScoringType.COMPUTED
    assert (by_code["2.2"].indicator_code, by_code["2.2"].full_at) == ("ON_TIME_RATE", D(100))
    assert not by_code["2.2"].evidence_required  # "Tự động" describes the data, not a file
    assert [c.code for c in selectors.scorable_criteria(framework)] == [
        "1.1", "1.2", "1.3", "2.1", "2.2"
    ]  # fmt: skip
    assert by_code["T"].history.first().history_user == reform_office


def test_the_same_file_twice_changes_nothing(reform_office):
    import_csv(reform_office, SMALL_CSV)
    history = Criterion.history.count()
    again = import_csv(reform_office, SMALL_CSV)
    assert (again.created, again.updated, again.deleted, again.unchanged) == (0, 0, 0, 8)
    assert Criterion.history.count() == history


def test_reimport_updates_and_removes_criteria(reform_office):
    import_csv(reform_office, SMALL_CSV)
    changed = SMALL_CSV.replace("Báo cáo định kỳ", "Báo cáo CCHC định kỳ").replace(
        "2.1,2,Kỷ luật hành chính,6,,,,self_assessed,,,,\n", ""
    )
    result = import_csv(reform_office, changed)
    # 1.2's title changed; 2.2 moved up a place in the file
    assert (result.created, result.updated, result.deleted) == (0, 2, 1)
    assert not Criterion.objects.filter(code="2.1", framework=result.framework).exists()


def test_a_reload_that_changes_criteria_only_moves_the_frameworks_version(
    reform_office, dept_officer
):
    """The next reader's page must carry a new version, and the framework's history must
    name who reloaded (the stale message reads it), even when only criteria changed."""
    framework = frameworks.import_framework(small_spec(), SMALL_CSV.encode(), "thu.csv").framework
    version, history = framework.updated_at, framework.history.count()
    changed = SMALL_CSV.replace("Báo cáo định kỳ", "Báo cáo CCHC định kỳ")
    result = import_csv(reform_office, changed)
    assert result.updated == 1
    framework.refresh_from_db()
    assert framework.updated_at > version
    assert framework.history.count() == history + 1
    assert framework.history.first().history_user == reform_office


def test_a_reload_holding_an_old_version_is_refused_and_writes_nothing(reform_office):
    framework = frameworks.import_framework(small_spec(), SMALL_CSV.encode(), "thu.csv").framework
    version = framework.updated_at
    changed = SMALL_CSV.replace("Báo cáo định kỳ", "Bản thứ nhất")
    framework_import(actor=reform_office, spec=small_spec(), content=changed.encode(),
                     file_name="a.csv", version=version)  # fmt: skip
    with pytest.raises(ValidationError, match=r"vừa được .* cập nhật lúc"):
        framework_import(
            actor=reform_office, spec=small_spec(title="Tên khác"),
            content=SMALL_CSV.replace("Báo cáo định kỳ", "Bản thứ hai").encode(),
            file_name="b.csv", version=version,
        )  # fmt: skip
    framework.refresh_from_db()
    assert framework.title == "Bộ tiêu chí thử"
    assert framework.criteria.filter(title="Bản thứ nhất").exists()
    assert not framework.criteria.filter(title="Bản thứ hai").exists()


def test_a_new_only_import_refuses_an_existing_framework(reform_office):
    framework = frameworks.import_framework(small_spec(), SMALL_CSV.encode(), "thu.csv").framework
    with pytest.raises(ValidationError, match="đã có; để cập nhật"):
        framework_import(
            actor=reform_office, spec=small_spec(), file_name="b.csv", new_only=True,
            content=SMALL_CSV.replace("Báo cáo định kỳ", "Bản khác").encode(),
        )  # fmt: skip
    assert not framework.criteria.filter(title="Bản khác").exists()
    # another year is another framework
    other = framework_import(actor=reform_office, spec=small_spec(year=2040),
                             content=SMALL_CSV.encode(), file_name="c.csv",
                             new_only=True)  # fmt: skip
    assert other.framework.pk != framework.pk and other.created == 8


def test_an_xlsx_file_with_vietnamese_headers_and_nfd_text(reform_office):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã", "Mã cha", "Tên tiêu chí", "Điểm tối đa", "Cách tính điểm",
                  "Tài liệu kiểm chứng", "Nguồn", "Cách chấm"])  # fmt: skip
    sheet.append(["A", None, unicodedata.normalize("NFD", "Công khai thủ tục"), 5, None, None,
                  None, None])  # fmt: skip
    sheet.append(["A.1", "A", "Niêm yết", 2.5, None, "Có", None, "tự chấm"])
    sheet.append(["A.2", "A", "Khảo sát", 2.5, None, None, None, "điều tra xã hội học"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = framework_import(
        actor=reform_office, spec=small_spec(), content=buffer.getvalue(), file_name="bo.xlsx"
    )
    by_code = {c.code: c for c in result.framework.criteria.all()}
    assert by_code["A"].title == "Công khai thủ tục"
    assert unicodedata.is_normalized("NFC", by_code["A"].title)
    assert by_code["A.1"].evidence_required and by_code["A.1"].evidence_note == ""
    assert by_code["A.2"].scoring_type == ScoringType.SURVEY


def test_only_the_reform_office_imports_frameworks(dept_officer, appraiser):
    for user in (dept_officer, appraiser):
        with pytest.raises(PermissionDenied):
            import_csv(user, SMALL_CSV)


# --- bad files: every error with line and column, nothing written -------------------------


def test_missing_column(reform_office):
    text = "code,parent_code,title,scoring_rule,evidence_required,source_url\nA,,X,,,\n"
    assert rejected(reform_office, text) == ["Dòng 1, cột max_points: thiếu cột bắt buộc"]


def test_unknown_parent(reform_office):
    text = HEADER + "A,,Lĩnh vực,10,,,\nA.1,B,Tiêu chí,5,,,\n"
    assert rejected(reform_office, text) == [
        "Dòng 3, cột parent_code: không có tiêu chí “B” trong tệp"
    ]


def test_children_exceeding_their_parent(reform_office):
    text = HEADER + "A,,Lĩnh vực,10,,,\nA.1,A,Một,6,,,\nA.2,A,Hai,4.5,,,\n"
    assert rejected(reform_office, text) == [
        "Dòng 2, cột max_points: tổng điểm tối đa của các tiêu chí con (10,5) vượt điểm tối đa "
        "của tiêu chí “A” (10)"
    ]


def test_duplicate_code(reform_office):
    text = HEADER + "A,,Lĩnh vực,10,,,\nA.1,A,Một,5,,,\nA.1,A,Hai,5,,,\n"
    assert rejected(reform_office, text) == ["Dòng 4, cột code: trùng mã với dòng 3"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Dòng 1: Tệp rỗng: không có dòng tiêu đề và dữ liệu."),
        (HEADER, "Dòng 2: tệp chỉ có dòng tiêu đề, chưa có tiêu chí nào"),
    ],
)
def test_empty_files(reform_office, text, message):
    assert rejected(reform_office, text) == [message]


def test_several_errors_are_reported_together(reform_office):
    text = (
        "code,parent_code,title,max_points,scoring_rule,evidence_required,source_url,"
        "scoring_type,step,indicator_code,full_at,zero_at\n"
        "A,,,20,,,,,,,,\n"  # no title
        "A.1,A,Một,-2,,,,,,,,\n"  # negative points
        "A.2,A,Hai,3,,,,,0.25,,,\n"  # fine
        "A.3,A,Ba,3,,,,tự chấm,0.4,,,\n"  # 3 not a multiple of 0.4
        "A.4,A,Bốn,2,,,,computed,,KHONG_CO,80,\n"  # unknown indicator
        "A.5,A,Năm,2,,,,computed,,ONLINE_PAYMENT_PROCEDURES,80,\n"  # province-wide indicator
        "A.6,A,Sáu,2,,,,self_assessed,,ON_TIME_RATE,,\n"  # indicator on a self-assessed one
        "A.7,A,Bảy,2,,,,hỏi ý kiến,,,,\n"  # unknown scoring type
        "A 8,A,Tám,1,,,,,,,,\n"  # space in the code
    )
    messages = rejected(reform_office, text)
    assert messages == [
        "Dòng 2, cột title: không được để trống",
        "Dòng 3, cột max_points: điểm không được âm",
        "Dòng 9, cột scoring_type: “hỏi ý kiến” không phải cách chấm hợp lệ (self_assessed, survey hoặc computed)",
        "Dòng 10, cột code: mã “A 8” không được chứa dấu cách",
    ]  # cell errors first; the other rules run on a file whose cells all read
    fixed = (
        text.replace("A,,,20", "A,,Lĩnh vực,20").replace(",-2,", ",2,")
        .replace("hỏi ý kiến", "").replace("A 8", "A.8")
    )  # fmt: skip
    assert rejected(reform_office, fixed) == [
        "Dòng 5, cột step: điểm tối đa 3 không phải bội số của bước điểm 0,4",
        "Dòng 6, cột indicator_code: không có chỉ số “KHONG_CO” trong hệ thống",
        "Dòng 7, cột indicator_code: chỉ số “ONLINE_PAYMENT_PROCEDURES” chỉ tính cho toàn tỉnh, không chấm được cho từng cơ quan",
        "Dòng 8, cột full_at: tiêu chí tính từ chỉ số cần mức đạt điểm tối đa",
        "Dòng 8, cột indicator_code: mã chỉ số chỉ dùng với tiêu chí computed (tự động)",
    ]


def test_a_cycle_is_refused(reform_office):
    text = HEADER + "A,B,Một,,,,\nB,A,Hai,,,,\n"
    messages = rejected(reform_office, text)
    assert "Dòng 2, cột parent_code: tiêu chí cha tạo thành vòng lặp" in messages


def test_criteria_cannot_change_once_assessments_exist(reform_office, opened, framework):
    changed = SMALL_CSV.replace("Báo cáo định kỳ", "Báo cáo khác")
    with pytest.raises(ValidationError, match="đã được dùng cho 3 phiếu đánh giá"):
        import_csv(reform_office, changed)
    assert import_csv(reform_office, SMALL_CSV).unchanged == 8  # the same file still loads


# --- the bundled frameworks ---------------------------------------------------------------


@pytest.fixture
def bundled(db):
    call_command("load_frameworks", verbosity=0)
    return {f.code: f for f in Framework.objects.filter(year=frameworks.DEFAULT_YEAR)}


def leaves(framework):
    return list(selectors.scorable_criteria(framework))


def test_bundled_frameworks_load_once(bundled):
    assert set(bundled) == {"TT01-2018", "QD766-2022", "CCHC-SO-VD", "CCHC-HUYEN-VD",
                            "CCHC-XA-VD"}  # fmt: skip
    count, history = Criterion.objects.count(), Criterion.history.count()
    results = frameworks.load_bundled()
    assert not any(r.changed for r in results)
    assert (Criterion.objects.count(), Criterion.history.count()) == (count, history)


def test_circular_01_2018_with_its_bands(bundled):
    tt01 = bundled["TT01-2018"]
    assert not tt01.illustrative and tt01.group == "all" and tt01.precision == 1
    assert [b["label"] for b in tt01.bands] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]
    nine = leaves(tt01)
    assert [c.code for c in nine] == [f"CS{i}" for i in range(1, 10)]
    assert all(c.max_points == 2 and c.step == D("0.1") and c.evidence_required for c in nine)


def test_decision_766_is_computed_and_invents_no_points(bundled):
    qd766 = bundled["QD766-2022"]
    assert qd766.bands == [] and not qd766.illustrative
    groups = qd766.criteria.filter(parent__code="766").order_by("order")
    assert [g.max_points for g in groups] == [18, 20, 22, 22, 18]
    indicators = qd766.criteria.filter(parent__parent__code="766")
    assert indicators.count() == 18
    assert {c.scoring_type for c in indicators} == {ScoringType.COMPUTED}
    assert {c.code: c.max_points for c in indicators if c.max_points is not None} == {
        "766.1.2": 4, "766.5.3": 6
    }  # fmt: skip
    assert not any(c.indicator_code for c in indicators)


@pytest.mark.parametrize(
    ("code", "group", "criteria"),
    [("CCHC-SO-VD", "department", 39), ("CCHC-HUYEN-VD", "district", 36),
     ("CCHC-XA-VD", "commune", 31)],
)  # fmt: skip
def test_illustrative_frameworks_are_labelled_and_add_up_to_100(bundled, code, group, criteria):
    framework = bundled[code]
    assert framework.illustrative and framework.group == group
    assert "ví dụ minh họa — thay bằng bộ tiêu chí do UBND tỉnh ban hành" in framework.title
    assert "KHÔNG phải bộ chỉ số CCHC chính thức của tỉnh Lai Châu" in framework.source
    scored = leaves(framework)
    assert len(scored) == criteria and 25 <= criteria <= 40
    assert sum(c.max_points for c in scored) == 100
    areas = framework.criteria.filter(parent__parent__isnull=True, parent__isnull=False)
    assert areas.count() == 7
    types = {c.scoring_type for c in scored}
    assert types == {ScoringType.SELF_ASSESSED, ScoringType.SURVEY, ScoringType.COMPUTED}
    for c in scored:
        assert "không phải bộ chỉ số cchc chính thức" in c.source.lower()
        if c.scoring_type == ScoringType.COMPUTED:
            assert INDICATORS[c.indicator_code].per_agency and c.full_at is not None


@pytest.mark.skipif(not SHARED.exists(), reason="the shared data folder is not on this machine")
@pytest.mark.parametrize(
    "name", ["tt01_2018_vpcp_tthc_quality.csv", "qd766_2022_service_quality.csv"]
)
def test_real_frameworks_are_bundled_verbatim(name):
    assert (frameworks.BUNDLED_DIR / name).read_bytes() == (SHARED / name).read_bytes()


def test_load_frameworks_for_another_year_without_examples(db):
    call_command("load_frameworks", "--year", "2023", "--no-illustrative", verbosity=0)
    assert set(Framework.objects.filter(year=2023).values_list("code", flat=True)) == {
        "TT01-2018", "QD766-2022"
    }  # fmt: skip


def test_bands_and_a_coarser_precision_cannot_change_once_results_are_finalised(
    reform_office, opened
):
    import_csv(reform_office, SMALL_CSV, title="Bộ tiêu chí thử (sửa tên)")  # allowed
    Assessment.objects.filter(pk=opened["12-STP"].pk).update(status="finalised")
    # Neither changes a stored result: display decimals, and accepting finer scores.
    framework = import_csv(reform_office, SMALL_CSV, display_places=3, precision=3).framework
    assert (framework.display_places, framework.precision) == (3, 3)
    with pytest.raises(ValidationError, match="không giảm được số chữ số thập phân của điểm"):
        import_csv(reform_office, SMALL_CSV, display_places=3, precision=2)
    with pytest.raises(ValidationError, match="hay đổi ngưỡng xếp loại"):
        import_csv(reform_office, SMALL_CSV, display_places=3, precision=3, bands=())


def test_maxima_and_steps_finer_than_the_precision_are_refused_by_line(reform_office):
    halves = SMALL_CSV.replace("1.2,1,Báo cáo định kỳ,3,", "1.2,1,Báo cáo định kỳ,2.5,")
    with pytest.raises(ValidationError) as info:
        import_csv(reform_office, halves, precision=0)
    assert info.value.messages == [
        "Dòng 4, cột step: 0,5 có 1 chữ số thập phân, nhiều hơn số chữ số thập phân của điểm "
        "của bộ tiêu chí (0)",
        "Dòng 5, cột max_points: 2,5 có 1 chữ số thập phân, nhiều hơn số chữ số thập phân của "
        "điểm của bộ tiêu chí (0)",
        "Dòng 5, cột step: 0,25 có 2 chữ số thập phân, nhiều hơn số chữ số thập phân của điểm "
        "của bộ tiêu chí (0)",
    ]
    with pytest.raises(ValidationError, match="Dòng 5, cột step: 0,25 có 2 chữ số"):
        import_csv(reform_office, halves, precision=1)
    assert not Framework.objects.filter(code=small_spec().code).exists()
    import_csv(reform_office, halves, precision=2)


def test_points_and_steps_to_three_decimals(reform_office):
    fine = SMALL_CSV.replace("2.1,2,Kỷ luật hành chính,6,,,,self_assessed,,",
                             "2.1,2,Kỷ luật hành chính,5.998,,,,self_assessed,0.001,")  # fmt: skip
    by_code = {
        c.code: c for c in import_csv(reform_office, fine, precision=3).framework.criteria.all()
    }
    assert (by_code["2.1"].max_points, by_code["2.1"].step) == (D("5.998"), D("0.001"))
    four = fine.replace("5.998", "5.9985")
    with pytest.raises(ValidationError, match="cột max_points: điểm chỉ ghi tối đa 3 chữ số"):
        import_csv(reform_office, four, precision=3)


# --- a file as people save it (issue 20: one header reader for every import) ---------------


def test_a_framework_file_with_a_title_above_its_header_is_read(reform_office):
    text = "BỘ TIÊU CHÍ CHỈ SỐ CCHC\nÁp dụng cho các sở; ban hành kèm Quyết định …\n\n" + SMALL_CSV
    assert import_csv(reform_office, text).created == 8


def test_an_error_under_a_title_names_the_files_line(reform_office):
    lines = SMALL_CSV.splitlines()
    lines[2] = lines[2].replace(lines[2].split(",")[0] + ",", "1 1,", 1)  # a code with a space
    messages = rejected(reform_office, "Bộ tiêu chí\n\n" + "\n".join(lines))
    assert any(m.startswith("Dòng 5, cột code:") for m in messages), messages
