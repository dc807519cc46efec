"""docs/monitoring.md: the daemon tells systemd it is ready and pings the watchdog while its
loop passes, played here without systemd by a datagram socket named in NOTIFY_SOCKET."""

from __future__ import annotations

import socket
import sqlite3
import time

import pytest

from ediops.monitoring.systemd import Notifier
from tests.support.harness import Proc, wait_until


@pytest.fixture
def notify_socket(tmp_path):
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    yield path, sock
    sock.close()


def _received(sock: socket.socket, seconds: float) -> list[tuple[float, str]]:
    """Every datagram within `seconds`, with when it came."""
    got, end = [], time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            got.append((time.monotonic(), sock.recv(4096).decode()))
        except TimeoutError:
            break
    return got


def test_ready_once_then_watchdog_pings(notify_socket):
    path, sock = notify_socket
    notifier = Notifier(str(path))
    notifier.passed("standing by")
    notifier.pinged -= 5  # as if the last ping was long ago
    notifier.passed("leading (token 1)")
    notifier.stopping()
    messages = [m for _, m in _received(sock, 0.5)]
    assert messages == ["READY=1\nSTATUS=standing by", "WATCHDOG=1\nSTATUS=leading (token 1)", "STOPPING=1"]


def test_no_socket_no_message():
    assert Notifier("").send("READY=1") is False


@pytest.mark.integration
def test_the_daemon_pings_while_its_loop_passes_and_stops_when_it_hangs(world, notify_socket):
    path, sock = notify_socket
    evening = "2000-10-09T23:00:00+08:00"
    world.configure(issuers=2)
    world.simulator(now=evening, scale=0.05)
    args = ["daemon", "--db", str(world.db_path), "--config", str(world.config_dir), "--now", evening]
    daemon = Proc("daemon", args, env={**world.env, "NOTIFY_SOCKET": str(path)}, folder=world.folder)
    world.procs.append(daemon)
    first = wait_until(lambda: _received(sock, 1), timeout=30, what="a first message")
    assert first[0][1].startswith("READY=1")
    pings = wait_until(lambda: [t for t, m in _received(sock, 3) if m.startswith("WATCHDOG=1")], timeout=20)
    assert len(pings) >= 2  # about one a second while the loop passes

    # The store's write lock held elsewhere: the loop waits in its writes (the busy timeout,
    # 10 s each) and pings nothing meanwhile; systemd would restart it past WatchdogSec.
    lock = sqlite3.connect(world.db_path, isolation_level=None, timeout=30)
    lock.execute("BEGIN IMMEDIATE")
    try:
        during = [t for t, m in _received(sock, 12) if m.startswith("WATCHDOG=1")]
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    after = wait_until(lambda: [t for t, m in _received(sock, 2) if m.startswith("WATCHDOG=1")], timeout=40)
    times = [pings[-1], *during, after[0]]
    assert max(b - a for a, b in zip(times, times[1:])) > 5, times  # a silence, where every second had a ping
    assert daemon.stop() == 0
    assert any(m == "STOPPING=1" for _, m in _received(sock, 1))
