"""The Chinese desk in a real terminal (docs/languages.md): `--ascii` draws nothing that a
CJK terminal could draw two cells wide, with every border in place at 80x24; Chinese typed
into the ticket form (as an input method on the operator's machine sends it: UTF-8 text) is
stored as typed and shown."""

from __future__ import annotations

import json
import subprocess
import time
import unicodedata

import pytest
from rich.cells import cell_len

from ediops import store
from tests.desk.fixtures import populate
from tests.e2e.conftest import ediops_bin

pytestmark = pytest.mark.e2e

NOW = "2000-10-09T18:00:00+08:00"
LONG_NAME = "青岛海鸥食品进出口有限公司（山东省青岛市崂山区株洲路一百八十七号）"
NOTE = "要退证，问放行了几次；纸面证书背面签注不清"
PACE = 0.4  # seconds between keystrokes of the form test (pacing, not an assertion)


def _store(tmp_path):
    path = tmp_path / "desk.db"
    db = store.connect(path)
    populate(db)
    with store.write(db):
        db.execute("UPDATE licences SET trader_name = ?", [LONG_NAME])
        db.execute("UPDATE tickets SET caller = '李红卫', org = ?", [LONG_NAME])
    db.close()
    return path


def _desk(terminal, tmp_path, *options: str, width: int = 80, height: int = 24):
    """A desk in Chinese because the login's locale says so (LANG=zh_CN.UTF-8, no --lang)."""
    path = _store(tmp_path)
    term = terminal(width=width, height=height)
    term.env["LANG"] = "zh_CN.UTF-8"
    term.start([str(ediops_bin()), "--db", str(path), "--now", NOW, *options, "desk"], cwd=tmp_path)
    term.wait_for("发证机构上报", "急证", "核对不符", "热线工单", timeout=30)
    return term, path


def _ambiguous(screen: str) -> list[str]:
    """Characters a CJK terminal may draw two cells wide, or box drawing and blocks."""
    return sorted(
        {c for c in screen if unicodedata.east_asian_width(c) == "A" or 0x2500 <= ord(c) <= 0x259F or c == "…"}
    )


def test_ascii_draws_no_ambiguous_width_character_and_every_border_stays_in_place(terminal, tmp_path):
    term, _path = _desk(terminal, tmp_path, "--ascii")
    screen = term.wait_for("+-")
    lines = screen.splitlines()
    assert _ambiguous(screen) == [], screen
    assert all(cell_len(line) <= 80 for line in lines), screen
    panes = [line for line in lines if line.startswith("|")]
    assert len(panes) >= 16 and all(line.endswith("|") and cell_len(line) == 80 for line in panes), screen
    assert any(c for c in screen if unicodedata.east_asian_width(c) == "W"), "no Chinese shown"


def test_without_ascii_the_desk_draws_its_box_borders(terminal, tmp_path):
    term, _path = _desk(terminal, tmp_path)
    screen = term.screen()
    assert "╭" in screen and "│" in screen
    assert all(cell_len(line) <= 80 for line in screen.splitlines()), screen


def test_a_chinese_caller_and_note_typed_in_the_form_are_stored_and_shown(terminal, tmp_path):
    term, path = _desk(terminal, tmp_path, width=100, height=30)
    term.send("n")
    term.wait_for("新热线工单")
    # At a person's pace: a key sent before the form has moved its focus lands in the field before.
    steps = [("type", "0532-88886666"), ("send", "Enter"), ("type", "王小明"), ("send", "Enter")]
    steps += [("type", "青岛海鸥食品"), ("send", "Enter"), ("send", "Enter")]  # no licence number: on to the note
    steps += [("send", "C-a"), ("send", "C-k"), ("type", NOTE), ("send", "Enter")]  # proposed note cleared; enter saves
    for how, keys in steps:
        getattr(term, how)(keys)
        time.sleep(PACE)
    term.wait_for("已登记")
    listed = subprocess.run(
        [str(ediops_bin()), "--db", str(path), "--now", NOW, "ticket", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    tickets = [t for t in json.loads(listed.stdout) if t["caller"] == "王小明"]
    assert len(tickets) == 1 and tickets[0]["org"] == "青岛海鸥食品" and tickets[0]["phone"] == "0532-88886666"
    shown = subprocess.run(
        [str(ediops_bin()), "--db", str(path), "--now", NOW, "ticket", "show", tickets[0]["id"], "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(shown.stdout)["text"] == NOTE
    term.send("t")
    screen = term.wait_for("王小明", tickets[0]["id"])
    assert all(cell_len(line) <= 100 for line in screen.splitlines()), screen
