"""The pure PAR INDEX scoring: no database. Tables, a known-answer test on the bands of
Circular 01/2018/TT-VPCP, and properties."""

import random
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.parindex import scoring
from cchc.parindex.scoring import AgencyInput, Line

TT01_BANDS = [
    {"min": "15", "label": "Xuất sắc"},
    {"min": "12", "label": "Tốt"},
    {"min": "9", "label": "Khá"},
    {"min": "6", "label": "Trung bình"},
    {"min": None, "label": "Yếu"},
]
PERCENT_BANDS = [
    {"min": "90", "label": "Xuất sắc"},
    {"min": "80", "label": "Tốt"},
    {"min": "", "label": "Chưa đạt"},
]


# --- one criterion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "max_points", "step", "expected"),
    [
        (D("1.5"), D("2"), D("0.5"), D("1.5")),
        (D("2"), D("2"), D("0.5"), D("2")),
        (D("0"), D("2"), D("0.25"), D("0")),
        (D("0.75"), D("3"), D("0.25"), D("0.75")),
        (D("1.37"), D("2"), None, D("1.37")),
        (1, D("2"), None, D("1")),
        # three decimals, as provinces publish them (1,978 of 2 points)
        (D("1.978"), D("2"), None, D("1.978")),
        (D("1.978"), D("2"), D("0.001"), D("1.978")),
        (D("1.750"), D("2"), D("0.25"), D("1.750")),  # trailing zeros are not decimals
    ],
)
def test_validate_score_accepts(value, max_points, step, expected):
    assert scoring.validate_score(value, max_points=max_points, step=step, places=3) == expected


