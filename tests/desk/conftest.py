"""Desk fixtures: a populated store file, and a DeskApp on it at a fixed instant."""

from __future__ import annotations

import pytest

from ediops import config as config_mod
from ediops.clock import Clock
from tests.desk.fixtures import NOW


@pytest.fixture
def make_app(db_path):
    from ediops.screens.shell.app import DeskApp

    def make(*, role: str = "duty", actor: str = "alice", poll_seconds: float = 3600, config=None, stops_on_quit=None):
        return DeskApp(
            stops_on_quit=stops_on_quit,
            db_path=db_path,
            config=config or config_mod.load(),
            clock=Clock(NOW, frozen=True),
            actor=actor,
            role=role,
            poll_seconds=poll_seconds,
        )

    return make


async def settle(pilot, rounds: int = 2) -> None:
    """Lets fetch workers finish and their messages land."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@pytest.fixture(autouse=True)
def crash_log_dir(tmp_path, monkeypatch):
    """Crash logs of the tests' desks go to the test's own folder."""
    monkeypatch.setenv("EDIOPS_LOG_DIR", str(tmp_path / "logs"))
    return tmp_path / "logs"


def messages(app) -> list[str]:
    """The toasts the app has shown (title and text)."""
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def type_text(pilot, text: str) -> None:
    """Types `text` as keys (space as "space"), then lets the app catch up once."""
    await pilot.press(*[c if c != " " else "space" for c in text])
    await settle(pilot)


async def press_and_settle(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def record_terminal_updates(app) -> list:
    """What the compositor hands the driver to write (headless drops it after this point)."""
    updates, display = [], app._display

    def record(screen, renderable):
        if renderable is not None:
            updates.append(renderable)
        display(screen, renderable)

    app._display = record
    return updates


async def go(pilot, keys: list[str]) -> None:
    """Presses `keys`; ":NO" opens licence NO (as find would)."""
    for key in keys:
        if key.startswith(":"):
            pilot.app.open_licence(key[1:])
            await settle(pilot)
        else:
            await press_and_settle(pilot, key)
