"""Audit log: every operator action, newest first; `/` searches actor, action, subject, reason;
`enter` shows the row whole, its reason wrapped (a column shows only its start)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ediops.i18n import N_, _
from ediops.views import dashboard
from ..kit.base import DeskScreen
from ..kit.cells import clock_time, stamp
from ..kit.safe import join, safe
from ..kit.pane import PaneTable
from ..kit.widgets import KeyedTable, Row
from ..kit.words import Localised

COLUMNS = [  # 80 columns: the reason keeps about 20 cells; enter shows it whole
    ("at", N_("At"), 11),
    ("actor", N_("Actor"), 10),
    ("action", N_("Action"), 16),
    ("subject", N_("Subject"), 16),
    ("reason", N_("Reason"), None),
]


class AuditRowDialog(Localised, ModalScreen[None]):
    """One audit row whole: who, when, what, on what, and the reason wrapped."""

    DEFAULT_CSS = """
    AuditRowDialog { align: center middle; }
    AuditRowDialog #dialog { width: 76; max-width: 95%; height: auto; border: round $accent; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,enter", "close", "Close", id="audit_row.close")]

    def __init__(self, row: dict):
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        r = self.row
        lines = [
            join(Text(_("At"), style="bold"), stamp(r["at"])),
            join(Text(_("Actor"), style="bold"), safe(r["actor"])),
            join(Text(_("Action"), style="bold"), safe(r["action"])),
            join(Text(_("Subject"), style="bold"), safe(r["subject"] or "-")),
            join(Text(_("Reason"), style="bold"), safe(r["reason"] or "-", multiline=True)),
        ]
        with Vertical(id="dialog"):
            yield Static(Text("\n", end="").join(lines), id="audit-row")

    def action_close(self) -> None:
        self.dismiss(None)


class AuditLogScreen(DeskScreen):
    CSS_PATH = "audit_log.tcss"
    ITEM_ACTIONS = frozenset({"new_ticket"})

    def __init__(self):
        super().__init__()
        self.query_text = ""

    def compose_body(self) -> ComposeResult:
        yield KeyedTable(COLUMNS, kind="audit", title=_("Audit log"), id="audit")

    def fetch(self, db, now):
        return dashboard.audit_page(db, query=self.query_text, limit=500)

    def show(self, rows) -> None:
        self.query_one(KeyedTable).show_rows(
            [
                Row(
                    str(r["id"]),
                    [
                        clock_time(r["at"], "%m-%d %H:%M"),
                        safe(r["actor"]),
                        safe(r["action"], "bold"),
                        safe(r["subject"] or ""),
                        safe(r["reason"] or ""),
                    ],
                    {k: r.get(k) for k in ("at", "actor", "action", "subject", "reason")},
                )
                for r in rows
            ],
            note=_("search: {text}").format(text=self.query_text) if self.query_text else _("newest first"),
        )

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        context = self.query_one(KeyedTable).selected_context()
        if context:
            self.app.push_screen(AuditRowDialog(context))

    def filter_changed(self, table: KeyedTable | PaneTable, text: str) -> None:
        """Searched in the store, not only among the rows on screen."""
        self.query_text = text
        self.reload()
