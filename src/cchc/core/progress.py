"""The progress bar of long management commands (imports, demo generators): one line on
standard error, rewritten in place — `[#####.....]  50% Ghi dữ liệu`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from django.core.management.base import OutputWrapper

WIDTH = 30


def progress_bar(stream: TextIO | OutputWrapper | None = None) -> Callable[[int, str], None]:
    """A `progress(percent, stage)` callback that draws the bar on `stream`: a command's
    `self.stderr` (so `call_command(stderr=…)` captures it) or, by default, sys.stderr."""
    if isinstance(stream, OutputWrapper):
        stream.style_func = None  # a progress bar is not an error: not in red

    def draw(percent: int, stage: str) -> None:
        out = stream or sys.stderr
        filled = max(0, min(percent, 100)) * WIDTH // 100
        text = f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {percent:3d}% {stage:<48}"
        if isinstance(out, OutputWrapper):
            out.write(text, ending="")
        else:
            out.write(text)
        out.flush()

    return draw
