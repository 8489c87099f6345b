from pathlib import Path

from cchc.indicators.registry import INDICATORS
from cchc.plans.document_parser import DEFAULT_INDICATOR_CATALOGUE

ROOT = Path(__file__).resolve().parents[2]


def test_every_indicator_has_its_definition_document():
    missing = [code for code, i in INDICATORS.items() if not (ROOT / i.doc_path).exists()]
    assert missing == []


def test_the_plan_parser_only_proposes_registered_indicators():
    assert set(DEFAULT_INDICATOR_CATALOGUE) <= set(INDICATORS)
