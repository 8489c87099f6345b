"""The catalogue of a year accepts only that year's authority tiers (plans.tiers): from 2026
there is no cấp huyện, and a file naming one is refused whole, with its row and column."""

import pytest

from cchc.operations.models import Procedure
from tests.factories import PlanFactory
from tests.operations.importing import csv_bytes, errors_at, fingerprint, load
from tests.operations.test_import_rules import CATALOGUE

pytestmark = pytest.mark.django_db


def test_a_2026_catalogue_with_a_district_procedure_is_refused_with_its_place(reform_office):
    before = fingerprint()
    rows = [["2026", "1.1", "A", "Cấp tỉnh", "4", "", "Không", ""],
            ["2026", "1.2", "B", "Cấp huyện", "4", "", "Không", ""],
            ["2025", "1.3", "C", "Cấp huyện", "4", "", "Không", ""]]  # fmt: skip
    run = load(reform_office, "procedures", csv_bytes(CATALOGUE, rows))
    assert run.status == "rejected"
    assert errors_at(run, 3, "Cấp giải quyết") == [
        "năm 2026 không có cấp huyện (kế hoạch năm 2026 có cấp tỉnh, cấp xã)"
    ]
    assert len(run.errors) == 1  # 2025 still had districts
    assert fingerprint() == before


def test_the_catalogue_follows_the_tiers_the_years_plan_declares(reform_office):
    PlanFactory(year=2027, tiers=["province", "district", "commune"])
    rows = [["2027", "1.2", "B", "Cấp huyện", "4", "", "Không", ""]]
    run = load(reform_office, "procedures", csv_bytes(CATALOGUE, rows))
    assert run.status == "done", run.errors
    assert Procedure.objects.filter(code="1.2").exists()


def test_the_demo_catalogue_decides_district_procedures_at_the_commune_from_2026():
    from cchc.demo.operations import catalogue_labels

    assert catalogue_labels(2025)["district"] == "Cấp huyện"
    assert catalogue_labels(2026)["district"] == "Cấp xã"
    assert catalogue_labels(2026)["province"] == "Cấp tỉnh"
