"""The demo generator, at a tiny size: seeded, synthetic throughout, idempotent, and written
through the importers (so its rows pass the same validation as an uploaded file)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from cchc.indicators.models import IndicatorSnapshot
from cchc.operations.models import (
    Dossier,
    DossierMonthly,
    ImportRun,
    InformationSystem,
    Inspection,
    LegalDocument,
    LegalReview,
    Procedure,
    ProcedureSnapshot,
    SystemConnection,
    WorkRecordStat,
)
from cchc.operations.synthetic import generate
from tests.operations.importing import fingerprint

pytestmark = pytest.mark.django_db
SIZE = 2000


def test_generator_is_seeded_synthetic_and_idempotent():
    first = generate(seed=2022, year=2022, dossiers=SIZE)
    assert first.dossiers == SIZE == Dossier.objects.count()
    assert Procedure.objects.count() == 2000
    assert ProcedureSnapshot.objects.filter(year=2021).count() == 2000
    assert ProcedureSnapshot.objects.filter(year=2022).count() == 2000
    assert first.written == sum(k.rows for k in first.kinds)  # everything new the first time
    assert WorkRecordStat.objects.exists() and Inspection.objects.exists()
    assert 50 <= LegalDocument.objects.count() <= 60 and LegalReview.objects.exists()
    assert InformationSystem.objects.count() == 3 and SystemConnection.objects.count() == 4
    assert DossierMonthly.objects.filter(source="dossiers").exists()

    # Every run is marked synthetic, and so is every indicator value computed from it.
    runs = ImportRun.objects.all()
    assert {r.kind for r in runs} == {k.kind for k in first.kinds}
    assert all(r.synthetic and r.status == "done" for r in runs)
    assert all(r.file_name == "dữ liệu mô phỏng (seed 2022, năm 2022)" for r in runs)
    assert IndicatorSnapshot.objects.filter(synthetic=True).exists()
    assert not IndicatorSnapshot.objects.filter(synthetic=False, denominator__gt=0).exists()

    # Shapes the dashboards rely on: all three levels, every channel, some open at year end,
    # a few withdrawn, codes <agency>-YYMMDD-NNNN.
    levels = dict(Dossier.objects.values_list("agency__level").annotate(n=Count("pk")))
    assert set(levels) == {"department", "district", "commune"}
    statuses = dict(Dossier.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses["done"] > 0.8 * SIZE and 0 < statuses["withdrawn"] < 0.05 * SIZE
    assert set(Dossier.objects.values_list("channel", flat=True).distinct()) == {1, 2, 3}
    december = DossierMonthly.objects.filter(month__year=2022, month__month=12)
    assert sum(december.values_list("open_on_time", flat=True)) > 0
    code = Dossier.objects.select_related("agency").first()
    assert code.code.startswith(f"{code.agency.code}-{code.received_at:%y}")

    # The same seed again: the very same data, so nothing is created or changed.
    before, run_ids = fingerprint(), set(ImportRun.objects.values_list("pk", flat=True))
    again = generate(seed=2022, year=2022, dossiers=SIZE)
    assert again.written == 0
    assert [k.rows for k in again.kinds] == [k.rows for k in first.kinds]
    assert fingerprint() == before
    assert set(ImportRun.objects.values_list("pk", flat=True)) == run_ids  # no empty run logged
    assert all(r.synthetic for r in ImportRun.objects.all())


def test_the_command_prints_a_summary_and_progress():
    out, err = StringIO(), StringIO()
    call_command("generate_demo_data", dossiers=200, seed=5, stdout=out, stderr=err)
    assert "dữ liệu mô phỏng (seed 5, năm 2022)" in out.getvalue()
    assert "Hồ sơ thủ tục hành chính: 200 dòng" in out.getvalue()
    assert "giây" in out.getvalue()
    assert "100%" in err.getvalue()


def test_the_benchmark_file_holds_the_demo_year_and_imports_cleanly(tmp_path):
    from cchc.core.tabular.reading import read_table
    from cchc.operations.imports.dossiers import DossierImporter
    from cchc.operations.synthetic import write_dossier_file
    from cchc.organizations.scope import AgencyScope

    path = tmp_path / "dossiers.csv"
    assert write_dossier_file(path, seed=7, year=2022, dossiers=SIZE) == SIZE
    assert not Dossier.objects.exists()  # written to the file, not loaded
    assert ProcedureSnapshot.objects.filter(year=2022).count() == 2000  # the catalogue is
    table = read_table(path.read_bytes(), path.name)
    frame = DossierImporter(scope=AgencyScope.everything()).parse(table)  # raises on any error
    assert frame.height == SIZE
    # The same seed loads exactly these dossiers into the demo.
    generate(seed=7, year=2022, dossiers=SIZE)
    stored = {
        code: (procedure, agency, received)
        for code, procedure, agency, received in Dossier.objects.values_list(
            "code", "procedure_id", "agency_id", "received_at"
        )
    }
    assert stored == {
        row["code"]: (row["procedure_id"], row["agency_id"], row["received_at"])
        for row in frame.to_dicts()
    }


def test_the_benchmark_file_can_hold_chosen_months_only(tmp_path):
    from cchc.operations.synthetic import write_dossier_file

    path = tmp_path / "december.csv"
    assert write_dossier_file(path, seed=7, year=2022, dossiers=300, months={12}) == 300
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    assert len(lines) == 300
    assert all(line.split(",")[4][2:10] == "/12/2022" for line in lines)
    with pytest.raises(ValueError, match="tháng không hợp lệ hoặc chưa đến"):
        write_dossier_file(path, seed=7, year=2022, dossiers=10, months={13})
