"""Build the bundled Word templates, src/cchc/data/document_templates/<kind>.docx, from
`cchc.reports.bundled_templates` (python-docx): the Decree 30/2020 layout with docxtpl's Jinja
in place of the data. The bytes are reproducible; tests/reports/test_document_templates.py
checks that the bundled files are what this script writes.

Run after changing the layout: `python scripts/build_document_templates.py` (from the
repository root, with the project's venv)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cchc.reports.bundled_templates import TITLES, build_template  # noqa: E402
from cchc.reports.docx_builder import BUNDLED_DIR  # noqa: E402


def main() -> None:
    BUNDLED_DIR.mkdir(parents=True, exist_ok=True)
    for kind in TITLES:
        path = BUNDLED_DIR / f"{kind}.docx"
        path.write_bytes(build_template(kind))
        print(f"{path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
