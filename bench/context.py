"""What each benchmark gets: the measured store, the scale, scratch space and progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass
class Context:
    scale: "object"
    db_path: Path
    scratch: Path
    base_path: Path | None = None  # the scale store as built and migrated, before any benchmark
    on_steps: Callable[[int], None] = field(default=lambda total: None)
    on_tick: Callable[[int], None] = field(default=lambda n: None)

    def steps(self, total: int) -> None:
        """Announces how many ticks the current benchmark will make (for the progress bar)."""
        self.on_steps(total)

    def tick(self, n: int = 1) -> None:
        self.on_tick(n)
