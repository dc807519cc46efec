"""The leader's last pass, beside the data file (`ediops.db-leader.json`), for `ediops health`
in another process (docs/monitoring.md): a hung leader still holds its lease for up to
`lease_seconds`, but its pass is seen to stop within three poll intervals.

A file rather than a row: the leader passes about once a second, and every commit to the
store makes every desk refresh; replacing a small file costs a rename and wakes nobody."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Pass:
    """One pass of the leader's loop: who, when (wall-clock seconds), and how it ended."""

    holder: str
    at: float
    ok: bool = True
    error: str | None = None
    took: float = 0.0  # seconds the pass's work took (its nap not included)


def path_for(db_path: str | os.PathLike) -> Path:
    return Path(f"{db_path}-leader.json")


def write(path: Path, last: Pass) -> None:
    """Replaces the file whole (written beside it, then renamed): a reader never sees half."""
    scratch = path.with_name(f".{path.name}.{os.getpid()}")
    scratch.write_text(json.dumps(asdict(last)), encoding="utf-8")
    os.replace(scratch, path)


def read(path: Path) -> Pass | None:
    """The last pass written, or None when there is none (no leader here yet) or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Pass(
            str(data["holder"]), float(data["at"]), bool(data["ok"]), data.get("error"), float(data.get("took", 0.0))
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Beat:
    """Writes the leader's passes, at most once a second (and at once when the outcome
    changes); a file system that refuses is said once in the log, and the leader goes on."""

    def __init__(self, path: Path, log):
        self.path, self.log = path, log
        self.written: Pass | None = None
        self.failing = False

    def __call__(self, last: Pass) -> None:
        before = self.written
        if before is not None and before.ok == last.ok and last.at - before.at < 1.0:
            return
        try:
            write(self.path, last)
        except OSError as exc:
            if not self.failing:
                self.log.warning("heartbeat %s cannot be written: %s", self.path, exc)
            self.failing = True
            return
        self.written, self.failing = last, False
