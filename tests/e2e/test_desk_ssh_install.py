"""docs/ssh.md done as written, on the installed wheel (not the checkout): a desk group, two
staff logins whose only program is the desk, the shared data directory (2770, setgid) and
file (0660), the daemon as its own user. Each login acts from its desk; the audit names each
one's own OS user, and the daemon, not the desks, runs the work they asked for."""

from __future__ import annotations

import grp
import os
import pwd
import sqlite3
import stat
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.e2e import sshd as sshd_mod
from tests.e2e.test_desk_ssh import PANE_TITLES
from tests.support.harness import free_port

pytestmark = pytest.mark.e2e

GROUP = "ediops-e2e-desk"
STAFF = ("ediops-e2e", "ediops-e2e2")
DAEMON = "ediops-e2e-d"


def _sh(*argv: str) -> None:
    done = subprocess.run(list(argv), capture_output=True, text=True)
    if done.returncode != 0 and "already exists" not in done.stderr:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip()}")


@pytest.fixture
def centre(installed, desk_account, tmp_path):
    """Accounts, group, /etc/ediops and /var/lib/ediops of the docs, under tmp_path."""
    _sh("groupadd", "--force", GROUP)
    accounts = [sshd_mod.ensure_user(name) for name in (*STAFF, DAEMON)]
    for account in accounts:
        _sh("usermod", "--append", "--groups", GROUP, account.pw_name)
    gid = grp.getgrnam(GROUP).gr_gid
    daemon = pwd.getpwnam(DAEMON)

    etc = tmp_path / "etc-ediops"  # root's, read by all: roles.toml counts only when root-owned
    etc.mkdir(mode=0o755)
    (etc / "roles.toml").write_text('default = "viewer"\n[users]\n' + "".join(f'{u} = "duty"\n' for u in STAFF))
    (etc / "peers.toml").write_text(
        f'[[issuers]]\ncode = "AA"\nurl = "http://127.0.0.1:{free_port()}/issuers/AA"\ntoken_env = "EDIOPS_ISSUER_AA_TOKEN"\n'
    )
    for path in (etc / "roles.toml", etc / "peers.toml"):
        path.chmod(0o644)
    data = tmp_path / "var-lib-ediops"  # install -d -o ediops -g ediops-desk -m 2770
    data.mkdir()
    os.chown(data, daemon.pw_uid, gid)
    data.chmod(0o2770)

    restore = []
    for name in (*STAFF, DAEMON):
        for target in (installed.ediops, Path(os.path.realpath(installed.python)), etc, data):
            restore += sshd_mod.grant_traverse(name, target)
    keys = f"e2e-keys-{uuid.uuid4().hex[:8]}"
    try:
        yield {"etc": etc, "db": data / "ediops.db", "data": data, "keys": keys, "accounts": accounts, "gid": gid}
    finally:
        for folder, mode in reversed(restore):
            os.chmod(folder, mode)
        for account in accounts:
            sshd_mod.remove_rundir(Path(account.pw_dir) / keys)


def _daemon(installed, centre, log: Path) -> subprocess.Popen:
    """As the unit runs it: its own user, UMask=0007, EDIOPS_DB, --config /etc/ediops."""
    command = f"umask 0007; exec {installed.ediops} --config {centre['etc']} daemon"
    return subprocess.Popen(
        ["/usr/sbin/runuser", "-u", DAEMON, "--", "/bin/sh", "-c", command],
        env={"PATH": "/usr/sbin:/usr/bin:/bin", "EDIOPS_DB": str(centre["db"]), "HOME": str(centre["data"])},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        cwd="/",
    )


def _sshd_config(server: sshd_mod.SshServer, centre, force_command: str) -> str:
    """docs/ssh.md's Match Group block, with the test's host key, port and keepalive."""
    return f"""\
Port {server.port}
ListenAddress 127.0.0.1
HostKey {server.workdir / "host_ed25519_key"}
PidFile {server.workdir / "sshd.pid"}
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers {" ".join(STAFF)}
AuthorizedKeysFile %h/{centre["keys"]}/authorized_keys
LogLevel VERBOSE

Match Group {GROUP}
    ForceCommand {force_command}
    SetEnv EDIOPS_DB={centre["db"]}
    DisableForwarding yes
    PermitTTY yes
    ClientAliveInterval 30
    ClientAliveCountMax 3
    PermitUserRC no
"""


def _wait(check, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"no {what} within {timeout}s"
        time.sleep(0.2)
    return found


def _rows(db: Path, sql: str) -> list:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def test_each_login_acts_as_its_own_os_user_on_the_installed_desk(installed, centre, terminal, tmp_path):
    log = tmp_path / "daemon.log"
    daemon = _daemon(installed, centre, log)
    try:
        _wait(lambda: "took the lease" in log.read_text(), "lease taken by the daemon")
        db = centre["db"]
        info = db.stat()
        assert (stat.S_IMODE(info.st_mode), info.st_gid) == (0o660, centre["gid"]), "data file not 0660, desk group"
        assert info.st_uid == pwd.getpwnam(DAEMON).pw_uid

        server = sshd_mod.SshServer(
            tmp_path, centre["accounts"][0], sshd_mod.user_rundir(centre["accounts"][0]), "unused"
        )
        for account in centre["accounts"][:2]:
            folder = Path(account.pw_dir) / centre["keys"]
            folder.mkdir(mode=0o700)
            os.chown(folder, account.pw_uid, account.pw_gid)
            keys = folder / "authorized_keys"
            keys.write_text((tmp_path / "id_ed25519.pub").read_text())
            sshd_mod.give(keys, account, 0o600)
        server.config.write_text(_sshd_config(server, centre, f"{installed.ediops} --config {centre['etc']} desk"))
        server.start()
        try:
            for user in STAFF:
                server.user = user
                term = terminal(width=100, height=30)
                term.start_keeping_status(server.client_argv())
                term.wait_for(*PANE_TITLES, timeout=30)
                term.send("C-p")
                term.wait_for("Urgent queue")
                term.palette("Run window reconcile")
                term.wait_for("Run window now")
                term.type(f"handover check by {user}")
                term.send("Enter")
                _wait(lambda: _rows(db, f"SELECT 1 FROM audit WHERE actor = '{user}'"), f"audit row of {user}")
                term.send("q")
                term.wait_exit(timeout=15)
                term.close()
        finally:
            server.stop()
        audit = _rows(db, "SELECT actor, action, subject, reason FROM audit WHERE action = 'window.run' ORDER BY id")
        assert audit == [(u, "window.run", "window:reconcile", f"handover check by {u}") for u in STAFF]

        def both_done() -> list:  # each login's command, taken by the daemon (one alone is not enough)
            done = _rows(db, "SELECT taken_by FROM commands WHERE done_at IS NOT NULL")
            return done if len(done) >= 2 else []

        taken = _wait(both_done, "both logins' commands done")
        assert len(taken) == 2 and all(t[0].startswith("daemon@") for t in taken)
        for suffix in ("-wal", "-shm"):  # made by whichever process came first: still the group's
            side = db.with_name(db.name + suffix)
            assert side.stat().st_gid == centre["gid"] and stat.S_IMODE(side.stat().st_mode) & 0o060 == 0o060
    finally:
        daemon.terminate()
        daemon.wait(timeout=15)
