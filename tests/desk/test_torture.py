"""Markup and escape torture: a trader's name, a declaration number, a caller, a peer error,
a window's detail and an audit reason full of Rich markup, OSC/CSI sequences, C1 controls and a
bidi override go through every pane and screen. Nothing crashes, brackets show as typed, no
link is made, and no control character reaches the screen."""

from __future__ import annotations

import pytest

from ediops.screens.kit.safe import safe
from tests.desk.conftest import go, messages, press_and_settle, settle
from tests.desk.fixtures import TORTURE, populate

FORBIDDEN = ["\x1b", "\x07", "\x9b", "\x9d", "\u202e"]


@pytest.fixture
def torture_db(db):
    populate(db, torture=True)
    return db


def _assert_inert(svg: str) -> None:
    assert not [c for c in FORBIDDEN if c in svg]
    assert "http://evil" not in svg.split("<text")[0] and 'href="http://evil' not in svg


def test_safe_keeps_brackets_and_drops_controls():
    text = safe(TORTURE)
    assert text.plain.startswith("[/] [bold]x[/bold] [link=http://evil]y[/link] ")
    assert not text.spans and not [c for c in FORBIDDEN if c in text.plain]
    assert "redtxet" in text.plain.replace(" ", "")


SCREENS = [
    ("home", []),
    ("urgent", ["u"]),
    ("findings", ["m"]),
    ("windows", ["w"]),
    ("audit", ["a"]),
    ("browser", ["b"]),
    ("tickets", ["t"]),
    ("licence", [":00-AA-000001"]),
    ("urgent licence", [":00-AA-000010"]),
    ("issuer", ["1", "enter"]),
]


@pytest.mark.parametrize("name,keys", SCREENS, ids=[s[0] for s in SCREENS])
async def test_hostile_text_through_every_screen(torture_db, make_app, name, keys):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await go(pilot, keys)
        svg = app.export_screenshot()
        _assert_inert(svg)
        assert app.is_running


async def test_hostile_text_shows_brackets_as_typed_on_home(torture_db, make_app):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "2")
        svg = app.export_screenshot()
        assert "[/]&#160;[bold]x[/bold]" in svg or "[/] [bold]x[/bold]" in svg.replace("&#160;", " ")


async def test_hostile_filter_text_and_toasts(torture_db, db_path, make_app):
    from ediops import store
    from tests.desk.fixtures import at

    app = make_app(poll_seconds=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "3", "slash", "left_square_bracket", "slash", "right_square_bracket")
        await press_and_settle(pilot, "enter")
        other = store.connect(db_path)
        with store.write(other):
            other.execute(
                "INSERT INTO window_runs (window, occurrence, started_at, finished_at, outcome, detail) "
                "VALUES ('send-acks', ?, ?, ?, 'failed', ?)",
                [at(0), at(0), at(-0.1), TORTURE],
            )
        other.close()
        for _ in range(100):
            await pilot.pause(0.05)
            if any("Window failed" in m for m in messages(app)):
                break
        toast = next(m for m in messages(app) if "Window failed" in m)
        assert "[/]" in toast and not [c for c in FORBIDDEN if c in toast]
        _assert_inert(app.export_screenshot())
        assert app.is_running
