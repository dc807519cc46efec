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
