"""A clock that jumps an hour forward and back (issue 21): the lease is not handed over while
its holder lives, nor kept for a holder that died; no window occurrence runs twice; no age or
countdown goes negative on the desk or in the shift report."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

import pytest

from ediops import config as config_mod
from ediops.clock import SHANGHAI, Clock
from ediops.scheduling import lease
from ediops.scheduling.leader import Leader
from ediops.licensing.ingest import ingest_batch
from ediops.views.dashboard import urgent_licences
from tests.support.harness import make_config
from tests.support.records import batch, licence

T = "2000-10-09T10:10:00+08:00"


@pytest.fixture
def wall(monkeypatch):
    """The wall clock as this process reads it, stepped by `wall.step(seconds)` (NTP's step)."""
    real = time.time

    class Wall:
        offset = 0.0

        def step(self, seconds: float) -> None:
            self.offset += seconds

    w = Wall()
    monkeypatch.setattr(time, "time", lambda: real() + w.offset)
    return w


def test_the_wall_clock_stepped_an_hour_forward_hands_no_live_lease_over(db, wall):
    assert lease.acquire(db, "a", at=T, ttl=15) == 1
    wall.step(3600)
    assert lease.acquire(db, "b", at=T, ttl=15) is None  # a lives: renewed 15 s ago, not an hour
    assert lease.acquire(db, "a", at=T, ttl=15) == 1
    wall.step(-7200)
    assert lease.acquire(db, "b", at=T, ttl=15) is None
    lease.check(db, "a", 1)


def test_the_wall_clock_stepped_back_keeps_no_lease_for_a_holder_that_died(db, wall):
    assert lease.acquire(db, "a", at=T, ttl=0.2) == 1  # and then a dies: it renews no more
    wall.step(-3600)
    time.sleep(0.3)
    assert lease.acquire(db, "b", at=T, ttl=15) == 2  # not an hour and 0.2 s later


class JumpingClock(Clock):
    def __init__(self, start: str):
        super().__init__(datetime.fromisoformat(start))

    def jump(self, delta: timedelta) -> None:
        self._start += delta


def test_no_window_occurrence_runs_twice_when_the_clock_jumps_forward_and_back(db, tmp_path):
    folder, _ = make_config(tmp_path / "config", issuers=1, windows={"forward-customs": 'minute = "0,30"'})
    clock = JumpingClock(T)
    leader = Leader(db, config_mod.load(folder), clock, holder="leader")

    async def fire_at(*jumps: timedelta) -> None:
        leader.token = lease.acquire(db, leader.holder, at=clock.iso())
        for jump in jumps:
            clock.jump(jump)
            await leader._fire("forward-customs")
        await leader.engine.client.aclose()

    hour = timedelta(hours=1)
    asyncio.run(fire_at(timedelta(0), hour, -hour, timedelta(minutes=30), hour))
    runs = db.execute("SELECT occurrence, count(*) FROM window_runs GROUP BY occurrence ORDER BY 1").fetchall()
    assert runs == [
        ("2000-10-09T10:00:00+08:00", 1),  # at 10:10, and again at 10:10 after the jump back: once
        ("2000-10-09T10:30:00+08:00", 1),  # at 10:40
        ("2000-10-09T11:00:00+08:00", 1),  # at 11:10
        ("2000-10-09T11:30:00+08:00", 1),  # at 11:40
    ]


def test_an_urgent_licence_received_after_the_clock_stepped_back_counts_down_from_its_deadline(db):
    received = datetime(2000, 10, 9, 11, 10, tzinfo=SHANGHAI)
    config = config_mod.load()
    ingest_batch(db, config, batch(licence(), kind="urgent"), now=received, source="file test")
    (row,) = urgent_licences(db, now=received - timedelta(hours=1), deadline_minutes=15)
    assert row["age_minutes"] == 0 and row["minutes_left"] == 15


@pytest.mark.integration
def test_a_daemon_an_hour_ahead_by_now_takes_no_lease_from_a_live_leader(world):
    """`--now` across processes: the second daemon's business clock is an hour ahead of the
    first's; the lease is real time, so it stands by until the first stops, then leads."""
    world.configure(issuers=1, windows={"reconcile": 'minute = "*/30"'}, settings={"lease_seconds": 3})
    first = world.daemon("first", now="2000-10-09T10:10:00+08:00")
    first.wait_for("took the lease", timeout=30)
    ahead = world.daemon("ahead", now="2000-10-09T11:10:00+08:00")
    ahead.wait_for("standing by", timeout=30)
    time.sleep(3 * 3)  # three leases: the first renews, the other keeps standing by
    assert "took the lease" not in ahead.output()
    assert first.stop() == 0
    ahead.wait_for("took the lease", timeout=30)
