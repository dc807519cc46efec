"""Reading a real daemon's /metrics and /healthz, and running promtool on them."""

from __future__ import annotations

import shutil
import subprocess

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

# docs/monitoring.md: every name the centre's monitoring may rely on.
NAMES = (
    "ediops_leader",
    "ediops_feed_last_batch_timestamp_seconds",
    "ediops_feed_failures_total",
    "ediops_urgent_waiting",
    "ediops_urgent_latency_seconds",
    "ediops_forward_backlog",
    "ediops_findings_open",
    "ediops_window_last_success_timestamp_seconds",
    "ediops_window_runs_total",
    "ediops_alerts_open",
    "ediops_alert_notifications_total",
    "ediops_peer_requests_total",
    "ediops_store_bytes",
    "ediops_backup_last_success_timestamp_seconds",
    "ediops_replica_lag_seconds",
)


def promtool() -> str:
    """promtool's path; the test is skipped, saying why, only when it is not installed
    (`make test` installs Debian's prometheus package, which carries it)."""
    found = shutil.which("promtool")
    if found is None:
        pytest.skip("promtool is not installed (Debian package prometheus; `make e2e-tools` installs it as root)")
    return found


def check_metrics(text: str) -> subprocess.CompletedProcess:
    return subprocess.run([promtool(), "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)


def scrape(address: str) -> str:
    return httpx.get(f"http://{address}/metrics", timeout=10).text


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels...): value} of an exposition."""
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, *sorted(s.labels.items()))] = s.value
    return found


def families(text: str) -> set[str]:
    """Every family the exposition declares (`# TYPE name kind`), with or without samples."""
    return {line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")}


def healthz(address: str) -> httpx.Response:
    return httpx.get(f"http://{address}/healthz", timeout=10)
