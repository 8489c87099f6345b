"""The mapping of our indicators to Decision 766's, as declared in the registry."""

from pathlib import Path

from cchc.indicators.registry import INDICATORS
from cchc.national import framework
from cchc.national.selectors import mapped

DOCS = Path(__file__).resolve().parents[2]


def test_the_four_indicators_both_compute_are_mapped_to_their_national_codes():
    assert {i.code: i.national_766.code for i in mapped()} == {
        "ONLINE_DOSSIER_SHARE": "766.4.3",
        "ONLINE_PAYMENT_SHARE": "766.4.5",
        "RESULT_DIGITISATION": "766.3.1",
        "ON_TIME_RATE_766": "766.2.1",
    }


def test_every_mapping_names_a_national_indicator_and_its_reasons():
    for indicator in mapped():
        assert indicator.national_766.code in framework.indicators()
        assert len(indicator.national_766.differences) >= 2
        assert indicator.code in INDICATORS


def test_every_mapping_is_explained_in_its_kpi_page():
    for indicator in mapped():
        text = (DOCS / indicator.doc_path).read_text(encoding="utf-8")
        section = text.split("## So với số liệu Quyết định 766", 1)
        assert len(section) == 2, indicator.doc_path
        assert indicator.national_766.code in section[1]
        for part in ("numerator", "denominator", "scope", "Likely reasons"):
            assert part in section[1], (indicator.doc_path, part)


def test_a_national_indicator_is_found_by_code_or_title():
    assert framework.find("766.4.5") == framework.find("4.5") == "766.4.5"
    assert framework.find("  tỷ lệ hồ sơ thanh toán   trực tuyến ") == "766.4.5"
    assert framework.find("766.4") is None and framework.find("9.9") is None
