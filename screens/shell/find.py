"""Find anything (`g` from any desk screen, or the palette): one box that takes any
identifier the phone brings (licence number, batch id, declaration number, ticket id,
enterprise code, issuer code, caller's phone) and opens what it names. Completions come as
the operator types, looked up in a worker a moment after the last key (debounced); enter
opens the exact hit (or the one highlighted), and an identifier nothing matches says so."""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.timer import Timer
from textual.widgets.option_list import Option

from ediops.i18n import _
from ..kit.words import Localised
from ediops.views import connection
from ..kit.safe import join, safe
from ..kit.on_desk import OnDesk
from ..kit.widgets import KeyedTable

DEBOUNCE_SECONDS = 0.2
LIST_ROWS = 10


def open_hit(app, hit) -> None:
    """Opens the screen a hit names."""
    from ..findings.findings import FindingsScreen
    from ..licences.licence_browser import LicenceBrowserScreen
    from ..hotline.ticket_list import TicketListScreen

    context = hit.context
    if hit.kind in ("licence",) or (hit.kind == "declaration" and context.get("licence_no")):
        app.open_licence(context["licence_no"])
    elif hit.kind in ("batch", "issuer"):
        app.open_item("issuer", {"issuer": context["issuer"]})
    elif hit.kind == "declaration":  # customs wrote off a licence the centre never accepted
        screen = FindingsScreen()
        screen.status = None
        app.push_screen(screen)
        app.call_after_refresh(lambda: screen.query_one("#findings", KeyedTable).set_filter(hit.key))
    elif hit.kind == "ticket":
        app.open_item("ticket", {"ticket_id": hit.key})
    elif hit.kind == "enterprise":
        app.push_screen(LicenceBrowserScreen(query=hit.key))
    elif hit.kind == "phone":
        app.push_screen(TicketListScreen(query=hit.key))


class FindScreen(OnDesk, Localised, ModalScreen[None]):
    CSS_PATH = "find.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="find.cancel"),
        Binding("down", "to_list", "Hits", show=False, id="find.down"),
    ]

    def __init__(self, text: str = ""):
        super().__init__()
        self.initial = text
        self.hits: list = []
        self.hits_for: str | None = None  # the text the hits are for
        self.open_when_found = False
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="find"):
            yield Static(Text(_("Find"), style="bold"), id="find-title")
            box = Input(
                self.initial,
                placeholder=_("licence, batch, declaration, ticket, enterprise, issuer or phone"),
                id="find-input",
                max_length=60,
                compact=True,
            )
            box.cursor_blink = False
            yield box
            yield OptionList(id="find-hits")
            yield Static(
                Text(_("type an identifier · enter: open · down: pick · escape: close"), style="dim"), id="find-status"
            )

    def on_mount(self) -> None:
        self.query_one("#find-hits", OptionList).display = False
        self.query_one("#find-input", Input).focus()
        if self.initial:
            self._lookup(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.open_when_found = False
        if self._timer is not None:
            self._timer.stop()
        text = event.value
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._lookup(text))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            return
        if self.hits_for == text:
            self._open_best()
        else:  # the last keys' lookup has not come back yet: open when it does
            self.open_when_found = True
            if self._timer is not None:
                self._timer.stop()
            self._lookup(text)

    def _lookup(self, text: str) -> None:
        if text.strip():
            self._find(text.strip())
        else:
            self._show(text, [])

    @work(thread=True, exclusive=True, group="find")
    def _find(self, text: str) -> None:
        from ediops.views.find import find

        issuers = [(i.code, i.display_name) for i in self.app.config.issuers]
        try:
            db = connection.reader(self.app.db_path)
            try:
                hits = find(db, text, issuers=issuers)
            finally:
                db.close()
        except sqlite3.Error as exc:
            self.app.call_from_thread(
                self._status, safe(_("cannot read the store: {problem}").format(problem=exc), "bold red")
            )
            return
        self.app.call_from_thread(self._show, text, hits)

    def _show(self, text: str, hits: list) -> None:
        if self.query_one("#find-input", Input).value.strip() != text.strip():
            return  # typed on meanwhile; a newer lookup is coming
        self.hits, self.hits_for = hits, text.strip()
        options = self.query_one("#find-hits", OptionList)
        options.clear_options()
        options.add_options([Option(safe(h.label), id=str(i)) for i, h in enumerate(hits[: LIST_ROWS * 3])])
        options.display = bool(hits)
        if hits:
            options.highlighted = 0
            self._status(Text(self._matches_note(text, hits), style="dim"))
        elif text.strip():
            self._status(join(Text(_("nothing known as"), style="bold red"), safe(text.strip(), "bold")))
        if self.open_when_found:
            self.open_when_found = False
            self._open_best()

    def _status(self, text: Text) -> None:
        self.query_one("#find-status", Static).update(text)

    def _matches_note(self, text: str, hits: list) -> str:
        from ediops.views.find import exact

        if exact(hits, text):
            return _("{hits} match(es) · enter opens {key} · down: pick").format(
                hits=len(hits), key=exact(hits, text).key
            )
        return _("{hits} matches · down, then enter: pick one").format(hits=len(hits))

    def _open_best(self) -> None:
        """Opens what the entry names exactly, or the only match; several: the operator picks."""
        from ediops.views.find import exact

        hit = exact(self.hits, self.hits_for or "")
        if hit is None and self.hits:
            self._status(Text(self._matches_note(self.hits_for or "", self.hits), style="bold yellow"))
            self.action_to_list()
            return
        if hit is None:
            self._status(join(Text(_("nothing known as"), style="bold red"), safe(self.hits_for or "", "bold")))
            self.app.notify(
                _("nothing known as {hits_for}").format(hits_for=self.hits_for), title=_("Find"), severity="warning"
            )
            return
        self._open(hit)

    def _open(self, hit) -> None:
        self.dismiss(None)
        open_hit(self.app, hit)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(self.hits[int(event.option.id)])

    def action_to_list(self) -> None:
        options = self.query_one("#find-hits", OptionList)
        if options.display:
            options.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
