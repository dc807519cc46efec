"""docs/operations.md: a commit the centre has acted on outside survives a power loss. Under WAL
with synchronous=NORMAL a commit reaches the disk only at the next sync of the WAL, so the
property is: every byte written to the WAL before an outside effect (an ack, a forward, a
relay POSTed to a peer) was synced before that POST left. The real engine runs under strace
against the real simulator, and the order of its system calls is checked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.support import harness

EVENING = "2000-10-09T18:00:00+08:00"
POST = re.compile(r'(?:sendto|write|sendmsg)\((\d+), "POST \S*?/(acks|licences|writeoffs)\b')


def _trace(world, window: str, out) -> subprocess.CompletedProcess:
    argv = [
        "strace", "-f", "-qq", "-s", "64", "-o", str(out),
        "-e", "trace=openat,pwrite64,write,fsync,fdatasync,sendto,sendmsg,close",
        sys.executable, str(harness.ROOT / "main.py"), "run", window,
        "--db", str(world.db_path), "--config", str(world.config_dir), "--now", EVENING,
    ]  # fmt: skip
    return subprocess.run(
        argv, capture_output=True, text=True, timeout=120, env={**os.environ, **world.env}, cwd=harness.ROOT
    )


def _unsynced_posts(trace: str, wal: str) -> tuple[list[str], list[str]]:
    """(every POST seen, those sent while the WAL held bytes not yet synced)."""
    wal_fds: set[str] = set()
    dirty = False
    posts, unsynced = [], []
    for line in trace.splitlines():
        pid_call = line.split(None, 1)
        if len(pid_call) < 2:
            continue
        call = pid_call[1]
        if call.startswith("openat(") and f'{wal}"' in call and "= " in call:
            fd = call.rsplit("= ", 1)[1].split()[0]
            if fd.isdigit():
                wal_fds.add(fd)
        elif re.match(r"(pwrite64|write)\((\d+),", call) and call.split("(", 1)[1].split(",")[0] in wal_fds:
            dirty = True
        elif re.match(r"f(data)?sync\((\d+)\)", call) and call.split("(", 1)[1].split(")")[0] in wal_fds:
            dirty = False
        elif call.startswith("close(") and call[6:].split(")")[0] in wal_fds:
            wal_fds.discard(call[6:].split(")")[0])
        elif match := POST.match(call):
            posts.append(match.group(2))
            if dirty:
                unsynced.append(match.group(2))
    return posts, unsynced


@pytest.mark.integration
def test_every_post_to_a_peer_follows_a_synced_wal(world, tmp_path):
    if not shutil.which("strace"):
        pytest.skip("needs strace")
    # one peer at a time: with several, another peer's fresh (not yet acted on) commit can
    # land in the WAL between a durable commit and its POST, which this order check would flag
    world.configure(issuers=3, settings={"peer_concurrency": 1})
    world.simulator(now=EVENING, scale=0.05)
    seen: list[str] = []
    for window in ("poll-feeds", "forward-customs", "pull-writeoffs", "send-acks"):
        out = tmp_path / f"{window}.trace"
        done = _trace(world, window, out)
        assert done.returncode == 0, done.stderr[-2000:]
        posts, unsynced = _unsynced_posts(out.read_text(errors="replace"), f"{world.db_path}-wal")
        assert unsynced == [], f"{window}: POSTed with unsynced commits in the WAL: {unsynced}"
        seen += posts
    assert {"acks", "licences", "writeoffs"} <= set(seen), f"the runs made no POST of each kind: {set(seen)}"
