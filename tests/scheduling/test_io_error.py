"""An I/O error under the daemon (issue 21): every fsync, or every write, of the running
daemon fails with EIO (strace injects it into the real process), while issuers publish. The commit an ack or a
forward would follow fails, so nothing is sent; the connection is reopened (docs/faults.md:
SQLite's guidance after a failed fsync); once the fault goes, everything goes on, once."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.support.harness import wait_until
from tests.support.recovery import assert_resumed_once, count

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


def _traced(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    return any(line.startswith("TracerPid:") and line.split()[1] != "0" for line in status.splitlines())


@pytest.mark.parametrize("calls", ["fsync,fdatasync", "pwrite64"])
def test_an_io_error_under_the_daemon_sends_nothing_and_everything_goes_on_after(world, calls):
    if not shutil.which("strace"):
        pytest.skip("needs strace (make test installs it)")
    world.configure(issuers=3, settings={"lease_seconds": 6})
    sim = world.simulator(now=EVENING, faults=("down=issuers",))
    world.env["EDIOPS_ALERT_DUTY_URL"] = f"json://{sim.url.removeprefix('http://')}/alerts/duty"
    daemon = world.daemon(now=EVENING)
    daemon.wait_for("took the lease", timeout=30)
    pid = daemon.proc.pid
    inject = subprocess.Popen(
        ["strace", "-f", "-qq", "-o", "/dev/null", "-p", str(pid), "-e", f"trace={calls}"]
        + ["-e", f"inject={calls}:error=EIO"],
    )
    try:
        wait_until(lambda: _traced(pid), timeout=20, what="strace attached")
        sim.control(down=[])  # the issuers publish: acks and forwards would follow durable commits
        daemon.wait_for("cannot write: an I/O error", timeout=60)
        wait_until(
            lambda: any(m["channel"] == "duty" for m in httpx.get(f"{sim.url}/alerts", timeout=5).json()["messages"]),
            timeout=60,
            what="STORE_UNWRITABLE at the duty channel",
        )
        stats = sim.stats()
        assert stats["issuers"]["ack_posts"] == 0 and stats["customs"]["posts"] == 0
    finally:
        inject.send_signal(signal.SIGINT)  # strace detaches: the fault is gone
        inject.wait(20)
    wait_until(lambda: not _traced(pid), timeout=20, what="strace detached")
    time.sleep(0.1)
    assert_resumed_once(daemon, world, sim, "everything acknowledged and forwarded after the fault")
    assert count(world.db_path, "PRAGMA quick_check") == "ok"
