"""The desk's frames with their styles written as changes (screens/shell/wire.py) draw the same
screen, cell for cell, as Textual's own frames, in fewer bytes."""

from __future__ import annotations

import re

from ediops.screens.shell.wire import Compactor, Pen
from tests.desk.conftest import record_terminal_updates, settle, type_text
from tests.desk.fixtures import populate_busy

TOKEN = re.compile(r"\x1b\[([0-9;]*)m|\x1b\[(\d+);(\d+)H|\x1b\[[0-9;?]*[A-Za-z]|\n|.", re.S)


def screen_of(frames: list[str]) -> dict:
    """A small terminal: what each cell shows after writing `frames` in order: its character
    and pen (for a blank, only what shows on it: background and underline, strike, reverse)."""
    cells, pen, x, y = {}, Pen(), 0, 0
    for frame in frames:
        for token in TOKEN.finditer(frame):
            if token.group(1) is not None:
                pen = pen.apply(token.group(1))
            elif token.group(2) is not None:
                y, x = int(token.group(2)) - 1, int(token.group(3)) - 1
            elif token.group().startswith("\x1b"):
                continue
            elif token.group() == "\n":
                x, y = 0, y + 1
            else:
                ch, attrs, fg = token.group(), frozenset(pen.attrs), pen.fg
                if ch == " " and "7" not in attrs:
                    attrs, fg = attrs - {"1", "2", "3", "5"}, None
                cells[x, y] = (ch, fg, pen.bg, attrs)
                x += 1
    return cells


def test_pen_follows_sgr_as_a_terminal_does():
    pen = Pen().apply("1;3;38;5;196;48;2;10;20;30")
    assert (pen.fg, pen.bg, pen.attrs) == ("38;5;196", "48;2;10;20;30", {"1", "3"})
    pen = pen.apply("22;39")
    assert (pen.fg, pen.bg, pen.attrs) == ("", "48;2;10;20;30", {"3"})
    assert Pen().apply("") == Pen() and pen.apply("0") == Pen()


def test_changes_say_only_what_changed_and_undo_bold_without_losing_dim():
    bold_red = Pen().apply("1;31")
    assert bold_red.change_to(Pen().apply("1;32")) == "32"
    assert Pen().apply("1;2;31").change_to(Pen().apply("2;31")) == "0;2;31"  # 22 would drop dim too
    assert bold_red.change_to(Pen()) in ("0", "22;39")


async def test_desk_frames_draw_the_same_screen_in_fewer_bytes(db, make_app):
    populate_busy(db)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, rounds=3)
        frames = [app.screen._compositor.render_update(full=True).render_segments(app.console)]
        updates = record_terminal_updates(app)
        await pilot.press("slash")
        await type_text(pilot, "00-A")
        await pilot.press("down", "down", "2", "u")
        await settle(pilot)
        frames += [u.render_segments(app.console) for u in updates]
    compact = Compactor()
    rewritten = [compact(frame) for frame in frames]
    assert screen_of(rewritten) == screen_of(frames)
    before, after = sum(map(len, frames)), sum(map(len, rewritten))
    assert after < 0.7 * before, (before, after)
