"""What the desk starts with, light before its first frame (bench/NOTES.md, "The first frame,
measured where it is written"): the home screen as the first mode's, and the palette's
commands loaded as the palette first opens."""

from __future__ import annotations

from textual._context import active_app
from textual.command import Provider
from textual.screen import Screen


def home_screen() -> Screen:
    """The home screen, the desk's first. Marked as styled with the stylesheet as it stands
    (private: `_css_update_count`; textual is pinned): Textual parsed it for this theme a moment
    before, and would parse and apply every rule again as a mode's first screen is shown, ~5% of
    the first frame's instructions (bench/NOTES.md). A theme change still restyles every screen."""
    from .home import HomeScreen

    screen = HomeScreen()
    screen._css_update_count = active_app.get()._css_update_count
    return screen


def desk_commands() -> type[Provider]:
    """The palette's own commands, imported as it first opens, not before the first frame."""
    from .palette import DeskCommands

    return DeskCommands
