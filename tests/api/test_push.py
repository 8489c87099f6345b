"""Dossiers pushed by a one-stop system (issue 18): played here by a small client sending
JSON batches in the national synchronisation field names."""

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cchc.api import tokens
from cchc.indicators.models import IndicatorSnapshot
from cchc.operations.models import Dossier, DossierMonthly, ImportRun, Procedure, ProcedureSnapshot
from cchc.organizations.models import Agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    procedure = Procedure.objects.create(code="1.001234", name="Cấp phiếu lý lịch tư pháp")
    ProcedureSnapshot.objects.create(procedure=procedure, year=2025, authority_tier="province",
                                     processing_days=10, has_fee=True, online_payment=True)  # fmt: skip
    return procedure


def token(actor, code, purpose="push_dossiers", name="Một cửa"):
    _t, text = tokens.token_issue(
        actor=actor, agency=Agency.objects.get(code=code), purpose=purpose, name=name,
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def record(number, agency="12-STP", **changes):
    return {
        "MaHoSo": f"000.00.12.H33-250105-{number:04d}", "MaTTHC": "1.001234", "MaDonVi": agency,
        "KenhThucHien": 2, "NgayTiepNhan": "20250105083000", "NgayHenTra": "20250120170000",
        "NgayKetThucXuLy": "20250109150000", "TrangThaiHoSo": "Đã giải quyết",
        "DuocThanhToanTrucTuyen": True, **changes,
    }  # fmt: skip


class OneStopSystem:
    """What a one-stop system does: POST a batch, read the answer."""

    def __init__(self, client, header):
        self.client, self.header = client, header

    def push(self, records):
        return self.client.post("/api/v1/dossiers/", {"dossiers": records},
                                content_type="application/json", **self.header)  # fmt: skip

    def send(self, body: str | bytes):
        """A body as written, for what a dict cannot hold (a key twice, a huge integer)."""
        return self.client.post("/api/v1/dossiers/", body, content_type="application/json",
                                **self.header)  # fmt: skip

    def refusals(self, records) -> set[tuple[int, str, str]]:
        response = self.push(records)
        assert response.status_code == 400, response.content
        assert response.json()["detail"] == "Lô hồ sơ bị từ chối, chưa ghi gì."
        return {(e["record"], e["field"], e["message"]) for e in response.json()["errors"]}


def test_a_batch_is_written_once_and_counted(client, reform_office, catalogue):
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    first = system.push([record(1), record(2, KenhThucHien=1)])
    assert first.status_code == 200, first.json()
    assert first.json() | {"run": 0} == {"run": 0, "created": 2, "updated": 0, "unchanged": 0,
                                         "figures_up_to_date": True}  # fmt: skip
    again = system.push([record(1), record(2, KenhThucHien=1)])
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)
    assert Dossier.objects.count() == 2
    month = DossierMonthly.objects.get(agency__code="12-STP", month=date(2025, 1, 1))
    assert (month.received, month.received_online) == (2, 1)
    share = IndicatorSnapshot.objects.get(indicator="ONLINE_DOSSIER_SHARE",
                                          agency__code="12-STP", month=date(2025, 1, 1))  # fmt: skip
    assert (share.numerator, share.denominator) == (1, 2)
    run = ImportRun.objects.get(pk=first.json()["run"])
    assert run.file_name.startswith("API Một cửa") and run.agency.code == "12-STP"


def test_a_batch_with_any_bad_record_writes_nothing(client, reform_office, catalogue):
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    response = system.push([record(1), record(2, agency="12-SNV"),
                            record(3, NgayTiepNhan="20250231083000")])  # fmt: skip
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Lô hồ sơ bị từ chối, chưa ghi gì."
    found = {(e["record"], e["field"]) for e in body["errors"]}
    assert (2, "MaDonVi") in found  # another agency's dossier: not this token's to write
    assert (3, "NgayTiepNhan") in found
    assert not Dossier.objects.exists() and not DossierMonthly.objects.exists()


def test_the_provinces_one_stop_system_writes_every_agency(client, reform_office, catalogue):
    system = OneStopSystem(client, token(reform_office, "12"))
    response = system.push([record(1), record(2, agency="12-SNV")])
    assert response.status_code == 200 and response.json()["created"] == 2


def test_a_token_serves_its_purpose_only(client, reform_office, catalogue):
    reader = token(reform_office, "12-STP", purpose="read")
    pusher = token(reform_office, "12-STP")
    assert OneStopSystem(client, reader).push([record(1)]).status_code == 403
    assert client.get("/api/v1/plans/", **pusher).status_code == 403
    assert client.get("/api/v1/plans/", **reader).status_code == 200
    assert not Dossier.objects.exists()


def test_a_malformed_batch_is_refused(client, reform_office, catalogue):
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    assert system.push([]).status_code == 400
    assert system.push([record(1, MaHoSo={"x": 1})]).status_code == 400
    nothing = client.post("/api/v1/dossiers/", "not json", content_type="application/json",
                          **system.header)  # fmt: skip
    assert nothing.status_code == 400
    assert not Dossier.objects.exists()


def test_errors_count_records_not_lines(client, reform_office, catalogue):
    """A code given twice names the record it repeats, counted as the field counts: records,
    not the lines of the CSV the batch becomes (the header being line 1)."""
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    assert system.refusals([record(1), record(1)]) == {(2, "MaHoSo", "trùng với hồ sơ thứ 1")}
    assert (0, "Mã hồ sơ", "thiếu trường bắt buộc: không hồ sơ nào có trường này") in (
        system.refusals([{"Foo": "bar"}])
    )
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("blank", [{}, {"MaHoSo": None, "PhiLePhi": "  "}])
def test_an_empty_record_refuses_the_batch(client, reform_office, catalogue, blank):
    """The CSV reader skips a blank line: an empty record was dropped and the rest written."""
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    empty = "hồ sơ trống: không trường nào có giá trị"
    assert system.refusals([record(1), blank]) == {(2, "", empty)}
    assert system.refusals([blank]) == {(1, "", empty)}  # not "Tệp rỗng …"
    assert not Dossier.objects.exists() and not ImportRun.objects.exists()


