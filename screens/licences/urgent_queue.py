"""Urgent queue: every urgent licence in flight, oldest first, against the 15-minute deadline;
forward now (f), record the issuer's phone call (p), escalate (e), resend (s: the marked
licences when rows are marked with space or *)."""

from __future__ import annotations

from textual.app import ComposeResult

from ediops.i18n import N_, _
from ediops.views import dashboard
from ..kit.base import DeskScreen
from ..kit.cells import clock_time
from ..kit.rows import urgent_row
from ..kit.safe import safe
from ..kit.marks import MarkedTable
from ..kit.resend import RESEND_BINDING, ResendActions
from ..kit.widgets import KeyedTable, Row

# 80 columns: the trader keeps what the rest leave (about 17 cells); the age is in Recvd
COLUMNS = [
    ("licence", N_("Licence"), 12),
    ("left", N_("Deadline"), 12),
    ("state", N_("State"), 12),
    ("received", N_("Recvd"), 5),
    ("who", N_("Phoned/esc"), 12),
    ("trader", N_("Trader"), None),
]


def queue_row(item: dict) -> Row:
    base = urgent_row(item)
    licence, left, state, _age, trader = base.cells
    who = [item.get("phoned_by") or "-"] + ([item["escalated_by"]] if item.get("escalated_by") else [])
    return Row(
        base.key, [licence, left, state, clock_time(item["received_at"]), safe("/".join(who)), trader], base.context
    )


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
