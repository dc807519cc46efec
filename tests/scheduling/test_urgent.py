"""Urgent licences go to customs within seconds of arrival, outside any window; an operator's
urgent forward is picked up by the leader."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from ediops import config as config_mod
from ediops import store
from ediops.scheduling import windows as scheduler
from ediops.errors import EdiopsError
from ediops.clock import parse_instant
from ediops.simulator import traffic
from tests.support.harness import wait_until
from tests.conftest import ANYONE

pytestmark = pytest.mark.integration
SEED = 7
WINDOWS = {"forward-customs": 'hour = "9-18", minute = "0,30"', "poll-feeds": 'minute = "*/5"'}


def _first_urgent_after(config_dir, day: date, after: str):
    config = config_mod.load(config_dir)
    times = [
        b.sent_at
        for i in config.issuers
        for b in traffic.day(SEED, i.code, i.cutoff, day, traffic.Shape(scale=0.1)).batches
        if b.kind == "urgent" and b.sent_at > parse_instant(after)
    ]
    return min(times)


def test_an_urgent_licence_reaches_customs_within_seconds(world):
    world.configure(windows=WINDOWS, settings={"feed_poll_seconds": 1})
    arrival = _first_urgent_after(world.config_dir, date(2000, 10, 9), "2000-10-09T10:05:00+08:00")
    start = (arrival - timedelta(seconds=4)).isoformat()
    sim = world.simulator(now=start, scale=0.1, seed=SEED)
    world.daemon(now=start)
    stats = wait_until(
        lambda: (s := sim.stats())["customs"]["urgent_latency_seconds"]["count"] and s,
        timeout=40,
        what="an urgent licence accepted by customs",
    )
    latency = stats["customs"]["urgent_latency_seconds"]
    print(f"urgent arrival -> customs acceptance: {latency}")
    db = store.connect(world.db_path)
    urgent = db.execute(
        "SELECT licence_no, state FROM licences WHERE urgent = 1 AND received_at >= ?", [start]
    ).fetchall()
    assert urgent and all(state == "accepted" for _, state in urgent)
    # No window ran in between: the forward came from the urgent path.
    runs = db.execute(
        "SELECT count(*) FROM window_runs WHERE window = 'forward-customs' AND started_at > ?", [arrival.isoformat()]
    ).fetchone()[0]
    assert runs == 0


def test_an_operator_urgent_forward_is_picked_up_by_the_leader(world):
    world.configure(issuers=3, windows={"poll-feeds": 'second = "*/2"'})
    evening = "2000-10-09T23:00:00+08:00"
    world.simulator(now=evening, scale=0.1, seed=SEED)
    world.daemon(now=evening)
    db = store.connect(world.db_path)
    number = wait_until(
        lambda: db.execute(
            "SELECT licence_no FROM licences WHERE urgent = 0 AND state = 'received' ORDER BY licence_no LIMIT 1"
        ).fetchone(),
        timeout=30,
        what="a daily licence waiting for its window",
    )[0]
    scheduler.request_urgent_forward(
        db, number, roles=ANYONE, actor="alice", reason="phoned by the port", now=parse_instant(evening)
    )
    wait_until(
        lambda: db.execute("SELECT state FROM licences WHERE licence_no = ?", [number]).fetchone()[0] == "accepted",
        timeout=20,
        what="the licence accepted by customs",
    )
    outcome = db.execute("SELECT outcome, taken_by FROM commands WHERE subject = ?", [number]).fetchone()
    assert outcome[0] == f"{number} accepted by customs" and outcome[1].startswith("daemon@")
    assert db.execute("SELECT count(*) FROM licences WHERE urgent = 0 AND state = 'received'").fetchone()[0] > 0
    with pytest.raises(EdiopsError, match="already at customs"):
        scheduler.request_urgent_forward(db, number, roles=ANYONE, actor="bob", reason=None, now=parse_instant(evening))


def test_customs_down_then_back_f_tries_the_waiting_key_again_now(world):
    """An urgent licence customs never answered: `f` (the domain forward) tries its own key
    again at once, audited, instead of "already being forwarded" (issue 24, item 1)."""
    world.configure(issuers=3, windows={"poll-feeds": 'second = "*/2"'})
    evening = "2000-10-09T23:00:00+08:00"
    world.simulator(now=evening, scale=0.1, seed=SEED, faults=("down=customs",))
    control = config_mod.load(world.config_dir).ministry.url  # the customs port is down
    world.daemon(now=evening)
    db = store.connect(world.db_path)
    number = wait_until(
        lambda: db.execute(
            "SELECT licence_no FROM licences l JOIN forwards f ON f.idempotency_key = l.forward_key "
            "WHERE l.urgent = 1 AND f.attempts > 0 AND f.status = 'pending' ORDER BY licence_no LIMIT 1"
        ).fetchone(),
        timeout=40,
        what="an urgent licence sent to customs that is down",
    )[0]
    key = db.execute("SELECT forward_key FROM licences WHERE licence_no = ?", [number]).fetchone()[0]
    with store.write(db):  # the engine's own next try is five minutes away, far past the wait below
        db.execute("UPDATE forwards SET attempts = 20, last_attempt_at = ? WHERE idempotency_key = ?", [evening, key])
    httpx.post(f"{control}/control", json={"down": []}, timeout=10).raise_for_status()
    done = scheduler.request_urgent_forward(
        db, number, roles=ANYONE, actor="alice", reason="port officer calling", now=parse_instant(evening)
    )
    assert done == "retry"
    wait_until(
        lambda: db.execute("SELECT state FROM licences WHERE licence_no = ?", [number]).fetchone()[0] == "accepted",
        timeout=30,
        what="the licence accepted by customs on the retry",
    )
    assert db.execute("SELECT forward_key FROM licences WHERE licence_no = ?", [number]).fetchone()[0] == key
    stats = httpx.get(f"{control}/stats", params={"detail": "1"}, timeout=10).json()
    assert stats["customs"]["licences_under_several_keys"] == []
    assert db.execute("SELECT actor, reason FROM audit WHERE action = 'licence.forward_retry'").fetchall() == [
        ("alice", "port officer calling")
    ]
