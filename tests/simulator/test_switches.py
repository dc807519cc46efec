"""The simulator's traffic and fault switches, seen through the engine's own commands."""

from __future__ import annotations

import json
from datetime import date

import httpx
import pytest

from ediops import store
from ediops.simulator import traffic
from ediops.simulator.run import parse_faults
from ediops.errors import InputError

EVENING = "2000-10-09T23:00:00+08:00"


def _run(world, window: str) -> str:
    result = world.cli("run", window, now=EVENING)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_same_seed_same_day():
    one = traffic.day(3, "AA", "17:00", date(2000, 10, 9), traffic.Shape())
    two = traffic.day(3, "AA", "17:00", date(2000, 10, 9), traffic.Shape())
    assert [b.body(one.business_date) for b in one.batches] == [b.body(two.business_date) for b in two.batches]
    assert len(set(one.licence_nos)) == len(one.licence_nos) > 0
    assert all(n.startswith("00-AA-") for n in one.licence_nos)


def test_fault_flags_are_parsed_or_refused():
    change, shape = parse_faults(
        ["down=customs,ministry", "slow=customs:2.5", "errors=AA:3", "truncated", "missing-summaries"]
    )
    assert change == {
        "down": ["customs", "ministry"],
        "slow": {"customs": 2.5},
        "errors": {"AA": 3},
        "missing_summaries": True,
    }
    assert shape == {"truncated": True}
    with pytest.raises(InputError, match="unknown or incomplete"):
        parse_faults(["explode"])


@pytest.mark.integration
def test_data_faults_become_findings_and_hostile_text_is_stored_as_received(world):
    world.configure(issuers=12)
    world.simulator(
        now=EVENING, scale=0.3, faults=("truncated", "conflicting-resends", "hostile-text", "missing-summaries")
    )
    _run(world, "poll-feeds")
    assert "0 summaries fetched" in _run(world, "reconcile")
    db = store.connect(world.db_path)
    codes = {r[0] for r in db.execute("SELECT DISTINCT code FROM findings WHERE status = 'open'")}
    assert {"BATCH_COUNT_MISMATCH", "RECORD_REJECTED"} <= codes
    reasons = {
        r for (body,) in db.execute("SELECT body FROM acks") for x in json.loads(body)["rejected"] for r in x["reasons"]
    }
    assert "DUPLICATE_CONFLICT" in reasons
    names = [r[0] for r in db.execute("SELECT trader_name FROM licences")]
    assert any("\x1b" in n or "[" in n or "\u202e" in n for n in names)
    assert db.execute("SELECT count(*) FROM summaries").fetchone()[0] == 0


@pytest.mark.integration
def test_a_peer_taken_down_and_back_up(world):
    world.configure(issuers=2, settings={"peer_attempts": 1})
    sim = world.simulator(now=EVENING, scale=0.1)
    sim.control(down=["issuers"])
    _run(world, "poll-feeds")
    db = store.connect(world.db_path)
    errors = dict(db.execute("SELECT peer, last_error FROM peer_health WHERE failing_since IS NOT NULL").fetchall())
    assert set(errors) == {"issuer AA", "issuer AB"} and all("ConnectError" in e for e in errors.values())
    sim.control(down=[])
    _run(world, "poll-feeds")
    assert db.execute("SELECT count(*) FROM peer_health WHERE failing_since IS NOT NULL").fetchone()[0] == 0
    assert sim.stats()["issuers"]["unacked"] == []
    with pytest.raises(httpx.HTTPStatusError):
        httpx.post(f"{sim.url}/control", json={"explode": True}, timeout=5).raise_for_status()
