"""The instants a calendar run pins the wall clock at (issue 10): the first minute of a month,
23:59 on 31 December, a Sunday in office hours, 03:00 at night; all Asia/Shanghai."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ediops.clock import parse_instant

INSTANTS = {
    "first-minute-of-a-month": "2027-03-01T00:00:20+08:00",
    "new-years-eve-23-59": "2026-12-31T23:59:00+08:00",
    "a-sunday": "2026-12-06T11:20:00+08:00",
    "three-at-night": "2026-12-02T03:00:00+08:00",
}
CLOCK_DIR = Path(__file__).resolve().parent / "clock"


def environment(instant: str, base: dict | None = None) -> dict:
    """`base` (default os.environ) with every Python process started under it living at
    `instant` from now on (tests/calendar/clock/sitecustomize.py)."""
    env = dict(os.environ if base is None else base)
    real_now = time.time() - float(os.environ.get("EDIOPS_TEST_CLOCK_OFFSET") or 0)  # this process may be pinned
    env["EDIOPS_TEST_CLOCK_OFFSET"] = str(parse_instant(instant).timestamp() - real_now)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CLOCK_DIR), env.get("PYTHONPATH")]))
    return env
