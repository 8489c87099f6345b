"""The demo generator, at a tiny size: seeded, synthetic throughout, idempotent, and written
through the importers (so its rows pass the same validation as an uploaded file)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from cchc.demo.operations import generate
from cchc.indicators.models import IndicatorSnapshot
from cchc.inspections.models import Inspection
from cchc.operations.models import (
    Dossier,
    DossierMonthly,
    ImportRun,
    InformationSystem,
    LegalDocument,
    LegalReview,
    Procedure,
    ProcedureSnapshot,
    SystemConnection,
    WorkRecordStat,
)
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
    from cchc.demo.operations import write_dossier_file
    from cchc.operations.imports.dossiers import DossierImporter
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
    from cchc.demo.operations import write_dossier_file

    path = tmp_path / "december.csv"
    assert write_dossier_file(path, seed=7, year=2022, dossiers=300, months={12}) == 300
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    assert len(lines) == 300
    assert all(line.split(",")[4][2:10] == "/12/2022" for line in lines)
    with pytest.raises(ValueError, match="tháng không hợp lệ hoặc chưa đến"):
        write_dossier_file(path, seed=7, year=2022, dossiers=10, months={13})


def test_a_year_that_changed_in_the_middle_follows_the_tree_on_each_record_date(reorganised):
    """2025 with the reorganisation: every agency that ran in the year has records, each
    dated inside its agency's life (checked here by one query per kind, outside the
    generator): the old communes and districts up to 30/06, the new communes from 01/07."""
    from datetime import timedelta

    from django.db.models import F, Q

    from cchc.core.tabular.cells import VN
    from cchc.organizations.models import Agency

    summary = generate(seed=2022, year=2025, dossiers=SIZE)
    assert summary.dossiers == SIZE

    def outside(model, day):
        """Rows whose `day` lies outside their agency's life."""
        return model.objects.filter(
            Q(agency__valid_to__isnull=False, **{f"{day}__gt": F("agency__valid_to")})
            | Q(agency__valid_from__isnull=False, **{f"{day}__lt": F("agency__valid_from")})
        )

    # Dossiers: the local day of receipt (stored in UTC; VN is UTC+7, never shifted).
    days = {
        (code, (received.astimezone(VN)).date())
        for code, received in Dossier.objects.values_list("agency__code", "received_at")
    }
    lives = {a.code: (a.valid_from, a.valid_to) for a in Agency.objects.all()}
    wrong = [
        (code, day)
        for code, day in days
        if (lives[code][0] and day < lives[code][0]) or (lives[code][1] and day > lives[code][1])
    ]
    assert wrong == []
    assert not outside(LegalDocument, "issued_on").exists()
    assert not outside(Inspection, "inspected_on").exists()
    # A month's work record belongs to the unit running at the month's end.
    for code, month in WorkRecordStat.objects.values_list("agency__code", "month"):
        end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        start, stop = lives[code]
        assert (start is None or start <= end) and (stop is None or stop >= end), (code, month)

    # Old and new units both have records, on their side of 1 July.
    received = Dossier.objects.values_list("agency__code", flat=True)
    assert any(code.startswith("NQ1670-") for code in received)
    assert any(code.startswith("110-") for code in received)  # former communes of Tân Uyên
    assert Dossier.objects.filter(agency__level="district").exists()
    tamung = WorkRecordStat.objects.filter(agency__code="110-12")
    assert sorted(m.month for m in tamung.values_list("month", flat=True)) == [1, 2, 3, 4, 5, 6]
    muongkim = WorkRecordStat.objects.filter(agency__code="NQ1670-01")
    assert sorted(m.month for m in muongkim.values_list("month", flat=True)) == list(range(7, 13))
    # A department merged on 01/03/2025 (ended 28/02) has January and February only.
    assert set(
        WorkRecordStat.objects.filter(agency__code="12-SGTVT").values_list(
            "month__month", flat=True
        )
    ) == {1, 2}

    # Again: nothing new.
    assert generate(seed=2022, year=2025, dossiers=SIZE).written == 0


def test_a_later_year_keeps_the_systems_the_first_one_set():
    generate(seed=2022, year=2022, dossiers=100)
    before = list(SystemConnection.objects.order_by("pk").values_list("connected_on", flat=True))
    later = generate(seed=2022, year=2024, dossiers=100)  # (2023 would rewrite 2022's catalogue)
    assert [k.rows for k in later.kinds if k.kind == "systems"] == [0]
    assert (
        list(SystemConnection.objects.order_by("pk").values_list("connected_on", flat=True))
        == before
    )
    assert generate(seed=2022, year=2022, dossiers=100).written == 0
