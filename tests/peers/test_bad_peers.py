"""Bad peers (invalid JSON, a 10 MB body, the wrong content type, 401): a clear log line and
peer-health record, then FEED_UNREACHABLE past the grace; no crash, nothing else lost."""

from __future__ import annotations

import pytest

from ediops import store
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"
BAD = {
    "AA": ("bad-json", "not valid JSON"),
    "AB": ("huge", "byte limit"),
    "AC": ("wrong-type", "text/html, not application/json"),
    "AD": ("unauthorized", "HTTP 401"),
}


def test_bad_feeds_are_reported_and_the_rest_goes_on(world):
    world.configure(issuers=8, settings={"feed_grace_minutes": 0})
    sim = world.simulator(now=EVENING, faults=tuple(f"{fault}={code}" for code, (fault, _) in BAD.items()))
    daemon = world.daemon(now=EVENING)

    def good_ones_done():
        unacked = sim.stats()["issuers"]["unacked"]
        return unacked and all(batch_id[:2] in BAD for batch_id in unacked)

    wait_until(good_ones_done, timeout=60, what="every healthy issuer's batches acknowledged")
    db = store.connect(world.db_path)

    def flagged():
        return {
            r[0] for r in db.execute("SELECT issuer FROM findings WHERE code = 'FEED_UNREACHABLE' AND status = 'open'")
        }

    wait_until(lambda: flagged() == set(BAD), timeout=30, what="FEED_UNREACHABLE for each bad issuer")
    wait_until(
        lambda: not db.execute("SELECT 1 FROM licences WHERE state IN ('received', 'forwarded')").fetchone(),
        timeout=30,
        what="every healthy licence answered by customs",
    )
    health = dict(db.execute("SELECT peer, last_error FROM peer_health WHERE last_error IS NOT NULL").fetchall())
    log = daemon.output()
    for code, (_, message) in BAD.items():
        assert message in health[f"issuer {code}"]
        assert f"issuer {code}: GET /batches" in log and message in log
    assert not db.execute("SELECT 1 FROM licences WHERE issuer IN ('AA', 'AB', 'AC', 'AD')").fetchone()
    received = db.execute("SELECT count(*) FROM licences WHERE issuer NOT IN ('AA', 'AB', 'AC', 'AD')").fetchone()[0]
    assert received == sum(1 for n in sim.stats(detail=True)["customs"]["by_licence"]) > 0
    assert "Traceback" not in log
    assert daemon.proc.poll() is None
    assert daemon.stop() == 0
