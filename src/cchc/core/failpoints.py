"""Failpoints: named places where a test may end the process as a kill would.

`failpoint("import:written")` does nothing unless the environment variable `CCHC_FAILPOINT`
names that place; then the process ends at once (`os._exit`, no cleanup, no handler, no
commit), which is what `kill -9` does. Tests start a command with the variable set to check
what the database holds after such an end and that the product repairs it (ADR 0016)."""

from __future__ import annotations

import os

ENV = "CCHC_FAILPOINT"
KILLED = 137  # the exit status of a process ended by SIGKILL


def failpoint(name: str) -> None:
    if os.environ.get(ENV) == name:
        os._exit(KILLED)
