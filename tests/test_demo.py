"""`demo_session`: starts the simulator and a leader on a fresh data file, and stops both."""

from __future__ import annotations

import os

import pytest

from ediops import config as config_mod
from ediops import store
from ediops.scheduling import windows as scheduler
from ediops.cli import Context
from ediops.clock import Clock, parse_instant
from ediops.demo import demo_session
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


def test_demo_session_starts_peers_and_a_leader_and_stops_them(world, monkeypatch):
    world.configure(issuers=3)
    names = list(world.env)
    for name in names:  # no tokens: the demo makes its own, for this session
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)
    ctx = Context(db_path=None, config_dir=world.config_dir, clock=Clock(parse_instant(EVENING), frozen=False))
    with demo_session(ctx) as db_path:
        assert all(os.environ.get(name) for name in names)
        db = store.connect(db_path)
        leader = wait_until(
            lambda: (s := scheduler.leader_status(db, now=ctx.clock.now()))["healthy"] and s,
            timeout=20,
            what="the demo's leader",
        )
        assert leader["holder"].startswith("daemon@")
        wait_until(
            lambda: db.execute("SELECT count(*) FROM acks WHERE delivered_at IS NOT NULL").fetchone()[0] > 0,
            timeout=30,
            what="batches from the simulated issuers, acknowledged",
        )
        customs = config_mod.load(world.config_dir).customs.url
        db.close()
    assert not db_path.parent.exists()  # the fresh data file went with the session
    import httpx

    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{customs}/stats", timeout=2)
