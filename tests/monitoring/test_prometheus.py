"""deploy/prometheus/: the alert rules pass their promtool unit tests, and the rules and the
Grafana dashboard name only metrics a daemon's exposition has (docs/monitoring.md)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from prometheus_client import generate_latest

from ediops import config as config_mod
from ediops.clock import Clock, parse_instant
from ediops.monitoring import events
from ediops.scheduling.leader import Leader
from ediops.views import monitor
from tests.support.harness import ROOT
from tests.monitoring import prom

DEPLOY = ROOT / "deploy" / "prometheus"
NAME = re.compile(r"\bediops_[a-z_]+")


@pytest.fixture
def exposition(db, db_path):
    """A real registry of this process over a real store: the counters and the store's gauges."""
    config = config_mod.load()
    leader = Leader(db, config, Clock(parse_instant("2000-10-09T10:00:00+08:00")))
    try:
        yield generate_latest(monitor.metrics_registry(db_path, config, leader.clock, leader)).decode()
    finally:
        events.disable()


def _known(exposition: str) -> set[str]:
    names = prom.families(exposition)
    return names | {f"{n}_{part}" for n in names for part in ("bucket", "sum", "count")}


def test_the_alert_rules_pass_their_unit_tests():
    done = subprocess.run(
        [prom.promtool(), "test", "rules", "ediops.rules.test.yml"], cwd=DEPLOY, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    checked = subprocess.run([prom.promtool(), "check", "rules", "ediops.rules.yml"], cwd=DEPLOY, capture_output=True)
    assert checked.returncode == 0


def test_an_exposition_has_every_name_and_passes_promtool(exposition):
    assert set(prom.NAMES) <= prom.families(exposition), set(prom.NAMES) - prom.families(exposition)
    seen = prom.samples(exposition)
    assert seen[("ediops_leader",)] == 0  # this process does not hold the lease
    assert seen[("ediops_feed_last_batch_timestamp_seconds", ("issuer", "AA"))] == 0  # never
    assert ("ediops_replica_lag_seconds",) not in seen  # no replica configured: no sample
    checked = prom.check_metrics(exposition)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_rules_name_only_metrics_that_exist(exposition):
    used = set(NAME.findall((DEPLOY / "ediops.rules.yml").read_text(encoding="utf-8")))
    assert used and used <= _known(exposition), used - _known(exposition)


def test_the_dashboard_is_grafana_json_of_metrics_that_exist(exposition):
    dashboard = json.loads((DEPLOY / "ediops-dashboard.json").read_text(encoding="utf-8"))
    titles = [p["title"] for p in dashboard["panels"]]
    assert {"Feed board", "Urgent licences", "Peers"} <= set(titles)
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    used = {name for expr in exprs for name in NAME.findall(expr)}
    assert "ediops_urgent_latency_seconds_bucket" in used and "ediops_peer_requests_total" in used
    assert used <= _known(exposition), used - _known(exposition)
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
