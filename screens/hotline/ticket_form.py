"""The new-ticket form: one key from anywhere, the phone number first (a returning caller's
name and organisation fill in from earlier tickets), the licence's story shown as its number
is typed, the category's note proposed, ctrl+s to save. For a `mismatch` call, ctrl+o
compares what the port's paper licence shows with the record (screens.paper); the
comparison is noted on the ticket when it is saved."""

from __future__ import annotations

import asyncio
import json
import sqlite3

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.suggester import Suggester
from textual import work
from textual.widgets import Footer, Input, Label, Select, Static
from textual.worker import get_current_worker

from ediops.i18n import N_, _
from ..kit.cells import word
from ..kit.words import Localised
from ediops.views import connection
from ediops.hotline import settings as hotline_settings, tickets as hotline
from ediops.vocabulary import LICENCE_NO
from ediops.errors import EdiopsError
from ediops.views.licence_story import licence_story
from ediops.text import clean
from ediops.operators.roles import may
from ..kit.safe import join, safe
from ..kit.on_desk import OnDesk
from ediops.hotline.settings import HotlineConfig


def story_text(story: dict | None) -> Text:
    """A licence's story in a few short lines the operator can read out."""
    if story is None:
        return Text(_("type a licence number (YY-XX-NNNNNN) to see its story"), style="dim")
    head = safe(story["licence_no"], "bold")
    if not story["found"]:
        rejected = story.get("rejected")
        lines = [join(head, Text(_("NOT RECEIVED by the EDI centre"), style="bold red"))]
        if rejected:
            lines.append(
                join(
                    Text(_("came at")),
                    safe(_hhmm(rejected["at"])),
                    Text(_("and was rejected:")),
                    safe(", ".join(json.loads(rejected["reasons"])), "yellow"),
                )
            )
        issuer = story["licence_no"][3:5]
        lines.append(Text(_("call issuer {issuer} to send it again").format(issuer=issuer), style="italic"))
    else:
        steps = [
            Text(_("received {received_at}").format(received_at=_hhmm(story["received_at"])), style="green"),
            Text(_("forwarded {forwarded_at}").format(forwarded_at=_hhmm(story["forwarded_at"])), style="green")
            if story["forwarded_at"]
            else Text(_("not forwarded yet"), style="yellow"),
            _customs(story),
        ]
        uses = Text(_("releases {uses}/{max_uses}, remaining ").format(uses=story["uses"], max_uses=story["max_uses"]))
        uses.append_text(join(safe(story["remaining"]), safe(story["unit"])))
        flags = [Text(_("URGENT"), style="bold magenta")] if story["urgent"] else []
        lines = [
            join(head, *flags, Text(_("trader")), safe(story["trader_name"])),
            join(*steps, separator=" · "),
            join(uses, Text(_("· port")), safe(story["port"]), Text(_("· valid to")), safe(story["valid_to"])),
        ]
    extra = []
    if story["open_findings"]:
        extra.append(join(Text(_("open:")), *(safe(c, "red") for c in story["open_findings"])))
    if story["tickets"]:
        extra.append(Text(_("{tickets} earlier ticket(s)").format(tickets=story["tickets"]), style="dim"))
    if extra:
        lines.append(join(*extra, separator=" · "))
    return Text("\n", end="").join(lines)


def _customs(story: dict) -> Text:
    if story["state"] == "accepted":
        return Text(_("accepted by customs"), style="green")
    if story["state"] == "rejected":
        return join(Text(_("REJECTED by customs:"), style="bold red"), safe(story["customs_reason"]))
    return Text(_("customs: no answer yet"), style="yellow") if story["forwarded_at"] else Text("")


def _hhmm(value: str | None) -> str:
    return value[5:16].replace("T", " ") if value else "?"


REQUIRED = {"phone": N_("Phone"), "caller": N_("Caller"), "org": N_("Org name"), "text": N_("Note")}  # form order
ENTER_NEXT = {"phone": "caller", "caller": "org", "org": "licence", "licence": "text"}


class PhoneSuggester(Suggester):
    """Completes a phone number from earlier tickets, newest first."""

    def __init__(self, screen: "TicketFormScreen"):
        super().__init__(use_cache=False, case_sensitive=True)
        self.form = screen

    async def get_suggestion(self, value: str) -> str | None:
        """Asked on every keystroke: the query runs in a thread, never on the UI's."""
        found = await asyncio.to_thread(self.form.caller_for, value) if len(value) >= 3 else None
        return clean(found["phone"]) if found else None


