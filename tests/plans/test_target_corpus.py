"""The parser against real target sentences (tests/plans/corpus/targets.json): no sentence
may be read silently wrong, and the number read fully right may not drop below the recorded
score. Pure Python, no database."""

from __future__ import annotations

import pytest

from tests.plans.corpus import score

CORPUS = score.load()


def test_every_sentence_says_where_it_was_read() -> None:
    sources = CORPUS["sources"]
    for sentence in CORPUS["sentences"]:
        source = sources[sentence["source"]]
        assert source["document"] and source["where"] and source["province"]
        assert sentence["kind"] in ("target", "report")
        assert sentence["text"].strip()
    assert len({s["id"] for s in CORPUS["sentences"]}) == len(CORPUS["sentences"])


def test_no_sentence_is_read_silently_wrong() -> None:
    wrong = [r for r in score.score(CORPUS) if r.category == "wrong (silently)"]
    assert wrong == []


def test_fully_right_does_not_drop_below_the_recorded_score() -> None:
    results = score.score(CORPUS)
    fully = sum(r.category == "fully right" for r in results)
    assert fully >= CORPUS["recorded"]["fully_right"], [
        (r.id, r.differences) for r in results if r.category != "fully right"
    ]


@pytest.mark.parametrize(
    ("expected", "category"),
    [
        # The scorer itself: a made-up expectation (not corpus data) to see each verdict.
        (
            [{"comparator": "gte", "value": "30", "scope": ["department", "district"]}],
            "fully right",
        ),
        ([{"comparator": "gte", "value": "30", "scope": ["commune"]}], "partly right"),
        ([{"comparator": "lte", "value": "30", "scope": []}], "wrong (silently)"),
        ([], "wrong (silently)"),
    ],
)
def test_the_scorer_tells_the_categories_apart(expected, category) -> None:
    sentence = {
        "id": "x",
        "kind": "target",
        "text": CORPUS["sentences"][0]["text"],  # plan 4345, target 1
        "expected": [
            {
                "comparator": e["comparator"],
                "thresholds": [{"level": None, "value": e["value"], "upper": None}],
                "unit": "percent",
                "kind": "share",
                "baseline_year": None,
                "target_year": 2022,
                "scope_levels": e["scope"],
                "indicator_code": "INSPECTION_COVERAGE",
            }
            for e in expected
        ],
    }
    assert score.classify(sentence).category == category


def test_an_unread_sentence_with_a_warning_is_not_recognised_rather_than_wrong() -> None:
    sentence = next(s for s in CORPUS["sentences"] if s["id"] == "NT-1694-2")
    assert score.classify(sentence).category == "not recognised (warned)"