@pytest.mark.parametrize(
    ("value", "max_points", "step", "places", "message"),
    [
        (D("2.25"), D("2"), None, 3, "Điểm 2,25 vượt điểm tối đa 2 của tiêu chí."),
        (D("-0.5"), D("2"), None, 3, "Điểm không được âm (nhận -0,5)."),
        (D("0.3"), D("2"), D("0.25"), 3, "Điểm phải là bội số của 0,25 (0; 0,25; 0,5; …), nhận 0,3."),
        (D("1.25"), D("2"), D("0.5"), 3, "Điểm phải là bội số của 0,5"),
        (D("1.5"), D("2"), D(1), 3, "Điểm phải là bội số của 1 (0; 1; 2; …), nhận 1,5."),
        (D("1.9785"), D("2"), None, 3, "Điểm 1,9785 có 4 chữ số thập phân; bộ tiêu chí này chỉ "
                                        "chấm đến 3 chữ số thập phân."),
        (D("1.978"), D("2"), None, 2, "Điểm 1,978 có 3 chữ số thập phân; bộ tiêu chí này chỉ "
                                      "chấm đến 2 chữ số thập phân."),
        (D("1.978"), D("2"), D("0.1"), 1, "chỉ chấm đến 1 chữ số thập phân"),
        (D("0.5"), D("2"), None, 0, "bộ tiêu chí này chỉ chấm số nguyên"),
    ],
)  # fmt: skip
def test_validate_score_refuses_in_vietnamese(value, max_points, step, places, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        scoring.validate_score(value, max_points=max_points, step=step, places=places)


def test_validate_score_refuses_floats():
    with pytest.raises(TypeError, match="Decimal"):
        scoring.validate_score(1.5, max_points=D(2))


@pytest.mark.parametrize(
    ("value", "full_at", "zero_at", "max_points", "expected"),
    [
        (D("75"), D("100"), None, D("2"), D("1.50")),
        (D("90"), D("100"), D("80"), D("4"), D("2.00")),
        (D("79.99"), D("100"), D("80"), D("4"), D("0.00")),
        (D("100"), D("100"), D("80"), D("4"), D("4.00")),
        (D("45"), D("30"), D("0"), D("2"), D("2.00")),  # above "full at": full points
        (D("15"), D("30"), D("0"), D("2"), D("1.00")),
        (None, D("30"), D("0"), D("2"), None),  # no data is not 0
    ],
)
def test_computed_points_use_the_linear_scale(value, full_at, zero_at, max_points, expected):
    assert (
        scoring.computed_points(value, full_at=full_at, zero_at=zero_at, max_points=max_points)
        == expected
    )


# --- totals -------------------------------------------------------------------------------


def lines(*specs):
    """("code", max, self, appraised) tuples; survey lines as ("code", max, "survey", points)."""
    built = []
    for code, top, a, b, *rest in specs:
        if a == "survey":
            built.append(Line(code, D(top), "survey", survey_points=None if b is None else D(b)))
        else:
            built.append(
                Line(code, D(top), "self_assessed",
                     self_score=None if a is None else D(a),
                     appraised_score=None if b is None else D(b),
                     not_applicable=bool(rest and rest[0] == "na"))
            )  # fmt: skip
    return built


@pytest.mark.parametrize(
    ("specs", "bonus", "penalty", "total", "maximum", "index"),
    [
        # appraised counts; a missing appraisal falls back to the self-score
        ([("a", 4, "3", "2.5"), ("b", 6, "5", None)], 0, 0, "7.5", "10", "75"),
        # nothing scored: 0, not "no data"
        ([("a", 4, None, None), ("b", 6, None, None)], 0, 0, "0", "10", "0"),
        # a not-applicable criterion leaves numerator and denominator
        ([("a", 4, "4", None), ("b", 6, "6", None, "na")], 0, 0, "4", "4", "100"),
        ([("a", 5, "2", None), ("b", 5, "5", "4", "na")], 0, 0, "2", "5", "40"),
        # survey points are added; a survey criterion without points counts 0 out of its max
        ([("a", 7, "7", None), ("s", 3, "survey", "1.5")], 0, 0, "8.5", "10", "85"),
        ([("a", 7, "7", None), ("s", 3, "survey", None)], 0, 0, "7", "10", "70"),
        # bonus and penalty
        ([("a", 10, "8", None)], 1, "0.5", "8.5", "10", "85"),
        ([("a", 10, "9.5", None)], 2, 0, "11.5", "10", "115"),  # not capped
        # three-decimal scores add up exactly: nothing is rounded on the way
        ([("a", 2, "1.978", None), ("b", 2, "1.5", "1.499")], 0, 0, "3.477", "4", "86.925"),
        ([("a", 3, "1", None), ("b", 3, "1.05", None)], "0.125", "0.001", "2.174", "6",
         "36.2333"),
        # the stored index keeps 4 decimals, half up, from the exact quotient 200 / 3
        ([("a", 3, "2", None)], 0, 0, "2", "3", "66.6667"),
        ([("a", 3, "1", None)], 0, 0, "1", "3", "33.3333"),
        # everything not applicable: no index
        ([("a", 3, "1", None, "na")], 0, 0, "0", "0", None),
    ],
)  # fmt: skip
def test_total_table(specs, bonus, penalty, total, maximum, index):
    result = scoring.total(lines(*specs), bonus=D(bonus), penalty=D(penalty))
    assert result.total == D(total)
    assert result.maximum == D(maximum)
    assert result.index == (None if index is None else D(index))


def test_the_exact_index_is_what_classes_are_decided_on():
    # 17,999 of 20 is 89,995 %: shown as 90,00 with two decimals, but below 90 %
    result = scoring.total(lines(("a", 20, "17.999", None)))
    assert result.exact_index == Fraction(89995, 1000)
    assert result.ratio == Fraction(17999, 20000)
    assert scoring.round_points(result.index, 2) == D("90.00")
    assert scoring.classify(result.exact_index, PERCENT_BANDS, "percent") == "Tốt"


def test_total_keeps_self_and_appraised_apart():
    result = scoring.total(lines(("a", 4, "4", "3"), ("b", 4, "2", None), ("s", 2, "survey", "1")))
    assert result.self_total == D(7)  # 4 + 2 + survey 1
    assert result.appraised_total == D(5)  # 3 + 2
    assert result.survey_total == D(1)
    assert result.total == D(6)
    assert result.applicable == 3


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (Line("x", D(2), self_score=D(3)), "Điểm tự chấm của tiêu chí x"),
        (Line("x", D(2), appraised_score=D("-1")), "Điểm thẩm định của tiêu chí x"),
        (Line("x", D(2), "survey", survey_points=D("2.5")), "điều tra xã hội học"),
        (Line("x", D(2), "other"), "Cách chấm không hợp lệ"),
    ],
)
def test_total_refuses_impossible_scores(line, message):
    with pytest.raises(ValueError, match=message):
        scoring.total([line])


def test_total_refuses_negative_adjustments():
    with pytest.raises(ValueError, match="số dương"):
        scoring.total([], penalty=D(-1))


# --- classification -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (D("18"), "Xuất sắc"),
        (D("15"), "Xuất sắc"),
        (D("14.99"), "Tốt"),
        (D("12"), "Tốt"),
        (D("11.99"), "Khá"),
        (D("9"), "Khá"),
        (D("8.99"), "Trung bình"),
        (D("6"), "Trung bình"),
        (D("5.99"), "Yếu"),
        (D("0"), "Yếu"),
        (None, ""),
    ],
)
def test_classify_on_the_bands_of_circular_01_2018(value, label):
    assert scoring.classify(value, TT01_BANDS, "points") == label


@pytest.mark.parametrize(
    ("value", "label"),
    [(D("90"), "Xuất sắc"), (D("89.99"), "Tốt"), (D("80"), "Tốt"), (D("10"), "Chưa đạt")],
)
def test_classify_by_percent(value, label):
    assert scoring.classify(value, PERCENT_BANDS, "percent") == label


