"""`ediops demo` in a real terminal shows the inspection screen with the simulated bureaus'
reports, polled live by the demo's leader."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ediops_bin, need
from tests.e2e.terminal import Tmux
from tests.e2e.test_demo import _config_on_free_ports

pytestmark = pytest.mark.e2e
BUREAU_ROW = re.compile(r"│(3100|4400|4700|5100) .*\d%.*\d%")


def test_key_i_in_the_demo_shows_every_bureau_with_live_shares(tmp_path):
    need(tmux=True)
    config = _config_on_free_ports(tmp_path / "config")
    term = Tmux(tmp_path, width=100, height=30)
    try:
        term.start_keeping_status(
            [str(ediops_bin()), "--db", str(tmp_path / "demo.db"), "--config", str(config), "demo"], cwd=tmp_path
        )
        term.wait_for("Urgent licences", timeout=45)
        term.send("i")
        term.wait_for("2002 notice", "Who must move")
        term.wait_for("4 of 4 reporting", timeout=60)  # once the leader's poll-feeds window ran
        assert len(BUREAU_ROW.findall(term.screen())) == 4, term.screen()
        term.send("q")
        term.wait_for("Quit the desk?")  # the demo's desk leads: it asks first
        term.send("y")
        assert term.wait_exit(timeout=20) == 0
    finally:
        term.close()
