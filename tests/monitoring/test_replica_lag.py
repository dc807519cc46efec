"""docs/monitoring.md: the replica's lag, from replica_status (docs/two-sites.md), in the
daemon's exposition and in `ediops health`, with Litestream replicating for real."""

from __future__ import annotations

import json
import signal

import pytest

from tests.support.harness import Proc, wait_until
from tests.monitoring import prom

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


def _replica_check(world) -> tuple[int, dict]:
    done = world.cli("health", "--json", now=EVENING)
    verdict = json.loads(done.stdout)
    return done.returncode, next((c for c in verdict["checks"] if c["check"] == "replica"), {})


def test_a_replica_that_cannot_be_read_is_critical(world, tmp_path):
    world.configure(issuers=1, windows={}, settings={"replica_url": f"file://{tmp_path / 'nothing'}"})
    world.cli("windows", now=EVENING)  # makes the store
    code, check = _replica_check(world)
    assert code == 2 and check["status"] == "critical" and "cannot be read" in check["detail"]


def test_the_lag_is_exposed_and_judged_while_litestream_runs_and_after_it_stops(world, tmp_path):
    url = f"file://{tmp_path / 'replica'}"
    world.configure(issuers=1, settings={"replica_url": url})
    world.simulator(now=EVENING, scale=0.05)
    daemon = world.daemon(now=EVENING)
    address = daemon.wait_for(r"metrics on http://(\S+?)/metrics").group(1)
    replicate = Proc(
        "replicate", ["replicate", "--db", str(world.db_path), "--config", str(world.config_dir)], env=world.env,
        folder=tmp_path,
    )  # fmt: skip
    world.procs.append(replicate)
    replicate.wait_for("snapshot complete")
    lag = wait_until(
        lambda: prom.samples(prom.scrape(address)).get(("ediops_replica_lag_seconds",)) is not None,
        timeout=30,
        what="a replica lag sample",
    )
    assert lag
    code, check = wait_until(lambda: (r := _replica_check(world))[1].get("status") == "ok" and r, timeout=30)
    assert "behind" in check["detail"]

    replicate.signal(signal.SIGTERM)
    replicate.proc.wait(20)
    world.cli("ticket", "new", "--caller", "Li", "--phone", "1", "--org", "P", "--category", "other", "--text", "t",
              now=EVENING)  # fmt: skip
    code, check = wait_until(
        lambda: (r := _replica_check(world))[1].get("status") != "ok" and r, timeout=60, what="the replica behind"
    )
    assert code >= 1 and "behind" in check["detail"]
    assert prom.samples(prom.scrape(address))[("ediops_replica_lag_seconds",)] > 10