def test_classify_without_a_bottom_band_leaves_low_values_unclassified():
    assert scoring.classify(D(5), TT01_BANDS[:4], "points") == ""
    assert scoring.classify(D(5), [], "points") == ""


@pytest.mark.parametrize(
    ("bands", "basis", "message"),
    [
        ([{"min": "12", "label": "Tốt"}, {"min": "15", "label": "Xuất sắc"}], "points",
         "từ cao xuống thấp"),
        ([{"min": None, "label": "Yếu"}, {"min": "6", "label": "Trung bình"}], "points",
         "Chỉ mức xếp loại cuối cùng"),
        ([{"min": "15", "label": ""}], "points", "chưa có tên"),
        ([{"min": "mười", "label": "Tốt"}], "points", "không phải số"),
        ([{"min": "120", "label": "Tốt"}], "percent", "từ 0 đến 100"),
        ([], "score", "Cách xếp loại không hợp lệ"),
    ],
)  # fmt: skip
def test_bad_bands_are_refused(bands, basis, message):
    with pytest.raises(ValueError, match=message):
        scoring.parse_bands(bands, basis)


# --- ranking ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "ranks"),
    [
        ({"A": 15, "B": 14, "C": 14, "D": 10}, {"A": 1, "B": 2, "C": 2, "D": 4}),
        ({"A": 1, "B": 1, "C": 1}, {"A": 1, "B": 1, "C": 1}),
        ({"A": 5, "B": None, "C": 7}, {"A": 2, "B": None, "C": 1}),
        ({}, {}),
        ({"A": D("9.5"), "B": Fraction(19, 2), "C": 9}, {"A": 1, "B": 1, "C": 3}),
        # a difference in the third decimal separates; an exact tie does not
        ({"A": D("17.967"), "B": D("17.966"), "C": D("17.967"), "D": D("17.999")},
         {"D": 1, "A": 2, "C": 2, "B": 4}),
    ],
)  # fmt: skip
def test_rank_is_competition_ranking(values, ranks):
    assert scoring.rank(values) == ranks


def test_a_group_is_ranked_and_classified_on_exact_totals():
    # Rounded to 2 decimals, 17,967 / 17,966 / 17,97 would all be 17,97 and share a rank,
    # and 14,996 would reach 15 ("Xuất sắc"); exactly they do not.
    results = scoring.evaluate(
        {
            "A": AgencyInput(lines=tuple(lines(("a", 9, "8.989", None), ("b", 9, "8.978", None)))),
            "B": AgencyInput(lines=tuple(lines(("a", 9, "8.988", None), ("b", 9, "8.978", None)))),
            "C": AgencyInput(lines=tuple(lines(("a", 9, "8.99", None), ("b", 9, "8.977", None)))),
            "D": AgencyInput(lines=tuple(lines(("a", 9, "8", None), ("b", 9, "6.996", None)))),
        },
        bands=TT01_BANDS,
    )  # fmt: skip
    # A: 8,989 + 8,978 = 17,967; B: 17,966; C: 8,99 + 8,977 = 17,967; D: 14,996
    assert {k: r.totals.total for k, r in results.items()} == {
        "A": D("17.967"), "B": D("17.966"), "C": D("17.967"), "D": D("14.996")
    }  # fmt: skip
    assert {k: r.rank for k, r in results.items()} == {"A": 1, "C": 1, "B": 3, "D": 4}
    assert results["D"].classification == "Tốt"  # 14,996 < 15


def test_agencies_with_different_maxima_are_ranked_by_total_over_maximum():
    results = scoring.evaluate(
        {
            "full": AgencyInput(lines=tuple(lines(("a", 10, "8", None), ("b", 10, "8", None)))),
            # 8 of 10 applicable points (the second criterion does not apply): 80% as well
            "partial": AgencyInput(
                lines=tuple(lines(("a", 10, "8", None), ("b", 10, None, None, "na")))
            ),
            "low": AgencyInput(lines=tuple(lines(("a", 10, "9", None), ("b", 10, "6", None)))),
        },
    )
    assert {k: r.rank for k, r in results.items()} == {"full": 1, "partial": 1, "low": 3}


# --- a known answer: nine indicators of Circular 01/2018 ----------------------------------

CODES = [f"CS{i}" for i in range(1, 10)]


def tt01(*scores, not_applicable=()):
    return AgencyInput(
        lines=tuple(
            Line(code, D(2), self_score=D(str(s)), not_applicable=code in not_applicable)
            for code, s in zip(CODES, scores, strict=True)
        ),
        group="department",
    )


