"""Each indicator declares the import kinds that feed it (issue 21); an import refreshes
exactly those — the table the receivers kept by hand until then, written out here."""

from cchc.indicators.receivers import indicators_of_kind
from cchc.operations.models import ImportKind

DOSSIER_RATES = {"RESULT_DIGITISATION", "ONLINE_PAYMENT_SHARE", "ONLINE_DOSSIER_SHARE",
                 "ON_TIME_RATE", "ON_TIME_RATE_766"}  # fmt: skip
EXPECTED = {
    ImportKind.DOSSIERS: DOSSIER_RATES,
    ImportKind.DOSSIER_STATS: DOSSIER_RATES,
    ImportKind.PROCEDURES: {"ONLINE_PAYMENT_PROCEDURES", "ONLINE_SERVICE_GROWTH",
                            "PORTAL_INTEGRATION_GROWTH", "ONLINE_PAYMENT_SHARE"},
    ImportKind.WORK_RECORDS: {"WORK_RECORDS_ONLINE"},
    ImportKind.LEGAL_DOCUMENTS: {"LEGAL_REVIEW_COVERAGE"},
    ImportKind.INSPECTIONS: {"INSPECTION_COVERAGE"},
    ImportKind.SYSTEMS: {"SYSTEMS_CONNECTED"},
}  # fmt: skip


def test_an_import_refreshes_the_indicators_that_declare_its_kind():
    for kind, codes in EXPECTED.items():
        assert set(indicators_of_kind(kind)) == codes, kind


def test_a_kind_no_indicator_declares_refreshes_them_all():
    assert indicators_of_kind(ImportKind.REORGANISATION) is None
