"""Two departments' dossier statistics for January and February 2022 (our figures), and the
Decision 766 results published for February (and January for Sở Tư pháp), as a file of the
published table. The hand computation is in tests/national/test_comparison.py."""

from datetime import date

from cchc.indicators.services import snapshots_refresh
from cchc.operations.models import DossierMonthly, ImportRun, Procedure, ProcedureSnapshot
from cchc.organizations.models import Agency

HEADER = ["Mã chỉ số", "Mã cơ quan", "Tháng", "Giá trị (%)"]
PUBLISHED = [
    ["766.4.3", "12", "02/2022", "25"],  # the province as a whole
    ["766.4.3", "12-STP", "02/2022", "45,5"],
    ["766.4.3", "12-SNV", "02/2022", "8,33"],
    ["766.4.3", "12-STP", "01/2022", "100"],
    ["766.2.1", "12-STP", "02/2022", "80"],
    ["766.3.1", "12-STP", "02/2022", "50%"],
]
# Counters per agency and month (what a province's statistics file gives).
MONTHS = {
    ("12-STP", date(2022, 1, 1)): {"received": 10, "received_online": 10, "finished": 10,
                                   "finished_on_time": 10, "results_granted": 10},
    ("12-SNV", date(2022, 1, 1)): {"received": 10, "received_online": 0},
    ("12-STP", date(2022, 2, 1)): {
        "received": 8, "received_online": 3, "finished": 6, "finished_on_time": 4,
        "finished_late": 1, "finished_unknown_deadline": 1, "open_on_time": 2, "open_overdue": 1,
        "with_fee": 5, "paid_online": 2, "results_granted": 6, "results_digitized": 3,
    },
    ("12-SNV", date(2022, 2, 1)): {"received": 12, "received_online": 1, "finished": 12,
                                   "finished_on_time": 12, "results_granted": 12},
}  # fmt: skip


def store_our_figures() -> None:
    """The statistics of MONTHS stored and the indicator figures computed from them."""
    procedure = Procedure.objects.create(code="1.001", name="Cấp phiếu lý lịch tư pháp")
    ProcedureSnapshot.objects.create(procedure=procedure, year=2022, authority_tier="province",
                                     processing_days=10, has_fee=True, online_payment=True)  # fmt: skip
    run = ImportRun.objects.create(kind="dossier_stats", file_name="thong-ke.csv")
    for (code, month), counters in MONTHS.items():
        DossierMonthly.objects.create(
            agency=Agency.objects.get(code=code), procedure=procedure, month=month,
            source="imported", import_run=run, **counters,
        )  # fmt: skip
    snapshots_refresh(agency_ids=None, years=[2022])
