"""Paper against electronic (2000 notice §1, §5; ediops.licensing.paper): the operator types
what the port's paper licence shows for the seven fields, and sees each one matching or
not against the centre's record as they type. ctrl+s stores the comparison as a note
listing the differences: on the ticket it was opened for, or (from a licence) on a new
`mismatch` ticket; from the new-ticket form it goes back to the form, noted on save."""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from ediops.i18n import _
from ..kit.words import Localised
from ediops.views import connection
from ediops.errors import EdiopsError
from ediops.licensing import paper
from ..kit.safe import join, safe
from ediops.text import clean
from ..kit.on_desk import OnDesk

MARK = {
    True: Text(_("same"), style="bold green"),
    False: Text(_("DIFF"), style="bold red"),
    None: Text("  - ", style="dim"),
}


def checks_text(checks: list[paper.Check]) -> Text:
    """One line per field: same / DIFF / not checked, the record's value, and the paper's."""
    lines = []
    for c in checks:
        line = join(MARK[c.matches], Text(f"{c.label:<22}", style="bold"), safe(c.electronic), separator=" ")
        if c.matches is False:
            line.append_text(join(Text(_("  paper:"), style="red"), safe(c.paper, "red"), safe(f"({c.why})", "dim")))
        lines.append(line)
    return Text("\n", end="").join(lines)


class PaperCheckScreen(OnDesk, Localised, Screen[str | None]):
    """Dismisses with the note (None when cancelled or when the record cannot be read)."""

    CSS_PATH = "paper.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", id="paper.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="paper.cancel"),
    ]

    def __init__(self, licence_no: str, *, ticket_id: str | None = None, for_form: bool = False):
        super().__init__()
        self.licence_no, self.ticket_id, self.for_form = licence_no, ticket_id, for_form
        self.licence: dict | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="paper"):
            yield Static(
                join(
                    Text(_("Paper against electronic"), style="bold"),
                    safe(self.licence_no, "bold"),
                    Text(_("· what the paper shows (empty: not checked)"), style="dim"),
                ),
                id="paper-title",
            )
            with Vertical(id="paper-inputs"):
                for name, label, hint in paper.INPUTS:
                    with Horizontal(classes="paper-row"):
                        yield Label(label, classes="paper-label")
                        field = Input(id=f"paper-{name}", compact=True, max_length=200, placeholder=hint)
                        field.cursor_blink = False
                        yield field
            yield Static(Text(_("reading the electronic record…"), style="dim"), id="paper-checks")
            target = (
                _("ticket {ticket}").format(ticket=self.ticket_id)
                if self.ticket_id
                else _("the new ticket")
                if self.for_form
                else _("a new mismatch ticket")
            )
            yield Static(
                Text(_("ctrl+s: note the differences on {target} · escape: cancel").format(target=target), style="dim"),
                id="paper-status",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(f"#paper-{paper.INPUTS[0][0]}", Input).focus()
        self._read()

    @work(thread=True, exclusive=True, group="paper")
    def _read(self) -> None:
        from ediops.licensing.licence import licence_view

        try:
            db = connection.writer(self.app.db_path)
            try:
                view = licence_view(db, self.licence_no, now=self.app.clock.now())
            finally:
                db.close()
        except sqlite3.Error as exc:
            self.app.call_from_thread(
                self._status, safe(_("cannot read the store: {problem}").format(problem=exc), "bold red")
            )
            return
        self.app.call_from_thread(self._loaded, view)

    def _loaded(self, view: dict | None) -> None:
        if view is None:
            self._status(
                join(
                    safe(self.licence_no, "bold"),
                    Text(_("is not known to the centre: nothing to compare"), style="bold red"),
                )
            )
            return
        self.licence = view["licence"]
        self._compare()

    def typed(self) -> dict[str, str]:
        return {name: self.query_one(f"#paper-{name}", Input).value for name, _, _ in paper.INPUTS}

    def checks(self) -> list[paper.Check]:
        return paper.compare(self.licence, self.typed()) if self.licence else []

    def _compare(self) -> None:
        if self.licence is not None:
            self.query_one("#paper-checks", Static).update(checks_text(self.checks()))

    def on_input_changed(self, event: Input.Changed) -> None:
        """What is typed (or pasted) is data: control characters never stay in a field."""
        event.stop()
        cleaned = clean(event.value)
        if cleaned != event.value:
            event.input.value = cleaned
            return
        self._compare()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _status(self, text: Text) -> None:
        self.query_one("#paper-status", Static).update(text)

    def action_save(self) -> None:
        if self.licence is None:
            return
        checks = self.checks()
        if all(c.matches is None for c in checks):
            self._status(Text(_("type what the paper shows for at least one field"), style="bold red"))
            return
        note = paper.note(self.licence_no, checks)
        if self.ticket_id is None:
            self.dismiss(note)
            if not self.for_form:
                self.app.open_ticket_form(licence_no=self.licence_no, paper_note=note)
            return
        if self.app.refuse("ticket"):
            return
        self._save(note)

    @work(thread=True, exclusive=True, group="paper-save")
    def _save(self, note: str) -> None:
        from ediops.hotline import tickets

        db = connection.writer(self.app.db_path)
        try:
            tickets.add_note(
                db,
                self.ticket_id,
                text=note,
                roles=self.app.config.roles,
                actor=self.app.actor,
                now=self.app.clock.now(),
            )
        except (EdiopsError, sqlite3.Error) as exc:
            self.app.call_from_thread(self._status, safe(exc, "bold red"))
            return
        finally:
            db.close()
        self.app.call_from_thread(self.app.notify, f"paper check noted on {self.ticket_id}", title=_("Done"))
        self.app.call_from_thread(self.dismiss, note)
        self.app.call_from_thread(self.app.refresh_data)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StatementScreen(OnDesk, Localised, Screen[None]):
    """`ediops licence NO --statement` on the desk, to read out to an issuer (notice §7)."""

    CSS_PATH = "paper.tcss"
    BINDINGS = [Binding("escape", "close", "Back", id="statement.close")]

    def __init__(self, licence_no: str):
        super().__init__()
        self.licence_no = licence_no

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="statement"):
            yield Static(
                Text(_("statement of {licence_no}…").format(licence_no=self.licence_no), style="dim"),
                id="statement-text",
            )
        yield Footer()

    def on_mount(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, group="statement")
    def _read(self) -> None:
        from ediops.licensing.licence import licence_view
        from ediops.licensing.statement import statement_lines
        from ediops.views.licence_story import corrections

        db = connection.writer(self.app.db_path)
        try:
            now = self.app.clock.now()
            view = licence_view(db, self.licence_no, now=now)
            lines = (
                statement_lines(view, corrections(db, self.licence_no), now=now)
                if view
                else [_("{no}: not known to the centre (never accepted)").format(no=self.licence_no)]
            )
        finally:
            db.close()
        text = safe("\n".join(lines), multiline=True)
        self.app.call_from_thread(self.query_one("#statement-text", Static).update, text)

    def action_close(self) -> None:
        self.dismiss(None)
