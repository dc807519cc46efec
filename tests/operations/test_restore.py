"""docs/operations.md, restoring a backup, done as written: a daemon writing the store, a
backup, the daemon stopped, the store lost, the backup copied back, checked, the daemon
started again on it."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.support.harness import wait_until

EVENING = "2000-10-09T18:00:00+08:00"


def _count(path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.integration
def test_stop_copy_back_check_start(world, tmp_path):
    world.configure(issuers=3)
    world.simulator(now=EVENING, scale=0.05)
    live = world.db_path
    daemon = world.daemon(now=EVENING)
    daemon.wait_for("took the lease")
    wait_until(lambda: live.exists() and _count(live, "acks") > 0, timeout=60, what="batches polled and acked")
    copy = tmp_path / "backup.db"
    taken = world.cli("backup", str(copy), now=EVENING)
    assert taken.returncode == 0, taken.stderr
    in_copy = _count(copy, "licences")

    assert daemon.stop() == 0  # 1. stop everything that writes
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for suffix in ("", "-wal", "-shm"):  # 2. the damaged file aside, with its -wal and -shm
        if live.with_name(live.name + suffix).exists():
            shutil.move(live.with_name(live.name + suffix), damaged)
    shutil.copyfile(copy, live)  # 3. the backup copied back
    checked = world.cli("check", now=EVENING)  # 4. checked
    assert (checked.returncode, checked.stdout) == (0, "ok\n"), checked.stdout + checked.stderr

    again = world.daemon("daemon-after-restore", now=EVENING)  # 5. started
    again.wait_for("took the lease")
    windows = world.cli("windows", now=EVENING)
    assert windows.returncode == 0 and windows.stdout.startswith("leader: daemon@"), windows.stdout
    assert _count(live, "licences") >= in_copy
    assert again.stop() == 0
    assert world.cli("check", now=EVENING).stdout == "ok\n"
