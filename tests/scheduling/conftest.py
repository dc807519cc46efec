"""Real daemons and the simulator as processes, always stopped (tests/engine's World)."""

from __future__ import annotations

import pytest

from tests.engine.conftest import World


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    for proc in reversed(w.procs):
        proc.kill()
