"""The home screen's panes: a keyed table drawn line by line, sized to the pane.

Why not `KeyedTable` (a DataTable): the first frame rendered every DataTable cell through
Rich's Padding and drew four pairs of scroll bars, most of the desk's lead over a bare app
(bench/NOTES.md); and any changed cell repainted the whole table, which a slow SSH link pays
for. Here a row is one Text rendered once, only changed lines are repainted, columns fit the
pane's width (a flexible column takes what is left, low-priority columns drop out when the
pane is narrow) and nothing scrolls sideways. Same row model (`Row`) and filter as KeyedTable."""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from ediops.i18n import _
from ..kit.widgets import KeyedRows, Row, _same
from ..kit.cells import cut


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # the widest it gets; narrower when neither its title nor its cells need that much
    flex: bool = False  # takes the width left over (at least FLEX_MIN), its cells cut with "…"
    drop: int = 0  # when the pane is too narrow, columns go, `drop` 1 first, then 2... (0: never)


GAP = 1  # blank cells between columns
FLEX_MIN = 8  # a flexible column narrower than this is dropped (if it may be) rather than shown


def fit(columns: list[Column], natural: list[int], width: int) -> list[int]:
    """Each column's width in a pane `width` cells wide (0: dropped). `natural`: what each needs.
    Flexible columns but the last shown get what they need; the last gets the rest, or at
    least FLEX_MIN (else, if it may, it drops out)."""
    widths = list(natural)
    flex = [i for i, c in enumerate(columns) if c.flex]

    def need() -> int:
        shown = [i for i, w in enumerate(widths) if w]
        flex_shown = [i for i in flex if widths[i]]
        total = sum(widths[i] for i in shown if i not in flex_shown[-1:])
        total += sum(min(FLEX_MIN, widths[i]) for i in flex_shown[-1:])
        return total + GAP * max(0, len(shown) - 1)

    for i in sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: columns[i].drop):
        if need() <= width:
            break
        widths[i] = 0
    flex_shown = [i for i in flex if widths[i]]
    if flex_shown:
        shown = [i for i, w in enumerate(widths) if w]
        spare = width - sum(widths[i] for i in shown if i != flex_shown[-1]) - GAP * (len(shown) - 1)
        widths[flex_shown[-1]] = max(1, spare)
    return widths


