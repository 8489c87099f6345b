"""insert_rows stores exactly what the ORM stores (dates in UTC, decimals, booleans, keys)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from cchc.core.bulk import insert_rows
from cchc.operations.models import Dossier, ImportRun, Procedure
from cchc.organizations.models import Agency

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
FIELDS = ["code", "procedure_id", "agency_id", "channel", "received_at", "due_at", "finished_at",
          "status", "supplement_count", "supplement_days", "finished_on_time", "fee", "paid_online", "result_digitized", "import_run_id"]  # fmt: skip


def test_rows_are_stored_as_the_orm_stores_them():
    run = ImportRun.objects.create(kind="dossiers", file_name="t.csv")
    procedure = Procedure.objects.create(code="P", name="Thủ tục")
    values = {
        "procedure_id": procedure.pk, "agency_id": Agency.objects.get(code="12-STP").pk,
        "channel": 2, "received_at": datetime(2022, 1, 31, 23, 30, 5, 120, tzinfo=VN),
        "due_at": datetime(2022, 2, 10, 17, tzinfo=VN), "finished_at": None,
        "status": "processing", "supplement_count": 1, "supplement_days": 2, "finished_on_time": None,
        "fee": Decimal("50000"), "paid_online": True, "result_digitized": False, "import_run_id": run.pk,
    }  # fmt: skip
    assert insert_rows(Dossier, FIELDS, [{"code": "BULK", **values}]) == 1
    Dossier.objects.create(code="ORM", **values)
    bulk, orm = (
        Dossier.objects.filter(code=code).values_list(*FIELDS[1:]).get() for code in ("BULK", "ORM")
    )
    assert bulk == orm
    assert Dossier.objects.filter(received_at__month=1, received_at__day=31).count() == 2
    # Stored alike to the character (SQLite keeps datetimes as text), microseconds included.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT received_at, due_at FROM operations_dossier WHERE code IN ('BULK', 'ORM') "
            "ORDER BY code"
        )
        stored_bulk, stored_orm = cursor.fetchall()
    assert stored_bulk == stored_orm


def test_remembered_values_are_stored_alike_when_the_memo_starts_again(monkeypatch):
    """Adapted values are remembered per column; past the memo's limit it starts again,
    and every row still gets its own value."""
    from cchc.core import bulk

    monkeypatch.setattr(bulk, "MEMO_LIMIT", 2)
    run = ImportRun.objects.create(kind="dossiers", file_name="t.csv")
    procedure = Procedure.objects.create(code="P", name="Thủ tục")
    agency = Agency.objects.get(code="12-STP")
    days = [1, 2, 3, 2, 1, 4, 5, 1]
    base = {
        "procedure_id": procedure.pk, "agency_id": agency.pk, "channel": 1, "finished_at": None,
        "status": "processing", "supplement_count": 0, "supplement_days": 0,
        "finished_on_time": None, "paid_online": False, "result_digitized": False,
        "import_run_id": run.pk,
    }  # fmt: skip
    rows = [
        {**base, "code": f"M{i}", "received_at": datetime(2022, 3, d, 23, 30, tzinfo=VN),
         "due_at": datetime(2022, 4, d, 17, tzinfo=VN), "fee": Decimal(d * 1000)}
        for i, d in enumerate(days)
    ]  # fmt: skip
    assert insert_rows(Dossier, FIELDS, rows) == len(days)
    stored = Dossier.objects.order_by("code").values_list("code", "received_at", "due_at", "fee")
    assert [(c, r.astimezone(VN).day, d.astimezone(VN).day, f) for c, r, d, f in stored] == [
        (f"M{i}", d, d, Decimal(d * 1000)) for i, d in enumerate(days)
    ]
