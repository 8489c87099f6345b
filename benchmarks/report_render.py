"""A report's Word document rendered in a child process (the time and memory limit of
`core.documents.render_docx`) against the same rendering in the server's own process, in one
run, alternating.

The document: the bundled periodic report filled with the sample report a template upload is
checked with (`reports.document_templates.sample_document`: three sections, one table). No
database is read. Prints figures; asserts no timing.

Usage:
  .venv/bin/python benchmarks/report_render.py --repeat 30
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from cchc.core import documents
    from cchc.reports.document_templates import sample_document
    from cchc.reports.docx_builder import PERIODIC_REPORT, bundled_template, document_context

    context = document_context(sample_document(PERIODIC_REPORT, "tỉnh Lai Châu"))
    template = bundled_template(PERIODIC_REPORT)
    ways = {
        "in the server's process (before)": documents._render,
        "in a child process (after)": documents.render_docx,
    }
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    sizes = set()
    for _ in range(args.repeat):
        for name, render in ways.items():
            start = time.perf_counter()
            sizes.add(len(render(template, context)))
            seconds[name].append(time.perf_counter() - start)
    print(f"the sample periodic report, {args.repeat} renders each way, alternating")
    for name, times in seconds.items():
        print(
            f"  {name:34} median {statistics.median(times) * 1000:6.1f} ms, "
            f"fastest {min(times) * 1000:6.1f} ms, slowest {max(times) * 1000:6.1f} ms"
        )
    print(f"  document sizes seen: {', '.join(str(size) for size in sorted(sizes))} bytes")


if __name__ == "__main__":
    main()
