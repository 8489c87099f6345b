"""The verdict of a finished dossier (on time, late, or deadline unknown) and what the roll-up
and the indicators count from it, through the importer, against a hand-computed table."""

import re
from datetime import date

import pytest
from django.db.models import Sum
from django.urls import reverse

from cchc.indicators.selectors import evaluate, per_agency
from cchc.operations import selectors
from cchc.operations.models import Dossier, DossierMonthly, Procedure, ProcedureSnapshot
from cchc.organizations.scope import AgencyScope
from cchc.plans.models import Plan, Target, TargetThreshold
from tests.operations.importing import csv_bytes, load

pytestmark = pytest.mark.django_db
ALL = AgencyScope.everything()
HEADER = ["MaHoSo", "MaTTHC", "MaDonVi", "KenhThucHien", "NgayTiepNhan", "NgayHenTra",
          "NgayKetThucXuLy", "TrangThai", "SoLanBoSung", "DaSoHoaKetQua"]  # fmt: skip
# 1.001 has a maximum duration (10 working days); 9.999 has none, so a dossier of it without
# an appointment date has no deadline that can be known.
ROWS = [
    # code, procedure, received, due, finished, status, supplement requests, digitised
    ["A", "1.001", "05/01/2022 08:00", "12/01/2022 17:00", "10/01/2022 10:00", "Đã giải quyết", "0", "1"],
    ["B", "1.001", "05/01/2022 08:00", "12/01/2022 17:00", "14/01/2022 10:00", "Đã giải quyết", "0", "0"],
    ["C", "9.999", "05/01/2022 08:00", "", "20/01/2022 10:00", "Đã giải quyết", "0", "1"],
    ["D", "9.999", "05/01/2022 08:00", "", "20/01/2022 10:00", "Đã giải quyết", "2", "0"],
    ["E", "1.001", "05/01/2022 08:00", "12/01/2022 17:00", "11/01/2022 10:00", "Từ chối", "0", "1"],
    ["F", "9.999", "05/01/2022 08:00", "", "15/01/2022 10:00", "Từ chối", "0", "1"],
    # Still open at the end of January: G and H within their deadline, J past it, I without one.
    ["G", "1.001", "20/01/2022 08:00", "03/02/2022 17:00", "", "Đang xử lý", "0", "0"],
    ["H", "1.001", "21/01/2022 08:00", "10/02/2022 17:00", "", "Đang xử lý", "0", "0"],
    ["J", "1.001", "06/01/2022 08:00", "25/01/2022 17:00", "", "Đang xử lý", "0", "0"],
    ["I", "9.999", "06/01/2022 08:00", "", "", "Đang xử lý", "0", "0"],
]  # fmt: skip
# By hand: on time A, E; late B (after its date), D (two supplement requests); deadline
# unknown C, F. Granted results A, B, C, D (E and F are rejections), digitised among them A, C.
VERDICTS = {"A": True, "B": False, "C": None, "D": False, "E": True, "F": None,
            "G": None, "H": None, "I": None, "J": None}  # fmt: skip


@pytest.fixture
def loaded(reform_office, catalogue):
    Procedure.objects.create(code="9.999", name="Thủ tục không có thời hạn")
    ProcedureSnapshot.objects.create(
        procedure=Procedure.objects.get(code="9.999"), year=2022, authority_tier="province"
    )
    rows = [[code, procedure, "12-STP", "1", *rest] for code, procedure, *rest in ROWS]
    run = load(reform_office, "dossiers", csv_bytes(HEADER, rows))
    assert run.status == "done", run.errors
    return run


def test_each_finished_dossier_gets_its_verdict(loaded):
    verdicts = dict(Dossier.objects.values_list("code", "finished_on_time"))
    assert verdicts == VERDICTS


def test_the_roll_up_counts_unknown_deadlines_and_granted_results_apart(loaded):
    counters = ("finished", "finished_on_time", "finished_late", "finished_unknown_deadline",
                "results_granted", "results_digitized")  # fmt: skip
    january = DossierMonthly.objects.filter(month=date(2022, 1, 1))
    sums = january.aggregate(**{c: Sum(c) for c in counters})
    assert sums == {
        "finished": 6,
        "finished_on_time": 2,
        "finished_late": 2,
        "finished_unknown_deadline": 2,
        "results_granted": 4,
        "results_digitized": 2,
    }


def test_on_time_rate_leaves_unknown_deadlines_out(loaded):
    result = evaluate("ON_TIME_RATE", scope=ALL, year=2022)
    # 2 on time of the 4 whose deadline is known (not 2 of 6 = 33,33 %).
    assert (result.numerator, result.denominator, str(result.value)) == (2, 4, "50.00")
    assert result.excluded == 2


