"""One ticket: who called about what, the licence's story, where it was routed (with the
number to call), its notes; and the keys for the rest of its life (note, route, wait,
resolve, close, reopen), each asking for its note and refused when another desk acted first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ediops.i18n import _
from ediops.hotline import tickets as hotline
from ediops.clock import parse_instant
from ediops.errors import EdiopsError
from ediops.views.licence_story import licence_story
from ..kit.base import DeskScreen
from ..kit.cells import stamp, word
from ..kit.resend import RESEND_BINDING, ResendActions
from ..kit.safe import join, safe
from ..hotline.ticket_form import story_text
from ..kit.tickets import TICKET_BINDINGS, TicketActions
from ..kit.widgets import show_text
from ediops.vocabulary import TICKET_ACTIVE

if TYPE_CHECKING:
    from ediops.hotline.settings import HotlineConfig


def _field(label: str, *parts: Text) -> Text:
    return join(Text(f"{label:<8}", style="bold"), *parts, separator=" ")


def ticket_text(ticket: dict, settings, now) -> Text:
    """The ticket's fields, every outside string through `safe`."""
    due = stamp(ticket["due_at"])
    if ticket["status"] in TICKET_ACTIVE and ticket["due_at"] and parse_instant(ticket["due_at"]) < now:
        due.stylize("bold red")
    lines = [
        join(
            safe(ticket["id"], "bold"),
            safe(word(ticket["status"]), "reverse"),
            safe(word(ticket["priority"])),
            safe(word(ticket["category"])),
            Text(_("due")),
            due,
            separator="  ",
        ),
        _field(_("Caller"), safe(ticket["caller"]), Text(_("phone")), safe(ticket["phone"], "bold")),
        _field(
            _("Org"),
            safe(ticket["org"]),
            safe("(" + (word(ticket["org_kind"]) if ticket["org_kind"] else _("kind not given")) + ")", "dim"),
        ),
        _field(_("Opened"), stamp(ticket["opened_at"]), Text(_("by")), safe(ticket["opened_by"])),
    ]
    links = [
        (name, ticket[key])
        for name, key in (("batch", "batch_id"), ("finding", "finding_id"), ("assignee", "assignee"))
        if ticket[key] is not None
    ]
    if links:
        lines.append(_field(_("Linked"), *(join(Text(n), safe(v)) for n, v in links)))
    if ticket["routed_to"]:
        contact = settings.contacts.get(ticket["routed_to"])
        lines.append(
            _field(
                "Routed",
                safe(contact.name if contact else ticket["routed_to"]),
                safe(contact.phone if contact else "", "bold"),
                Text(_("since")),
                stamp(ticket["routed_at"]),
            )
        )
    if ticket["waiting_on"]:
        lines.append(_field(_("Waiting"), safe(ticket["waiting_on"], "yellow")))
    lines.append(_field(_("Text"), safe(ticket["text"], multiline=True)))
    return Text("\n", end="").join(lines)


def notes_text(notes: list[dict]) -> Text:
    if not notes:
        return Text(_("no notes yet (a: add one)"), style="dim")
    return Text("\n", end="").join(
        join(stamp(n["at"]), safe(n["by"], "cyan"), safe(n["text"], multiline=True)) for n in notes
    )


class TicketDetailScreen(ResendActions, TicketActions, DeskScreen):
    CSS_PATH = "ticket_detail.tcss"
    BINDINGS = TICKET_BINDINGS + [RESEND_BINDING]  # s: the ticket's licence, the ticket linked

    def __init__(self, ticket_id: str):
        super().__init__()
        self.ticket_id = ticket_id
        self.ticket: dict = {}
        self.settings: HotlineConfig | None = None

    def compose_body(self) -> ComposeResult:
        self.settings = self.hotline_settings()
        with VerticalScroll(id="ticket-detail"):
            yield Static(
                Text(_("loading {ticket_id}…").format(ticket_id=self.ticket_id), style="dim"), id="ticket-fields"
            )
            yield Static(id="ticket-story")
            yield Static(Text(_("Notes"), style="bold"), id="notes-title")
            yield Static(id="ticket-notes")

    def fetch(self, db, now):
        try:
            ticket = hotline.get_ticket(db, self.ticket_id)
        except EdiopsError as exc:
            return {"error": str(exc)}
        story = (
            licence_story(db, ticket["licence_no"], now=now, ticket_id=ticket["id"]) if ticket["licence_no"] else None
        )
        return {"ticket": ticket, "story": story, "now": now}

    def show(self, data: dict) -> None:
        if "error" in data:
            show_text(self.query_one("#ticket-fields", Static), safe(data["error"], "bold red"))
            return
        self.ticket = data["ticket"]
        show_text(self.query_one("#ticket-fields", Static), ticket_text(self.ticket, self.settings, data["now"]))
        story = self.query_one("#ticket-story", Static)
        story.display = data["story"] is not None
        if data["story"] is not None:
            show_text(story, story_text(data["story"]))
        show_text(self.query_one("#ticket-notes", Static), notes_text(self.ticket["notes"]))

    def selected_ticket(self) -> str:
        return self.ticket_id

    def selection(self) -> dict:
        """What the desk's own keys (n: new ticket, f: forward...) act on here."""
        return {"licence_no": self.ticket.get("licence_no"), "ticket_id": self.ticket_id}
