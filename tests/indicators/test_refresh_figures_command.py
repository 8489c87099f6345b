"""`manage.py refresh_figures`: recomputes stored figures, as an upgrade note asks."""

import pytest
from django.core.management import CommandError, call_command

from cchc.indicators.models import IndicatorSnapshot
from cchc.inspections.models import Inspection
from cchc.operations.models import ImportRun
from cchc.organizations.models import Agency

pytestmark = pytest.mark.django_db


def test_figures_deleted_are_recomputed_from_the_data():
    agency = Agency.objects.get(code="12-STP")
    run = ImportRun.objects.create(kind="inspections", file_name="t.csv")
    Inspection.objects.create(agency=agency, inspected_on="2022-05-10", import_run=run)
    assert not IndicatorSnapshot.objects.filter(indicator="INSPECTION_COVERAGE").exists()
    call_command("refresh_figures", codes=["INSPECTION_COVERAGE"], years=[2022])
    may = IndicatorSnapshot.objects.get(indicator="INSPECTION_COVERAGE", agency=agency,
                                        month="2022-05-01")  # fmt: skip
    assert (may.numerator, may.denominator) == (1, 1)


def test_an_unknown_code_is_refused():
    with pytest.raises(CommandError, match="Không có chỉ số: NOPE"):
        call_command("refresh_figures", codes=["NOPE"], years=[2022])
