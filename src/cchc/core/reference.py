"""Loading bundled reference data: where it lives and how a load is counted."""

from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


@dataclass
class LoadResult:
    """What a reference load did. Loading the same data again reports only `unchanged`."""

    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.name}: thêm {self.created}, cập nhật {self.updated}, "
            f"giữ nguyên {self.unchanged}"
        )
