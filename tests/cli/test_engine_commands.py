"""`ediops windows`, `run`, `pause`, `resume` and the daemon's clean stop, as real commands."""

from __future__ import annotations

import json

import pytest

from ediops import store
from ediops.scheduling import windows as scheduler
from ediops.clock import parse_instant

EVENING = "2000-10-09T23:00:00+08:00"


def _ediops(world, *args):
    return world.cli(*args, now=EVENING)


def test_windows_json_lists_every_window(world):
    world.configure(issuers=1, windows={"reconcile": 'hour = "8,12,17,20,23", minute = "45"'})
    result = _ediops(world, "windows", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["window"] for r in rows] == list(scheduler.WINDOWS)
    reconcile = next(r for r in rows if r["window"] == "reconcile")
    assert reconcile["next_run"] == "2000-10-09T23:45:00+08:00" and reconcile["last_run"] is None
    assert next(r for r in rows if r["window"] == "send-acks")["next_run"] is None


def test_unknown_window_is_a_usage_error(world):
    world.configure(issuers=1)
    assert _ediops(world, "run", "lunch").returncode == 2


@pytest.mark.integration
def test_run_without_a_leader_runs_here_and_with_a_leader_is_queued(world):
    world.configure(issuers=3, windows={})
    sim = world.simulator(now=EVENING, scale=0.05)
    result = _ediops(world, "run", "poll-feeds", "--reason", "catch up by hand")
    assert result.returncode == 0, result.stderr
    assert "poll-feeds: ok:" in result.stdout and "queued" not in result.stdout
    assert sim.stats()["issuers"]["unacked"] == []
    db = store.connect(world.db_path)
    assert db.execute("SELECT holder FROM window_runs").fetchone()[0].startswith("run@")
    assert not scheduler.leader_status(db, now=parse_instant(EVENING))["healthy"]  # lease given back

    daemon = world.daemon(now=EVENING)
    daemon.wait_for("took the lease")
    result = _ediops(world, "run", "forward-customs")
    assert result.returncode == 0, result.stderr
    assert "queued as command" in result.stdout and "forward-customs: ok:" in result.stdout
    taken_by = db.execute("SELECT taken_by FROM commands WHERE window = 'forward-customs'").fetchone()[0]
    assert taken_by.startswith("daemon@")
    assert db.execute("SELECT count(*) FROM licences WHERE state = 'received'").fetchone()[0] == 0
    audit = db.execute("SELECT action, reason FROM audit WHERE action = 'window.run' ORDER BY id").fetchall()
    assert audit == [("window.run", "catch up by hand"), ("window.run", None)]

    assert daemon.stop() == 0
    assert "lease released" in daemon.output()
    assert not scheduler.leader_status(db, now=parse_instant(EVENING))["healthy"]


def test_a_paused_window_is_skipped_by_the_schedule(world):
    world.configure(
        issuers=1, windows={"reconcile": 'second = "*/2"'}, settings={"feed_poll_seconds": 3600, "peer_attempts": 1}
    )
    assert _ediops(world, "pause", "reconcile", "--reason", "summaries broken").returncode == 0
    daemon = world.daemon(now=EVENING)
    daemon.wait_for("outcome=skipped", timeout=20)
    text = _ediops(world, "windows").stdout
    assert "PAUSED by" in text and "summaries broken" in text
    assert _ediops(world, "resume", "reconcile").returncode == 0
    daemon.wait_for("outcome=ok", timeout=20)
    assert daemon.stop() == 0
