import csv
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from cchc.organizations.models import Agency, AgencyLevel
from cchc.organizations.reference import AGENCIES_FILE, load_agencies

pytestmark = pytest.mark.django_db


def test_bundled_agency_tree_matches_lai_chau_2022():
    assert Agency.objects.count() == 135
    counts = {level: Agency.objects.filter(level=level).count() for level in AgencyLevel.values}
    assert counts == {"province": 1, "department": 20, "district": 8, "commune": 106}
    assert Agency.objects.get(code="12-BQLKKT").name.endswith("Ma Lù Thàng")
    # Every commune hangs under a district, every department and district under the province.
    assert not Agency.objects.filter(level="commune").exclude(parent__level="district").exists()
    assert set(
        Agency.objects.filter(level__in=["department", "district"]).values_list(
            "parent__code", flat=True
        )
    ) == {"12"}
    assert Agency.objects.get(code="106").children.count() == 13


def test_every_agency_keeps_its_source():
    with AGENCIES_FILE.open(encoding="utf-8") as handle:
        rows = {row["code"]: row for row in csv.DictReader(handle)}
    for agency in Agency.objects.all():
        assert agency.source.startswith("laichau_agencies_2022.csv")
        assert agency.source_url == rows[agency.code]["source_url"]


def test_reloading_agencies_is_idempotent():
    before = list(Agency.objects.order_by("code").values_list("code", "name", "parent__code"))
    result = load_agencies()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 135)
    after = list(Agency.objects.order_by("code").values_list("code", "name", "parent__code"))
    assert before == after


def test_reloading_keeps_a_rename_unless_asked_to_update():
    Agency.objects.filter(code="12-STP").update(name="Sở Tư pháp (tên mới)")
    load_agencies()
    assert Agency.objects.get(code="12-STP").name == "Sở Tư pháp (tên mới)"
    result = load_agencies(update=True)
    assert result.updated == 1
    assert Agency.objects.get(code="12-STP").name == "Sở Tư pháp"


def test_bad_agency_file_is_rejected_whole_with_row_and_column(tmp_path: Path):
    bad = tmp_path / "agencies.csv"
    bad.write_text(
        "code,name,level,parent_code,source_url\n"
        "999,Huyện Mới,district,12,\n"
        "999-01,Xã Mới,commune,998,\n"
        "999-02,Xã Khác,hamlet,999,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as exc:
        load_agencies(bad)
    messages = exc.value.messages
    assert "agencies.csv, dòng 3, cột parent_code: không có cơ quan mã “998”." in messages
    assert any("dòng 4, cột level" in m for m in messages)
    assert not Agency.objects.filter(code__startswith="999").exists()
