import pytest
from django.core.management import call_command

from cchc.operations.models import Procedure, ProcedureSnapshot


@pytest.fixture
def catalogue(db):
    """Procedure 1.001 in the 2022 catalogue: provincial, 10 working days, a fee paid online."""
    procedure = Procedure.objects.create(code="1.001", name="Cấp phiếu lý lịch tư pháp")
    ProcedureSnapshot.objects.create(
        procedure=procedure, year=2022, authority_tier="province", processing_days=10,
        has_fee=True, online_payment=True,
    )  # fmt: skip
    return procedure


@pytest.fixture
def reference(transactional_db):
    """A transactional test starts from an empty database (an earlier one flushed it): the
    reference data first."""
    call_command("load_reference_data", verbosity=0)
