"""The indicators of Decision 766 (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ
người dân, doanh nghiệp), by their national codes, from the bundled framework table
`data/frameworks/qd766_2022_service_quality.csv` (its sources in docs/reference-data.md)."""

from __future__ import annotations

import csv
import unicodedata
from functools import cache

from cchc.core.reference import DATA_DIR

SOURCE = DATA_DIR / "frameworks" / "qd766_2022_service_quality.csv"


@cache
def indicators() -> dict[str, str]:
    """Code → title of each measured indicator (the leaves "766.g.i", not the groups)."""
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: row["title"]
            for row in csv.DictReader(handle)
            if row["code"].count(".") == 2
        }


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


@cache
def _by_title() -> dict[str, str]:
    return {_key(title): code for code, title in indicators().items()}


def find(value: str) -> str | None:
    """The code an imported cell names: the code itself ("766.4.3", or "4.3" without the
    decision's number), or the indicator's title as the decision words it."""
    text = value.strip()
    for code in (text, f"766.{text}"):
        if code in indicators():
            return code
    return _by_title().get(_key(text))
