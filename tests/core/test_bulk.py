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
