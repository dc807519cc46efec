"""Widgets shared by the desk's screens: the row model of the keyed tables and the filter bar.
KeyedTable itself (screens/kit/table.py) is imported from here too, but only when asked for, as
textual.widgets loads its widgets: its base, DataTable, costs ~12 ms to import and the home
screen, the desk's first frame, has none (bench/NOTES.md, "Names and the first frame")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static

from ediops.i18n import _

if TYPE_CHECKING:
    from ..kit.pane import PaneTable
    from ..kit.table import KeyedTable


def __getattr__(name: str):
    if name == "KeyedTable":
        from ..kit.table import KeyedTable

        return KeyedTable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class Row:
    """One table row: a stable key, its cells (Text only), and what an action needs to know."""

    key: str
    cells: list[Text]
    context: dict = field(default_factory=dict)


def _same(a, b) -> bool:
    if isinstance(a, Text) and isinstance(b, Text):
        return a.plain == b.plain and str(a.style) == str(b.style) and a.spans == b.spans
    return a == b


def show_text(widget: Static, text: Text, *, layout: bool = True) -> None:
    """Updates `widget` only when `text` differs from what it shows: every update repaints it,
    which is terminal output even when nothing changed. `layout=False` for a widget of fixed
    size: no layout pass, which would repaint the scroll bars of the whole screen."""
    if not _same(widget.content, text):
        widget.update(text, layout=layout)


class KeyedRows:
    """The row model of the desk's tables (KeyedTable, PaneTable): rows by key, the `/` filter,
    and a note under the pane. The table supplies `_apply()` and `selected_key()`."""

    filter_text = ""
    _all: list[Row] = []
    _row_context: dict[str, dict] = {}
    _pane_note = ""
    _shown_subtitle: str | None = None

    def show_rows(self, rows: list[Row], *, note: str = "") -> None:
        """Replaces the working set; only rows that changed touch the table."""
        self._all = rows
        self._row_context = {row.key: row.context for row in rows}
        self._pane_note = note
        self._apply()

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self._apply()

    def visible_rows(self) -> list[Row]:
        needle = self.filter_text.casefold()
        if not needle:
            return self._all
        return [r for r in self._all if any(needle in c.plain.casefold() for c in r.cells)]

    def selected_context(self) -> dict:
        key = self.selected_key()
        return dict(self._row_context.get(key, {})) if key is not None else {}

    def status_note(self) -> str:
        """More for the pane's note (the marked rows' count of a MarkedTable)."""
        return ""

    def _subtitle(self, shown: int) -> None:
        parts = [self.status_note(), self._pane_note]  # the marked count first: never cut off
        if self.filter_text:  # first: what the operator is typing must not be cut off a narrow pane
            parts.insert(
                0,
                _("filter: {text} ({shown}/{total})").format(text=self.filter_text, shown=shown, total=len(self._all)),
            )
        subtitle = " · ".join(p for p in parts if p)
        if subtitle != self._shown_subtitle:  # setting it repaints the table, even when unchanged
            self._shown_subtitle = subtitle
            self._show_subtitle(Text(subtitle))

    if TYPE_CHECKING:

        def _apply(self) -> None: ...

        def selected_key(self) -> str | None: ...

        def _show_subtitle(self, subtitle: Text) -> None: ...


class FilterBar(Input):
    """The `/` filter of the focused table: narrows as you type; enter keeps it, escape clears it."""

    BINDINGS = [Binding("escape", "clear", "Clear filter", id="filter.clear")]

    class Applied(Message):
        def __init__(self, table: KeyedTable | PaneTable, text: str, done: bool):
            super().__init__()
            self.table, self.text, self.done = table, text, done

    def __init__(self):
        super().__init__(
            placeholder=_("filter rows containing…  (enter keeps it, escape clears it)"),
            id="filter-bar",
            classes="hidden",
        )
        self.cursor_blink = False
        self.target: KeyedTable | PaneTable | None = None

    def open_for(self, table: KeyedTable | PaneTable) -> None:
        self.target = table
        self.value = table.filter_text
        self._footer(shown=False)
        self.remove_class("hidden")
        self.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.target is not None:
            self.post_message(self.Applied(self.target, event.value, done=False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._close(event.value)

    def action_clear(self) -> None:
        self.value = ""
        self._close("")

    def _footer(self, *, shown: bool) -> None:
        """The screen's key line (KeyBar) gives up its line to the bar while it is open."""
        for footer in self.screen.query("KeyBar"):
            footer.display = shown

    def _close(self, text: str) -> None:
        self.add_class("hidden")
        self._footer(shown=True)
        if self.target is not None:
            self.post_message(self.Applied(self.target, text, done=True))
            self.target.focus()
