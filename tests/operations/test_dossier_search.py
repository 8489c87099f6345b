"""The dossier list people search (`/du-lieu/ho-so/`): each filter of its form, the form's
refusals in Vietnamese, keyset paging with the filters kept, and the Excel export of exactly
what was found."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from cchc.operations import selectors, views
from cchc.operations.models import Dossier, ImportRun, Procedure
from cchc.operations.selectors import DossierSearch
from cchc.organizations.models import Agency

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
URL = "/du-lieu/ho-so/"


def at(text: str) -> datetime:
    return datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=VN)


# code, agency, procedure, channel, received, finished, status, on time
ROWS = [
    ("STP-220105-0001", "12-STP", "1.001", 2, "05/01/2022 00:00", "10/01/2022 10:00", "done", True),
    ("STP-220105-0002", "12-STP", "1.001", 1, "05/01/2022 23:59", "20/01/2022 09:00", "done", False),
    ("STP-220106-0001", "12-STP", "3.003", 1, "06/01/2022 00:00", None, "processing", None),
    ("STP-220104-0001", "12-STP", "2.002", 3, "04/01/2022 23:59", "06/01/2022 08:00", "done", None),
    ("SNV-220105-0001", "12-SNV", "2.002", 2, "05/01/2022 09:00", "06/01/2022 00:00", "rejected", True),
    ("SNV-220301-0001", "12-SNV", "3.003", 2, "01/03/2022 08:00", "05/03/2022 23:59", "withdrawn", None),
    ("106-220201-0001", "106", "2.002", 1, "01/02/2022 08:00", None, "supplement", None),
]  # fmt: skip
A, B, C, D, E, F, G = (row[0] for row in ROWS)


@pytest.fixture
def dossiers(db):
    run = ImportRun.objects.create(kind="dossiers", file_name="t.csv")
    procedures = {
        code: Procedure.objects.create(code=code, name=name)
        for code, name in [("1.001", "Cấp Phiếu lý lịch tư pháp"), ("2.002", "Đăng ký khai sinh"),
                           ("3.003", "Cấp bản sao trích lục hộ tịch")]
    }  # fmt: skip
    for code, agency, procedure, channel, received, finished, status, on_time in ROWS:
        Dossier.objects.create(
            code=code, agency=Agency.objects.get(code=agency), procedure=procedures[procedure],
            channel=channel, received_at=at(received), finished_at=finished and at(finished),
            status=status, finished_on_time=on_time, import_run=run,
        )  # fmt: skip


def listed(client, params: dict) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [d.code for d in response.context["page"]]


def agency_pk(code: str) -> int:
    return Agency.objects.get(code=code).pk


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {A, B, C, D, E, F, G}),
        ({"ma": "STP-220105"}, {A, B}),  # the beginning of the code
        ({"ma": " STP-220105-0002 "}, {B}),  # the whole code, spaces around it ignored
        ({"ma": "220105"}, set()),  # the middle of a code is not its beginning
        ({"thu_tuc": "1.001"}, {A, B}),  # a procedure's code
        ({"thu_tuc": "ly lich"}, {A, B}),  # words of its name, without accents
        ({"thu_tuc": "KHAI SINH"}, {D, E, G}),  # in capitals
        ({"thu_tuc": "hộ tịch"}, {C, F}),
        ({"thu_tuc": "khai tử"}, set()),
        ({"kenh": "2"}, {A, E, F}),
        ({"kenh": "3"}, {D}),
        ({"trang_thai": "processing"}, {C}),
        ({"trang_thai": "withdrawn"}, {F}),
        ({"han": "dung_han"}, {A, E}),
        ({"han": "qua_han"}, {B}),
        # Finished without a deadline to judge by; a withdrawn or open dossier is not.
        ({"han": "khong_xac_dinh"}, {D}),
        # Local days, both ends included: 00:00 and 23:59 of the 5th, not 23:59 of the 4th.
        ({"tiep_nhan_tu": "05/01/2022", "tiep_nhan_den": "05/01/2022"}, {A, B, E}),
        ({"tiep_nhan_tu": "06/01/2022"}, {C, F, G}),
        ({"tiep_nhan_den": "04/01/2022"}, {D}),
        ({"ket_thuc_tu": "06/01/2022", "ket_thuc_den": "06/01/2022"}, {D, E}),
        ({"ket_thuc_tu": "5/3/2022"}, {F}),
        ({"ket_thuc_den": "2022-01-06"}, {D, E}),  # ISO, as the Vietnamese formats allow
        ({"co_quan": "12-STP"}, {A, B, C, D}),
        ({"co_quan": "106"}, {G}),  # the district's own, as the drill-down always did
        ({"co_quan": "12-STP", "kenh": "1"}, {B, C}),
        # Searching within a drill-down's list: dossiers finished in 2022, online.
        ({"nam": "2022", "loc": "finished", "kenh": "2"}, {A, E}),
        ({"nam": "2022", "tu_thang": "2", "den_thang": "3"}, {F, G}),
    ],
)
def test_each_filter_finds_exactly_its_dossiers(client, reform_office, dossiers, params, expected):
    client.force_login(reform_office)
    if "co_quan" in params:
        params = {**params, "co_quan": agency_pk(params["co_quan"])}
    assert set(listed(client, params)) == expected


def test_the_list_is_newest_first_by_the_date_it_selects_by(client, reform_office, dossiers):
    client.force_login(reform_office)
    assert listed(client, {"co_quan": agency_pk("12-STP")}) == [C, B, A, D]
    # Dossiers behind a "finished" number are ordered by their end of processing.
    assert listed(client, {"nam": "2022", "loc": "finished"}) == [B, A, D, E]


def test_the_page_says_what_was_searched_in_vietnamese(client, reform_office, dossiers):
    client.force_login(reform_office)
    params = {"kenh": "2", "tiep_nhan_tu": "05/01/2022", "tiep_nhan_den": "31/01/2022",
              "han": "dung_han", "thu_tuc": "ly lich"}  # fmt: skip
    body = client.get(URL, params).content.decode()
    assert (
        "1 hồ sơ, thủ tục tìm theo “ly lich”, kênh trực tuyến, giải quyết đúng hạn, "
        "tiếp nhận từ ngày 05/01/2022 đến ngày 31/01/2022."
    ) in body
    # The form shows what was typed, so the next search starts from it.
    assert 'value="ly lich"' in body and 'value="05/01/2022"' in body


def test_search_words():
    search = DossierSearch(
        code="STP-22", status="supplement", finished=(None, at("06/01/2022 00:00").date()),
        deadline="khong_xac_dinh",
    )  # fmt: skip
    assert selectors.search_words(search) == [
        "mã hồ sơ bắt đầu bằng “STP-22”",
        "trạng thái “Yêu cầu bổ sung”",
        "đã giải quyết, không xác định được hạn",
        "kết thúc xử lý đến hết ngày 06/01/2022",
    ]
    assert selectors.search_words(DossierSearch()) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tiep_nhan_tu": "31/02/2022"}, "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm"),
        ({"ket_thuc_den": "2022/13/01"}, "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm"),
        ({"tiep_nhan_tu": "10/03/2022", "tiep_nhan_den": "01/03/2022"},
         "Ngày cuối phải bằng hoặc sau ngày đầu."),
        ({"kenh": "9"}, "Chọn một mục trong danh sách."),
        ({"kenh": "hai"}, "Chọn một mục trong danh sách."),
        ({"trang_thai": "xong"}, "Chọn một mục trong danh sách."),
        ({"han": "som"}, "Chọn một mục trong danh sách."),
        ({"co_quan": "so-tu-phap"}, "Chọn một mục trong danh sách."),
        ({"ma": "X" * 65}, "Mã hồ sơ dài tối đa 64 ký tự."),
    ],
)  # fmt: skip
def test_a_wrong_search_says_why_in_vietnamese_and_lists_nothing(
    client, reform_office, dossiers, params, message
):
    client.force_login(reform_office)
    for extra in ({}, {"xuat": "xlsx"}):  # the export too: the page with its error, no file
        response = client.get(URL, {**params, **extra})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        body = response.content.decode()
        assert message in body and "Điều kiện tìm kiếm chưa đúng" in body
        assert "is-invalid" in body
        assert "<table" not in body and "Tải Excel" not in body


def test_a_search_keeps_the_numbers_selection_and_drops_what_it_did_not_understand(
    client, reform_office, dossiers
):
    client.force_login(reform_office)
    stp = agency_pk("12-STP")
    body = client.get(URL, {"co_quan": stp, "nam": "2022", "tu_thang": "1", "den_thang": "1",
                            "loc": "finished", "thanh_toan_tt": "x"}).content.decode()  # fmt: skip
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', body))
    hidden.pop("csrfmiddlewaretoken")  # the menu's logout form
    assert hidden == {"nam": "2022", "tu_thang": "1", "den_thang": "1", "loc": "finished"}
    assert f'<option value="{stp}" selected>' in body
    assert "3 hồ sơ đã giải quyết (kết thúc xử lý trong tháng 01/2022)." in body


def test_the_agency_filter_offers_only_the_agencies_in_scope(client, district_officer):
    client.force_login(district_officer)
    form = client.get(URL).context["form"]
    offered = {pk for pk, _label in form.fields["co_quan"].choices if pk}
    district = Agency.objects.get(code="106")
    assert offered == {district.pk, *district.children.values_list("pk", flat=True)}


def _walk(client, params: dict, start: str, link: str) -> list[list[str]]:
    """The codes of each page, from `start` following the link named `link`."""
    pages, url = [], start
    while url:
        response = client.get(
            URL + url if url.startswith("?") else url, params if not pages else {}
        )
        pages.append([d.code for d in response.context["page"]])
        url = response.context["links"].get(link)
        assert len(pages) < 20
    return pages


@pytest.fixture
def many(db):
    """23 dossiers of Sở Tư pháp, received on three days, several at the same minute (the
    order's ties are broken by pk), 12 of them online; and one of Sở Nội vụ."""
    run = ImportRun.objects.create(kind="dossiers", file_name="t.csv")
    procedure = Procedure.objects.create(code="1.001", name="Cấp Phiếu lý lịch tư pháp")
    stp, snv = Agency.objects.get(code="12-STP"), Agency.objects.get(code="12-SNV")
    for i in range(23):
        Dossier.objects.create(
            code=f"STP-{i:03d}", agency=stp, procedure=procedure, channel=2 if i % 2 else 1,
            received_at=at("05/01/2022 08:00") + timedelta(days=i % 3), status="processing",
            import_run=run,
        )  # fmt: skip
    Dossier.objects.create(code="SNV-000", agency=snv, procedure=procedure, channel=2,
                           received_at=at("06/01/2022 08:00"), status="processing", import_run=run)  # fmt: skip


def test_pages_go_forward_and_back_through_every_dossier_once(
    client, reform_office, many, monkeypatch
):
    monkeypatch.setattr(views, "DOSSIER_PAGE_SIZE", 5)
    client.force_login(reform_office)
    params = {"co_quan": agency_pk("12-STP")}
    everything = list(
        Dossier.objects.filter(agency__code="12-STP")
        .order_by("-received_at", "-pk")
        .values_list("code", flat=True)
    )
    forward = _walk(client, params, "?", "older")
    assert [len(p) for p in forward] == [5, 5, 5, 5, 3]
    assert [code for page in forward for code in page] == everything
    # From the last page back: the oldest five first, then on to the newest.
    last = client.get(URL, {**params, "trang": "cuoi"})
    assert [d.code for d in last.context["page"]] == everything[-5:]
    assert set(last.context["links"]) == {"first", "newer"}
    backward = _walk(client, {}, last.context["links"]["newer"], "newer")
    assert backward[:-1] == [everything[13:18], everything[8:13], everything[3:8]]
    # Three newer rows were left: back at the top, the first page is shown full.
    assert backward[-1] == everything[:5]
    # Every link keeps the search.
    for link in last.context["links"].values():
        assert f"co_quan={params['co_quan']}" in link


def test_paging_keeps_the_filters_and_the_first_page_has_no_previous_link(
    client, reform_office, many, monkeypatch
):
    monkeypatch.setattr(views, "DOSSIER_PAGE_SIZE", 5)
    client.force_login(reform_office)
    pages = _walk(client, {"kenh": "2", "ma": "STP-"}, "?", "older")
    codes = [code for page in pages for code in page]
    assert len(codes) == 11 and all(int(code[4:]) % 2 for code in codes)
    first = client.get(URL, {"kenh": "2"})
    assert set(first.context["links"]) == {"older", "last"}
    body = first.content.decode()
    assert ">Sau</a>" in body and ">Trang cuối</a>" in body and ">Trước</a>" not in body
    assert "12 hồ sơ, kênh trực tuyến." in body


@pytest.mark.parametrize("cursor", ["abc", "1.", "-.5", "99999999999999999999999.1", "1.2.3"])
def test_a_broken_page_link_opens_the_first_page_with_a_word(client, reform_office, many, cursor):
    client.force_login(reform_office)
    for name in ("sau", "truoc"):
        response = client.get(URL, {name: cursor})
        assert response.status_code == 200
        assert "Liên kết phân trang không hợp lệ" in response.content.decode()
        assert len(response.context["page"]) == 24


def test_the_count_stops_at_its_limit(client, reform_office, many, monkeypatch):
    monkeypatch.setattr(views, "DOSSIER_COUNT_LIMIT", 10)
    client.force_login(reform_office)
    assert "Hơn 10 hồ sơ." in client.get(URL).content.decode()
    assert "Hơn 10 hồ sơ, kênh trực tiếp." in client.get(URL, {"kenh": "1"}).content.decode()
    assert (
        "10 hồ sơ, mã hồ sơ bắt đầu bằng “STP-01”."
        in client.get(URL, {"ma": "STP-01"}).content.decode()
    )  # exactly as many as the limit: counted, not "more"
    # The Excel file's limit: past it, or perhaps past it when counting stopped short of it.
    assert "nếu danh sách dài hơn" in client.get(URL).content.decode()
    assert "Tệp Excel" not in client.get(URL, {"ma": "STP-01"}).content.decode()
    monkeypatch.setattr(views, "DOSSIER_LIMIT_XLSX", 10)
    assert "trong số hơn 10;" in client.get(URL).content.decode()
    assert "Tệp Excel" not in client.get(URL, {"ma": "STP-01"}).content.decode()
    monkeypatch.setattr(views, "DOSSIER_LIMIT_XLSX", 9)
    assert "trong số 10;" in client.get(URL, {"ma": "STP-01"}).content.decode()


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "Mã hồ sơ")
    return [r[0] for r in rows[:header] if r[0]], rows[header + 1 :]


