"""What a store fault test checks once the fault is gone (docs/faults.md): the daemon said so
once each way, everything waiting was acknowledged and forwarded, and no peer holds anything
twice."""

from __future__ import annotations

from ediops import store
from tests.support.harness import wait_until


def count(path, sql: str):
    """The first column of the first row of `sql` on the store at `path`."""
    db = store.connect(path, migrate=False)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def assert_resumed_once(daemon, world, sim, what: str) -> dict:
    """Waits for the daemon to write again and catch up, checks nothing was lost or doubled at
    any peer, and returns the simulator's detailed stats for the test's own checks."""
    daemon.wait_for("writable again", timeout=90)
    wait_until(
        lambda: count(world.db_path, "SELECT count(*) FROM licences") > 0
        and count(world.db_path, "SELECT count(*) FROM licences WHERE state IN ('received', 'forwarded')") == 0
        and not sim.stats()["issuers"]["unacked"],
        timeout=90,
        what=what,
    )
    log = daemon.output()
    assert log.count("cannot write") == 1 and log.count("writable again") == 1, log[-3000:]
    assert "Traceback" not in log
    stats = sim.stats(detail=True)
    assert stats["customs"]["licences_under_several_keys"] == []
    assert stats["ministry"]["records_under_several_keys"] == 0
    assert stats["customs"]["licences"] == count(world.db_path, "SELECT count(*) FROM licences")
    assert stats["issuers"]["batches_acked"] == stats["issuers"]["batches_published"]
    return stats
