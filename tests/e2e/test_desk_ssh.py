"""The desk as duty staff get it: `ssh -tt` to a real sshd whose ForceCommand runs the desk
for the test login, in an 80x24 terminal. However the connection drops, the desk's processes
must be gone within seconds (docs/ssh.md: a dropped connection)."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.e2e import procs
from tests.e2e.netcut import CuttableLink
from tests.e2e.sshd import give, grant_traverse

pytestmark = pytest.mark.e2e

PANE_TITLES = ("Issuer feeds", "Urgent licences", "Mismatches", "Hotline tickets")
GONE_WITHIN = 10  # seconds: "gone within seconds", with room for a loaded machine


def _crash_log(home: str) -> str:
    path = Path(home) / ".local" / "state" / "ediops" / "desk-crash.log"
    return path.read_text(errors="replace")[-3000:] if path.exists() else "(no crash log)"


@pytest.fixture
def installed_for_desk(installed, desk_account):
    """The wheel installed in a fresh venv (docs/ssh.md: Install), reachable by the test login."""
    restore = []
    for target in (installed.ediops, Path(os.path.realpath(installed.python))):
        restore += grant_traverse(desk_account.pw_name, target)
    yield installed
    for folder, mode in reversed(restore):
        os.chmod(folder, mode)


@pytest.fixture
def desk_over_ssh(terminal, ssh_server, user_rundir, desk_account, installed_for_desk, request):
    """The installed desk logged in over SSH through a cuttable link and showing its panes."""
    data = user_rundir / "data"
    data.mkdir()
    give(data, desk_account, 0o700)
    db = data / "desk.db"
    server = ssh_server(f"{installed_for_desk.ediops} --db {db} desk")
    link = CuttableLink(server.port)
    request.addfinalizer(link.close)
    term = terminal(width=80, height=24)
    term.start(server.client_argv(port=link.port))
    try:
        term.wait_for(*PANE_TITLES, timeout=30)
    except AssertionError as exc:
        raise AssertionError(
            f"{exc}\n--- sshd log:\n{server.log_text()[-2000:]}\n--- crash log:\n{_crash_log(desk_account.pw_dir)}"
        ) from None
    desk = procs.matching(lambda p: p.uid == desk_account.pw_uid and str(db) in p.cmdline)
    assert desk, f"no process runs the desk on {db}"
    return SimpleNamespace(term=term, client=term.pane_pid(), desk=desk, server=server, link=link)


def _assert_gone(session, how: str) -> None:
    survivors = procs.wait_gone(session.desk, timeout=GONE_WITHIN)
    assert survivors == [], (
        f"{how}: desk processes still there after {GONE_WITHIN}s: "
        + "; ".join(map(str, survivors))
        + f"\n--- sshd log:\n{session.server.log_text()[-1500:]}"
    )


def test_desk_exits_when_the_ssh_client_is_killed(desk_over_ssh):
    os.kill(desk_over_ssh.client, signal.SIGKILL)
    _assert_gone(desk_over_ssh, "ssh client killed")


def test_desk_exits_when_the_terminal_is_closed(desk_over_ssh):
    desk_over_ssh.term.kill_pane()
    _assert_gone(desk_over_ssh, "terminal closed")


def test_desk_exits_when_sshd_gives_up_on_a_silent_network(desk_over_ssh):
    """Nothing closes, nothing answers: sshd's ClientAlive keepalive ends the session, as an idle
    desk writes nothing between its minute ticks (OpenSSH probes only after a whole
    ClientAliveInterval without traffic either way)."""
    desk_over_ssh.link.cut()
    _assert_gone(desk_over_ssh, "network silent")
