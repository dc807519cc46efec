"""Fixtures of the end-to-end tests: a tmux terminal, the test login, a real sshd.

Missing tools (tmux, /usr/sbin/sshd) or not being root fail the tests under CI, where
`make e2e-tools` installs them, and skip them elsewhere with the reason."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.e2e import procs
from tests.e2e import sshd as sshd_mod
from tests.e2e.terminal import Tmux

ROOT = Path(__file__).resolve().parents[2]


def ediops_bin() -> Path:
    """The `ediops` script of the checkout under test."""
    own = ROOT / ".venv" / "bin" / "ediops"
    return own if own.exists() else Path(sys.executable).parent / "ediops"


def need(*, tmux: bool = False, sshd: bool = False, root: bool = False) -> None:
    missing = []
    if tmux and not shutil.which("tmux"):
        missing.append("tmux")
    if sshd and not (os.access(sshd_mod.SSHD, os.X_OK) and shutil.which("ssh") and shutil.which("ssh-keygen")):
        missing.append("openssh-server and openssh-client (/usr/sbin/sshd, ssh, ssh-keygen)")
    if root and os.geteuid() != 0:
        missing.append("root (to run sshd and create the test login)")
    if not missing:
        return
    reason = f"end-to-end test needs {', '.join(missing)}; `make e2e-tools` installs them as root"
    if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def terminal(tmp_path):
    """Factory of tmux terminals; every server is killed at the end of the test."""
    made: list[Tmux] = []

    def make(width: int = 100, height: int = 30) -> Tmux:
        need(tmux=True)
        term = Tmux(tmp_path, width=width, height=height)
        made.append(term)
        return term

    yield make
    for term in made:
        term.close()


@pytest.fixture(scope="session")
def desk_account():
    """The login the SSH tests use, able to run this checkout's `ediops`.

    If the interpreter sits below a directory others cannot search (a 0700 /root), the
    directories get o+x for the session and their modes are restored afterwards."""
    need(tmux=True, sshd=True, root=True)
    account = sshd_mod.ensure_user()
    restore = []
    for target in (ediops_bin(), Path(os.path.realpath(sys.executable)), ROOT):
        restore += sshd_mod.grant_traverse(account.pw_name, target)
    try:
        probe = sshd_mod.run_as(account.pw_name, str(ediops_bin()), "--help")
        if probe.returncode != 0:
            pytest.fail(f"{account.pw_name} cannot run {ediops_bin()}: {probe.stderr.strip()}", pytrace=False)
        yield account
    finally:
        for folder, mode in reversed(restore):
            os.chmod(folder, mode)


@pytest.fixture
def user_rundir(desk_account):
    """A directory of the test login's own, removed with whatever still runs from it."""
    rundir = sshd_mod.user_rundir(desk_account)
    yield rundir
    procs.kill_all(procs.matching(lambda p: str(rundir) in p.cmdline))
    sshd_mod.remove_rundir(rundir)


@pytest.fixture
def ssh_server(tmp_path, desk_account, user_rundir):
    """Factory: a started sshd forcing `force_command` on the test login; stopped at the end."""
    servers: list[sshd_mod.SshServer] = []

    def start(force_command: str, **keepalive) -> sshd_mod.SshServer:
        server = sshd_mod.SshServer(tmp_path, desk_account, user_rundir, force_command, **keepalive)
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()
