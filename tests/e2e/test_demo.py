"""`ediops demo` in a real terminal: it starts the simulator, a leader and the desk; an
operator opens the command palette, records a phone confirmation on an urgent licence and
quits; then nothing the demo started may still run."""

from __future__ import annotations

import getpass
import re
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from ediops.config import BUNDLED
from tests.e2e import procs
from tests.e2e.conftest import ediops_bin
from tests.e2e.sshd import free_port
from tests.e2e.test_desk_ssh import PANE_TITLES

pytestmark = pytest.mark.e2e

QUEUE_ROW = re.compile(r"^│[ *] \d{2}-[A-Z]{2}-\d{6} ", re.M)  # after the mark column
PHONE_DIALOG = re.compile(r"Phone confirmation with the issuer.*?licence (\d{2}-[A-Z]{2}-\d{6})", re.S)
GONE_WITHIN = 15  # seconds


def _phoned(db, timeout: float) -> list[tuple]:
    """The phone confirmations audited in the demo's data file, polled until one shows."""
    deadline = time.monotonic() + timeout
    while True:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
            rows = conn.execute("SELECT subject, actor FROM audit WHERE action = 'licence.phoned'").fetchall()
        if rows or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def _config_on_free_ports(folder: Path) -> Path:
    """The bundled peers.toml with every loopback port moved to a free one, so the demo's
    simulator never meets another test's (or a running demo's) on 8601..."""
    text = (BUNDLED / "peers.toml").read_text(encoding="utf-8")
    ports = {port: str(free_port()) for port in set(re.findall(r"127\.0\.0\.1:(\d+)", text))}
    folder.mkdir()
    (folder / "peers.toml").write_text(
        re.sub(r"127\.0\.0\.1:(\d+)", lambda m: f"127.0.0.1:{ports[m.group(1)]}", text), encoding="utf-8"
    )
    return folder


def _demo(terminal, tmp_path):
    term = terminal(width=100, height=30)
    config = _config_on_free_ports(tmp_path / "config")
    term.start_keeping_status(
        [str(ediops_bin()), "--db", str(tmp_path / "demo.db"), "--config", str(config), "demo"], cwd=tmp_path
    )
    return term


def _demo_processes(term) -> list[procs.Proc]:
    """The demo, its simulator and its leader, as they run under the desk."""
    started = term.pane_processes()
    commands = [p.cmdline for p in started]
    assert any(" simulate" in c for c in commands), f"no simulator among {commands}"
    assert any(" daemon" in c for c in commands), f"no scheduler leader among {commands}"
    return started


def _left_running(term) -> list[procs.Proc]:
    """What still runs, GONE_WITHIN seconds on, of all the terminal ran."""
    return procs.wait_gone(term.started(), timeout=GONE_WITHIN)


def test_closing_the_terminal_while_the_demo_starts_stops_the_simulator(terminal, tmp_path):
    """The operator closes the window before the desk is up: the demo's children run in their
    own sessions, so nothing but the demo itself can stop them."""
    term = _demo(terminal, tmp_path)
    deadline = time.monotonic() + 30
    while not any(" simulate" in p.cmdline for p in term.pane_processes()):
        assert time.monotonic() < deadline, "the demo started no simulator"
        time.sleep(0.05)
    term.kill_pane()
    assert _left_running(term) == []


def test_closing_the_terminal_stops_all_the_demo_started(terminal, tmp_path):
    term = _demo(terminal, tmp_path)
    term.wait_for(*PANE_TITLES, timeout=45)
    _demo_processes(term)
    term.kill_pane()
    assert _left_running(term) == []


def test_demo_acts_on_an_urgent_licence_and_stops_all_it_started(terminal, tmp_path):
    db = tmp_path / "demo.db"
    term = _demo(terminal, tmp_path)
    term.wait_for(*PANE_TITLES, timeout=45)

    started = _demo_processes(term)

    term.send("C-p")
    term.wait_for("Urgent queue", "Findings")
    term.palette("Urgent queue")
    term.wait_for("─ Urgent queue ─")
    term.wait_match(QUEUE_ROW, timeout=40)  # once the leader has polled the simulated issuers
    term.send("p")
    licence = term.wait_match(PHONE_DIALOG).group(1)
    term.type("issuer confirmed by phone (e2e)")
    term.send("Enter")
    assert _phoned(db, timeout=15) == [(f"licence:{licence}", getpass.getuser())]
    term.wait_match(re.compile(rf"{licence}.*{getpass.getuser()}"), timeout=10)  # the queue shows who phoned

    term.send("q")
    term.wait_for("Quit the desk?", "scheduler leader and simulated peers stop")  # the demo's desk leads: it asks
    term.send("y")
    status = term.wait_exit(timeout=20)
    assert status == 0, f"exit status {status}; still running: {[str(p) for p in started if procs.alive(p)]}"
    survivors = procs.wait_gone(started, timeout=GONE_WITHIN)
    assert survivors == [], "left running after the demo quit: " + "; ".join(map(str, survivors))
    assert term.started() == []
