"""docs/safeguards.md, isolated peers, with real processes: the simulator (healthy issuers and
customs) and a daemon, beside six hostile issuers on a real HTTP server of their own (slow,
poison, deep, huge, 429, 302). The healthy issuers' urgent licences reach customs within the
time a single call to the slow issuer may take (its deadline), which no pass that waited
for it could do; before, one slow issuer stopped every feed for good."""

from __future__ import annotations

import json
import secrets
import shutil
from datetime import date, timedelta

import pytest

from ediops import store
from tests.support import harness
from tests.support.harness import wait_until
from tests.scheduling.test_urgent import SEED, _first_urgent_after
from tests.peers.hostile import HOSTILE, HostileIssuers

pytestmark = pytest.mark.integration
DEADLINE = 4
WINDOWS = {"poll-feeds": 'second = "*/3"', "forward-customs": 'hour = "9-18", minute = "0,30"'}
FAILING = {"QS", "QD", "QH", "QR", "QL"}  # each a failing feed; QP's feed works, its batches do not


def _rows(db_path, sql, args=()):
    db = store.connect(db_path)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def test_hostile_issuers_delay_no_healthy_one_and_each_is_reported(world):
    world.configure(
        issuers=4,
        windows=WINDOWS,
        settings={
            "feed_poll_seconds": 1,
            "peer_deadline_seconds": DEADLINE,
            "peer_max_answer_bytes": 100_000,
            "feed_grace_minutes": 0.05,
        },
    )
    arrival = _first_urgent_after(world.config_dir, date(2000, 10, 9), "2000-10-09T10:05:00+08:00")
    start = (arrival - timedelta(seconds=5)).isoformat()
    sim = world.simulator(now=start, scale=0.1, seed=SEED)  # knows only the healthy issuers
    daemon_config = world.folder / "daemon-config"
    shutil.copytree(world.config_dir, daemon_config)
    env = dict(world.env)
    tokens = {code: f"EDIOPS_ISSUER_{code}_TOKEN" for code in HOSTILE}
    env.update({name: secrets.token_hex(8) for name in tokens.values()})
    with HostileIssuers() as hostile:
        with (daemon_config / "peers.toml").open("a", encoding="utf-8") as peers:
            peers.write(hostile.peers_toml(tokens))
        daemon = harness.Proc(
            "daemon",
            ["daemon", "--db", str(world.db_path), "--config", str(daemon_config), "--now", start],
            env=env,
            folder=world.folder,
        )
        world.procs.append(daemon)
        stats = wait_until(
            lambda: (s := sim.stats())["customs"]["urgent_latency_seconds"]["count"] and s,
            timeout=40,
            what="a healthy issuer's urgent licence accepted by customs",
        )
        latency = stats["customs"]["urgent_latency_seconds"]
        print(f"urgent arrival -> customs acceptance beside hostile issuers: {latency}")
        assert latency["max"] < DEADLINE, latency

        def reported():
            open_ = {
                r[0]
                for r in _rows(
                    world.db_path, "SELECT issuer FROM findings WHERE code = 'FEED_UNREACHABLE' AND status = 'open'"
                )
            }
            return open_ if FAILING <= open_ else None

        unreachable = wait_until(reported, timeout=40, what="FEED_UNREACHABLE for every failing hostile feed")
        assert unreachable == FAILING  # no healthy issuer among them
        requests_429 = hostile.requests["QR"]
    output = daemon.output()
    assert "Traceback" not in output, output[-3000:]
    assert requests_429 <= 2  # Retry-After: 3600 honoured (before: 25 GETs in 120 s)
    errors = dict(_rows(world.db_path, "SELECT peer, last_error FROM peer_health"))
    assert "redirect to http://127.0.0.1:9/elsewhere not followed" in errors["issuer QL"]
    assert "over the 100000 byte limit" in errors["issuer QH"]
    assert "nested deeper than 64" in errors["issuer QD"]
    assert f"no complete answer within {DEADLINE} s" in errors["issuer QS"]
    # The poison page: recorded, flagged and passed; its good batch stored and acknowledged.
    assert _rows(world.db_path, "SELECT cursor FROM cursors WHERE peer = 'issuer QP'") == [("p1",)]
    assert _rows(world.db_path, "SELECT count(*) FROM licences WHERE licence_no = '00-QP-000001'") == [(1,)]
    flagged = _rows(world.db_path, "SELECT count(*) FROM findings WHERE code = 'RECORD_REJECTED' AND issuer = 'QP'")
    assert flagged[0][0] >= 4, flagged
    for (raw,) in _rows(world.db_path, "SELECT raw FROM batches WHERE issuer = 'QP'"):
        json.loads(raw)
