"""The desk leaves when its terminal goes away, however it learns of it: a signal while the
terminal is still there, or stdin at EOF after a hang-up whose SIGHUP it never got (ignored,
as under nohup). Textual alone spins on that EOF (docs/architecture.md: Desk, over SSH)."""

from __future__ import annotations

import os
import signal

import pytest

from tests.e2e import procs
from tests.e2e.conftest import ediops_bin
from tests.e2e.test_desk_ssh import PANE_TITLES

pytestmark = pytest.mark.e2e

GONE_WITHIN = 10  # seconds


def _desk(terminal, tmp_path, *, ignore_hangup: bool = False, keep_status: bool = False):
    argv = [str(ediops_bin()), "--db", str(tmp_path / "desk.db"), "desk"]
    if ignore_hangup:  # SIG_IGN survives exec, so the desk starts with SIGHUP ignored
        argv = ["/bin/sh", "-c", "trap '' HUP; exec \"$@\"", "sh", *argv]
    term = terminal(width=80, height=24)
    (term.start_keeping_status if keep_status else term.start)(argv, cwd=tmp_path)
    term.wait_for(*PANE_TITLES, timeout=30)
    desk = term.pane_processes()
    assert any(str(tmp_path / "desk.db") in p.cmdline for p in desk), f"no desk among {desk}"
    return term, desk


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_desk_exits_on_a_signal_while_its_terminal_stays(terminal, tmp_path, signum):
    term, desk = _desk(terminal, tmp_path)
    os.kill(term.pane_pid(), signum)
    assert procs.wait_gone(desk, timeout=GONE_WITHIN) == []


def test_desk_exits_at_stdin_eof_when_it_never_gets_the_hangup(terminal, tmp_path):
    term, desk = _desk(terminal, tmp_path, ignore_hangup=True)
    term.kill_pane()
    survivors = procs.wait_gone(desk, timeout=GONE_WITHIN)
    assert survivors == [], "desk still running after its terminal hung up: " + "; ".join(map(str, survivors))


def test_desk_still_quits_after_a_sigcont(terminal, tmp_path):
    """The kernel sends SIGCONT with the SIGHUP of every hang-up. Textual's driver answers
    SIGCONT by restarting application mode from inside the signal handler, after which the
    desk could not shut down: it hung on its writer thread's full queue."""
    term, desk = _desk(terminal, tmp_path, keep_status=True)
    desk_pid = next(p.pid for p in desk if "python" in p.cmdline and str(tmp_path / "desk.db") in p.cmdline)
    os.kill(desk_pid, signal.SIGCONT)
    term.wait_for(*PANE_TITLES)
    term.send("q")
    assert term.wait_exit(timeout=GONE_WITHIN) == 0, "desk did not quit after a SIGCONT"
    assert procs.wait_gone(desk, timeout=GONE_WITHIN) == []