def test_a_key_twice_in_a_record_refuses_the_batch(client, reform_office, catalogue):
    """JSON parsers keep the last of a repeated key: the dossier …0007 was written."""
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    first = json.dumps(record(6))
    body = f'{{"dossiers": [{first}, {first[:-1]}, "MaHoSo": "000.00.12.H33-250105-0007"}}]}}'
    response = system.send(body)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"record": 2, "field": "MaHoSo", "message": "trường này có hơn một lần trong hồ sơ"}
    ]
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(("field", "value", "largest"), [
    ("SoLanBoSung", "9" * 29, "32.767"),  # 29 digits: past the decimal context (a 500)
    ("SoLanBoSung", "9" * 5000, "32.767"),  # past Python's int ↔ text limit
    ("PhiLePhi", "9" * 29, "99.999.999.999.999"),
    ("PhiLePhi", " 0000" + "1" * 40, "99.999.999.999.999"),
])  # fmt: skip
def test_a_huge_number_is_refused_by_its_record(client, reform_office, catalogue, field, value,
                                                largest):  # fmt: skip
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    digits = len(value.strip().lstrip("0"))
    message = f"quá lớn: số có {digits:,} chữ số (tối đa {largest})".replace(",", ".")
    assert system.refusals([record(1), record(2, **{field: value})]) == {(2, field, message)}
    assert not Dossier.objects.exists()


def test_a_huge_json_integer_is_refused_by_its_record(client, reform_office, catalogue):
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    body = json.dumps({"dossiers": [record(1, SoLanBoSung=0)]}).replace('"SoLanBoSung": 0',
                                                                        '"SoLanBoSung": ' + "9" * 5000)  # fmt: skip
    response = system.send(body)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"record": 1, "field": "SoLanBoSung",
                                          "message": "quá lớn: số có 5.000 chữ số (tối đa 32.767)"}]  # fmt: skip


def test_a_number_the_import_accepts_is_not_refused_by_its_length(client, reform_office, catalogue):
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    response = system.push([record(1, SoLanBoSung="000000000000000000000000000001",
                                   PhiLePhi=99_999_999_999_999)])  # fmt: skip
    assert response.status_code == 200, response.json()
    assert Dossier.objects.get().supplement_count == 1


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x0b", "\x1f", "\ufffe", "\uffff"])
def test_a_control_character_is_refused_by_its_record_and_field(client, reform_office,
                                                                catalogue, character):  # fmt: skip
    """They were written, and the Excel export of the dossiers failed on them (HTTP 500)."""
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    message = f"chứa ký tự không được phép (U+{ord(character):04X})"
    assert system.refusals([record(1), record(2, MaHoSo=f"X{character}")]) == {
        (2, "MaHoSo", message)
    }
    assert not Dossier.objects.exists()


def test_a_lone_surrogate_is_refused_by_its_record(client, reform_office, catalogue):
    """JSON can escape half of a character ("\\ud800"), which has no UTF-8 (it was a 500)."""
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    body = json.dumps({"dossiers": [record(1, TrangThaiHoSo="Đã giải quyết\ud800")]})
    response = system.send(body)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"record": 1, "field": "TrangThaiHoSo",
                                          "message": "chứa ký tự không được phép (U+D800)"}]  # fmt: skip


def test_a_tab_or_a_line_break_is_text(client, reform_office, catalogue):
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    response = system.push([record(1, TrangThaiHoSo="Đã giải\tquyết"), record(2),
                            record(3, NgayTiepNhan="nope\r\n")])  # fmt: skip
    assert response.status_code == 400
    assert {(e["record"], e["field"]) for e in response.json()["errors"]} == {
        (1, "TrangThaiHoSo"),
        (3, "NgayTiepNhan"),
    }  # the import's own checks, by record


@pytest.mark.parametrize("name", ["N" * 255, ("Một cửa / Sở Tư pháp " + "dài " * 60)[:255]])
def test_a_token_with_a_long_name_pushes(client, reform_office, catalogue, name):
    """The run's file name was cut to 255 characters, losing its ".csv": every batch was
    refused "Chỉ nhận tệp CSV (.csv) hoặc Excel (.xlsx).". A slash made a path of it."""
    system = OneStopSystem(client, token(reform_office, "12-STP", name=name))
    response = system.push([record(1)])
    assert response.status_code == 200, response.json()
    run = ImportRun.objects.get(pk=response.json()["run"])
    assert run.file_name.endswith(".csv") and len(run.file_name) <= 255
    assert run.file_name.startswith("API " + name.replace("/", "-")[:20])


def test_a_batch_past_the_import_limit_is_said_of_a_batch(
    client, reform_office, catalogue, settings
):
    """The import's size limit said "Tệp quá lớn" of a batch that is no file."""
    settings.IMPORT_MAX_BYTES = 1_000
    system = OneStopSystem(client, token(reform_office, "12-STP"))
    response = system.push([record(n) for n in range(1, 30)])
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("Lô hồ sơ quá lớn: 29 hồ sơ thành") and "Tệp" not in detail
    assert "chia thành các lô nhỏ hơn. Chưa ghi gì." in detail
    assert not ImportRun.objects.exists() and not Dossier.objects.exists()
