"""Marks and bulk actions for every list (k9s, htop, mc): `space` marks or unmarks the row
under the cursor and stays on it (so a key pressed once too often never skips a row), `*`
marks every row the current filter shows (again: unmarks them); a marked row shows MARK_GLYPH
in a column of its own, and the count of marked rows leads the pane's subtitle. Marks are kept by row key across filter and
view changes, so an operator can mark under one filter, change it, and mark more.

An action on marked rows (`bulk`) asks once for a reason, says how many rows it will touch,
applies to each in a worker (each audited by the store action itself, with the shared
reason), and reports every row it could not do and why; rows done are unmarked, rows that
failed stay marked. A screen adopts it by using MarkedTable and calling `bulk` from its
action when `table.marked()` is not empty."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ediops.i18n import _, ngettext
from ..kit.words import Localised
from ediops.views import connection
from ediops.errors import EdiopsError
from ..kit.operator import ask_then
from ..kit.safe import join, safe
from ..kit.widgets import KeyedTable, Row

MARK_STYLE = "bold white on dark_magenta"
MARK_GLYPH = "*"  # ASCII: every terminal and --ascii draw it; the mark key `*` says the same
MARK_COLUMN = ("mark", MARK_GLYPH, 1)


class MarkedTable(KeyedTable):
    """A KeyedTable whose rows can be marked; a marked row shows MARK_GLYPH in the first column
    and its cells in MARK_STYLE (colour is a help, never the only sign)."""

    BINDINGS = [
        Binding("space", "toggle_mark", "Mark", show=False, id="marks.toggle"),
        Binding("asterisk", "mark_shown", "Mark shown", show=False, id="marks.shown"),
    ]

    def __init__(self, columns, *args, **kwargs):
        super().__init__([MARK_COLUMN, *columns], *args, **kwargs)
        self.marks: dict[str, dict] = {}  # row key -> its context when last seen

    def show_rows(self, rows: list[Row], *, note: str = "") -> None:
        for row in rows:
            if row.key in self.marks:
                self.marks[row.key] = row.context
        super().show_rows(rows, note=note)

    def visible_rows(self) -> list[Row]:
        return [self._styled(r) if r.key in self.marks else self._blank(r) for r in super().visible_rows()]

    def _blank(self, row: Row) -> Row:
        return Row(row.key, [Text(" "), *row.cells], row.context)

    def _styled(self, row: Row) -> Row:
        cells = [Text(MARK_GLYPH, style="bold")]
        for cell in row.cells:
            cell = cell.copy()
            cell.stylize(MARK_STYLE)
            cells.append(cell)
        return Row(row.key, cells, row.context)

    def shown_keys(self) -> list[str]:
        return [r.key for r in KeyedTable.visible_rows(self)]

    def action_toggle_mark(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        if self.marks.pop(key, None) is None:
            self.marks[key] = self._row_context.get(key, {})
        self._apply()  # the cursor stays: the next row is one `down` away, never skipped

    def action_mark_shown(self) -> None:
        shown = self.shown_keys()
        if shown and all(k in self.marks for k in shown):
            for key in shown:
                del self.marks[key]
        else:
            self.marks.update({k: self._row_context.get(k, {}) for k in shown if k not in self.marks})
        self._apply()

    def marked(self) -> list[tuple[str, dict]]:
        return list(self.marks.items())

    def unmark(self, keys) -> None:
        for key in keys:
            self.marks.pop(key, None)
        self._apply()

    def status_note(self) -> str:
        if not self.marks:
            return ""
        hidden = len(set(self.marks) - set(self.shown_keys()))
        return _("{n} marked").format(n=len(self.marks)) + (_(" ({n} not shown)").format(n=hidden) if hidden else "")


@dataclass
class BulkOutcome:
    title: str
    done: list[str]
    failed: list[tuple[str, str]]  # (row key, why)


class BulkReport(Localised, ModalScreen[None]):
    """What a bulk action did: how many rows, and each row it could not do, with why."""

    DEFAULT_CSS = """
    BulkReport { align: center middle; }
    BulkReport #dialog {
        width: 70; max-width: 95%; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    BulkReport #bulk-failures { height: auto; max-height: 14; }
    BulkReport #dialog-subject, BulkReport #dialog-hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", id="bulk_report.close"),
        Binding("enter", "close", "Close", show=False, id="bulk_report.enter"),
    ]

    def __init__(self, outcome: BulkOutcome):
        super().__init__()
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        o = self.outcome
        total = len(o.done) + len(o.failed)
        with Vertical(id="dialog"):
            yield Static(safe(o.title, "bold"), id="dialog-title")
            yield Static(
                Text(
                    _("{value} of {total} done; {value2} not done:").format(
                        value=len(o.done), total=total, value2=len(o.failed)
                    )
                ),
                id="dialog-subject",
            )
            with VerticalScroll(id="bulk-failures"):
                yield Static(
                    Text("\n", end="").join(join(safe(key, "bold"), safe(why, "red")) for key, why in o.failed)
                )
            yield Static(_("enter or escape: close (the rows not done stay marked)"), id="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)


def counted(noun: str, n: int) -> str:
    """`n` of what a bulk action acts on, in the desk's language ("3 alerts", "3 条告警")."""
    words = {
        "alert": ngettext("{n} alert", "{n} alerts", n),
        "finding": ngettext("{n} finding", "{n} findings", n),
        "licence": ngettext("{n} licence", "{n} licences", n),
        "ticket": ngettext("{n} ticket", "{n} tickets", n),
    }
    return words[noun].format(n=n)


Expand = Callable[[str, dict], list[tuple[str, dict]]]


def bulk(
    screen,
    table: MarkedTable,
    *,
    role: str,
    title: str,
    noun: str,
    apply: Callable[[object, str, dict, str], object],
    after: Callable[[object, list[str]], None] | None = None,
    expand: Expand | None = None,
) -> None:
    """Asks once, then `apply(db, key, context, reason)` for each marked row in a worker; the
    store action inside `apply` checks and audits. `after(db, done_keys)` runs last, in the
    worker (a resend's sending). `expand(key, context)`: the items a marked row stands for (an
    alert group line: its open alerts), each acted on once however often it is marked, and
    counted as what it is; the row is unmarked once all of them are done."""
    app = screen.app
    if app.refuse(role):
        return
    items: dict[str, dict] = {}
    stands_for: dict[str, list[str]] = {}  # marked row -> the items it stands for
    for row, context in table.marked():
        parts = expand(row, context) if expand else [(row, context)]
        stands_for[row] = [key for key, _context in parts]
        for key, part in parts:
            items.setdefault(key, part)
    count = counted(noun, len(items))

    def run(reason: str) -> None:
        def work() -> None:
            db = connection.writer(app.db_path)
            done, failed = [], []
            try:
                for key, context in items.items():
                    try:
                        apply(db, key, context, reason)
                    except Exception as exc:  # reported with its row: a bulk action never stops half-way
                        failed.append((key, str(exc) if isinstance(exc, (EdiopsError, sqlite3.Error)) else repr(exc)))
                    else:
                        done.append(key)
                if after is not None and done:
                    after(db, done)
            finally:
                db.close()
            rows_done = [row for row, parts in stands_for.items() if set(parts) <= set(done)]
            app.call_from_thread(_report, app, table, BulkOutcome(f"{title}: {count}", done, failed), rows_done)

        app.run_worker(work, thread=True, group="bulk", exit_on_error=True)

    ask_then(app, title, _("{n} marked: each gets this reason (audited one by one)").format(n=count), run)


def _report(app, table: MarkedTable, outcome: BulkOutcome, rows_done: list[str]) -> None:
    table.unmark(rows_done)
    total = len(outcome.done) + len(outcome.failed)
    message = _("{n} of {total} done").format(n=len(outcome.done), total=total)
    message += _("; {n} not done").format(n=len(outcome.failed)) if outcome.failed else ""
    app.notify(message, title=outcome.title, severity="warning" if outcome.failed else "information")
    if outcome.failed:
        app.push_screen(BulkReport(outcome))
    app.refresh_data()
