"""The 2025 reorganisation as dated events (issue 19): the bundled Lai Châu data checked
against the research files it was built from (read here with the csv module, not through the
product), the tree on a date, who inherits whose records, and the upload's all-or-nothing."""

import csv
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.core.tabular.columns import ImportRejected
from cchc.organizations import services
from cchc.organizations.models import Agency, AgencyLevel, AgencySuccession, Certainty, Membership
from cchc.organizations.reorganisation import apply_events, read_events
from cchc.organizations.scope import AgencyScope
from cchc.organizations.selectors import agency_tree, scope_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "src" / "cchc" / "data"
SOURCES = DATA / "reorg2025" / "sources"
JULY_1 = date(2025, 7, 1)
JUNE_30 = date(2025, 6, 30)


def _source_rows(name):
    with (SOURCES / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _agencies_2022():
    with (DATA / "laichau_agencies_2022.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["name"]: row for row in csv.DictReader(handle)}


def test_bundled_reorganisation_matches_the_research_files(reorganised):
    """Each new unit of Resolution 1670 exists from 01/07/2025 with exactly the predecessors
    the research file lists; each of the 106 communes and 8 districts ends on 30/06/2025."""
    units = _source_rows("laichau_communes_2025.csv")
    old = _agencies_2022()
    assert len(units) == 38
    new = Agency.objects.filter(code__startswith="NQ1670-")
    assert new.count() == 38
    assert set(new.values_list("valid_from", flat=True)) == {JULY_1}
    assert set(new.values_list("level", flat=True)) == {AgencyLevel.COMMUNE}
    assert set(new.values_list("parent__code", flat=True)) == {"12"}
    for unit in units:
        kind = "Phường" if unit["new_type"] == "phường" else "Xã"
        agency = new.get(name=f"{kind} {unit['new_name']}")
        expected = {old[name]["code"] for name in unit["predecessors"].split(";")}
        got = set(
            AgencySuccession.objects.filter(
                successor=agency, predecessor__level=AgencyLevel.COMMUNE
            ).values_list("predecessor__code", flat=True)
        )
        assert got == expected, unit["new_name"]
    communes = Agency.objects.filter(level=AgencyLevel.COMMUNE).exclude(code__startswith="NQ")
    assert communes.count() == 106
    assert set(communes.values_list("valid_to", flat=True)) == {JUNE_30}
    districts = Agency.objects.filter(level=AgencyLevel.DISTRICT)
    assert set(districts.values_list("valid_to", flat=True)) == {JUNE_30}


def test_district_weights_count_its_former_communes(reorganised):
    """Huyện Tam Đường's records are shared among the six units that took its communes, each
    by the number of its communes it took (counted here from the research file)."""
    old = _agencies_2022()
    share = {}
    for unit in _source_rows("laichau_communes_2025.csv"):
        for name in unit["predecessors"].split(";"):
            if old[name]["parent_code"] == "106":
                share[unit["new_name"]] = share.get(unit["new_name"], 0) + 1
    links = AgencySuccession.objects.filter(predecessor__code="106").select_related("successor")
    got = {link.successor.name.split(" ", 1)[1]: link.weight for link in links}
    assert got == share
    # Every commune of Tam Đường in the 2022 list went to one of them.
    assert sum(got.values()) == sum(1 for row in old.values() if row["parent_code"] == "106")


def test_the_tree_on_a_date(reorganised):
    everyone = AgencyScope.everything()
    before = agency_tree(scope=everyone, on=JUNE_30)
    after = agency_tree(scope=everyone, on=JULY_1)

    def count(tree, level):
        return sum(1 for a in tree if a.level == level)

    assert (count(before, "district"), count(before, "commune")) == (8, 106)
    assert (count(after, "district"), count(after, "commune")) == (0, 38)
    province = next(a for a in after if a.level == "province")
    # The province's children on 01/07/2025: the departments still running and 38 communes.
    departments = count(after, "department")
    assert province.child_count == departments + 38
    in_2022 = sum(1 for row in _agencies_2022().values() if row["level"] == "department")
    assert departments == in_2022 - 7 + 2  # 7 merged away, 2 new (NN&MT, DT&TG)
    # Before March 2025 the departments are as in 2022.
    assert count(agency_tree(scope=everyone, on=date(2025, 2, 28)), "department") == in_2022


def test_resolution_spellings_find_the_2022_communes(reorganised):
    """The events keep the resolution's spelling ("Xã Ma Li Pho"); the 2022 list says
    "Xã Ma Ly Pho": both name the same commune, which is a predecessor of Phong Thổ."""
    ma_ly_pho = Agency.objects.get(code="109-08")
    assert ma_ly_pho.name == "Xã Ma Ly Pho"
    assert "Xã Ma Li Pho" in ma_ly_pho.other_name_list
    link = AgencySuccession.objects.get(predecessor=ma_ly_pho)
    assert link.successor.name == "Xã Phong Thổ"


def test_department_mergers_are_inferred_defaults(reorganised):
    link = AgencySuccession.objects.get(predecessor__code="12-SKHDT")
    assert link.successor.code == "12-STC"
    assert link.certainty == Certainty.INFERRED
    assert "chưa tìm thấy quyết định" in link.note
    assert Agency.objects.get(code="12-SKHDT").valid_to == date(2025, 2, 28)
    assert Agency.objects.get(code="12-STC").valid_to is None  # absorbs, continues
    new = Agency.objects.get(code="12-SNNMT")
    assert new.valid_from == date(2025, 3, 1)
    assert set(new.predecessions.values_list("predecessor__code", flat=True)) == {
        "12-SNNPTNT", "12-STNMT"
    }  # fmt: skip


def test_loading_twice_changes_nothing(reorganised):
    from cchc.organizations.reorganisation import load_reorganisation

    assert (reorganised.created, reorganised.unchanged) == (157, 0)
    again = load_reorganisation()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 157)
    assert Agency.objects.count() == 135 + 38 + 2


def _events(text: str):
    return read_events(text.encode(), "sapxep.csv")


HEADER = "Ngày hiệu lực,Hình thức,Cơ quan cũ,Mã cơ quan kế thừa,Tên cơ quan kế thừa,Cấp\n"


def test_a_province_file_with_errors_changes_nothing():
    before = (Agency.objects.count(), AgencySuccession.objects.count())
    text = HEADER + (
        "01/07/2025,Sáp nhập,Xã Bản Bo,X-1,Xã Mới,UBND cấp xã\n"
        "01/07/2025,Sáp nhập,Xã Không Có,X-1,,\n"  # unknown predecessor
        "01/07/2025,Sáp nhập,Xã Nà Tăm,X-2,,\n"  # new code without name and level
        "31/02/2025,Sáp nhập,Xã Bình Lư,X-1,,\n"  # not a date
        "01/07/2025,Sáp nhập,Xã Bản Bo,X-1,,\n"  # the same link twice
        "01/07/2025,Giải thể,Huyện Phong Thổ,X-1,,\n"  # leaves its communes running
    )
    with pytest.raises(ImportRejected) as caught:
        _events(text)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert (3, "Cơ quan cũ") in found
    assert {(4, "Tên cơ quan kế thừa"), (4, "Cấp")} <= found
    assert (5, "Ngày hiệu lực") in found
    assert (6, "Cơ quan cũ") in found
    messages = " ".join(e.message for e in caught.value.errors)
    assert "không có cơ quan “Xã Không Có”" in messages
    assert "trùng với dòng 2" in messages
    assert "còn 17 đơn vị trực thuộc “Huyện Phong Thổ”" in messages
    assert (Agency.objects.count(), AgencySuccession.objects.count()) == before


def test_a_province_file_merges_and_is_idempotent():
    text = HEADER + (
        "01/07/2025,Sáp nhập,Xã Bản Bo,X-1,Xã Bản Bo Mới,UBND cấp xã\n"
        "01/07/2025,Sáp nhập,106-09,X-1,,\n"  # by code; name and level from the first row
    )
    written = apply_events(_events(text))
    assert (written.created, written.agencies_created) == (2, 1)
    new = Agency.objects.get(code="X-1")
    assert (new.name, new.parent.code, new.valid_from) == ("Xã Bản Bo Mới", "12", JULY_1)
    assert Agency.objects.get(code="106-02").valid_to == JUNE_30
    again = apply_events(_events(text))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_an_ended_predecessor_is_refused():
    Agency.objects.filter(code="106-02").update(valid_to=date(2024, 12, 31))
    with pytest.raises(ImportRejected, match="1 lỗi") as caught:
        _events(HEADER + "01/07/2025,Sáp nhập,106-02,X-1,Xã Mới,UBND cấp xã\n")
    assert "đã kết thúc hoạt động ngày 31/12/2024" in caught.value.errors[0].message


def test_sole_successor_officers_read_their_predecessors_records(reorganised):
    """A new commune's officer sees the communes merged into it; a unit that took part of a
    dissolved district does not see the whole district; Sở Nội vụ sees Sở LĐ-TB&XH."""
    muong_kim = make_user("mk", "NQ1670-01", "agency_officer")
    scope = scope_for(muong_kim)
    merged = set(
        AgencySuccession.objects.filter(successor__code="NQ1670-01")
        .filter(predecessor__level=AgencyLevel.COMMUNE)
        .values_list("predecessor_id", flat=True)
    )
    assert len(merged) == 4
    assert scope.agency_ids == merged | {Agency.objects.get(code="NQ1670-01").pk}
    assert not scope.contains(Agency.objects.get(code="110").pk)  # Huyện Than Uyên: shared
    home_affairs = scope_for(make_user("snv", "12-SNV", "agency_officer"))
    assert home_affairs.contains(Agency.objects.get(code="12-SLDTBXH").pk)
    assert not home_affairs.contains(Agency.objects.get(code="12-SYT").pk)
    # The old commune's own officer keeps its own records only.
    old = scope_for(make_user("tm", "110-12", "agency_officer"))
    assert old.agency_ids == {Agency.objects.get(code="110-12").pk}


def test_correcting_a_department_merger_moves_its_dates(reorganised, reform_office):
    link = AgencySuccession.objects.get(predecessor__code="12-SNNPTNT")
    services.succession_correct(
        actor=reform_office, link=link, effective_on=date(2025, 3, 15), kind=link.kind,
        weight=1, legal_basis="Quyết định 99/QĐ-UBND", certainty=Certainty.CONFIRMED,
        note="", reason="Đã đối chiếu quyết định của UBND tỉnh",
    )  # fmt: skip
    assert Agency.objects.get(code="12-SNNPTNT").valid_to == date(2025, 3, 14)
    # The new department started with its first predecessor's link (the other one unchanged).
    assert Agency.objects.get(code="12-SNNMT").valid_from == date(2025, 3, 1)
    link.refresh_from_db()
    assert (link.certainty, link.legal_basis) == (Certainty.CONFIRMED, "Quyết định 99/QĐ-UBND")
    assert "Đã đối chiếu quyết định" in link.history.first().history_change_reason


def test_correcting_needs_a_reason_and_the_reform_office(reorganised, reform_office, dept_officer):
    link = AgencySuccession.objects.get(predecessor__code="12-SKHDT")
    values = dict(link=link, effective_on=link.effective_on, kind=link.kind, weight=1,
                  legal_basis="", certainty=link.certainty, note="")  # fmt: skip
    with pytest.raises(ValidationError, match="lý do"):
        services.succession_correct(actor=reform_office, reason="  ", **values)
    with pytest.raises(PermissionDenied):
        services.succession_correct(actor=dept_officer, reason="x", **values)


def test_a_dissolved_districts_officer_is_moved_with_a_reason(reorganised, reform_office):
    user = make_user("tduong", "106", "agency_officer")
    membership = Membership.objects.get(user=user)
    with pytest.raises(ValidationError, match="không còn hoạt động"):
        services.membership_move(actor=reform_office, membership=membership,
                                 agency=Agency.objects.get(code="106-02"), reason="Sắp xếp")  # fmt: skip
    services.membership_move(actor=reform_office, membership=membership,
                             agency=Agency.objects.get(code="NQ1670-10"), reason="Sắp xếp 2025")  # fmt: skip
    membership.refresh_from_db()
    assert membership.agency.code == "NQ1670-10"
    assert "Huyện Tam Đường" in membership.history.first().history_change_reason
    assert user.is_active


def test_tree_page_on_a_chosen_date(client, reorganised, leader):
    client.force_login(leader)
    before = client.get("/co-quan/", {"ngay": "30/06/2025"}).content.decode()
    after = client.get("/co-quan/", {"ngay": "01/07/2025"}).content.decode()
    assert "Huyện Tam Đường" in before and "Huyện Tam Đường" not in after
    assert "Xã Mường Kim" in after
    assert "cơ cấu ngày <strong>01/07/2025</strong>" in after
    bad = client.get("/co-quan/", {"ngay": "31/02/2025"})
    assert bad.status_code == 200 and "Cơ cấu ngày" in bad.content.decode()


def test_agency_page_tells_the_reorganisation(client, reorganised, reform_office):
    client.force_login(reform_office)
    district = Agency.objects.get(code="106")
    page = client.get(f"/co-quan/{district.pk}/").content.decode()
    assert "Nhiệm vụ, địa bàn chuyển cho 6 đơn vị" in page
    assert "Điều chỉnh" in page
    department = Agency.objects.get(code="12-SGTVT")
    page = client.get(f"/co-quan/{department.pk}/").content.decode()
    assert "Suy ra, cần đối chiếu" in page


def test_dossier_of_an_ended_commune_after_its_end_is_refused(reorganised):
    from cchc.core.tabular.sheet import read_sheet
    from cchc.operations.imports.dossiers import DossierImporter
    from cchc.operations.models import Procedure

    Procedure.objects.create(code="P-1", name="Chứng thực bản sao")
    importer = DossierImporter(scope=AgencyScope.everything())
    head = "Mã hồ sơ,Mã thủ tục,Mã cơ quan,Kênh thực hiện,Ngày tiếp nhận,Trạng thái\n"
    text = head + (
        "HS-1,P-1,110-12,Trực tiếp,30/06/2025 09:00,Đang giải quyết\n"
        "HS-2,P-1,110-12,Trực tiếp,01/07/2025 09:00,Đang giải quyết\n"
        "HS-3,P-1,NQ1670-01,Trực tiếp,01/07/2025 09:00,Đang giải quyết\n"
        "HS-4,P-1,NQ1670-01,Trực tiếp,30/06/2025 09:00,Đang giải quyết\n"
    )
    sheet = read_sheet(text.encode(), "hs.csv", header_names=importer.header_titles())
    with pytest.raises(ImportRejected) as caught:
        importer.parse(sheet)
    errors = {e.row: e.message for e in caught.value.errors}
    assert set(errors) == {3, 5}
    assert "kết thúc hoạt động ngày 30/06/2025" in errors[3]
    assert "Xã Mường Kim, mã NQ1670-01" in errors[3]
    assert "bắt đầu hoạt động ngày 01/07/2025" in errors[5]