KNOWN = {
    # agency: (nine indicator scores, total, rank, class)
    "Sở A": ((2, 2, 1, 2, 2, 1, 2, 2, 1), "15", 1, "Xuất sắc"),
    "Sở B": ((2, 1, 1, 2, 1, 1, 2, 2, 2), "14", 2, "Tốt"),
    "Sở G": ((1, 2, 2, 1, 2, 2, 1, 1, 2), "14", 2, "Tốt"),  # tie with B: both 2nd
    "Sở D": (("1.5", "1.5", "1.5", "1.5", 2, 1, "1.5", "1.5", "1.9"), "13.9", 4, "Tốt"),
    "Sở C": ((1, 1, 1, 1, 2, 1, 1, 1, 1), "10", 5, "Khá"),
    "Sở E": ((1, 1, 0, 1, 1, 0, 1, 1, 0), "6", 6, "Trung bình"),
    "Sở F": ((1, 0, 0, 1, 1, 0, 1, 1, "0.9"), "5.9", 7, "Yếu"),
}


def test_known_answer_on_the_bands_of_circular_01_2018():
    results = scoring.evaluate(
        {name: tt01(*row[0]) for name, row in KNOWN.items()}, bands=TT01_BANDS, basis="points"
    )
    for name, (_, total, rank, label) in KNOWN.items():
        result = results[name]
        assert result.totals.total == D(total), name
        assert result.totals.maximum == D(18)
        assert result.rank == rank, name
        assert result.classification == label, name
    assert results["Sở A"].totals.index == D("83.3333")  # 15 / 18, shown as 83,3 (1 decimal)


def test_known_answer_an_indicator_without_data_is_not_counted():
    # Circular 01/2018: an indicator lacking information is left out of the sum. CS9 does not
    # apply: 15 of 16 points is still 15 points, "Xuất sắc" on the points bands.
    result = scoring.evaluate(
        {"Sở H": tt01(2, 2, 2, 2, 2, 2, 2, 1, 0, not_applicable={"CS9"})}, bands=TT01_BANDS
    )["Sở H"]
    assert (result.totals.total, result.totals.maximum) == (D(15), D(16))
    assert result.totals.index == D("93.75")
    assert result.classification == "Xuất sắc"


# --- properties ---------------------------------------------------------------------------

MAXIMA = [D(1), D(2), D("2.5"), D(3), D(4), D(10)]


@st.composite
def agency_lines(draw, *, same_maxima=None):
    maxima = same_maxima or draw(st.lists(st.sampled_from(MAXIMA), min_size=1, max_size=12))
    built = []
    for i, top in enumerate(maxima):
        kind = draw(st.sampled_from(["self_assessed", "computed", "survey"]))
        score = st.none() | st.decimals(min_value=0, max_value=top, places=3)
        built.append(
            Line(
                f"c{i}", top, kind,
                self_score=draw(score), appraised_score=draw(score), survey_points=draw(score),
                not_applicable=draw(st.booleans()) if same_maxima is None else False,
            )
        )  # fmt: skip
    return tuple(built)


@settings(max_examples=200, deadline=None)
@given(agency_lines())
def test_index_stays_within_0_and_100_when_scores_do_not_exceed_maxima(built):
    result = scoring.total(built)
    if result.index is None:
        assert all(line.not_applicable for line in built)
    else:
        assert D(0) <= result.index <= D(100)
        assert D(0) <= result.total <= result.maximum
        # exactly the sum of the lines' points: nothing was rounded
        assert result.total == sum((line.points() for line in built if not line.not_applicable),
                                   D(0))  # fmt: skip


SAME = [D(2)] * 9


@settings(max_examples=100, deadline=None)
@given(st.lists(agency_lines(same_maxima=SAME), min_size=1, max_size=8))
def test_ranking_order_follows_totals(agencies):
    inputs = {i: AgencyInput(lines=built) for i, built in enumerate(agencies)}
    results = scoring.evaluate(inputs, bands=TT01_BANDS)
    for a in results.values():
        for b in results.values():
            if a.totals.total > b.totals.total:
                assert a.rank < b.rank
            elif a.totals.total == b.totals.total:
                assert a.rank == b.rank
    assert min(r.rank for r in results.values()) == 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(agency_lines(), min_size=1, max_size=6),
    st.lists(st.sampled_from(["department", "district"]), min_size=6, max_size=6),
    st.randoms(use_true_random=False),
)
def test_recomputing_gives_the_same_results_in_any_order(agencies, groups, rnd: random.Random):
    inputs = {
        i: AgencyInput(lines=built, bonus=D(i % 2), group=groups[i])
        for i, built in enumerate(agencies)
    }
    first = scoring.evaluate(inputs, bands=TT01_BANDS)
    keys = list(inputs)
    rnd.shuffle(keys)
    again = scoring.evaluate({k: inputs[k] for k in keys}, bands=TT01_BANDS)
    assert first == again
