"""docs/monitoring.md with real processes: a daemon's /metrics and /healthz while an urgent
licence waits for customs (down) and then goes (up); promtool on the real exposition;
`ediops health` and /healthz on a hung leader; every log line of the run as JSON."""

from __future__ import annotations

import json
import signal
import sqlite3
from datetime import date, timedelta

import httpx
import pytest

from ediops import config as config_mod
from ediops.clock import parse_instant
from ediops.simulator import traffic
from tests.support.harness import wait_until
from tests.monitoring import prom

pytestmark = pytest.mark.integration
SEED = 7
WINDOWS = {"forward-customs": 'hour = "9-18", minute = "0,30"', "poll-feeds": 'minute = "*/5"'}
METRICS_LINE = r"metrics on http://(\S+?)/metrics"


def _first_urgent_after(config_dir, day: date, after: str):
    config = config_mod.load(config_dir)
    return min(
        b.sent_at
        for i in config.issuers
        for b in traffic.day(SEED, i.code, i.cutoff, day, traffic.Shape(scale=0.1)).batches
        if b.kind == "urgent" and b.sent_at > parse_instant(after)
    )


def _value(address: str, name: str, **labels) -> float | None:
    return prom.samples(prom.scrape(address)).get((name, *sorted(labels.items())))


def test_metrics_follow_an_urgent_licence_while_customs_refuses_then_takes_it(world):
    world.configure(issuers=3, windows=WINDOWS)
    arrival = _first_urgent_after(world.config_dir, date(2000, 10, 9), "2000-10-09T10:05:00+08:00")
    start = (arrival - timedelta(seconds=4)).isoformat()
    sim = world.simulator(now=start, scale=0.1, seed=SEED, faults=("down=customs",))
    daemon = world.daemon(now=start)
    address = daemon.wait_for(METRICS_LINE).group(1)

    wait_until(lambda: _value(address, "ediops_urgent_waiting"), timeout=40, what="an urgent licence waiting")
    refused = prom.scrape(address)
    assert set(prom.NAMES) <= prom.families(refused), set(prom.NAMES) - prom.families(refused)
    checked = prom.check_metrics(refused)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    seen = prom.samples(refused)
    assert seen[("ediops_leader",)] == 1
    assert seen[("ediops_forward_backlog",)] >= seen[("ediops_urgent_waiting",)] >= 1
    assert seen[("ediops_urgent_latency_seconds_count",)] == 0
    wait_until(
        lambda: _value(address, "ediops_peer_requests_total", peer="customs", outcome="unreachable"),
        timeout=40,
        what="customs' refusals counted",
    )
    assert prom.healthz(address).status_code == 200  # customs down is not the daemon's failure

    issuers_port = config_mod.load(world.config_dir).issuers[0].url.split("/issuers/")[0]
    httpx.post(f"{issuers_port}/control", json={"down": []}, timeout=10)  # customs up again
    wait_until(lambda: _value(address, "ediops_urgent_waiting") == 0, timeout=60, what="no urgent licence waiting")
    taken = prom.samples(prom.scrape(address))
    assert taken[("ediops_urgent_latency_seconds_count",)] >= 1
    assert taken[("ediops_peer_requests_total", ("outcome", "ok"), ("peer", "customs"))] >= 1
    assert prom.check_metrics(prom.scrape(address)).returncode == 0

    assert daemon.stop() == 0
    sim.stop()
    lines = daemon.err.read_text(encoding="utf-8").splitlines()
    assert lines and "Traceback" not in "\n".join(lines)
    for line in lines:
        record = json.loads(line)  # every line of the run is one JSON object
        assert {"ts", "level", "event"} <= set(record), line
    assert any(json.loads(line).get("window") for line in lines)  # a window's lines name it
    assert any(json.loads(line).get("issuer") for line in lines)  # a poll's lines name the issuer


def _health(world, now: str) -> tuple[int, str]:
    done = world.cli("health", now=now)
    return done.returncode, done.stdout.strip()


