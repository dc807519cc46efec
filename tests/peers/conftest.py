"""An engine in this process against the simulator as a real process (issue 21's tests), and
the engine's real-process fixtures (a world of free ports, the simulator)."""

from __future__ import annotations

import pytest

from ediops import config as config_mod
from ediops.clock import Clock, parse_instant
from ediops.peers.runtime import Engine, client_for
from tests.engine.conftest import World, world  # noqa: F401  (world: a fixture)

EVENING = "2000-10-09T23:00:00+08:00"


@pytest.fixture
def peers(tmp_path, monkeypatch, db):
    """(engine, simulator): the engine on `db`, its peers the simulator's, the clock running."""
    world = World(tmp_path)
    world.configure(issuers=2, windows={})
    for name, value in world.env.items():
        monkeypatch.setenv(name, value)
    sim = world.simulator(now=EVENING)
    config = config_mod.load(world.config_dir)
    engine = Engine(db, config, Clock(parse_instant(EVENING), frozen=False), client_for(config))
    yield engine, sim
    for proc in reversed(world.procs):
        proc.kill()