class PaneTable(KeyedRows, Widget, can_focus=True):
    """Rows by key: `show_rows` replaces them, keeping the cursor on its row; `/` filters."""

    DEFAULT_CSS = """
    PaneTable {
        height: 1fr;
        background: $surface;
        & > .pane-table--header { text-style: bold; background: $panel; }
        & > .pane-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .pane-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """
    COMPONENT_CLASSES = {"pane-table--header", "pane-table--cursor"}
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False, id="pane.up"),
        Binding("down", "cursor(1)", "Down", show=False, id="pane.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="pane.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="pane.page_down"),
        Binding("home", "to(0)", "First row", show=False, id="pane.first"),
        Binding("end", "to(-1)", "Last row", show=False, id="pane.last"),
        Binding("enter", "select", "Open the row", show=False, id="pane.open"),
    ]

    class Selected(Message):
        """Enter (or a click on the cursor's row): open the row's item."""

        def __init__(self, table: PaneTable):
            super().__init__()
            self.table = table

    def __init__(self, columns: list[Column], *, kind: str, title: str = "", id: str | None = None):
        super().__init__(id=id)
        self.columns = columns
        self.kind = kind
        self.pane_title = title
        self.border_title = title
        self._rows: list[Row] = []  # shown: the filter applied
        self._index: dict[str, int] = {}
        self.cursor = 0
        self._top = 0  # first row on screen
        self._widths: list[int] = []
        self._natural: list[int] = []
        self._paint_styles: tuple[Style, Style, Style] | None = None

    # -- the KeyedTable interface the screens and actions use (and KeyedRows) -------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def row_keys(self) -> list[str]:
        return [row.key for row in self._rows]

    def get_row(self, key: str) -> list[Text]:
        return self._rows[self._index[key]].cells

    def get_cell(self, key: str, column: str) -> Text:
        return self.get_row(key)[[c.key for c in self.columns].index(column)]

    def get_row_index(self, key: str) -> int:
        return self._index[key]

    def selected_key(self) -> str | None:
        return self._rows[self.cursor].key if self._rows else None

    def move_cursor(self, *, row: int) -> None:
        self._move(row)

    # -- what changed, and only that repainted --------------------------------------------

    def _apply(self) -> None:
        selected = self.selected_key()
        old_rows, old_top, old_cursor = self._rows, self._top, self.cursor
        self._rows = self.visible_rows()
        self._index = {row.key: i for i, row in enumerate(self._rows)}
        self.cursor = self._index.get(selected, min(self.cursor, max(0, len(self._rows) - 1)))
        self._scroll_to_cursor()
        natural = [  # of every row, not only those the filter shows: columns stay put as one types
            max(cell_len(_(c.label)), min(c.width, max([0, *(row.cells[i].cell_len for row in self._all)])))
            for i, c in enumerate(self.columns)
        ]
        if natural != self._natural or self._top != old_top:
            self._natural = natural
            self._widths = []
            self.refresh()
        else:
            body = self._body_height()
            for y in range(body):
                old = old_rows[old_top + y] if old_top + y < len(old_rows) else None
                new = self._rows[self._top + y] if self._top + y < len(self._rows) else None
                moved = (old_top + y == old_cursor) != (self._top + y == self.cursor)
                if moved or not _rows_same(old, new):
                    self._refresh_row_line(self._top + y)
        self._subtitle(len(self._rows))

    def _show_subtitle(self, subtitle: Text) -> None:
        """The note on the pane's bottom border, repainting that line only: Textual's setter
        repaints the whole pane, a dozen lines over a slow link for a count that changed."""
        self._border_subtitle = Content.from_rich_text(subtitle).expand_tabs(4).split()[0]
        width = self.outer_size.width
        self.refresh(Region(-self.content_offset.x, self.outer_size.height - 1 - self.content_offset.y, width, 1))

    def _body_height(self) -> int:
        return max(0, self.size.height - 1)  # the first line is the column titles

    def _refresh_row_line(self, index: int) -> None:
        y = index - self._top + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> bool:
        body = self._body_height()
        top = self._top
        if self.cursor < top:
            top = self.cursor
        elif body and self.cursor >= top + body:
            top = self.cursor - body + 1
        top = max(0, min(top, max(0, len(self._rows) - body)))
        changed, self._top = top != self._top, top
        return changed

    def _move(self, index: int) -> None:
        if not self._rows:
            return
        index = max(0, min(index, len(self._rows) - 1))
        if index == self.cursor:
            return
        old, self.cursor = self.cursor, index
        if self._scroll_to_cursor():
            self.refresh()
        else:
            self._refresh_row_line(old)
            self._refresh_row_line(index)

    def on_resize(self, event: events.Resize) -> None:
        self._widths = []
        self._scroll_to_cursor()
        self.refresh()

    # -- keys and mouse --------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self._move(self.cursor + step)

    def action_page(self, step: int) -> None:
        self._move(self.cursor + step * max(1, self._body_height() - 1))

    def action_to(self, index: int) -> None:
        self._move(index if index >= 0 else len(self._rows) - 1)

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = self._top + offset.y - 1
        if index < len(self._rows):
            if index == self.cursor:
                self.action_select()
            self._move(index)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._move(self.cursor + 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._move(self.cursor - 1)

    def on_focus(self) -> None:
        self._refresh_row_line(self.cursor)

    def on_blur(self) -> None:
        self._refresh_row_line(self.cursor)

    # -- drawing ---------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint_styles = None  # looked up once for all the lines of a paint
        return super().render_lines(crop)

    def _styles(self) -> tuple[Style, Style, Style]:
        """The plain, header and cursor line styles (each a walk up the DOM to compute)."""
        if self._paint_styles is None:
            base = self.rich_style
            self._paint_styles = (
                base,
                base + self.get_component_rich_style("pane-table--header"),
                base + self.get_component_rich_style("pane-table--cursor"),
            )
        return self._paint_styles

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if not self._widths:
            self._widths = fit(self.columns, self._natural or [cell_len(_(c.label)) for c in self.columns], width)
        base, header, cursor = self._styles()
        if y == 0:
            return self._strip([Text(_(c.label)) for c in self.columns], width, header)
        index = self._top + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, base)
        return self._strip(self._rows[index].cells, width, cursor if index == self.cursor else base)

    def _strip(self, cells: list[Text], width: int, style: Style) -> Strip:
        line = Text(no_wrap=True, end="")
        first = True
        for cell, w in zip(cells, self._widths):
            if not w:
                continue
            if not first:
                line.append(" " * GAP)
            first = False
            cell = cut(cell, w)
            line.append_text(cell)
            line.append(" " * (w - cell.cell_len))
        line.truncate(width, pad=True)
        segments = Segment.apply_style(line.render(self.app.console), style)
        return Strip(segments, width)


def _rows_same(a: Row | None, b: Row | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.key == b.key and len(a.cells) == len(b.cells) and all(map(_same, a.cells, b.cells))
