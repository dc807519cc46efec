"""KeyedTable: a DataTable refreshed by keyed row diffs (screens/kit/widgets.py has its row
model and offers it to importers; this module is loaded when a screen first needs one)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

# Private: DataTable.sort (the public way to reorder) keys its sort on cell values only, never
# the row key, so it cannot put rows in a given order of keys; _put_in_order does what sort does
# with that order (textual is pinned; the desk tests reading ordered_rows fail if this breaks).
from textual._two_way_dict import TwoWayDict
from textual.widgets import DataTable

from ediops.i18n import _
from ..kit.cells import cut
from ..kit.widgets import KeyedRows, Row, _same

FLEX_MIN = 8  # the last column is never narrower than this (the table scrolls sideways then)


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

    def _show_subtitle(self, subtitle: Text) -> None:
        self.border_subtitle = subtitle

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
