"""The end-to-end harness itself: a login through the real sshd reaches the forced command in
a tmux terminal, a dropped connection ends it, and a process that survives is reported."""

from __future__ import annotations

import os
import signal

import pytest

from tests.e2e import procs
from tests.e2e.sshd import give

pytestmark = pytest.mark.e2e

SESSION = """\
#!/bin/sh
{trap}
echo "E2E-READY user=$(id -un) tty=$(tty)"
while :; do sleep 1; done
"""


def _script(rundir, account, *, ignore_hangup: bool):
    path = rundir / "session.sh"
    path.write_text(SESSION.format(trap="trap '' HUP" if ignore_hangup else ""))
    give(path, account, 0o700)
    return path


def _login(terminal, ssh_server, script):
    server = ssh_server(f"/bin/sh {script}")
    term = terminal(width=80, height=24)
    term.start(server.client_argv())
    term.wait_for("E2E-READY", timeout=15)
    running = procs.matching(lambda p: str(script) in p.cmdline)
    return server, term, running


def test_login_runs_the_forced_command_with_a_terminal(terminal, ssh_server, user_rundir, desk_account):
    script = _script(user_rundir, desk_account, ignore_hangup=False)
    _, term, running = _login(terminal, ssh_server, script)
    shown = term.screen()
    assert f"user={desk_account.pw_name}" in shown
    assert "tty=/dev/pts/" in shown
    assert running, "the forced command is not among the processes"
    assert term.pane_pid() in [p.pid for p in term.started()], "the terminal's marker is not inherited"


def test_killing_the_client_ends_the_session(terminal, ssh_server, user_rundir, desk_account):
    script = _script(user_rundir, desk_account, ignore_hangup=False)
    _, term, running = _login(terminal, ssh_server, script)
    os.kill(term.pane_pid(), signal.SIGKILL)
    assert procs.wait_gone(running, timeout=10) == []


def test_a_process_that_ignores_the_hangup_is_reported(terminal, ssh_server, user_rundir, desk_account):
    """The control: without it, `wait_gone` returning [] would prove nothing."""
    script = _script(user_rundir, desk_account, ignore_hangup=True)
    _, term, running = _login(terminal, ssh_server, script)
    term.kill_pane()
    survivors = procs.wait_gone(running, timeout=3)
    assert any(str(script) in p.cmdline for p in survivors)
