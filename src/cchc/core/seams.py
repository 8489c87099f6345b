"""Seams: what a lower app needs and only a higher app can supply (ADR 0004, ADR 0024).

Apps depend downward. When a lower app must show or check something only a higher app knows
(the plan's target cards show the indicators' values; the procedure import checks the tiers of
a year's plan), the lower app declares a `Seam` — with what it does when nobody supplies it —
and the higher app supplies it once, from its `AppConfig.ready()`. Every seam is listed in
`SEAMS`, so a test can check that a full installation leaves none empty."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SEAMS: dict[str, Seam] = {}


class Seam:
    """A function a lower app calls and a higher app supplies; `default` (None: "nothing is
    supplied, skip") is used until it is."""

    def __init__(self, name: str, *, default: Callable[..., Any] | None = None) -> None:
        if name in SEAMS:
            raise ValueError(f"Seam {name} is declared twice.")
        self.name = name
        self.default = default
        self.supplier: Callable[..., Any] | None = None
        SEAMS[name] = self

    def supply(self, function: Callable[..., Any]) -> None:
        """Fill the seam (from the higher app's AppConfig.ready()); filling it again with
        another function is a wiring mistake and raises."""
        if self.supplier is not None and self.supplier is not function:
            raise ValueError(f"Seam {self.name} is already supplied by {self.supplier!r}.")
        self.supplier = function

    @property
    def supplied(self) -> bool:
        return self.supplier is not None

    @property
    def available(self) -> bool:
        """Whether calling the seam does something (supplied, or a default exists)."""
        return self.supplier is not None or self.default is not None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        function = self.supplier or self.default
        if function is None:
            raise LookupError(f"Seam {self.name} is empty: check `available` first.")
        return function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Seam {self.name}: {self.supplier or 'empty'}>"
