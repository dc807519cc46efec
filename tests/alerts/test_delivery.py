"""Delivery with the daemon as a real process: a crash repeats a notification but never drops
one, a refusing channel is retried and flagged without holding up the other, and alerts due
together on one channel go as one message. Late feeds make the alerts: `ediops reconcile` at
a fixed instant after the cutoffs, then the daemon from that instant."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import pytest

from ediops.clock import parse_instant
from tests.alerts.harness import alerts_toml
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration
T0 = "2000-10-09T18:00:00+08:00"  # after every issuer's cutoff: each feed with no batch is late
FAST = {"alert_check_seconds": 0.5, "alert_retry_seconds": 1, "alert_grace_minutes": 0.05, "feed_poll_seconds": 30}


def late_feeds(world, *, issuers: int, rules: list[dict], channels: dict[str, str]) -> None:
    world.configure(issuers=issuers, windows={}, settings=FAST)
    peers = world.config_dir / "peers.toml"  # one cutoff for all: every feed late at once
    peers.write_text(re.sub(r'cutoff = "[0-9:]+"', 'cutoff = "17:00"', peers.read_text()))
    names = {name: f"EDIOPS_ALERT_{name.upper()}_URL" for name in channels}
    (world.config_dir / "alerts.toml").write_text(alerts_toml(names, rules))
    world.env.update({names[name]: url for name, url in channels.items()})
    result = world.cli("reconcile", now=T0)
    assert result.returncode == 0, result.stderr


def alerts_json(world) -> list[dict]:
    result = world.cli("alerts", "--json", now=T0)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_daemon_killed_between_steps_and_mid_send_drops_no_step(world, sink):
    steps = [(0, ["duty"]), (0.05, ["duty"]), (0.1, ["duty"])]  # 0, 3 and 6 s
    late_feeds(world, issuers=1, rules=[{"codes": ["FEED_LATE"], "steps": steps}], channels={"duty": sink.url("duty")})
    sink.control(delay=60)  # the first message is taken but never answered
    started = time.monotonic()
    daemon = world.daemon(now=T0)
    wait_until(lambda: sink.messages("duty"), timeout=20, what="step 1 at the receiver")
    daemon.proc.kill()  # SIGKILL mid-send: the intent is on record, its outcome is not
    daemon.proc.wait(10)
    sink.control(delay=0)
    time.sleep(max(0.0, 7 - (time.monotonic() - started)))  # steps 2 and 3 fall due while no leader runs
    now = parse_instant(T0) + timedelta(seconds=time.monotonic() - started)
    world.daemon("daemon-2", now=now.isoformat())

    def all_sent():
        (alert,) = alerts_json(world)
        return {n["step"] for n in alert["notifications"] if n["outcome"] == "sent"} == {1, 2, 3} and alert

    alert = wait_until(all_sent, timeout=30, what="steps 1-3 sent")
    assert alert["steps_sent"] == 3
    messages = sink.messages("duty")
    assert len(messages) >= 2  # step 1 again (repeated, not dropped), then steps 2-3 together
    assert f"[alert {alert['id']}]" in messages[-1]["message"] and "step 3" in messages[-1]["message"]


def test_a_refusing_channel_is_retried_flagged_and_holds_up_no_other(world, tmp_path):
    from tests.alerts.harness import SinkProc

    sink = SinkProc(tmp_path, refuse=("pager",))
    try:
        rules = [
            {"codes": ["FEED_LATE"], "steps": [(0, ["pager", "duty"])]},  # one channel takes it
            {"codes": ["FEED_LATE"], "steps": [(0, ["pager"])]},  # no channel takes it
        ]
        channels = {"duty": sink.url("duty"), "pager": sink.url("pager")}
        late_feeds(world, issuers=1, rules=rules, channels=channels)
        world.daemon(now=T0)
        wait_until(lambda: sink.messages("duty"), timeout=20, what="the duty channel's message")

        def flagged():
            result = world.cli("findings", "--open", "--code", "ALERT_UNDELIVERED", "--json", now=T0)
            return json.loads(result.stdout)

        found = wait_until(flagged, timeout=20, what="ALERT_UNDELIVERED")
        alerts = alerts_json(world)
        only_pager = next(a for a in alerts if {n["channel"] for n in a["notifications"]} == {"pager"})
        both = next(a for a in alerts if a["id"] != only_pager["id"])
        assert [(f["subject"], f["detail"]["step"]) for f in found] == [(f"alert:{only_pager['id']}", 1)]
        assert "pager: " in found[0]["detail"]["errors"]
        failed = [n for n in only_pager["notifications"] if n["outcome"] == "failed"]
        assert len(failed) >= 3 and all(n["error"] for n in failed)  # retried, each with its reason
        assert any(n["channel"] == "duty" and n["outcome"] == "sent" for n in both["notifications"])
        assert len(sink.messages("duty")) == 1

        sink.control(refuse=[])  # the pager comes back: both alerts in one message, the flag closes
        wait_until(lambda: not flagged(), timeout=30, what="ALERT_UNDELIVERED closed")
        (message,) = sink.messages("pager")
        assert message["message"].count("[alert ") == 2
    finally:
        sink.stop()


def test_forty_late_feeds_are_one_message_per_channel(world, sink, smtp):
    rules = [{"codes": ["FEED_LATE"], "steps": [(0, ["duty", "supervisor"])]}]
    late_feeds(world, issuers=40, rules=rules, channels={"duty": sink.url("duty"), "supervisor": smtp.url()})
    world.daemon(now=T0)
    wait_until(lambda: sink.messages("duty") and smtp.received, timeout=30, what="both channels' messages")
    wait_until(
        lambda: all(a["notifications"] for a in alerts_json(world)), timeout=20, what="every alert's notifications"
    )
    time.sleep(1.5)  # three more passes: nothing else may come
    (message,) = sink.messages("duty")
    assert message["title"] == "ediops: 40 alerts (FEED_LATE 40)"
    assert message["message"].count("[alert ") == 40
    assert len(smtp.received) == 1 and smtp.texts()[0].count("[alert ") == 40
    assert len(alerts_json(world)) == 40
