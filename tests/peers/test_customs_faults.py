"""Customs failing: 5xx bursts retried under the same key; a daemon killed mid-request and
restarted loses no licence and sends none under two keys."""

from __future__ import annotations

import signal

import pytest

from ediops import store
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


def _rows(db_path, sql: str, args=()):
    db = store.connect(db_path)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def _all_answered(world):
    return _rows(world.db_path, "SELECT count(*) FROM licences")[0][0] > 0 and not _rows(
        world.db_path, "SELECT 1 FROM licences WHERE state IN ('received', 'forwarded')"
    )


def test_customs_503_then_200_is_retried_with_the_same_key(world):
    world.configure(issuers=5)
    sim = world.simulator(now=EVENING, faults=("errors=customs:2",))
    world.daemon(now=EVENING)
    wait_until(lambda: _all_answered(world), timeout=60, what="licences answered by customs")
    stats = sim.stats(detail=True)
    refused = stats["refused_keys"]["customs"]
    assert len(refused) == 2 and None not in refused
    assert set(refused) <= set(stats["customs"]["by_key"])  # the refused key was sent again
    assert stats["customs"]["licences_under_several_keys"] == []
    assert stats["customs"]["licences"] == _rows(world.db_path, "SELECT count(*) FROM licences")[0][0]


def test_daemon_killed_mid_request_loses_nothing_and_reuses_its_key(world):
    world.configure(issuers=5, settings={"lease_seconds": 3})
    sim = world.simulator(now=EVENING, faults=("slow=customs:30",))
    first = world.daemon("first", now=EVENING)
    wait_until(lambda: sim.stats()["customs"]["posts"] >= 1, timeout=30, what="a forward reaching customs")
    first.signal(signal.SIGKILL)
    first.proc.wait(10)
    in_flight = _rows(world.db_path, "SELECT idempotency_key FROM forwards WHERE status = 'pending' AND attempts > 0")
    assert in_flight, "the daemon was killed before customs answered"
    sim.control(slow={})
    world.daemon("second", now=EVENING)
    wait_until(lambda: _all_answered(world), timeout=60, what="licences answered after the restart")
    stats = sim.stats(detail=True)["customs"]
    assert stats["licences_under_several_keys"] == []
    assert stats["licences"] == _rows(world.db_path, "SELECT count(*) FROM licences")[0][0]
    assert {k for (k,) in in_flight} <= set(stats["by_key"])
    assert stats["posts"] > stats["keys"]  # the killed request's key, sent again
    keys = _rows(world.db_path, "SELECT count(DISTINCT idempotency_key) FROM forward_items")[0][0]
    assert keys == stats["keys"]


def test_customs_401_is_not_retried_at_once_and_the_window_resends_the_same_key(world):
    world.configure(issuers=3, windows={})
    sim = world.simulator(now=EVENING, faults=("unauthorized=customs",))
    for window in ("poll-feeds", "forward-customs"):
        assert world.cli("run", window, now=EVENING).returncode == 0
    forwards = _rows(world.db_path, "SELECT idempotency_key, status, attempts, last_error FROM forwards")
    assert forwards and all(status == "failed" and "HTTP 401" in error for _, status, _, error in forwards)
    assert all(attempts <= 2 for _, _, attempts, _ in forwards)  # once per pass, no retry storm
    assert sim.stats()["customs"]["posts"] == 0
    sim.control(unauthorized=[])
    assert world.cli("run", "forward-customs", now=EVENING).returncode == 0
    assert _all_answered(world)
    stats = sim.stats(detail=True)["customs"]
    assert set(stats["by_key"]) == {key for key, *_ in forwards}
    assert stats["licences_under_several_keys"] == []
