"""A failover as docs/two-sites.md runs it, with real processes: site A runs the daemon and
`ediops replicate` while the simulated issuers publish and customs writes off; A is killed
(SIGKILL, daemon and replication at once) and its data directory removed; site B restores
the replica and starts a daemon. What the peers took is then read from the simulator's
records. Used by tests/e2e/test_failover.py and by bench/failover_kills.py (many kill
points, outside `make test`)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from ediops import config as config_mod
from ediops.simulator import traffic
from tests.support import harness

DAY = date(2000, 10, 9)
SETTINGS = {"lease_seconds": 3, "feed_poll_seconds": 1}


def _start(config_dir: Path, *, scale: float, seed: int) -> str:
    """Shortly before the middle daily publication of the configured issuers: half of them
    have published (work waiting), the rest publish while the sites run."""
    shape = traffic.Shape(scale=scale)
    times = sorted(
        b.sent_at
        for i in config_mod.load(config_dir).issuers
        for b in traffic.day(seed, i.code, i.cutoff, DAY, shape).batches
        if b.kind == "daily"
    )
    return (times[len(times) // 2] - timedelta(seconds=10)).isoformat()


class Failover:
    """One run: a folder with config, the simulator, and the two sites' data directories."""

    def __init__(self, folder: Path, *, issuers: int = 8, scale: float = 0.1, seed: int = 7):
        self.folder = folder
        self.replica = folder / "replica"
        self.site_a, self.site_b = folder / "site-a", folder / "site-b"
        self.site_a.mkdir(parents=True)
        self.site_b.mkdir()
        settings = {**SETTINGS, "replica_url": f"file://{self.replica}"}
        self.config_dir, self.env = harness.make_config(folder / "config", issuers=issuers, settings=settings)
        self.procs: list[harness.Proc] = []
        start = _start(self.config_dir, scale=scale, seed=seed)
        self.sim = harness.Simulator(folder, self.config_dir, self.env, now=start, scale=scale, seed=seed)
        self.procs.append(self.sim)

    def _proc(self, name: str, *args: str, db: Path, now: str | None = None) -> harness.Proc:
        argv = [*args, "--db", str(db), "--config", str(self.config_dir)] + (["--now", now] if now else [])
        proc = harness.Proc(name, argv, env=self.env, folder=self.folder)
        self.procs.append(proc)
        return proc

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        argv = [sys.executable, str(harness.ROOT / "main.py"), *args, "--config", str(self.config_dir)]
        return subprocess.run(argv, capture_output=True, text=True, cwd=harness.ROOT, timeout=300, env=self._env())

    def _env(self) -> dict:
        return {**os.environ, "PYTHONIOENCODING": "utf-8", **self.env}

    def now(self) -> str:
        """The simulated instant (the daemons' clocks follow the simulator's)."""
        return self.sim.stats()["now"]

    def run_a(self) -> tuple[harness.Proc, harness.Proc]:
        db = self.site_a / "ediops.db"
        assert self.cli("windows", "--db", str(db)).returncode == 0  # the store, before replication starts
        replicate = self._proc("replicate-a", "replicate", db=db)
        replicate.wait_for("snapshot complete", timeout=30)
        daemon = self._proc("daemon-a", "daemon", db=db, now=self.now())
        daemon.wait_for("took the lease", timeout=30)
        return daemon, replicate

    def kill_a(self, *procs: harness.Proc) -> None:
        """The machine is lost: everything of A stops at once, and its disk with it."""
        for proc in procs:
            os.killpg(proc.proc.pid, signal.SIGKILL)  # its session: Litestream below replicate too
        for proc in procs:
            proc.proc.wait(10)
        shutil.rmtree(self.site_a)

    def run_b(self) -> harness.Proc:
        db = self.site_b / "ediops.db"
        restored = self.cli("restore", f"file://{self.replica}", str(db))
        assert restored.returncode == 0, restored.stderr
        daemon = self._proc("daemon-b", "daemon", db=db, now=self.now())
        daemon.wait_for("took the lease", timeout=60)
        return daemon

    def settled(self, timeout: float = 120) -> dict:
        """Waits until everything published reached its peer (and stays so for two windows),
        then returns the simulator's detailed records."""
        deadline, last, since = time.monotonic() + timeout, None, time.monotonic()
        while time.monotonic() < deadline:
            stats = self.sim.stats()
            issuers, customs, ministry = stats["issuers"], stats["customs"], stats["ministry"]
            done = (
                not issuers["unacked"]
                and customs["licences"] >= issuers["licences_published"]
                and ministry["records"] >= customs["writeoffs_published"]
            )
            key = (issuers["ack_keys"], customs["keys"], ministry["keys"], customs["writeoffs_published"])
            if done and key == last and time.monotonic() - since > 8:
                return self.sim.stats(detail=True)
            if key != last or not done:
                last, since = key, time.monotonic()
            time.sleep(0.5)
        raise AssertionError(f"not settled within {timeout} s: {self.sim.stats()}")

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.kill()


def counts(stats: dict) -> dict:
    """What the peers took, as the failover's promises count it (each should be 0 but the
    totals)."""
    issuers, customs, ministry = stats["issuers"], stats["customs"], stats["ministry"]
    return {
        "licences_published": issuers["licences_published"],
        "licences_at_customs": customs["licences"],
        "licences_missing": max(0, issuers["licences_published"] - customs["licences"]),
        "licences_under_several_keys": len(customs["licences_under_several_keys"]),
        "batches_published": issuers["batches_published"],
        "batches_unacked": len(issuers["unacked"]),
        "batches_acked_under_several_keys": issuers["ack_keys"] - issuers["batches_acked"],
        "writeoffs_published": customs["writeoffs_published"],
        "writeoffs_at_ministry": ministry["records"],
        "writeoffs_under_several_keys": ministry["records_under_several_keys"],
    }


def failed(found: dict) -> list[str]:
    """The promises a run broke ([] when none)."""
    broken = [
        name
        for name in (
            "licences_missing",
            "licences_under_several_keys",
            "batches_unacked",
            "batches_acked_under_several_keys",
            "writeoffs_under_several_keys",
        )
        if found[name]
    ]
    if found["writeoffs_at_ministry"] != found["writeoffs_published"]:
        broken.append("writeoffs_at_ministry")
    return broken
