import pytest

from cchc.indicators.models import IndicatorSnapshot
from cchc.operations.models import Dossier, DossierMonthly, ImportRun
from cchc.operations.synthetic import generate

pytestmark = pytest.mark.django_db


def test_generator_is_seeded_marked_synthetic_and_idempotent():
    first = generate(seed=7, year=2022, dossiers=3000)
    assert first.dossiers == 3000 and first.procedures == 2000
    codes = list(Dossier.objects.order_by("code").values_list("code", "channel", "status")[:50])
    assert all(run.synthetic for run in ImportRun.objects.all())
    assert IndicatorSnapshot.objects.filter(synthetic=True).exists()
    assert not IndicatorSnapshot.objects.filter(synthetic=False).exists()
    again = generate(seed=7, year=2022, dossiers=3000)
    assert again.skipped and Dossier.objects.count() == 3000
    # The same seed gives the same data.
    DossierMonthly.objects.all().delete()
    Dossier.objects.all().delete()
    ImportRun.objects.filter(kind="dossiers").delete()
    generate(seed=7, year=2022, dossiers=3000)
    assert (
        list(Dossier.objects.order_by("code").values_list("code", "channel", "status")[:50])
        == codes
    )
