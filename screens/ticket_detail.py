"""One ticket: who called about what, the licence's story, where it was routed (with the
number to call), its notes; and the keys for the rest of its life (note, route, wait,
resolve, close, reopen), each asking for its note and refused when another desk acted first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ediops.hotline import settings as hotline_settings, tickets as hotline
from ediops.clock import parse_instant
from ediops.errors import EdiopsError
from ediops.views.licence_story import licence_story
from ediops.screens.base import DeskScreen
from ediops.screens.cells import stamp
from ediops.screens.operator import ask_then, perform
from ediops.screens.resend import RESEND_BINDING, ResendActions
from ediops.screens.safe import join, safe
from ediops.screens.ticket_form import story_text
from ediops.screens.widgets import show_text
from ediops.vocabulary import TICKET_ACTIVE

if TYPE_CHECKING:
    from ediops.hotline.settings import HotlineConfig


class ChoiceDialog(ModalScreen[str | None]):
    """Picks one of a few (id, label) choices; enter picks, escape cancels."""

    CSS_PATH = "ticket_detail.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ticket_choice.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, Text]]):
        super().__init__()
        self.choice_title, self.choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical(id="choice"):
            yield Static(Text(self.choice_title, style="bold"))
            yield OptionList(*(Option(label, id=key) for key, label in self.choices), id="choice-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


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
            safe(ticket["status"], "reverse"),
            safe(ticket["priority"]),
            safe(ticket["category"]),
            Text("due"),
            due,
            separator="  ",
        ),
        _field("Caller", safe(ticket["caller"]), Text("phone"), safe(ticket["phone"], "bold")),
        _field("Org", safe(ticket["org"]), safe(f"({ticket['org_kind'] or 'kind not given'})", "dim")),
        _field("Opened", stamp(ticket["opened_at"]), Text("by"), safe(ticket["opened_by"])),
    ]
    links = [
        (name, ticket[key])
        for name, key in (("batch", "batch_id"), ("finding", "finding_id"), ("assignee", "assignee"))
        if ticket[key] is not None
    ]
    if links:
        lines.append(_field("Linked", *(join(Text(n), safe(v)) for n, v in links)))
    if ticket["routed_to"]:
        contact = settings.contacts.get(ticket["routed_to"])
        lines.append(
            _field(
                "Routed",
                safe(contact.name if contact else ticket["routed_to"]),
                safe(contact.phone if contact else "", "bold"),
                Text("since"),
                stamp(ticket["routed_at"]),
            )
        )
    if ticket["waiting_on"]:
        lines.append(_field("Waiting", safe(ticket["waiting_on"], "yellow")))
    lines.append(_field("Text", safe(ticket["text"], multiline=True)))
    return Text("\n", end="").join(lines)


def notes_text(notes: list[dict]) -> Text:
    if not notes:
        return Text("no notes yet (a: add one)", style="dim")
    return Text("\n", end="").join(
        join(stamp(n["at"]), safe(n["by"], "cyan"), safe(n["text"], multiline=True)) for n in notes
    )


TICKET_BINDINGS = [
    Binding("a", "note", "Note", id="ticket.note"),
    Binding("g", "route", "Route", id="ticket.route"),
    Binding("w", "wait", "Wait on", id="ticket.wait"),
    Binding("r", "resolve", "Resolve", id="ticket.resolve"),
    Binding("c", "close", "Close", id="ticket.close"),
    Binding("o", "reopen", "Reopen", id="ticket.reopen"),
    # The desk's licence keys still work on a ticket's licence, out of the crowded footer.
    Binding("f", "forward", "Forward", show=False, id="ticket.forward"),
    Binding("p", "phone", "Phoned", show=False, id="ticket.phone"),
    Binding("e", "escalate", "Escalate", show=False, id="ticket.escalate"),
]


class TicketActions:
    """The keys of a ticket's life (TICKET_BINDINGS), acting on `selected_ticket()`; mixed into
    the list and the detail."""

    def selected_ticket(self) -> str | None:
        raise NotImplementedError

    def _ticket_or_refuse(self) -> str | None:
        if self.app.refuse("ticket"):
            return None
        ticket_id = self.selected_ticket()
        if ticket_id is None:
            self.app.notify("select a ticket first", severity="warning")
        return ticket_id

    def _act(self, title: str, done: str, fn, field: str, **kwargs) -> None:
        ticket_id = self._ticket_or_refuse()
        if ticket_id:
            ask_then(
                self.app,
                title,
                f"ticket {ticket_id}",
                lambda text: perform(self.app, done.format(ticket_id), fn, ticket_id, **{field: text}, **kwargs),
            )

    def action_note(self) -> None:
        self._act("Add a note", "note added to {}", hotline.add_note, "text")

    def action_resolve(self) -> None:
        self._act("Resolve: what was the answer?", "{} resolved", hotline.resolve_ticket, "note")

    def action_close(self) -> None:
        self._act("Close the ticket", "{} closed", hotline.close_ticket, "note")

    def action_reopen(self) -> None:
        self._act("Reopen: why?", "{} reopened", hotline.reopen_ticket, "note", settings=self.hotline_settings())

    def hotline_settings(self) -> HotlineConfig:
        return hotline_settings.of(self.app.config)

    def action_route(self) -> None:
        ticket_id = self._ticket_or_refuse()
        if not ticket_id:
            return
        settings = self.hotline_settings()
        choices = [
            (c.id, join(safe(c.name), safe(c.phone, "bold"), Text("vendor" if c.vendor else "", "dim")))
            for c in settings.contacts.values()
        ]

        def route(contact_id: str | None) -> None:
            if contact_id:
                phone = settings.contacts[contact_id].phone
                perform(
                    self.app,
                    f"{ticket_id} routed to {contact_id}: call {phone}",
                    hotline.route_ticket,
                    ticket_id,
                    to=contact_id,
                    settings=settings,
                )

        self.app.push_screen(ChoiceDialog("Route to", choices), route)

    def action_wait(self) -> None:
        ticket_id = self._ticket_or_refuse()
        if not ticket_id:
            return

        def wait(party: str | None) -> None:
            if party:
                perform(self.app, f"{ticket_id} waiting on {party}", hotline.wait_ticket, ticket_id, party=party)

        self.app.push_screen(ChoiceDialog("Waiting on", [(p, Text(p)) for p in hotline_settings.PARTIES]), wait)


class TicketDetailScreen(ResendActions, TicketActions, DeskScreen):
    CSS_PATH = "ticket_detail.tcss"
    BINDINGS = TICKET_BINDINGS + [RESEND_BINDING]  # s: the ticket's licence, the ticket linked

    def __init__(self, ticket_id: str):
        super().__init__()
        self.ticket_id = ticket_id
        self.ticket: dict = {}
        self.settings = None

    def compose_body(self) -> ComposeResult:
        self.settings = self.hotline_settings()
        with VerticalScroll(id="ticket-detail"):
            yield Static(Text(f"loading {self.ticket_id}…", style="dim"), id="ticket-fields")
            yield Static(id="ticket-story")
            yield Static(Text("Notes", style="bold"), id="notes-title")
            yield Static(id="ticket-notes")

    def fetch(self, db, now):
        try:
            ticket = hotline.get_ticket(db, self.ticket_id)
        except EdiopsError as exc:
            return {"error": str(exc)}
        story = licence_story(db, ticket["licence_no"], now=now) if ticket["licence_no"] else None
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
