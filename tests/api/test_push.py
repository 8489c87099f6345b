"""Dossiers pushed by a one-stop system (issue 18): played here by a small client sending
JSON batches in the national synchronisation field names."""

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


def token(actor, code, purpose="push_dossiers"):
    _t, text = tokens.token_issue(
        actor=actor, agency=Agency.objects.get(code=code), purpose=purpose, name="Một cửa",
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
