"""`ediops replicate` to an sftp:// replica on the loopback sshd (docs/two-sites.md): the
standby's host key checked, the centre's key used, and `restore` from it."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.e2e.conftest import need
from tests.support.harness import Proc, wait_until

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


def test_replicate_over_sftp_and_restore(world, ssh_server, user_rundir, tmp_path):
    need(sshd=True, root=True)
    server = ssh_server("internal-sftp")
    host_key = " ".join((tmp_path / "host_ed25519_key.pub").read_text().split()[:2])
    url = f"sftp://{server.user}@127.0.0.1:{server.port}{user_rundir / 'replica'}"
    world.configure(
        issuers=1,
        windows={},
        settings={"replica_url": url, "replica_ssh_key": str(server.client_key), "replica_ssh_host_key": host_key},
    )
    made = world.cli(
        "ticket", "new", "--caller", "Li", "--phone", "0755-1234", "--org", "Port", "--category", "other",
        "--text", "over sftp", now=EVENING,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    proc = Proc(
        "replicate", ["replicate", "--db", str(world.db_path), "--config", str(world.config_dir)],
        env=world.env, folder=tmp_path,
    )  # fmt: skip
    world.procs.append(proc)
    proc.wait_for("snapshot complete", timeout=30)

    def caught_up():
        done = world.cli("replica", "status", "--json", now=EVENING)
        return done.returncode == 0 and json.loads(done.stdout)["lag_seconds"] == 0

    wait_until(caught_up, timeout=30, what="the sftp replica caught up")
    dest = tmp_path / "standby.db"
    restored = world.cli("restore", url, str(dest), now=EVENING)
    assert restored.returncode == 0, restored.stderr
    conn = sqlite3.connect(dest)
    assert conn.execute("SELECT count(*) FROM tickets WHERE id = ?", [made.stdout.strip()]).fetchone()[0] == 1
    conn.close()
    assert "Accepted publickey" in server.log_text()

    settings = world.config_dir / "settings.toml"  # another host answering: refused
    wrong = " ".join((tmp_path / "id_ed25519.pub").read_text().split()[:2])
    settings.write_text(settings.read_text().replace(host_key, wrong))
    refused = world.cli("replica", "status", "--json", now=EVENING)
    assert refused.returncode == 1, refused.stdout