def test_health_and_healthz_fail_on_a_hung_leader(world):
    evening = "2000-10-09T23:00:00+08:00"
    world.configure(issuers=3)
    world.simulator(now=evening, scale=0.05)
    daemon = world.daemon(now=evening)
    address = daemon.wait_for(METRICS_LINE).group(1)
    daemon.wait_for("took the lease")
    code, line = wait_until(lambda: (r := _health(world, evening))[0] < 2 and r, timeout=30, what="a healthy leader")
    assert code == 1 and line.startswith("WARNING:") and "no backup yet" in line  # a fresh store
    assert prom.healthz(address).status_code == 200

    # The store's write lock held elsewhere: the leader's loop waits in its next write, hung.
    lock = sqlite3.connect(world.db_path, isolation_level=None, timeout=30)
    lock.execute("BEGIN IMMEDIATE")
    try:
        code, line = wait_until(
            lambda: (r := _health(world, evening))[0] == 2 and "hung" in r[1] and r, timeout=30, what="hung"
        )
        assert line.startswith("CRITICAL:") and "last pass was" in line
        answer = wait_until(lambda: (r := prom.healthz(address)).status_code == 503 and r, timeout=30, what="503")
        assert answer.text.startswith("CRITICAL:")
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    wait_until(lambda: _health(world, evening)[0] < 2, timeout=40, what="the leader passing again")
    assert prom.healthz(address).status_code == 200

    daemon.signal(signal.SIGKILL)  # dead: its lease runs out, and no leader is left
    daemon.proc.wait(10)
    code, line = wait_until(
        lambda: (r := _health(world, evening))[0] == 2 and "no live leader" in r[1] and r, timeout=40, what="no leader"
    )
    assert line.startswith("CRITICAL: no live leader")


def test_failing_feeds_are_counted_and_judged(world):
    evening = "2000-10-09T23:00:00+08:00"
    world.configure(issuers=2)
    world.simulator(now=evening, scale=0.05, faults=("unauthorized=AB",))  # 401 to AB alone
    daemon = world.daemon(now=evening)
    address = daemon.wait_for(METRICS_LINE).group(1)
    wait_until(
        lambda: _value(address, "ediops_feed_failures_total", issuer="AB"), timeout=30, what="AB's failures counted"
    )
    assert _value(address, "ediops_feed_failures_total", issuer="AA") == 0
    assert _value(address, "ediops_peer_requests_total", peer="issuer AB", outcome="http_4xx") >= 1
    code, line = wait_until(lambda: (r := _health(world, evening))[0] >= 1 and "feeds failing" in r[1] and r, 30)
    assert code == 1 and "1 of 2 feeds failing: AB" in line  # one issuer of two: a warning


def test_a_standby_reports_a_stopped_leader_hung_then_leads(world):
    evening = "2000-10-09T23:00:00+08:00"
    world.configure(issuers=2, settings={"lease_seconds": 9})
    world.simulator(now=evening, scale=0.05)
    first = world.daemon("a", now=evening)
    first.wait_for("took the lease")
    standby = world.daemon("b", now=evening)
    address = standby.wait_for(METRICS_LINE).group(1)
    standby.wait_for("standing by")
    wait_until(lambda: prom.healthz(address).status_code == 200, timeout=20, what="the standby healthy")
    first.signal(signal.SIGSTOP)  # a frozen leader: its lease still runs for a while
    try:
        answer = wait_until(
            lambda: (r := prom.healthz(address)).status_code == 503 and "hung" in r.text and r, timeout=20
        )
        assert answer.text.startswith("CRITICAL: leader daemon@")
        standby.wait_for("took the lease", timeout=30)
        wait_until(lambda: prom.healthz(address).status_code == 200, timeout=20, what="the new leader healthy")
        assert _value(address, "ediops_leader") == 1
    finally:
        first.signal(signal.SIGCONT)
