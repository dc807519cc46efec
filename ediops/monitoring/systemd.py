"""systemd's notify protocol in a few lines (docs/monitoring.md): `READY=1` once the daemon
leads or stands by, `WATCHDOG=1` after each pass of its loop, `STOPPING=1` on the way out.
A loop that hangs stops pinging, and systemd (`WatchdogSec=`) restarts the daemon.

A datagram to the socket `NOTIFY_SOCKET` names (a path, or `@name` in the abstract
namespace), as sd_notify(3) sends it; without systemd the variable is unset and nothing is
sent. The standard library suffices: the `sdnotify` package is these same lines."""

from __future__ import annotations

import os
import socket
import time


class Notifier:
    def __init__(self, address: str | None = None):
        address = address if address is not None else os.environ.get("NOTIFY_SOCKET", "")
        self.address = "\0" + address[1:] if address.startswith("@") else address
        usec = os.environ.get("WATCHDOG_USEC", "")
        # systemd asks for a ping at least every WatchdogSec; twice as often leaves margin
        self.ping_every = int(usec) / 2e6 if usec.isdigit() and int(usec) > 0 else 1.0
        self.pinged = 0.0
        self.ready = False

    def send(self, message: str) -> bool:
        if not self.address:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self.address)
                sock.sendall(message.encode("utf-8"))
            return True
        except OSError:  # systemd gone or not listening: the daemon's work matters more
            return False

    def passed(self, status: str) -> None:
        """After a pass of the loop: READY=1 the first time, then WATCHDOG=1 when due."""
        now = time.monotonic()
        if not self.ready:
            self.ready = self.send(f"READY=1\nSTATUS={status}")
            self.pinged = now
        elif now - self.pinged >= min(self.ping_every, 1.0):
            self.send(f"WATCHDOG=1\nSTATUS={status}")
            self.pinged = now

    def stopping(self) -> None:
        self.send("STOPPING=1")