def test_the_decision_766_variant_counts_open_dossiers_within_their_deadline(loaded):
    january = date(2022, 1, 1)
    row = DossierMonthly.objects.filter(month=january).aggregate(
        on_time=Sum("open_on_time"), overdue=Sum("open_overdue"),
        unknown=Sum("open_unknown_deadline"),
    )  # fmt: skip
    assert row == {"on_time": 2, "overdue": 1, "unknown": 1}
    # January: (2 finished on time + G, H open within their deadline) / (4 finished with a
    # known deadline + G, H, J open with one); C, F, I have no deadline to judge them by.
    result = evaluate("ON_TIME_RATE_766", scope=ALL, year=2022, through=january)
    assert (result.numerator, result.denominator, str(result.value)) == (4, 7, "57.14")
    assert result.excluded == 3
    # The data end in January (its last dossier received or finished): the roll-up claims
    # nothing of the end of March (docs/kpi/projections.md, "data through"), so asked for
    # March the figure is January's, and says so.
    march = evaluate("ON_TIME_RATE_766", scope=ALL, year=2022, through=date(2022, 3, 1))
    assert (march.numerator, march.denominator, march.through) == (4, 7, january)
    rows = per_agency("ON_TIME_RATE_766", scope=ALL, year=2022, through=date(2022, 3, 1))
    assert [(r["n"], r["d"], r["excluded"], str(r["value"])) for r in rows] == [(4, 7, 3, "57.14")]
    # The Decree 61/107 rate of the same months counts finished dossiers only.
    decree = evaluate("ON_TIME_RATE", scope=ALL, year=2022, through=january)
    assert (decree.numerator, decree.denominator) == (2, 4)


def test_result_digitisation_divides_by_granted_results(loaded):
    result = evaluate("RESULT_DIGITISATION", scope=ALL, year=2022)
    # 2 digitised of 4 granted results (not 4 "digitised" of 6 finished = 66,67 %).
    assert (result.numerator, result.denominator, str(result.value)) == (2, 4, "50.00")


@pytest.mark.parametrize(
    ("counted", "codes"),
    [("finished_on_time", "AE"), ("finished_with_deadline", "ABDE"),
     ("finished_unknown_deadline", "CF"), ("results_granted", "ABCD"),
     ("results_digitized", "AC")],
)  # fmt: skip
def test_the_records_behind_each_number_are_the_ones_counted(loaded, counted, codes):
    qs = selectors.dossiers(scope=ALL, year=2022, counted=counted)
    assert "".join(sorted(qs.values_list("code", flat=True))) == codes


@pytest.fixture
def on_time_target():
    """A target measured by the on-time rate (not one of plan 4345's, but one a province adds)."""
    plan = Plan.objects.get(year=2022)
    target = Target.objects.create(
        plan=plan, number=99, source_text="Tỷ lệ hồ sơ giải quyết đúng hạn đạt 95%",
        quantity="tỷ lệ hồ sơ giải quyết đúng hạn", indicator_code="ON_TIME_RATE",
    )  # fmt: skip
    TargetThreshold.objects.create(target=target, value=95)
    return target


def test_the_pages_show_the_dossiers_left_out_beside_the_rate(
    client, reform_office, loaded, on_time_target
):
    client.force_login(reform_office)
    words = "2 hồ sơ không xác định được hạn, không tính vào tỷ lệ"
    detail = client.get(reverse("indicators:target_detail", args=[on_time_target.pk]))
    page = " ".join(re.sub(r"<[^>]+>", " ", detail.content.decode()).split())
    assert "50% (2/4)" in page and words in page
    assert "Theo Nghị định 61/2018, 107/2021" in page
    january = client.get(
        reverse("indicators:target_detail", args=[on_time_target.pk]), {"thang": 1}
    )
    page = " ".join(re.sub(r"<[^>]+>", " ", january.content.decode()).split())
    assert "Theo Quyết định 766/QĐ-TTg: 57,14% (4/7)" in page
    # The count left out opens the list of those dossiers: C and F.
    left_out = re.search(
        r'href="([^"]*loc=finished_unknown_deadline[^"]*)"', detail.content.decode()
    )
    listed = client.get(left_out.group(1).replace("&amp;", "&")).content.decode()
    assert re.findall(r"<td>([A-Z])</td>", listed) in (["C", "F"], ["F", "C"])
    dashboard = client.get(reverse("indicators:dashboard"), {"nam": 2022})
    assert words in " ".join(re.sub(r"<[^>]+>", " ", dashboard.content.decode()).split())


def test_the_dossier_list_says_when_a_deadline_cannot_be_known(client, reform_office, loaded):
    client.force_login(reform_office)
    query = {"nam": 2022, "loc": "finished_unknown_deadline"}
    page = client.get(reverse("operations:dossier_list"), query).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "2 hồ sơ đã giải quyết không xác định được hạn" in text
    assert text.count("không xác định được hạn") >= 3  # the description and both rows
