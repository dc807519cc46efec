"""The desk over SSH: the real `ediops desk` in a pseudo-terminal starts showing the four panes,
quits on q, and leaves (instead of spinning) when the terminal hangs up or stdin ends; a crash
goes to the log file with one short line on screen."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.desk.conftest import settle

TITLES = ["Issuer feeds", "Urgent licences", "Mismatches", "Hotline tickets"]


def _spawn(db_path, tmp_path):
    """`ediops desk` on a new pseudo-terminal of 100x30; returns (process, master fd)."""
    master, slave = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "EDIOPS_LOG_DIR": str(tmp_path / "logs"), "COLORTERM": ""}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "desk", "--db", str(db_path), "--now", "2000-10-09T18:00:00+08:00"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(slave)
    return proc, master


def _read_until(master, proc, needles, seconds=30.0) -> str:
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
        text = seen.decode("utf-8", "replace")
        if all(n in text for n in needles):
            return text
        if proc.poll() is not None:
            break
    raise AssertionError(f"did not see {needles}; got {seen[-2000:]!r}")


def _wait_exit(proc, seconds=10.0, master=None) -> int | None:
    """Waits for the desk to end, reading its screen meanwhile (a full terminal would block it)."""
    deadline = time.monotonic() + seconds
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if master is not None:
                try:
                    if select.select([master], [], [], 0.1)[0]:
                        os.read(master, 65536)
                except OSError:
                    master = None
            else:
                time.sleep(0.1)
        return proc.poll()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_desk_starts_with_four_panes_and_quits_on_q(desk_db, db_path, tmp_path):
    proc, master = _spawn(db_path, tmp_path)
    try:
        _read_until(master, proc, TITLES + ["00-AA-000010"])
        os.write(master, b"q")
        assert _wait_exit(proc, master=master) == 0
    finally:
        os.close(master)


def test_desk_leaves_when_the_terminal_hangs_up(desk_db, db_path, tmp_path):
    proc, master = _spawn(db_path, tmp_path)
    _read_until(master, proc, TITLES)
    os.close(master)  # the SSH connection drops: the kernel hangs up the terminal
    assert _wait_exit(proc) is not None


def test_desk_leaves_on_sighup(desk_db, db_path, tmp_path):
    proc, master = _spawn(db_path, tmp_path)
    try:
        _read_until(master, proc, TITLES)
        proc.send_signal(signal.SIGHUP)
        assert _wait_exit(proc, master=master) is not None
    finally:
        os.close(master)


def test_desk_leaves_when_stdin_ends(desk_db, db_path, tmp_path):
    """stdin at EOF (a closed pipe) while the screen is still a terminal: leave, do not spin."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "EDIOPS_LOG_DIR": str(tmp_path / "logs")}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "desk", "--db", str(db_path)],
        stdin=subprocess.PIPE,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(slave)
    try:
        proc.stdin.close()
        assert _wait_exit(proc, 30, master=master) is not None
    finally:
        os.close(master)


async def test_crash_goes_to_the_log_with_a_short_line(desk_db, make_app, crash_log_dir, capfd):
    app = make_app()
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            app.call_later(lambda: 1 / 0)
            await pilot.pause()
    log = (crash_log_dir / "desk-crash.log").read_text()
    assert "ZeroDivisionError" in log and "Traceback" in log
    shown = capfd.readouterr().err
    assert "ediops desk stopped on an internal error; details in" in shown
    assert "Traceback" not in shown and "ZeroDivisionError" not in shown
