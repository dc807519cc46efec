"""A frozen leader (issue 21): a daemon stopped with SIGSTOP past its lease, inside a forward
customs keeps refusing, while another daemon takes over and forwards everything: when it
resumes it sends nothing (fenced by the lease token right before every POST, a retry built
before the freeze included), and no licence reaches customs under two keys."""

from __future__ import annotations

import signal

import pytest

from ediops import store
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


def _count(world, sql: str) -> int:
    db = store.connect(world.db_path)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def _customs_calls(sim) -> int:
    stats = sim.stats()
    return stats["customs"]["posts"] + len(stats["refused_keys"].get("customs", []))


def test_a_leader_frozen_inside_a_forward_sends_nothing_when_it_resumes(world):
    world.configure(
        issuers=3,
        windows={"forward-customs": 'second = "*/4"'},
        settings={"lease_seconds": 3, "peer_attempts": 60, "peer_deadline_seconds": 300},
    )
    sim = world.simulator(now=EVENING, faults=("errors=customs:100000",))
    first = world.daemon("first", now=EVENING)
    wait_until(lambda: len(sim.stats()["refused_keys"].get("customs", [])) >= 2, timeout=60, what="customs refusing")
    first.signal(signal.SIGSTOP)  # between two tries of a forward: the next one is built already
    sim.control(errors={})
    second = world.daemon("second", now=EVENING)
    second.wait_for("took the lease", timeout=30)
    wait_until(
        lambda: _count(world, "SELECT count(*) FROM licences") > 0
        and _count(world, "SELECT count(*) FROM licences WHERE state IN ('received', 'forwarded')") == 0,
        timeout=60,
        what="every licence answered through the second daemon",
    )
    before = _customs_calls(sim)
    acks = sim.stats()["issuers"]

    first.signal(signal.SIGCONT)
    first.wait_for(r"stopped, nothing (more )?sent", timeout=30)
    first.wait_for("lost the lease|standing by", timeout=30)

    assert _customs_calls(sim) == before, "the resumed leader sent a forward after losing its lease"
    stats = sim.stats(detail=True)
    assert stats["customs"]["licences_under_several_keys"] == []
    assert stats["customs"]["licences"] == _count(world, "SELECT count(*) FROM licences")
    assert stats["issuers"]["ack_posts"] == acks["ack_posts"] == acks["ack_keys"]  # no ack twice
    assert "Traceback" not in first.output() + second.output()