def test_the_excel_file_holds_what_was_searched_and_says_so(client, reform_office, dossiers):
    client.force_login(reform_office)
    params = {"co_quan": agency_pk("12-STP"), "kenh": "1", "tiep_nhan_tu": "05/01/2022"}
    page = client.get(URL, params).content.decode()
    export = re.search(r'href="(\?[^"]*xuat=xlsx[^"]*)"', page).group(1).replace("&amp;", "&")
    titles, rows = _sheet(client.get(URL + export))
    assert [row[0] for row in rows] == [C, B]
    assert {row[3] for row in rows} == {"Trực tiếp"}
    assert titles[1] == ("Sở Tư pháp: 2 hồ sơ, kênh trực tiếp, tiếp nhận từ ngày 05/01/2022")


def test_the_excel_file_of_a_page_further_on_is_still_the_whole_search(
    client, reform_office, many, monkeypatch
):
    monkeypatch.setattr(views, "DOSSIER_PAGE_SIZE", 5)
    client.force_login(reform_office)
    second = client.get(URL + client.get(URL, {"kenh": "2"}).context["links"]["older"])
    export = second.context["export_url"]
    assert "sau=" not in export and "kenh=2" in export
    _titles, rows = _sheet(client.get(URL + export))
    assert len(rows) == 12 and {row[3] for row in rows} == {"Trực tuyến"}


def test_the_list_page_keeps_to_its_query_budget(
    client, reform_office, many, django_assert_max_num_queries
):
    client.force_login(reform_office)
    client.get(URL)  # the session's first request loads what later ones find cached
    # session, user with membership, agencies of the form, the page, the count, the badge,
    # and the catalogue searched by procedure.
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"thu_tuc": "ly lich", "kenh": "2"})
    assert len(response.context["page"]) == 12
