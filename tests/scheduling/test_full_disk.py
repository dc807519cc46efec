"""A full disk under the daemon (issue 21): its store on a small tmpfs filled for real while
issuers publish. One log line when the store fails and one when it recovers, STORE_UNWRITABLE
sent to the duty channel though the store cannot record it (recorded once it can), a command
exits 1 with one line; given room, everything resumes, nothing lost or doubled at any peer."""

from __future__ import annotations

import asyncio
import json
import subprocess
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from ediops import config as config_mod
from ediops.clock import Clock, parse_instant
from ediops.scheduling import lease
from ediops.scheduling.leader import Leader
from tests.support.harness import wait_until
from tests.support.recovery import assert_resumed_once, count
from tests.support import tmpfs
from tests.support.records import batch, licence

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


@pytest.fixture
def small_disk(tmp_path):
    with tmpfs.small_disk(tmp_path / "disk") as where:
        yield where


def _fault(small_disk: Path, kind: str):
    """Puts the fault on the file system; returns what takes it away. (A tmpfs in use cannot be
    remounted read-only: the read-only case is the commands', below.)"""
    filler = tmpfs.fill(small_disk)
    return filler.unlink


@pytest.mark.parametrize("kind", ["full"])
def test_daemon_holds_a_store_that_cannot_write_and_resumes_after(world, small_disk, tmp_path, kind):
    world.configure(issuers=3, settings={"lease_seconds": 6})
    world.db_path = small_disk / "ediops.db"
    sim = world.simulator(now=EVENING, faults=("down=issuers",))
    world.env["EDIOPS_ALERT_DUTY_URL"] = f"json://{sim.url.removeprefix('http://')}/alerts/duty"
    daemon = world.daemon(now=EVENING)
    daemon.wait_for("took the lease", timeout=30)

    mend = _fault(small_disk, kind)
    sim.control(down=[])  # the issuers publish: the day's batches come in while the store cannot write
    daemon.wait_for("cannot write", timeout=60)
    wait_until(
        lambda: any(m["channel"] == "duty" for m in httpx.get(f"{sim.url}/alerts", timeout=5).json()["messages"]),
        timeout=60,
        what="STORE_UNWRITABLE at the duty channel",
    )
    result = world.cli(
        "ingest", str(_write(tmp_path / "b.json", batch(licence("00-AA-900001"), batch_id="X"))), now=EVENING
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert str(world.db_path) in result.stderr and "full" in result.stderr
    assert sim.stats()["customs"]["licences"] == 0  # nothing forwarded of what could not be stored

    mend()
    assert_resumed_once(daemon, world, sim, "everything acknowledged and forwarded once the store could write")
    assert count(world.db_path, "SELECT count(*) FROM licences WHERE licence_no = '00-AA-900001'") == 0
    assert (
        count(
            world.db_path,
            "SELECT count(*) FROM alerts a JOIN alert_notifications n ON n.alert_id = a.id "
            "WHERE a.code = 'STORE_UNWRITABLE' AND a.status = 'closed' AND n.status = 'sent' AND n.channel = 'duty'",
        )
        == 1
    )


def test_a_command_on_a_read_only_file_system_exits_1_with_one_line(world, small_disk, tmp_path):
    world.configure(issuers=1)
    world.db_path = small_disk / "ediops.db"
    new = _write(tmp_path / "b.json", batch(licence("00-AA-900001"), batch_id="X"))
    assert world.cli("ingest", str(new), now=EVENING).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        result = world.cli("ingest", str(_write(tmp_path / "c.json", batch(licence("00-AA-900002")))), now=EVENING)
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert str(world.db_path) in result.stderr and "the file system is read-only" in result.stderr
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert count(world.db_path, "SELECT count(*) FROM licences") == 1


def _write(path: Path, value) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_a_backup_disk_that_cannot_write_fails_the_backup_not_the_store(db, small_disk, tmp_path):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        bundled = config_mod.load()
        config = replace(bundled, settings={**bundled.settings, "backup_dir": str(small_disk / "backups")})
        leader = Leader(db, config, Clock(parse_instant(EVENING)), holder="leader")

        async def run():
            leader.token = lease.acquire(db, leader.holder, at=EVENING)
            try:
                return await leader.run_occurrence("backup", "manual:1", scheduled=False)
            finally:
                await leader.engine.client.aclose()

        outcome, detail = asyncio.run(run())
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert outcome == "failed" and "Read-only file system" in detail
    assert not leader.outage.failing  # the store itself writes on
