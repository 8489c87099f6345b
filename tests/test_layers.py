"""The layers of ARCHITECTURE.md are a contract `lint-imports` checks in `make test`
([tool.importlinter] in pyproject.toml: apps depend downward only; `parindex` and `plans` read
their tables with `core.tabular`, not the operational importers). Here: every app is placed
in that contract, and the seams by which a higher app supplies a lower one are filled."""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "cchc"


def test_every_app_has_its_place_in_the_layers():
    """A new app left out of the contract could import anything unchecked."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    apps = {f"cchc.{path.parent.name}" for path in SRC.glob("*/__init__.py")}
    assert placed == apps


def test_every_seam_is_supplied_in_a_full_installation():
    """A lower app's seam left empty would silently fall back to its default (ADR 0024)."""
    from cchc.core.seams import SEAMS

    assert SEAMS and [name for name, seam in SEAMS.items() if not seam.supplied] == []


def test_a_seam_is_supplied_once():
    from cchc.core.seams import SEAMS, Seam

    seam = Seam("tests.once", default=lambda: "mặc định")
    try:
        assert seam() == "mặc định"
        seam.supply(str.upper)
        seam.supply(str.upper)  # the same supplier again (a second ready()) is harmless
        assert seam("a") == "A"
        with pytest.raises(ValueError, match="already supplied"):
            seam.supply(str.lower)
    finally:
        del SEAMS["tests.once"]
