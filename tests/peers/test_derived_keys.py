"""Keys derived from what is sent (docs/two-sites.md), against a real simulator process: a
store restored from a copy taken before a POST makes that POST again under the same key,
for every kind of POST (acknowledgement, forward, relay, resend). The simulator records
what it took by key, so a second key for the same content would show in its counts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


class Sites:
    """One world's config and simulator, two data files: the site that made the POSTs, and a
    copy of its store taken earlier (what a standby restores)."""

    def __init__(self, world):
        self.world = world
        world.configure(issuers=3, windows={})
        self.sim = world.simulator(now=EVENING, scale=0.05)
        self.primary = world.db_path

    def run(self, path: Path, *args: str) -> str:
        self.world.db_path = path
        try:
            result = self.world.cli(*args, now=EVENING)
        finally:
            self.world.db_path = self.primary
        assert result.returncode == 0, result.stderr
        return result.stdout

    def copy(self) -> Path:
        """The primary's store as of now (`ediops backup`: one instant, all of it)."""
        copy = self.primary.with_name(f"copy-{len(list(self.primary.parent.glob('copy-*')))}.db")
        self.run(self.primary, "backup", str(copy))
        return copy

    def keys(self, path: Path, sql: str) -> set[str]:
        conn = sqlite3.connect(path)
        try:
            return {r[0] for r in conn.execute(sql)}
        finally:
            conn.close()


@pytest.fixture
def sites(world):
    return Sites(world)


def test_acknowledgements(sites):
    sites.run(sites.primary, "windows")  # the store made, nothing polled yet
    before = sites.copy()
    sites.run(sites.primary, "run", "poll-feeds")
    sites.run(before, "run", "poll-feeds")
    issuers = sites.sim.stats()["issuers"]
    assert issuers["batches_acked"] > 3
    assert issuers["ack_posts"] == 2 * issuers["batches_acked"]  # each site acknowledged every batch
    assert issuers["ack_keys"] == issuers["batches_acked"]  # under one key between them
    sql = "SELECT idempotency_key FROM acks"
    assert sites.keys(before, sql) == sites.keys(sites.primary, sql)


def test_forwards(sites):
    sites.run(sites.primary, "run", "poll-feeds")  # urgent licences go at once, the rest wait
    before = sites.copy()
    sites.run(sites.primary, "run", "forward-customs")
    taken = sites.sim.stats()["customs"]
    sites.run(before, "run", "forward-customs")
    customs = sites.sim.stats(detail=True)["customs"]
    assert taken["licences"] > 5
    assert customs["posts"] > taken["posts"]  # the copy forwarded again...
    assert customs["keys"] == taken["keys"]  # ...under the keys customs already had
    assert customs["licences_under_several_keys"] == []
    sql = "SELECT idempotency_key FROM forwards"
    assert sites.keys(before, sql) == sites.keys(sites.primary, sql)


def test_relays(sites):
    for window in ("poll-feeds", "forward-customs"):
        sites.run(sites.primary, "run", window)
    before = sites.copy()
    sites.run(sites.primary, "run", "pull-writeoffs")
    taken = sites.sim.stats()["ministry"]
    sites.run(before, "run", "pull-writeoffs")
    ministry = sites.sim.stats()["ministry"]
    assert taken["records"] > 3
    assert ministry["posts"] == 2 * taken["posts"]
    assert ministry["keys"] == taken["keys"] == ministry["records"]
    assert ministry["records_under_several_keys"] == 0


def test_resends(sites):
    for window in ("poll-feeds", "forward-customs"):
        sites.run(sites.primary, "run", window)
    conn = sqlite3.connect(sites.primary)
    number, batch = conn.execute(
        "SELECT licence_no, batch_id FROM licences WHERE state = 'accepted' ORDER BY licence_no LIMIT 1"
    ).fetchone()
    conn.close()
    before = sites.copy()
    resends = (("resend", number, "--reason", "port 5300 has no data"), ("resend", "--ack", batch, "--reason", "lost"))
    for path in (sites.primary, before):  # the operator's resends, made again on the standby
        for args in resends:
            sites.run(path, *args)
    stats = sites.sim.stats(detail=True)
    assert len(set(stats["customs"]["by_licence"][number])) == 2  # the first forward, one resend
    assert stats["issuers"]["ack_keys"] == stats["issuers"]["batches_acked"] + 1  # one resent ack
    sql = "SELECT idempotency_key FROM resends"
    assert sites.keys(before, sql) == sites.keys(sites.primary, sql)
