"""A day's traffic end to end, against the simulator and a daemon as real processes."""

from __future__ import annotations

import pytest

from ediops import store
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


def _count(db_path, sql: str) -> int:
    db = store.connect(db_path)
    try:
        return db.execute(sql).fetchone()[0]
    finally:
        db.close()


def test_a_days_traffic_reaches_customs_and_the_ministry_once(world):
    world.configure()
    sim = world.simulator(now=EVENING, scale=0.1)
    daemon = world.daemon(now=EVENING)
    published = sim.stats()["issuers"]

    def settled():
        stats = sim.stats()
        done = (
            not stats["issuers"]["unacked"]
            and _count(world.db_path, "SELECT count(*) FROM licences WHERE state IN ('received', 'forwarded')") == 0
            and stats["customs"]["writeoffs_published"] > 0
            and stats["ministry"]["records"] >= stats["customs"]["writeoffs_published"]
        )
        return stats if done else None

    stats = wait_until(settled, timeout=90, what="every batch acked, every licence answered, write-offs relayed")
    accepted_here = _count(world.db_path, "SELECT count(*) FROM licences")
    assert accepted_here > 200 and published["batches_published"] >= 40
    # Every accepted licence reached customs, each under exactly one key.
    assert stats["customs"]["licences"] == accepted_here
    assert stats["customs"]["licences_under_several_keys"] == []
    detail = sim.stats(detail=True)["customs"]
    assert all(len(keys) == 1 for keys in detail["by_licence"].values())
    assert stats["customs"]["keys"] == _count(world.db_path, "SELECT count(*) FROM forwards")
    # Every batch acknowledged (and each ack under one key per batch).
    assert stats["issuers"]["batches_acked"] == published["batches_published"]
    assert _count(world.db_path, "SELECT count(*) FROM acks WHERE delivered_at IS NULL") == 0
    # Write-offs reached the ministry once each.
    assert stats["ministry"]["records"] == stats["customs"]["writeoffs_published"]
    assert stats["ministry"]["records_under_several_keys"] == 0
    assert _count(world.db_path, "SELECT count(*) FROM writeoffs WHERE relayed_at IS NULL") == 0
    assert daemon.stop() == 0
