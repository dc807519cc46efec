"""The desk screen: data fetched by a worker on its own short-lived connection, shown by the
handler through keyed table diffs; reloaded by the app when the store changes."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, cast

from ediops.i18n import _
from ..kit.words import Localised
from ..kit.operator import OperatorActions
from ..kit.widgets import FilterBar, KeyedRows
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.types import NoActiveAppError
from textual.worker import get_current_worker

from ediops.views import connection
from ..kit.keybar import KeyBar, rank
from ..kit.pane import PaneTable

if TYPE_CHECKING:  # not imported before the first frame (screens/kit/widgets.py)
    from textual.widgets import DataTable

    from ..kit.table import KeyedTable


class DeskScreen(Localised, OperatorActions, Screen):
    """Subclasses write `compose_body`, `fetch(db, now)` (worker thread, plain data) and
    `show(data)` (main thread)."""

    BINDINGS = [
        Binding("slash", "filter", "Filter", id="desk.filter"),
        Binding("f", "forward", "Forward", id="desk.forward"),
        Binding("p", "phone", "Phoned", id="desk.phone"),
        Binding("e", "escalate", "Escalate", id="desk.escalate"),
        Binding("r", "resolve", "Resolve", id="desk.resolve"),
        Binding("n", "new_ticket", "Ticket", id="desk.new_ticket"),
        Binding("escape", "back", "Back", id="desk.back"),
    ]

    ITEM_ACTIONS: frozenset[str] = frozenset({"forward", "phone", "escalate", "resolve", "new_ticket"})
    """The item keys that make sense on this screen; the others are hidden and do nothing."""

    class Fetched(Message):
        def __init__(self, data: Any):
            super().__init__()
            self.data = data

    def compose(self) -> ComposeResult:
        yield from self.compose_body()
        yield FilterBar()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.load_first()

    def load_first(self) -> None:
        """The screen's first load: by default the worker's fetch."""
        self.reload()

    def on_screen_resume(self) -> None:
        self.load_resumed()

    def load_resumed(self) -> None:
        """The screen is shown again (a screen above it closed), or first shown."""
        self.reload()

    def reload(self) -> None:
        self._fetch_worker()

    def fetch(self, db, now) -> Any:
        raise NotImplementedError

    def open_store(self):
        """The worker's connection; a screen whose fetch needs only `execute` may return
        `connection.reader` (no sqlite-utils to import before its first frame)."""
        return connection.writer(self.app.db_path)

    def show(self, data: Any) -> None:
        raise NotImplementedError

    def _fetch_worker(self) -> None:
        self.run_worker(self._fetch, thread=True, exclusive=True, group="fetch")

    def read(self) -> Any:
        """The screen's `fetch(db, now)` on a connection of its own, closed after."""
        db = self.open_store()
        try:
            return self.fetch(db, self.app.clock.now())
        finally:
            db.close()

    def _fetch(self) -> None:
        worker = get_current_worker()
        try:
            data = self.read()
        except NoActiveAppError:  # the screen left the app (the desk is closing) before this ran
            return
        except sqlite3.Error as exc:  # e.g. the disk went away: say so, try again at the next poll
            self.app.call_from_thread(
                self.app.notify, _("cannot read the store: {problem}").format(problem=exc), severity="error"
            )
            return
        if not worker.is_cancelled:
            self.post_message(self.Fetched(data))

    def on_desk_screen_fetched(self, message: Fetched) -> None:
        self.show(message.data)

    def current_table(self) -> KeyedTable | PaneTable | None:
        focused = self.focused
        if isinstance(focused, KeyedRows):  # a KeyedTable or a PaneTable
            return cast("KeyedTable | PaneTable", focused)
        return next((cast("KeyedTable | PaneTable", w) for w in self.query("KeyedTable, PaneTable")), None)

    def selection(self) -> dict:
        table = self.current_table()
        return table.selected_context() if table is not None else {}

    def action_filter(self) -> None:
        table = self.current_table()
        if table is not None:
            self.query_one(FilterBar).open_for(table)

    def on_filter_bar_applied(self, message: FilterBar.Applied) -> None:
        self.filter_changed(message.table, message.text)

    def filter_changed(self, table: KeyedTable | PaneTable, text: str) -> None:
        table.set_filter(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from ..kit.table import KeyedTable

        if isinstance(event.data_table, KeyedTable):
            self.app.open_item(event.data_table.kind, event.data_table.selected_context())

    def on_pane_table_selected(self, event: PaneTable.Selected) -> None:
        self.app.open_item(event.table.kind, event.table.selected_context())

    @property
    def active_bindings(self):
        """The screen's own keys first, then its item actions, then the focused list's keys,
        then the desk's navigation: the order `?` lists them in (and the footer's)."""
        found = super().active_bindings

        def order(item):
            node, binding = item[1].node, item[1].binding
            return (0 if node is self else 2 if node is self.app else 1, rank(binding.id))

        return dict(sorted(found.items(), key=order))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "back":
            return len(self.app.screen_stack) > 1
        if action in {"forward", "phone", "escalate", "resolve", "new_ticket"}:
            return action in self.ITEM_ACTIONS
        return True

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
