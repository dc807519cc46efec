"""Widgets shared by the desk's screens: the keyed table and the filter bar."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.text import Text

# Private: DataTable.sort (the public way to reorder) keys its sort on cell values only, never
# the row key, so it cannot put rows in a given order of keys; _put_in_order does what sort does
# with that order (textual is pinned; the desk tests reading ordered_rows fail if this breaks).
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from ediops.i18n import _
from ediops.screens.kit.cells import cut

FLEX_MIN = 8  # the last column is never narrower than this (the table scrolls sideways then)


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
        parts = [self._pane_note, self.status_note()]
        if self.filter_text:  # first: what the operator is typing must not be cut off a narrow pane
            parts.insert(
                0,
                _("filter: {text} ({shown}/{total})").format(text=self.filter_text, shown=shown, total=len(self._all)),
            )
        subtitle = " · ".join(p for p in parts if p)
        if subtitle != self._shown_subtitle:  # setting it repaints the table, even when unchanged
            self._shown_subtitle = subtitle
            self._show_subtitle(Text(subtitle))

    def _show_subtitle(self, subtitle: Text) -> None:
        self.border_subtitle = subtitle


class KeyedTable(KeyedRows, DataTable):
    """A DataTable refreshed by keyed row diffs, never cleared and refilled, so the cursor and
    scroll position survive every refresh. Cells are `Text` only (built by `screens.safe`);
    `/` narrows the rows to those containing the filter text.

    Columns never touch: each cell is cut (`cells.cut`, by display width, with an ellipsis) to
    its column's width, which is followed by one blank cell; the last column takes the width
    left (at least its own, else FLEX_MIN), so a narrow terminal cuts its text, not the table."""

    DEFAULT_CSS = "KeyedTable { height: 1fr; }"

    def __init__(
        self, columns: list[tuple[str, str, int | None]], *, kind: str, title: str = "", id: str | None = None
    ):
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, cell_padding=0)
        self.kind = kind
        self.pane_title = title
        self.border_title = title
        self.spec = list(columns)
        # the last one fitted in `_fit`; a column at least as wide as its title in either language
        self.widths = [max(width, cell_len(_(label))) if width else FLEX_MIN for _key, label, width in columns]
        for i, (key, label, _width) in enumerate(columns):  # one blank cell between columns, none at the edges
            self.add_column(cut(Text(_(label), style="bold"), self.widths[i]), key=key, width=self._room(i))

    def _room(self, i: int) -> int:
        return self.widths[i] + (i < len(self.widths) - 1)

    def _fit(self) -> None:
        """The last column takes what the others leave of the table's width."""
        if not self.spec or not self.size.width:
            return
        others = sum(self._room(i) for i in range(len(self.widths) - 1))
        width = max(FLEX_MIN, self.scrollable_content_region.width - others)
        if width != self.widths[-1]:
            self.widths[-1] = width
            column = list(self.columns.values())[-1]
            column.width = width
            column.label = cut(Text(_(self.spec[-1][1]), style="bold"), width)
            self._require_update_dimensions = True

    def on_resize(self) -> None:
        self._apply()

    def cut_cells(self, row: Row) -> list[Text]:
        return [cut(cell, width) for cell, width in zip(row.cells, self.widths)]

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def _apply(self) -> None:
        self._fit()
        rows = self.visible_rows()
        selected = self.selected_key()
        wanted = {row.key: row for row in rows}
        with self.app.batch_update():
            for row_key in list(self.rows):
                if row_key.value not in wanted:
                    self.remove_row(row_key)
            for row in rows:
                cells = self.cut_cells(row)
                if row.key in self.rows:
                    for column, old, new in zip(self.columns, self.get_row(row.key), cells):
                        if not _same(old, new):
                            self.update_cell(row.key, column, new)
                else:
                    self.add_row(*cells, key=row.key)
            self._put_in_order([row.key for row in rows])
            if selected in wanted:
                self.move_cursor(row=self.get_row_index(selected), animate=False)
        self._subtitle(len(rows))

    def _put_in_order(self, keys: list[str]) -> None:
        """Puts rows in the order of `keys`, as `DataTable.sort` does, without re-adding any."""
        if [row.key.value for row in self.ordered_rows] == keys:
            return
        by_value = {row_key.value: row_key for row_key in self.rows}
        self._row_locations = TwoWayDict({by_value[k]: i for i, k in enumerate(keys)})
        self._update_count += 1
        self.refresh()


class FilterBar(Input):
    """The `/` filter of the focused table: narrows as you type; enter keeps it, escape clears it."""

    BINDINGS = [Binding("escape", "clear", "Clear filter", id="filter.clear")]

    class Applied(Message):
        def __init__(self, table: KeyedTable, text: str, done: bool):
            super().__init__()
            self.table, self.text, self.done = table, text, done

    def __init__(self):
        super().__init__(
            placeholder=_("filter rows containing…  (enter keeps it, escape clears it)"),
            id="filter-bar",
            classes="hidden",
        )
        self.cursor_blink = False
        self.target: KeyedTable | None = None

    def open_for(self, table: KeyedTable) -> None:
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
