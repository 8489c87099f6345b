"""Score the plan parser on the corpus of real target sentences (tests/plans/corpus/targets.json).

Each sentence is classified:

* **fully right** — the parts found are the parts expected, every field equal (comparator,
  thresholds per level, unit, kind, baseline year, target year, applicability, indicator); a
  sentence expected to give no target gives none and a warning;
* **partly right** — the same parts with the same comparator, thresholds, unit and kind, but a
  secondary field (baseline or target year, applicability, indicator, all shown to the
  reviewer) differs;
* **not recognised (warned)** — otherwise, with a warning for the reviewer;
* **wrong (silently)** — otherwise, without a warning: the one outcome that must not happen.

Run ``PYTHONPATH=src python -m tests.plans.corpus.score`` to print the table.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cchc.plans.document_parser import ParsedTarget, parse_target_item

CORPUS = Path(__file__).with_name("targets.json")
CATEGORIES = ("fully right", "partly right", "not recognised (warned)", "wrong (silently)")
CORE = ("comparator", "thresholds", "unit", "kind")
SECONDARY = ("baseline_year", "target_year", "scope_levels", "indicator_code")


@dataclass
class Result:
    id: str
    kind: str
    category: str
    differences: list[str]


def load() -> dict:
    return json.loads(CORPUS.read_text(encoding="utf-8"))


def _actual(target: ParsedTarget) -> dict:
    return {
        "comparator": target.comparator,
        "thresholds": [(t.level, t.value, t.upper) for t in target.thresholds],
        "unit": target.unit,
        "kind": target.kind,
        "baseline_year": target.baseline_year,
        "target_year": target.target_year,
        "scope_levels": list(target.scope_levels),
        "indicator_code": target.indicator_code,
    }


def _expected(part: dict) -> dict:
    def number(value):
        return None if value is None else Decimal(value)

    return {
        **{name: part[name] for name in ("comparator", "unit", "kind", *SECONDARY)},
        "thresholds": [
            (t["level"], number(t["value"]), number(t.get("upper"))) for t in part["thresholds"]
        ],
    }


def classify(sentence: dict) -> Result:
    targets, warnings = parse_target_item(sentence["text"], 1)
    expected = [_expected(p) for p in sentence["expected"]]
    actual = [_actual(t) for t in targets]
    differences = []
    if len(actual) != len(expected):
        differences.append(f"{len(actual)} parts instead of {len(expected)}")
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        for name in (*CORE, *SECONDARY):
            if want[name] != got[name]:
                differences.append(f"part {index + 1} {name}: {got[name]!r} ≠ {want[name]!r}")
    core_wrong = any(d.split(" ", 2)[-1].split(":")[0] in CORE for d in differences)
    if not expected:
        right = not actual and bool(warnings)
        category = CATEGORIES[0] if right else (CATEGORIES[2] if warnings else CATEGORIES[3])
    elif not differences:
        category = CATEGORIES[0]
    elif len(actual) == len(expected) and not core_wrong:
        category = CATEGORIES[1]
    else:
        category = CATEGORIES[2] if warnings else CATEGORIES[3]
    return Result(sentence["id"], sentence["kind"], category, differences)


def score(corpus: dict | None = None) -> list[Result]:
    corpus = corpus or load()
    return [classify(sentence) for sentence in corpus["sentences"]]


def table(results: list[Result]) -> str:
    """A Markdown table: counts and shares per category, for target sentences, report
    sentences and all."""
    groups = {
        "target sentences": [r for r in results if r.kind == "target"],
        "report sentences": [r for r in results if r.kind == "report"],
        "all": results,
    }
    lines = ["| | " + " | ".join(groups) + " |", "|---|" + "---|" * len(groups)]
    for category in CATEGORIES:
        cells = []
        for rows in groups.values():
            count = Counter(r.category for r in rows)[category]
            share = 100 * count / len(rows) if rows else 0
            cells.append(f"{count} ({share:.0f} %)")
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
    lines.append("| total | " + " | ".join(str(len(rows)) for rows in groups.values()) + " |")
    return "\n".join(lines)


def main() -> None:
    corpus = load()
    results = score(corpus)
    provinces = {s["province"] for s in corpus["sources"].values()}
    print(
        f"{len(results)} sentences from {len(corpus['sources'])} sources ({len(provinces)} places)"
    )
    print(table(results))
    for result in results:
        if result.category != CATEGORIES[0]:
            print(f"- {result.id}: {result.category}; " + "; ".join(result.differences))


if __name__ == "__main__":
    main()
