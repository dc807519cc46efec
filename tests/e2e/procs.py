"""Which processes a test started, read from /proc, and whether they are gone.

A process is named by (pid, start time) so a recycled pid never counts as a survivor, and a
zombie counts as gone: it runs nothing and holds nothing but its exit status."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

PROC = Path("/proc")


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    uid: int
    start: int
    state: str
    cmdline: str

    def __str__(self) -> str:
        return f"pid {self.pid} ({self.cmdline})"


def _read(pid: int) -> Proc | None:
    try:
        uid = (PROC / str(pid)).stat().st_uid
        stat = (PROC / str(pid) / "stat").read_text()
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # comm may hold spaces and parentheses
    cmdline = raw.rstrip(b"\0").replace(b"\0", b" ").decode(errors="replace")
    return Proc(pid=pid, ppid=int(fields[1]), uid=uid, start=int(fields[19]), state=fields[0], cmdline=cmdline)


def processes() -> list[Proc]:
    found = (_read(int(entry.name)) for entry in PROC.iterdir() if entry.name.isdigit())
    return [p for p in found if p is not None]


def alive(proc: Proc) -> bool:
    now = _read(proc.pid)
    return now is not None and now.start == proc.start and now.state != "Z"


def environ_has(pid: int, entry: str) -> bool:
    """True when `entry` (NAME=value) is in the process's environment (readable as root or owner)."""
    try:
        return entry.encode() in (PROC / str(pid) / "environ").read_bytes().split(b"\0")
    except OSError:
        return False


def tree(roots: Iterable[Proc]) -> list[Proc]:
    """The roots and every live descendant of theirs."""
    table = processes()
    found = {p.pid: p for p in roots}
    grew = True
    while grew:
        grew = False
        for p in table:
            if p.ppid in found and p.pid not in found:
                found[p.pid] = p
                grew = True
    return list(found.values())


def matching(predicate: Callable[[Proc], bool]) -> list[Proc]:
    """Live processes the predicate picks, with their descendants."""
    return tree(p for p in processes() if p.state != "Z" and predicate(p))


def wait_gone(procs: Iterable[Proc], timeout: float) -> list[Proc]:
    """Polls until none of `procs` is alive or `timeout` seconds pass; returns the survivors."""
    deadline = time.monotonic() + timeout
    survivors = [p for p in procs if alive(p)]
    while survivors and time.monotonic() < deadline:
        time.sleep(0.1)
        survivors = [p for p in survivors if alive(p)]
    return survivors


def kill_all(procs: Iterable[Proc], grace: float = 2.0) -> None:
    """TERM, then KILL what is still there: the finalizers' last resort, scoped to `procs`."""
    procs = [p for p in procs if alive(p)]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in procs:
            if alive(p):
                try:
                    os.kill(p.pid, sig)
                except ProcessLookupError:
                    pass
        procs = wait_gone(procs, grace)
        if not procs:
            return
