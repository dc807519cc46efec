"""The desk's first frame stays light (bench/NOTES.md, desk first frame): the home screen shown
and filled imports nothing only later screens need. In a fresh process, since this one has
imported every screen already."""

from __future__ import annotations

import json
import subprocess
import sys

SHOW_HOME = """
import asyncio, json, sys
from ediops import config, store
from ediops.clock import Clock, parse_instant
from ediops.screens.shell.app import DeskApp

store.connect(sys.argv[1]).close()

async def main():
    app = DeskApp(db_path=sys.argv[1], config=config.load(None), clock=Clock(parse_instant("2000-10-09T18:00:00+08:00")))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        print(json.dumps({"screen": type(app.screen).__name__, "modules": sorted(sys.modules)}))

asyncio.run(main())
"""
LATER = (
    "textual.widgets._data_table",  # KeyedTable's base: the home screen's panes are PaneTables
    "ediops.screens.kit.table",
    "textual.widgets._text_area",  # no desk screen has one
    "ediops.screens.shell.find",  # the find box (g)
    "ediops.screens.shell.palette",  # the palette's own commands (ctrl+p)
    "ediops.screens.kit.dialogs",  # the reason dialog of the item keys
    "_strptime",
)


def test_the_home_screen_imports_nothing_later_screens_need(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", SHOW_HOME, str(tmp_path / "ediops.db")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    shown = json.loads(run.stdout.strip().splitlines()[-1])
    assert shown["screen"] == "HomeScreen"
    assert [m for m in LATER if m in shown["modules"]] == []


COLLECTOR = """
import asyncio, gc, json, sys
from ediops import config, store
from ediops.clock import Clock, parse_instant
from ediops.screens.shell.app import DeskApp

store.connect(sys.argv[1]).close()
gc.disable()  # as `ediops desk` starts it

async def main():
    app = DeskApp(db_path=sys.argv[1], config=config.load(None), clock=Clock(parse_instant("2000-10-09T18:00:00+08:00")))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        print(json.dumps({"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))

asyncio.run(main())
"""
HELD_OFF = """
import gc, sys
from ediops.screens.shell.app import DeskApp
from ediops.__main__ import main

DeskApp.run = lambda app: print("collecting while the desk starts:", gc.isenabled())
main(["desk", "--db", sys.argv[1], "--now", "2000-10-09T18:00:00+08:00"])
print("collecting after:", gc.isenabled())
"""


def test_the_desk_starts_without_the_collector_and_turns_it_back_on(tmp_path):
    """Its passes walked every object the start made, ~50 ms of the first frame (bench/NOTES.md)."""
    run = subprocess.run(
        [sys.executable, "-c", HELD_OFF, str(tmp_path / "ediops.db")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines() == ["collecting while the desk starts: False", "collecting after: True"]


def test_the_collector_resumes_once_the_first_frame_is_composed(tmp_path):
    """...with what the start made frozen: it lives as long as the desk, later passes skip it."""
    run = subprocess.run(
        [sys.executable, "-c", COLLECTOR, str(tmp_path / "ediops.db")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    state = json.loads(run.stdout.strip().splitlines()[-1])
    assert state["enabled"] is True
    assert state["frozen"] > 10_000
