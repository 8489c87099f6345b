from decimal import Decimal

import pytest

from cchc.inspections.planning import Candidate, propose, required_count


@pytest.mark.parametrize(
    ("total", "share", "needed"),
    [(28, 30, 9), (10, 30, 3), (0, 30, 0), (28, 100, 28), (3, Decimal("33.4"), 2)],
)
def test_required_count_rounds_up(total, share, needed):
    assert required_count(total, Decimal(share)) == needed


def c(code, **kw):
    return Candidate(agency_id=hash(code) % 1000, code=code, name=code, **kw)


def test_ranking_and_reasons():
    candidates = [
        c("A", overdue_tasks=0, par_index=Decimal("90")),
        c("B", overdue_tasks=3, par_index=Decimal("85")),
        c("C", overdue_tasks=0, par_index=Decimal("70.5")),
        c("D", overdue_tasks=0, par_index=None),
        c("E", overdue_tasks=0, par_index=Decimal("70.5"), inspected_last_year=True),
        c("F", inspected_this_year=True),
        c("G", overdue_tasks=0, par_index=Decimal("95")),
        c("H", overdue_tasks=1, par_index=Decimal("99")),
        c("I", overdue_tasks=0, par_index=Decimal("80")),
        c("J", overdue_tasks=0, par_index=Decimal("75")),
    ]
    proposals, needed, done = propose(candidates, share=Decimal(30))
    assert (needed, done) == (3, 1)
    assert [p.candidate.code for p in proposals] == ["B", "H"]
    assert proposals[0].reasons[0] == "3 nhiệm vụ CCHC quá hạn"
    more, _n, _d = propose(candidates, share=Decimal(60))
    assert [p.candidate.code for p in more] == ["B", "H", "C", "E", "J"]
    assert "Chỉ số CCHC năm trước 70,5%" in more[2].reasons


def test_nothing_to_propose_when_the_share_is_reached():
    candidates = [c("A", inspected_this_year=True), c("B"), c("C")]
    proposals, needed, done = propose(candidates, share=Decimal(30))
    assert proposals == [] and (needed, done) == (1, 1)
