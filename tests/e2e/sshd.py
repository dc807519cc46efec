"""A real OpenSSH server on 127.0.0.1 for the desk-over-SSH tests, and the user who logs in.

Everything of the server (host key, config, pid file, log) lives in the test's temporary
directory; what sshd reads as the user (authorized keys, the data file) lives in a run
directory the user owns under its home, because pytest's temporary directories are 0700 root
and StrictModes refuses keys below a world-writable /tmp."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import stat
import subprocess
import time
import uuid
from pathlib import Path

from tests.e2e import procs

SSHD = Path("/usr/sbin/sshd")
PRIVSEP_DIR = Path("/run/sshd")  # sshd refuses to start without it; systemd usually makes it
USER = "ediops-e2e"
HOST_ALIAS = "ediops-e2e-sshd"  # the name the client checks the host key under, whatever the port


def ensure_user(name: str = USER) -> pwd.struct_passwd:
    """The test's login, created once: bash as in docs/ssh.md (sshd runs ForceCommand through
    it; `bash -c` execs the desk, which then gets the hang-up itself) and a password field of `*`
    (no password, but not locked: with UsePAM no, sshd refuses locked accounts)."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        created = subprocess.run(["useradd", "--create-home", "--user-group", name], capture_output=True, text=True)
        if created.returncode != 0 and "already exists" not in created.stderr:
            raise RuntimeError(f"useradd {name}: {created.stderr.strip()}")
    subprocess.run(["usermod", "--password", "*", "--shell", "/bin/bash", name], check=True, capture_output=True)
    return pwd.getpwnam(name)


def run_as(user: str, *argv: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["runuser", "-u", user, "--", *argv], capture_output=True, text=True, timeout=timeout, cwd="/"
    )


def grant_traverse(user: str, path: Path) -> list[tuple[Path, int]]:
    """Lets `user` reach `path` by adding search (o+x, never read) to each directory above it
    that blocks others (e.g. a 0700 /root holding the interpreter); returns what to restore."""
    changed = []
    for folder in reversed(Path(path).resolve().parents):
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            os.chmod(folder, stat.S_IMODE(mode) | stat.S_IXOTH)
            changed.append((folder, stat.S_IMODE(mode)))
    return changed


def user_rundir(account: pwd.struct_passwd) -> Path:
    """A fresh directory in the user's home, owned by it, 0700."""
    rundir = Path(account.pw_dir) / f"run-{uuid.uuid4().hex[:12]}"
    rundir.mkdir(mode=0o700)
    os.chown(rundir, account.pw_uid, account.pw_gid)
    return rundir


def give(path: Path, account: pwd.struct_passwd, mode: int) -> Path:
    os.chown(path, account.pw_uid, account.pw_gid)
    os.chmod(path, mode)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ediops-e2e", "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def sshd_config(
    *,
    port: int,
    workdir: Path,
    user: str,
    authorized_keys: Path,
    force_command: str,
    alive_interval: int,
    alive_count: int,
) -> str:
    """The deployment snippet of docs/ssh.md, with the keepalive shortened so a frozen client
    is noticed in seconds."""
    return f"""\
Port {port}
ListenAddress 127.0.0.1
HostKey {workdir / "host_ed25519_key"}
PidFile {workdir / "sshd.pid"}
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers {user}
AuthorizedKeysFile {authorized_keys}
ClientAliveInterval {alive_interval}
ClientAliveCountMax {alive_count}
LogLevel VERBOSE
Subsystem sftp internal-sftp

Match User {user}
    ForceCommand {force_command}
    DisableForwarding yes
    PermitTTY yes
"""


class SshServer:
    """`sshd -D` as root on a free loopback port, forcing one command on `user`'s logins."""

    def __init__(
        self,
        workdir: Path,
        account: pwd.struct_passwd,
        rundir: Path,
        force_command: str,
        *,
        alive_interval: int = 1,
        alive_count: int = 2,
    ):
        self.workdir = workdir
        self.user = account.pw_name
        self.port = free_port()
        keygen(workdir / "host_ed25519_key")
        self.client_key = keygen(workdir / "id_ed25519")
        authorized = rundir / "authorized_keys"
        authorized.write_text((workdir / "id_ed25519.pub").read_text())
        give(authorized, account, 0o600)
        host_pub = (workdir / "host_ed25519_key.pub").read_text().split()[:2]
        self.known_hosts = workdir / "known_hosts"
        self.known_hosts.write_text(f"{HOST_ALIAS} {' '.join(host_pub)}\n")
        self.config = workdir / "sshd_config"
        self.config.write_text(
            sshd_config(
                port=self.port,
                workdir=workdir,
                user=self.user,
                authorized_keys=authorized,
                force_command=force_command,
                alive_interval=alive_interval,
                alive_count=alive_count,
            )
        )
        self.log = workdir / "sshd.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10.0) -> None:
        PRIVSEP_DIR.mkdir(mode=0o755, exist_ok=True)
        checked = subprocess.run([str(SSHD), "-t", "-f", str(self.config)], capture_output=True, text=True)
        if checked.returncode != 0:
            raise RuntimeError(f"sshd -t rejects {self.config}: {checked.stderr.strip()}")
        self.process = subprocess.Popen(
            [str(SSHD), "-D", "-f", str(self.config), "-E", str(self.log)], stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd exited {self.process.returncode}: {self.log_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"sshd not listening on {self.port} after {timeout}s: {self.log_text()}")
                time.sleep(0.05)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else "(no log)"

    def client_argv(self, port: int | None = None) -> list[str]:
        """`ssh -tt` as duty staff would log in: a terminal, the host key checked, no agent or
        config; `port` reaches the server through a relay."""
        return [
            "ssh",
            "-tt",
            "-F",
            "/dev/null",
            "-i",
            str(self.client_key),
            "-p",
            str(port or self.port),
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            f"UserKnownHostsFile={self.known_hosts}",
            "-o",
            f"HostKeyAlias={HOST_ALIAS}",
            "-o",
            "LogLevel=ERROR",
            f"{self.user}@127.0.0.1",
        ]

    def sessions(self) -> list[procs.Proc]:
        """The listener and every session process below it."""
        if self.process is None:
            return []
        return procs.matching(lambda p: p.pid == self.process.pid)

    def stop(self) -> None:
        procs.kill_all(self.sessions())
        if self.process is not None:
            self.process.wait(timeout=5)


def remove_rundir(rundir: Path) -> None:
    shutil.rmtree(rundir, ignore_errors=True)
