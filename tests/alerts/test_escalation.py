"""An urgent licence customs cannot take, with the daemon as a real process and real receivers
(the sink for json://, aiosmtpd for mailto://): warned before its deadline, an overdue alert at
the deadline, the supervisor at the next step, nothing more once acknowledged, and every alert
closed once customs accepts it. Time runs from a fixed --now, with minutes cut to seconds."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from ediops import store
from ediops.clock import parse_instant
from ediops.text import has_controls
from tests.alerts.harness import alerts_toml, urgent_batch
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration
T0 = "2000-10-09T06:00:00+08:00"  # before the simulated issuers' day: no traffic but ours
SETTINGS = {
    "urgent_deadline_minutes": 0.15,  # 9 s
    "urgent_warn_minutes": 0.05,  # at risk from 6 s
    "alert_check_seconds": 0.5,
    "alert_grace_minutes": 5,
    "feed_poll_seconds": 1,
    "peer_attempts": 1,
}
RULES = [
    {
        "codes": ["URGENT_AT_RISK", "URGENT_OVERDUE"],
        "steps": [(0, ["duty"]), (0.1, ["duty", "supervisor"])],  # supervisor 6 s after the alert
        "repeat": 0.03,
    }
]


def alerts_json(world, now: str) -> list[dict]:
    result = world.cli("alerts", "--json", now=now)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_an_urgent_licence_customs_cannot_take(world, sink, smtp):
    world.configure(issuers=1, windows={}, settings=SETTINGS)
    (world.config_dir / "alerts.toml").write_text(
        alerts_toml({"duty": "EDIOPS_ALERT_DUTY_URL", "supervisor": "EDIOPS_ALERT_SUPERVISOR_URL"}, RULES)
    )
    world.env.update(EDIOPS_ALERT_DUTY_URL=sink.url("duty"), EDIOPS_ALERT_SUPERVISOR_URL=smtp.url())
    ingest = world.cli("ingest", str(urgent_batch(world.folder, sent_at=T0)), now=T0)
    assert ingest.returncode == 0, ingest.stderr
    daemon = world.daemon(now=T0)

    # Warned before the deadline: URGENT_AT_RISK to the duty channel.
    wait_until(lambda: sink.messages("duty"), timeout=30, what="the at-risk warning")
    first = sink.messages("duty")[0]
    assert "URGENT_AT_RISK" in first["title"] + first["message"] and "00-AA-000101" in first["message"]
    assert not smtp.received  # the supervisor is not told of a risk at step 1

    # At the deadline: the overdue alert, then the supervisor (mail) at the next step.
    wait_until(lambda: any("URGENT_OVERDUE" in m["message"] for m in sink.messages("duty")), timeout=20)
    wait_until(lambda: smtp.received, timeout=25, what="the supervisor's mail")
    assert "URGENT_OVERDUE" in smtp.texts()[0] and "step 2" in smtp.texts()[0]

    now = (parse_instant(T0) + timedelta(seconds=20)).isoformat()
    listed = {a["code"]: a for a in alerts_json(world, now)}
    at_risk, overdue = listed["URGENT_AT_RISK"], listed["URGENT_OVERDUE"]
    assert at_risk["status"] == "closed" and at_risk["closed_at"] and at_risk["steps_sent"] == 1
    assert overdue["status"] == "open" and overdue["steps_sent"] >= 2
    sent = {(n["channel"], n["step"]) for n in overdue["notifications"] if n["outcome"] == "sent"}
    assert {("duty", 1), ("duty", 2), ("supervisor", 2)} <= sent

    # Acknowledged: no further steps or repeats.
    ack = world.cli("alerts", "ack", str(overdue["id"]), "--note", "calling the customs gateway", now=now)
    assert ack.returncode == 0, ack.stderr
    again = world.cli("alerts", "ack", str(overdue["id"]), "--note", "me too", now=now)
    assert again.returncode == 1 and "already acknowledged by" in again.stderr
    db = store.connect(world.db_path)
    pending = lambda: db.execute(  # noqa: E731
        "SELECT count(*) FROM alert_notifications WHERE status = 'pending'"
    ).fetchone()[0]
    wait_until(lambda: pending() == 0, timeout=10, what="pending notifications settled")
    count = len(sink.messages("duty")), len(smtp.received)
    sent_before = alerts_json(world, now)[0]["steps_sent"]
    time.sleep(3)  # more than a repeat (1.8 s): none may come
    assert (len(sink.messages("duty")), len(smtp.received)) == count
    assert alerts_json(world, now)[0]["steps_sent"] == sent_before
    assert alerts_json(world, now)[0]["status"] == "acknowledged"

    # Customs back: the engine's next retry is accepted, and every alert closes.
    world.simulator(now=T0, scale=0.1)
    wait_until(lambda: all(a["status"] == "closed" for a in alerts_json(world, now)), timeout=40, what="alerts closed")

    # Hostile text in the trader's name reached no message as control characters.
    texts = [m["title"] + m["message"] for m in sink.messages()] + smtp.texts()
    assert any("Evil" in t for t in texts)
    assert not [line for t in texts for line in t.splitlines() if has_controls(line)]
    assert not any(ch in t for t in texts for ch in "\x1b\x07\x9b\u202e")
    assert "EDIOPS_ALERT" not in daemon.output() and str(sink.port) not in daemon.output()