class TicketFormScreen(OnDesk, Localised, Screen[str | None]):
    """Logs a hotline call; dismisses with the new ticket id (None when cancelled)."""

    CSS_PATH = "ticket_form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="ticket_form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="ticket_form.cancel"),
        Binding("ctrl+o", "paper", "Paper check", show=False, id="ticket_form.paper"),
    ]

    def __init__(self, licence_no: str | None = None, finding_id: int | None = None, paper_note: str | None = None):
        super().__init__()
        self.licence_no, self.finding_id = licence_no, finding_id
        self.paper_note = paper_note  # a paper check to note on the ticket once it is saved
        self.settings: HotlineConfig | None = None
        self._saving = False
        self._proposed = ""  # the note last proposed from a template: replaced until edited

    def compose(self) -> ComposeResult:
        self.settings = hotline_settings.of(self.app.config)
        category = "mismatch" if self.paper_note else self.settings.default_category
        with Vertical(id="form"):
            yield Static(self._title(), id="form-title")
            with Horizontal(classes="row"):
                yield Label(_("Phone") + " *", classes="label")
                yield Input(id="phone", compact=True, max_length=40, suggester=PhoneSuggester(self))
                yield Label(_("Caller") + " *", classes="label")
                yield Input(id="caller", compact=True, max_length=200)
            with Horizontal(classes="row"):
                yield Label(_("Org"), classes="label")
                yield Select(
                    [(word(k), k) for k in hotline.ORG_KINDS],
                    id="org_kind",
                    compact=True,
                    allow_blank=False,
                    value="port-customs",
                )
                yield Label(_("Org name") + " *", classes="label", id="org-label")
                yield Input(id="org", compact=True, max_length=200, placeholder=_("name or customs/enterprise code"))
            with Horizontal(classes="row"):
                yield Label(_("Category"), classes="label")
                yield Select(
                    [(word(c), c) for c in hotline_settings.CATEGORIES],
                    id="category",
                    compact=True,
                    allow_blank=False,
                    value=category,
                )
                yield Label(_("Priority"), classes="label")
                yield Select(
                    [(word(p), p) for p in hotline_settings.PRIORITIES],
                    id="priority",
                    compact=True,
                    allow_blank=False,
                    value=self.settings.categories[category].priority,
                )
            with Horizontal(classes="row"):
                yield Label(_("Licence"), classes="label")
                yield Input(
                    self.licence_no or "",
                    id="licence",
                    compact=True,
                    max_length=12,
                    restrict=r"[0-9A-Za-z-]*",
                    placeholder=_("00-AA-012345"),
                )
                yield Static(self._link(), id="link")
            yield Static(story_text(None), id="story")
            with Horizontal(classes="row"):
                yield Label(_("Note") + " *", classes="label")
                yield Input(id="text", compact=True, max_length=4000)
            yield Static(
                Text(
                    _("enter: next field (a known phone fills the caller) · tab: choices · ctrl+s: save"), style="dim"
                ),
                id="form-status",
            )
        yield Footer()

    def _title(self) -> Text:
        now = self.app.clock.now()
        return join(
            Text(_("New hotline ticket"), style="bold"),
            Text(f"{now:%Y-%m-%d %H:%M}"),
            safe(self.app.actor, "dim"),
            separator="  ",
        )

    def _link(self) -> Text:
        return (
            Text(_("finding #{finding_id}").format(finding_id=self.finding_id), style="dim")
            if self.finding_id is not None
            else Text("")
        )

    def on_mount(self) -> None:
        self._propose()
        if self.licence_no:
            self._show_story(self.licence_no)
        self.query_one("#phone", Input).focus()

    def caller_for(self, phone: str) -> dict | None:
        """The latest caller from a number starting with `phone`, on a reader connection of
        its own (plain sqlite3: no migration check, closed after the one indexed query)."""
        db = connection.reader(self.app.db_path)
        try:
            return hotline.caller_for_phone(db, phone)
        finally:
            db.close()

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def _propose(self) -> None:
        """Fills the note from the category's template unless the operator wrote their own."""
        note = self.query_one("#text", Input)
        if note.value and note.value != self._proposed:
            return
        category = str(self.query_one("#category", Select).value)
        self._proposed = self.settings.categories[category].note_for(self._value("licence").upper() or None)
        note.value = self._proposed

    def _show_story(self, licence_no: str) -> None:
        licence_no = licence_no.strip().upper()
        if LICENCE_NO.fullmatch(licence_no):
            self._load_story(licence_no)
        else:
            self.workers.cancel_group(self, "story")
            self.query_one("#story", Static).update(story_text(None))

    @work(thread=True, exclusive=True, group="story")
    def _load_story(self, licence_no: str) -> None:
        """The licence's story, read in a worker as the operator types the number."""
        db = connection.reader(self.app.db_path)
        try:
            story = licence_story(db, licence_no, now=self.app.clock.now())
        finally:
            db.close()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._set_story, licence_no, story)

    def _set_story(self, licence_no: str, story: dict) -> None:
        if self._value("licence").strip().upper() == licence_no:  # not typed on since
            self.query_one("#story", Static).update(story_text(story))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "licence":
            self._show_story(event.value)
            self._propose()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "category":
            self.query_one("#priority", Select).value = self.settings.categories[str(event.value)].priority
            self._propose()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter goes to the next field worth typing (the choices keep their defaults; tab
        reaches them), and saves from the note."""
        event.stop()
        field = event.input.id
        if field == "text":
            self.action_save()
            return
        if field == "phone" and self._fill_caller(event.value):
            field = "org"  # caller and organisation are known: on to the licence
        self.query_one(f"#{ENTER_NEXT[field]}", Input).focus()

    def _fill_caller(self, phone: str) -> bool:
        """A number seen before fills caller and organisation; True when they are complete."""
        # Enter decides where the next key goes, so this one indexed query cannot wait for a worker.
        found = self.caller_for(phone) if phone.strip() else None
        if found is None or clean(found["phone"]) != phone:
            return False
        # An input shows its value as typed: only cleaned text goes in (and is then saved).
        self.query_one("#caller", Input).value = clean(found["caller"])
        self.query_one("#org", Input).value = clean(found["org"])
        if found["org_kind"] in hotline.ORG_KINDS:
            self.query_one("#org_kind", Select).value = found["org_kind"]
        self._status(join(Text(_("known caller:")), safe(found["caller"]), safe(found["org"]), separator=" "))
        return True

    def _status(self, text: Text) -> None:
        self.query_one("#form-status", Static).update(text)

    def action_save(self) -> None:
        if not may(self.app.role, "ticket"):
            self._status(Text(_("your role cannot log tickets (read-only)"), style="bold red"))
            return
        if self._saving:  # a second ctrl+s while the first is being stored logs nothing more
            return
        missing = next((field for field in REQUIRED if not self._value(field).strip()), None)
        if missing is not None:  # named as the form labels it, and the focus goes there
            self._status(Text(_("{field} is required").format(field=_(REQUIRED[missing])), style="bold red"))
            self.query_one(f"#{missing}", Input).focus()
            return
        self._saving = True
        self._save(
            dict(
                caller=self._value("caller"),
                phone=self._value("phone"),
                org=self._value("org"),
                org_kind=self.query_one("#org_kind", Select).value,
                category=self.query_one("#category", Select).value,
                priority=self.query_one("#priority", Select).value,
                text=self._value("text"),
                licence_no=self._value("licence") or None,
                finding_id=self.finding_id,
                roles=self.app.config.roles,
                actor=self.app.actor,
                now=self.app.clock.now(),
                settings=self.settings,
            )
        )

    @work(thread=True, group="save")
    def _save(self, fields: dict) -> None:
        """Logs the call on a connection of its own; the form closes once it is stored."""
        db = connection.writer(self.app.db_path)
        try:
            with connection.transaction(db):  # the call and its paper check (a mismatch call) together
                ticket_id = hotline.open_ticket(db, **fields)
                if self.paper_note:
                    hotline.add_note(
                        db,
                        ticket_id,
                        text=self.paper_note,
                        roles=fields["roles"],
                        actor=fields["actor"],
                        now=fields["now"],
                    )
        except (EdiopsError, sqlite3.Error) as exc:  # a store that cannot write: said, the form stays
            self.app.call_from_thread(self._refused, exc)
            return
        finally:
            db.close()
        self.app.call_from_thread(self._saved, ticket_id)

    def _refused(self, exc: Exception) -> None:
        self._saving = False
        self._status(safe(exc, "bold red"))

    def _saved(self, ticket_id: str) -> None:
        self.app.notify(_("{ticket_id} logged").format(ticket_id=ticket_id), timeout=4)
        self.dismiss(ticket_id)

    def action_paper(self) -> None:
        """Paper against electronic for a mismatch call: the comparison comes back to this form."""
        licence = self._value("licence").strip().upper()
        if self.query_one("#category", Select).value != "mismatch":
            self._status(
                Text(_("the paper check is for a mismatch call: set the category to mismatch"), style="yellow")
            )
            return
        if not LICENCE_NO.fullmatch(licence):
            self._status(Text(_("type the licence number first"), style="yellow"))
            return
        from ..licences.paper import PaperCheckScreen

        def back(note: str | None) -> None:
            if note:
                self.paper_note = note
                self._status(join(Text(_("noted on save:"), style="bold"), safe(note)))

        self.app.push_screen(PaperCheckScreen(licence, for_form=True), back)

    def action_cancel(self) -> None:
        self.dismiss(None)
