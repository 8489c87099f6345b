"""Moving `Inspection` from `operations` to `inspections` (issue 21) keeps every row: an
inspection stored under the old state, with its recommendation and its portal release, is
found after the migrations in the renamed table, every link intact."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("operations", "0012_import_kind_national_766"),
    ("inspections", "0002_recommendation_history"),
    ("portal", "0001_initial"),
]


def migrate(targets):
    """Migrate to `targets` (None: every app's latest) and return the state's models."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_an_inspection_stored_before_the_move_is_found_after_it():
    try:
        old = migrate(BEFORE)
        Agency = old.get_model("organizations", "Agency")
        User = old.get_model("auth", "User")
        agency = Agency.objects.create(code="99", name="Tỉnh Chuyển", level="province")
        officer = User.objects.create(username="chuyen")
        run = old.get_model("operations", "ImportRun").objects.create(
            kind="inspections", file_name="kiem-tra.xlsx", uploaded_by=officer
        )
        inspection = old.get_model("operations", "Inspection").objects.create(
            agency=agency, inspected_on=date(2022, 6, 15), team="Đoàn 1",
            covers_organisation=True, findings="Niêm yết chưa đủ", import_run=run,
        )  # fmt: skip
        recommendation = old.get_model("inspections", "Recommendation").objects.create(
            inspection=inspection, text="Niêm yết đủ thủ tục"
        )
        release = old.get_model("portal", "Release").objects.create(
            kind="inspection", inspection=inspection, conclusion="Thực hiện tốt",
            published_at=timezone.now(), published_by=officer,
        )  # fmt: skip
        assert "operations_inspection" in connection.introspection.table_names()

        new = migrate(None)
        tables = connection.introspection.table_names()
        assert "inspections_inspection" in tables and "operations_inspection" not in tables
        moved = new.get_model("inspections", "Inspection").objects.get(pk=inspection.pk)
        assert (moved.agency_id, moved.inspected_on, moved.team, moved.findings) == (
            agency.pk, date(2022, 6, 15), "Đoàn 1", "Niêm yết chưa đủ"
        )  # fmt: skip
        assert moved.covers_organisation and moved.import_run_id == run.pk
        assert moved.recorded_by_id is None  # an imported one keeps its run and no officer
        Release = new.get_model("portal", "Release")
        assert Release.objects.get(pk=release.pk).inspection_id == moved.pk
        assert Release.objects.filter(inspection__team="Đoàn 1").count() == 1  # the join works
        Recommendation = new.get_model("inspections", "Recommendation")
        assert Recommendation.objects.get(pk=recommendation.pk).inspection_id == moved.pk
        with pytest.raises(LookupError):
            new.get_model("operations", "Inspection")
    finally:
        migrate(None)  # the database is left at the latest state whatever happened
