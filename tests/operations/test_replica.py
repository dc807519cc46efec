"""`ediops replicate`, `replica status` and `restore` (docs/two-sites.md) for real: Litestream
(the pinned binary) replicating a store that commands write, to a file:// replica."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
from pathlib import Path

import pytest

from tests.support.harness import Proc, wait_until

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"
ISO_WITH_OFFSET = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d"


def _ticket(world, text: str) -> str:
    made = world.cli(
        "ticket", "new", "--caller", "Wang", "--phone", "0755-1234", "--org", "Port", "--category", "other",
        "--text", text, now=EVENING,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def _status(world) -> tuple[int, dict | None, str]:
    done = world.cli("replica", "status", "--json", now=EVENING)
    return done.returncode, (json.loads(done.stdout) if done.returncode == 0 else None), done.stderr


@pytest.fixture
def replicated(world, tmp_path):
    """A store, and `ediops replicate` running for it to a file:// replica."""
    url = f"file://{tmp_path / 'replica'}"
    world.configure(issuers=1, windows={}, settings={"replica_url": url})
    _ticket(world, "before replication")
    proc = Proc(
        "replicate",
        ["replicate", "--db", str(world.db_path), "--config", str(world.config_dir)],
        env=world.env,
        folder=tmp_path,
    )
    world.procs.append(proc)
    proc.wait_for("snapshot complete")
    return world, proc, url


def test_a_commit_reaches_the_replica_and_restores(replicated, tmp_path):
    world, proc, url = replicated
    ticket = _ticket(world, "after replication started")
    code, status, _ = wait_until(
        lambda: (s := _status(world))[0] == 0 and s[1]["lag_seconds"] == 0 and s,
        timeout=30,
        what="the replica caught up",
    )
    assert status["url"] == url and status["healthy"] is True
    assert re.fullmatch(ISO_WITH_OFFSET, status["last_replicated_at"])

    dest = tmp_path / "standby" / "ediops.db"
    dest.parent.mkdir()
    restored = world.cli("restore", url, str(dest), now=EVENING)
    assert restored.returncode == 0, restored.stderr
    assert "check ok" in restored.stdout
    last = re.search(rf"last transaction ({ISO_WITH_OFFSET})", restored.stdout)
    assert last, restored.stdout
    conn = sqlite3.connect(dest)
    assert ticket in {r[0] for r in conn.execute("SELECT id FROM tickets")}
    conn.close()

    assert dest.stat().st_mode & 0o777 == 0o660  # data_file_mode, whoever wrote the copy
    again = world.cli("restore", url, str(dest), now=EVENING)
    assert again.returncode == 1 and "already exists" in again.stderr

    proc.signal(signal.SIGTERM)  # Litestream makes its last sync and stops
    assert proc.proc.wait(20) == 0


def test_a_backup_file_restores_too(world, tmp_path):
    world.configure(issuers=1, windows={})
    ticket = _ticket(world, "in the backup")
    backup = tmp_path / "backup.db"
    assert world.cli("backup", str(backup), now=EVENING).returncode == 0
    dest = tmp_path / "restored.db"
    restored = world.cli("restore", str(backup), str(dest), now=EVENING)
    assert restored.returncode == 0, restored.stderr
    assert re.search(rf"last transaction {ISO_WITH_OFFSET}", restored.stdout)
    conn = sqlite3.connect(dest)
    assert conn.execute("SELECT count(*) FROM tickets WHERE id = ?", [ticket]).fetchone()[0] == 1
    conn.close()


def test_an_unreadable_replica_is_exit_1(world, tmp_path):
    world.configure(issuers=1, windows={}, settings={"replica_url": f"file://{tmp_path / 'never-written'}"})
    code, _, err = _status(world)
    assert code == 1 and "never-written" in err
    dest = tmp_path / "restored.db"
    restored = world.cli("restore", f"file://{tmp_path / 'never-written'}", str(dest), now=EVENING)
    assert restored.returncode == 1 and not dest.exists()


def test_the_url_is_shown_without_credentials():
    from ediops.operations.replica import shown

    assert shown("s3://AKIA:secret@bucket/ediops") == "s3://bucket/ediops"
    assert shown("sftp://ediops@standby:2222/srv/replica") == "sftp://ediops@standby:2222/srv/replica"
    assert shown("sftp://ediops:pw@standby/srv/replica") == "sftp://standby/srv/replica"


def test_no_litestream_outlives_a_killed_replicate(replicated):
    world, proc, _ = replicated
    children = Path(f"/proc/{proc.proc.pid}/task/{proc.proc.pid}/children").read_text().split()
    assert len(children) == 1
    litestream = Path(f"/proc/{children[0]}")
    proc.kill()  # SIGKILL: no chance to pass anything on
    wait_until(
        lambda: not litestream.exists() or "Z" in (litestream / "stat").read_text().split()[2], what="Litestream gone"
    )
