"""The hotline's tickets: newest first, narrowed by status and by full-text search over the
tickets' fields and notes; refreshed when any desk or command changes the store. With rows
marked (space, or * for every row shown), c closes each marked ticket with one note."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from ediops.i18n import N_, _
from ediops.hotline import tickets as hotline
from ediops.clock import parse_instant
from ..kit.base import DeskScreen
from ..kit.cells import PRIORITY_STYLE, clock_time, word
from ediops.text import pad
from ..hotline.hotline_summary import HotlineSummaryScreen
from ..kit.safe import join, safe
from ..kit.tickets import TICKET_BINDINGS, TicketActions
from ..kit.marks import MarkedTable, bulk
from ..kit.widgets import KeyedTable, Row
from ediops.vocabulary import TICKET_ACTIVE

VIEWS = ("active", "all", "open", "waiting", "resolved", "closed")
COLUMNS = [
    ("id", N_("Ticket"), 15),
    ("priority", N_("Pri"), 6),
    ("category", N_("Category"), 12),
    ("status", N_("Status"), 8),
    ("licence", N_("Licence"), 12),
    ("caller", N_("Caller"), 13),
    ("due", N_("Due"), 5),
]
LIMIT = 200


def ticket_cells(ticket: dict, now) -> list[Text]:
    """Outside text through `safe`; a ticket past its due time shows its status in red with `!`."""
    late = ticket["status"] in TICKET_ACTIVE and ticket["due_at"] and parse_instant(ticket["due_at"]) < now
    return [
        safe(ticket["id"]),
        safe(word(ticket["priority"]), PRIORITY_STYLE.get(ticket["priority"], "")),
        safe(word(ticket["category"])),
        safe(word(ticket["status"]) + ("!" if late else ""), "bold red" if late else ""),
        safe(ticket["licence_no"] or "-"),
        safe(ticket["caller"]),
        clock_time(ticket["due_at"]),
    ]


class TicketListScreen(TicketActions, DeskScreen):
    CSS_PATH = "ticket_list.tcss"
    BINDINGS = TICKET_BINDINGS + [
        Binding("slash", "search", "Search", id="ticket_list.search"),
        Binding("v", "view", "Status", id="ticket_list.view"),
        Binding("s", "summary", "Summary", id="ticket_list.summary"),
    ]

    def __init__(self, query: str = ""):
        super().__init__()
        self.status_view = VIEWS[0]
        self.query_text = query

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ticket-bar"):
            yield Static(self._view_label(), id="ticket-view")
            yield Input(
                self.query_text,
                placeholder=_("/ search callers, phones, orgs, licences, notes"),
                id="ticket-search",
                compact=True,
            )
        yield MarkedTable(COLUMNS, kind="ticket", title=_("Hotline tickets"), id="tickets")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#tickets", KeyedTable).focus()

    def _view_label(self) -> Text:
        return join(Text("v", style="bold"), Text(pad(word(self.status_view), 8)), separator=" ")

    def fetch(self, db, now):
        status = self.status_view if self.status_view not in ("active", "all") else None
        tickets = hotline.list_tickets(
            db, open_only=self.status_view == "active", status=status, query=self.query_text, limit=LIMIT
        )
        return [
            Row(t["id"], ticket_cells(t, now), {"ticket_id": t["id"], "licence_no": t["licence_no"]}) for t in tickets
        ]

    def show(self, rows: list[Row]) -> None:
        note = _("{n} shown").format(n=len(rows)) + (_(" (newest {n})").format(n=LIMIT) if len(rows) == LIMIT else "")
        self.query_one("#tickets", KeyedTable).show_rows(rows, note=note)

    def action_search(self) -> None:
        self.query_one("#ticket-search", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "ticket-search":
            event.stop()
            self.query_text = event.value
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "ticket-search":
            event.stop()
            self.query_one("#tickets", KeyedTable).focus()

    def action_view(self) -> None:
        self.status_view = VIEWS[(VIEWS.index(self.status_view) + 1) % len(VIEWS)]
        self.query_one("#ticket-view", Static).update(self._view_label())
        self.reload()

    def selected_ticket(self) -> str | None:
        return self.query_one("#tickets", KeyedTable).selected_key()

    def action_close(self) -> None:
        table = self.query_one("#tickets", MarkedTable)
        if not table.marks:
            super().action_close()
            return
        bulk(
            self,
            table,
            role="ticket",
            title=_("Close tickets"),
            noun="ticket",
            apply=lambda db, key, context, note: hotline.close_ticket(
                db, key, note=note, roles=self.app.config.roles, actor=self.app.actor, now=self.app.clock.now()
            ),
        )

    def action_summary(self) -> None:
        self.app.push_screen(HotlineSummaryScreen())
