"""Urgent queue: every urgent licence in flight, oldest first, against the 15-minute deadline;
forward now (f), record the issuer's phone call (p), escalate (e), resend (s: the marked
licences when rows are marked with space or *)."""

from __future__ import annotations

from textual.app import ComposeResult

from ediops.i18n import N_, _
from ediops.views import dashboard
from ediops.screens.kit.base import DeskScreen
from ediops.screens.kit.cells import clock_time
from ediops.screens.kit.rows import URGENT_COLUMNS, urgent_row
from ediops.screens.kit.safe import safe
from ediops.screens.kit.marks import MarkedTable
from ediops.screens.kit.resend import RESEND_BINDING, ResendActions
from ediops.screens.kit.widgets import KeyedTable, Row

COLUMNS = (
    URGENT_COLUMNS[:4]
    + [("received", N_("Recvd"), 5), ("phoned", N_("Phoned by"), 10), ("escalated", N_("Escalated"), 10)]
    + URGENT_COLUMNS[4:]
)


def queue_row(item: dict) -> Row:
    base = urgent_row(item)
    extra = [clock_time(item["received_at"]), safe(item.get("phoned_by") or "-"), safe(item.get("escalated_by") or "-")]
    return Row(base.key, base.cells[:4] + extra + base.cells[4:], base.context)


class UrgentQueueScreen(ResendActions, DeskScreen):
    CSS_PATH = "urgent_queue.tcss"
    BINDINGS = [RESEND_BINDING]
    ITEM_ACTIONS = frozenset({"forward", "phone", "escalate", "new_ticket"})

    def compose_body(self) -> ComposeResult:
        yield MarkedTable(COLUMNS, kind="licence", title=_("Urgent queue"), id="queue")

    def fetch(self, db, now):
        minutes = self.app.config.setting("urgent_deadline_minutes")
        return dashboard.urgent_licences(db, now=now, deadline_minutes=minutes, limit=500), minutes

    def show(self, data) -> None:
        rows, minutes = data
        overdue = sum(r["minutes_left"] < 0 and not r["settled"] for r in rows)
        self.query_one(KeyedTable).show_rows(
            [queue_row(r) for r in rows],
            note=_("deadline {minutes} min from receipt · {overdue} overdue").format(minutes=minutes, overdue=overdue),
        )
