"""Failover (docs/two-sites.md), end to end with real processes: site A (daemon and
`ediops replicate`) is killed mid-work while issuers publish and customs writes off, its
data directory removed; site B restores the replica and takes over. Every licence published
reaches customs under exactly one key, every batch is acknowledged under one key, every
write-off reaches the ministry once, and nothing published is missing."""

from __future__ import annotations

import time

import pytest

from tests.e2e import failover
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def run(tmp_path):
    found = failover.Failover(tmp_path)
    yield found
    found.stop()


def test_site_a_lost_mid_work_site_b_takes_over(run):
    daemon, replicate = run.run_a()
    wait_until(
        lambda: (s := run.sim.stats())["customs"]["posts"] and s["issuers"]["ack_posts"],
        timeout=60,
        what="site A acknowledging and forwarding",
    )
    time.sleep(0.5)  # mid-work: the replica behind what the peers took
    before = failover.counts(run.sim.stats())
    run.kill_a(daemon, replicate)
    run.run_b()
    found = failover.counts(run.settled())
    assert failover.failed(found) == [], found
    assert 0 < before["licences_at_customs"] < found["licences_at_customs"]  # each site did part of the work
