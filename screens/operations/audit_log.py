"""Audit log: every operator action, newest first; `/` searches actor, action, subject, reason."""

from __future__ import annotations

from textual.app import ComposeResult

from ediops.i18n import N_, _
from ediops.views import dashboard
from ..kit.base import DeskScreen
from ..kit.cells import stamp
from ..kit.safe import safe
from ..kit.pane import PaneTable
from ..kit.widgets import KeyedTable, Row

COLUMNS = [
    ("at", N_("At"), 19),
    ("actor", N_("Actor"), 10),
    ("action", N_("Action"), 16),
    ("subject", N_("Subject"), 24),
    ("reason", N_("Reason"), 40),
]


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
                        stamp(r["at"]),
                        safe(r["actor"]),
                        safe(r["action"], "bold"),
                        safe(r["subject"] or ""),
                        safe(r["reason"] or ""),
                    ],
                )
                for r in rows
            ],
            note=_("search: {text}").format(text=self.query_text) if self.query_text else _("newest first"),
        )

    def filter_changed(self, table: KeyedTable | PaneTable, text: str) -> None:
        """Searched in the store, not only among the rows on screen."""
        self.query_text = text
        self.reload()
