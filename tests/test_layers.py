"""The layers of ARCHITECTURE.md, checked on the source: an app imports only from apps below
it. `core` (the import engine among them) imports no app; `parindex` and `plans` read their
tables with `core.tabular`, not with the operational importers (issue 20)."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "cchc"

# app → the apps it must never import (directly or through a function-level import)
TOP = ("api", "portal")  # the outward faces: nothing below imports them
FORBIDDEN = {
    "core": ("organizations", "operations", "indicators", "inspections", "parindex", "plans",
             "reports", "national", *TOP),
    "organizations": ("national", *TOP),
    # The published Decision 766 figures sit above what they are compared with, and the
    # inspections above the import engine: it learns of their kinds by registration, the
    # indicators declare only the mapping.
    "operations": ("indicators", "inspections", "national", *TOP),
    "indicators": ("national", *TOP),
    "inspections": ("national", *TOP),
    "parindex": ("operations", "national", *TOP),
    "plans": ("operations", "national", *TOP),
    "reports": ("national", *TOP),
}  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_does_not_import_the_apps_above_it(app):
    wrong = []
    for path in sorted((SRC / app).rglob("*.py")):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "cchc" and len(parts) > 1 and parts[1] in FORBIDDEN[app]:
                wrong.append(f"{path.relative_to(SRC)}: {module}")
    assert wrong == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from cchc.operations.models import Dossier\n")
    assert "cchc.operations.models" in imported_modules(module)


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
