"""The keys of a ticket's life (note, route, wait, resolve, close, reopen), mixed into the
hotline's ticket list and ticket detail: each asks for its note and is refused when another
desk acted first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding, BindingType

from ..kit.cells import word
from ediops.i18n import _
from ediops.hotline import settings as hotline_settings, tickets as hotline
from ..kit.dialogs import ChoiceDialog
from ..kit.on_desk import OnDesk
from ..kit.operator import ask_then, perform
from ..kit.safe import join, safe

if TYPE_CHECKING:
    from ediops.hotline.settings import HotlineConfig


TICKET_BINDINGS: list[BindingType] = [
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


class TicketActions(OnDesk):
    """The keys of a ticket's life (TICKET_BINDINGS), acting on `selected_ticket()`; mixed into
    the list and the detail."""

    def selected_ticket(self) -> str | None:
        raise NotImplementedError

    def _ticket_or_refuse(self) -> str | None:
        if self.app.refuse("ticket"):
            return None
        ticket_id = self.selected_ticket()
        if ticket_id is None:
            self.app.notify(_("select a ticket first"), severity="warning")
        return ticket_id

    def _act(self, title: str, done: str, fn, field: str, **kwargs) -> None:
        ticket_id = self._ticket_or_refuse()
        if ticket_id:
            ask_then(
                self.app,
                title,
                _("ticket {ticket}").format(ticket=ticket_id),
                lambda text: perform(self.app, done.format(ticket_id), fn, ticket_id, **{field: text}, **kwargs),
            )

    def action_note(self) -> None:
        self._act(_("Add a note"), _("note added to {}"), hotline.add_note, "text")

    def action_resolve(self) -> None:
        self._act(_("Resolve: what was the answer?"), _("{} resolved"), hotline.resolve_ticket, "note")

    def action_close(self) -> None:
        self._act(_("Close the ticket"), _("{} closed"), hotline.close_ticket, "note")

    def action_reopen(self) -> None:
        self._act(_("Reopen: why?"), _("{} reopened"), hotline.reopen_ticket, "note", settings=self.hotline_settings())

    def hotline_settings(self) -> HotlineConfig:
        return hotline_settings.of(self.app.config)

    def action_route(self) -> None:
        ticket_id = self._ticket_or_refuse()
        if not ticket_id:
            return
        settings = self.hotline_settings()
        choices = [
            (c.id, join(safe(c.name), safe(c.phone, "bold"), Text(_("vendor") if c.vendor else "", "dim")))
            for c in settings.contacts.values()
        ]

        def route(contact_id: str | None) -> None:
            if contact_id:
                phone = settings.contacts[contact_id].phone
                perform(
                    self.app,
                    _("{ticket} routed to {contact}: call {phone}").format(
                        ticket=ticket_id, contact=contact_id, phone=phone
                    ),
                    hotline.route_ticket,
                    ticket_id,
                    to=contact_id,
                    settings=settings,
                )

        self.app.push_screen(ChoiceDialog(_("Route to"), choices), route)

    def action_wait(self) -> None:
        ticket_id = self._ticket_or_refuse()
        if not ticket_id:
            return

        def wait(party: str | None) -> None:
            if party:
                perform(
                    self.app,
                    _("{ticket} waiting on {party}").format(ticket=ticket_id, party=word(party)),
                    hotline.wait_ticket,
                    ticket_id,
                    party=party,
                )

        self.app.push_screen(
            ChoiceDialog(_("Waiting on"), [(p, Text(word(p))) for p in hotline_settings.PARTIES]), wait
        )
