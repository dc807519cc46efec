"""Leadership and the run ledger with real daemon processes: one leader among two, no
occurrence run twice, hand-over on SIGTERM, and a window missed while nothing ran."""

from __future__ import annotations

import re
import time

import pytest

from ediops import store
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"
# A run the stopped leader was cut off in is run again by the next one (noted so): not twice.
RUN_LINE = re.compile(r"run window=(\S+) occurrence=(\S+) holder=(\S+) token=\S+(?! \(run again)")


def _runs(*procs) -> list[tuple[str, str, str]]:
    return [m.groups() for p in procs for m in RUN_LINE.finditer(p.output())]


def test_two_daemons_one_leader_and_no_occurrence_twice(world):
    world.configure(issuers=3, settings={"lease_seconds": 6})
    world.simulator(now=EVENING, scale=0.05)
    a, b = world.daemon("a", now=EVENING), world.daemon("b", now=EVENING)
    wait_until(lambda: len(_runs(a, b)) >= 12, timeout=40, what="a dozen window runs")
    leaders = {holder for _, _, holder in _runs(a, b)}
    assert len(leaders) == 1
    first = a if "took the lease" in a.output() else b
    other = b if first is a else a
    assert "took the lease" not in other.output()
    assert first.stop() == 0  # clean hand-over: lease released
    other.wait_for("took the lease", timeout=20)
    wait_until(lambda: any(h in other.output() for _, _, h in _runs(other)), timeout=20, what="runs by the new leader")
    time.sleep(4)
    runs = _runs(a, b)
    keys = [(window, occurrence) for window, occurrence, _ in runs]
    assert len(keys) == len(set(keys)), "an occurrence ran twice"
    db = store.connect(world.db_path)
    assert db.execute("SELECT count(*) FROM window_runs").fetchone()[0] == len(set(keys))
    assert len({holder for *_, holder in runs}) == 2


def test_a_window_missed_while_nothing_ran_runs_once_at_the_next_start(world):
    world.configure(
        issuers=1,
        windows={"reconcile": 'hour = "12", minute = "0"'},
        settings={"feed_poll_seconds": 3600, "peer_attempts": 1},
    )

    def start_and_stop(name: str, now: str, expect: str | None):
        daemon = world.daemon(name, now=now)
        daemon.wait_for("took the lease", timeout=20)
        if expect:
            daemon.wait_for(f"done window=reconcile occurrence={re.escape(expect)}", timeout=20)
        else:
            time.sleep(2)
        assert daemon.stop() == 0
        return daemon

    d1 = start_and_stop("d1", "2000-10-09T12:30:00+08:00", "2000-10-09T12:00:00+08:00")
    d2 = start_and_stop("d2", "2000-10-10T12:30:00+08:00", "2000-10-10T12:00:00+08:00")
    d3 = start_and_stop("d3", "2000-10-10T12:40:00+08:00", None)
    runs = [(w, o) for w, o, _ in _runs(d1, d2, d3)]
    assert runs == [("reconcile", "2000-10-09T12:00:00+08:00"), ("reconcile", "2000-10-10T12:00:00+08:00")]
    db = store.connect(world.db_path)
    rows = db.execute("SELECT occurrence, outcome FROM window_runs ORDER BY occurrence").fetchall()
    assert rows == [("2000-10-09T12:00:00+08:00", "ok"), ("2000-10-10T12:00:00+08:00", "ok")]
