"""Run by test_pinned_instants in a child pytest: the pin reached this process and a child."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from ediops.clock import SHANGHAI, Clock, parse_instant

PINNED = os.environ.get("EDIOPS_TEST_PINNED_AT")


@pytest.mark.skipif(not PINNED, reason="only inside a calendar run (tests/calendar/test_pinned_instants.py)")
def test_this_process_and_its_children_live_at_the_pinned_instant():
    pinned = parse_instant(PINNED)
    assert abs(Clock().now() - pinned) < timedelta(minutes=5)
    child = subprocess.run(
        [sys.executable, "-c", "from ediops.clock import Clock; print(Clock().now().isoformat())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert abs(datetime.fromisoformat(child.stdout.strip()).astimezone(SHANGHAI) - pinned) < timedelta(minutes=5)
