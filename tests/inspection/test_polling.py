"""Polling inspection bureaus: the simulator as a real process on 127.0.0.1, the engine's
peer client, reports stored with their findings, the cursor kept, a bad token recorded."""

from __future__ import annotations

import secrets

import pytest

from ediops import config as config_mod
from ediops import store
from ediops.clock import Clock, parse_instant
from ediops.peers.bureaus import poll_bureaus
from ediops.peers.runtime import Engine, client_for
from tests.support import harness

pytestmark = pytest.mark.integration
NOW = "2002-07-10T12:00:00+08:00"
TOKEN_ENV = "EDIOPS_TEST_INSPECTION_BUREAU_TOKEN"


@pytest.fixture
def simulated(tmp_path, monkeypatch):
    config_dir, env = harness.make_config(tmp_path / "config", issuers=1)
    port = harness.free_port()
    env[TOKEN_ENV] = secrets.token_hex(8)
    with (config_dir / "peers.toml").open("a", encoding="utf-8") as peers:
        for code in ("4700", "5100"):
            peers.write(
                f'\n[[bureaus]]\ncode = "{code}"\nurl = "http://127.0.0.1:{port}/bureaus/{code}"\n'
                f'token_env = "{TOKEN_ENV}"\n'
            )
    sim = harness.Simulator(tmp_path, config_dir, env, now=NOW)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield config_mod.load(config_dir)
    sim.stop()


async def _poll(db, config):
    engine = Engine(db=db, config=config, clock=Clock(parse_instant(NOW)), client=client_for(config))
    try:
        return await poll_bureaus(engine)
    finally:
        await engine.client.aclose()


async def test_reports_are_polled_once_with_their_findings(simulated, db):
    outcome, detail = await _poll(db, simulated)
    assert outcome == "ok", detail
    assert detail.startswith("20 bureau reports from 2 bureaus")
    assert db.execute("SELECT count(*), min(business_date), max(business_date) FROM bureau_reports").fetchone() == (
        20,
        "2002-07-01",
        "2002-07-10",
    )
    assert db.execute("SELECT cursor FROM cursors WHERE peer = 'bureau 5100'").fetchone() == ("10",)
    opened = db.execute("SELECT count(*) FROM findings WHERE code = 'EDECL_REQUIRED' AND enterprise LIKE '5100%'")
    assert opened.fetchone()[0] > 0
    outcome, detail = await _poll(db, simulated)
    assert (outcome, detail) == ("ok", "0 bureau reports from 2 bureaus")


async def test_a_bureau_refusing_the_token_is_recorded_and_nothing_stored(simulated, db, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "wrong")
    outcome, detail = await _poll(db, simulated)
    assert outcome == "partial" and "bureau 4700" in detail
    assert db.execute("SELECT count(*) FROM bureau_reports").fetchone()[0] == 0
    assert (
        db.execute(
            "SELECT count(*) FROM peer_health WHERE peer LIKE 'bureau %' AND failing_since IS NOT NULL"
        ).fetchone()[0]
        == 2
    )


def test_the_leaders_poll_feeds_window_polls_the_bureaus(simulated, tmp_path, db_path):
    daemon = harness.Proc(
        "daemon",
        ["daemon", "--db", str(db_path), "--config", str(tmp_path / "config"), "--now", NOW],
        env={},
        folder=tmp_path,
    )
    try:
        db = store.connect(db_path)
        harness.wait_until(
            lambda: db.execute("SELECT count(*) FROM bureau_reports").fetchone()[0] == 20,
            timeout=60,
            what="the bureaus' reports, polled by the poll-feeds window",
        )
        db.close()
    finally:
        daemon.stop()
