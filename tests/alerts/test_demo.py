"""The demo pages for real: its leader's channels point at the simulator's notification sink,
which takes the first alerts of the simulated day."""

from __future__ import annotations

import httpx
import pytest

from ediops import config as config_mod
from ediops import store
from ediops.cli import Context
from ediops.clock import Clock, parse_instant
from ediops.demo import demo_session
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"  # the day's batches all out: rejections among them


def test_the_demo_sends_its_alerts_to_the_simulators_sink(world, monkeypatch):
    world.configure(issuers=8)
    for name in [*world.env, "EDIOPS_ALERT_DUTY_URL", "EDIOPS_ALERT_SUPERVISOR_URL"]:
        monkeypatch.delenv(name, raising=False)
    ctx = Context(db_path=None, config_dir=world.config_dir, clock=Clock(parse_instant(EVENING), frozen=False))
    sink = config_mod.load(world.config_dir).customs.url + "/alerts"
    with demo_session(ctx) as db_path:
        got = wait_until(
            lambda: httpx.get(sink, timeout=5).json()["messages"], timeout=60, what="the demo's first alert message"
        )
        assert got[0]["channel"] == "duty" and "[alert " in got[0]["message"]
        db = store.connect(db_path)
        sent = db.execute("SELECT count(*) FROM alert_notifications WHERE status = 'sent'").fetchone()[0]
        channels = dict(db.execute("SELECT name, configured FROM alert_channels").fetchall())
        db.close()
    assert sent >= 1 and channels == {"duty": 1, "supervisor": 1}
