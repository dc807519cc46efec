"""A night on the desk at 80x24 in a real terminal (issue 24): customs is down, an urgent
licence goes overdue, a port officer calls about it and the officer hands over.

The demo runs with customs switched off and a one-minute urgent deadline. The duty officer
reads on the home screen that customs is down and how many licences wait on it, sees the
urgent licence go overdue, finds it by the number the caller says (no dashes, lower case),
reads out "waiting for customs, attempt n", logs the call, tries customs again (the same key),
sees the alerts grouped under the outage, reads the shift report of the centre's shift, and
quits; the desk asks first, since the demo's leader and peers stop with it."""

from __future__ import annotations

import re

import pytest

from ediops.config import BUNDLED
from tests.e2e import procs
from tests.e2e.conftest import ediops_bin
from tests.e2e.test_demo import GONE_WITHIN, _config_on_free_ports

pytestmark = pytest.mark.e2e
NIGHT = "2026-12-07T10:29:00+08:00"  # just before the simulated issuers' first urgent licences
PANE_LICENCE = re.compile(r"│(\d{2})-([A-Z]{2})-(\d{6}) +overdue")
OVERDUE = re.compile(r"in flight, ([1-9]\d*) overdue")


def _night_config(tmp_path):
    config = _config_on_free_ports(tmp_path / "config")
    settings = (BUNDLED / "settings.toml").read_text(encoding="utf-8")
    assert "urgent_deadline_minutes = 15" in settings
    (config / "settings.toml").write_text(
        settings.replace("urgent_deadline_minutes = 15", "urgent_deadline_minutes = 1").replace(
            "urgent_warn_minutes = 5", "urgent_warn_minutes = 1"
        ),
        encoding="utf-8",
    )
    return config


def test_a_night_with_customs_down_at_80x24(terminal, tmp_path):
    term = terminal(width=80, height=24)
    config = _night_config(tmp_path)
    term.start_keeping_status(
        [
            str(ediops_bin()),
            "--db",
            str(tmp_path / "night.db"),
            "--config",
            str(config),
            "--lang",
            "en",
            "--now",
            NIGHT,
            "demo",
            "--fault",
            "down=customs",
        ],
        cwd=tmp_path,
    )
    # 1. The outage in words at 80 columns: which peer, since when, how many licences wait.
    home = term.wait_for("Urgent licences", "customs DOWN since", "licences wait", "waiting #", timeout=90)
    assert "peers" in home
    # 2. An urgent licence goes overdue (one-minute deadline): the pane counts it.
    shown = term.wait_match(OVERDUE, timeout=120)
    licence = PANE_LICENCE.search(term.screen())
    assert licence, term.screen()
    number = "-".join(licence.groups())
    # 3. A port officer calls about it and says the number without dashes.
    term.send("g")
    term.wait_for("Find")
    term.type("".join(licence.groups()).lower())
    term.send("Enter")
    detail = term.wait_for(number, "waiting for customs, attempt", timeout=20)
    assert re.search(rf"{number} waiting for customs, attempt \d+", detail), detail  # not "forwarded"
    # ... logs the call on a ticket for that licence ...
    term.send("n")
    term.wait_for("Phone *", "Org name *")
    for missing, value in (("Phone", "021-68880000"), ("Caller", "Officer Zhang"), ("Org name", "Pudong Customs")):
        term.send("C-s")
        term.wait_for(f"{missing} is required")  # named as the form labels it; the focus goes there
        term.type(value)
        term.wait_for(value)
    term.send("C-s")  # the note is the category's template, already there
    term.wait_for("logged", timeout=20)
    # ... and tries customs again, under the same key.
    term.send("f")
    term.wait_for("Try customs again now (same key)")
    term.send("Enter")
    term.wait_for(f"retry of {number} requested", timeout=20)
    # 4. The alerts stand under their cause.
    term.send("Escape")
    term.send("!")
    term.wait_for("customs DOWN", "alerts", timeout=90)
    # 5. The handover: the shift report on the centre's shifts, not clipped.
    term.send("R")
    report = term.wait_for("Shift report 2026-12-07 08:00 to", "(so far; ends 16:00)", timeout=20)
    assert "T10:" not in report and "+08:00" not in report
    # 6. Quitting the demo's desk asks first, and says what stops.
    started = term.pane_processes()
    term.send("q")
    term.wait_for("Quit the desk?", "stop")
    term.send("y")
    assert term.wait_exit(timeout=30) == 0
    assert procs.wait_gone(started, timeout=GONE_WITHIN) == []
    assert shown
