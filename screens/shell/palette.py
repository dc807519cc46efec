"""Command palette (ctrl+p) with the desk's own commands: find a licence by number, open a
screen or an issuer, new ticket, run / pause / resume a window; Textual's palette with its
words in the desk's language."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from functools import partial
from typing import TYPE_CHECKING, Callable

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from ediops.views import connection
from ediops.i18n import _
from ediops.text import clean
from ..kit import operator
from ..kit.safe import safe
from ..kit.words import Localised

if TYPE_CHECKING:
    from .app import DeskApp

LICENCE_PREFIX = re.compile(r"^\d{2}(-[A-Za-z]{0,2}(-\d{0,6})?)?$")
LICENCE_NO = re.compile(r"^\d{2}-[A-Z]{2}-\d{6}$")


class DeskPalette(Localised, CommandPalette):
    """Textual's palette, its placeholder, keys and its one fixed line in the desk's language."""

    def __init__(self) -> None:
        super().__init__(id="--command-palette", placeholder=_("Search for commands…"))

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's own, but for its words: its "No matches found" is fixed English (private;
        textual is pinned, and tests/desk/shell/test_palette.py fails if a new version changes
        it). An empty search (browsing the commands) shows no such line, as in Textual."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            self._list_visible = bool(search_value)
            if search_value:
                line = Align.center(Text(_("No matches found"), style="not bold"))
                self.query_one(CommandList).add_option(Option(line, disabled=True, id=self._NO_MATCHES))

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class DeskCommands(Provider):
    """Commands built from the desk's state: its screens, configured issuers and windows."""

    if TYPE_CHECKING:

        @property
        def app(self) -> DeskApp: ...

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        commands: list[tuple[str, str, Callable[[], object]]] = [
            (_("Urgent queue"), _("urgent licences, oldest first"), partial(app.action_open, "urgent")),
            (_("Findings"), _("open findings by code"), partial(app.action_open, "findings")),
            (_("Windows"), _("transmission windows: run, pause, resume"), partial(app.action_open, "windows")),
            (_("Audit log"), _("every operator action"), partial(app.action_open, "audit")),
            (_("Licence browser"), _("every licence, paged"), partial(app.action_open, "browser")),
            (_("Tickets"), _("hotline tickets"), partial(app.action_open, "tickets")),
            (_("New ticket"), _("log a hotline call"), app.action_new_ticket),
            (_("Shift report"), _("the handover report of the last 8 hours (R)"), partial(app.action_open, "report")),
            (
                _("Find anything (g)"),
                _("licence, batch, declaration, ticket, enterprise, issuer, phone"),
                app.action_find,
            ),
            (
                _("Inspection (2002 notice)"),
                _("bureaus' e-declaration and e-visa shares"),
                partial(app.action_open, "inspection"),
            ),
            (_("Alerts"), _("open alerts, unacknowledged first; acknowledge (k)"), partial(app.action_open, "alerts")),
            (_("Alert bell on/off"), _("the terminal bell for new alerts, on this desk"), app.action_toggle_bell),
        ]
        for window in app.config.windows:
            commands += [
                (
                    _("Run window {window}").format(window=window),
                    _("ask the leader to run it now"),
                    partial(operator.request_window_run, app, window),
                ),
                (
                    _("Pause window {window}").format(window=window),
                    _("stop its scheduled runs"),
                    partial(operator.set_window_paused, app, window, True),
                ),
                (
                    _("Resume window {window}").format(window=window),
                    _("restart its scheduled runs"),
                    partial(operator.set_window_paused, app, window, False),
                ),
            ]
        for issuer in app.config.issuers:
            commands.append(
                (
                    _("Issuer {code} {name}").format(code=issuer.code, name=clean(issuer.display_name)),
                    _("feed, batches, rejections"),
                    partial(app.open_item, "issuer", {"issuer": issuer.code}),
                )
            )
        return commands

    def _found(self, text: str) -> list:
        """The find box's hits (worker thread: the palette's search must not block the screen)."""
        if len(text) < 2:
            return []
        from ediops.views.find import find

        db = connection.reader(self.app.db_path)
        try:
            return find(db, text, issuers=[(i.code, i.display_name) for i in self.app.config.issuers], limit=3)
        except sqlite3.Error:
            return []
        finally:
            db.close()

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands()[:7]:
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        text = query.strip()
        if LICENCE_PREFIX.match(text):
            number = text.upper()
            if LICENCE_NO.match(number):
                yield Hit(
                    1.0,
                    _("Open licence {no}").format(no=number),
                    partial(self.app.open_licence, number),
                    help=_("licence detail"),
                )
            yield Hit(
                0.9,
                _("Browse licences from {no}").format(no=number),
                partial(self.app.open_browser, number),
                help=_("licence browser at this number"),
            )
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        # The find box's hits last, and only for what could be an identifier (a command's name has
        # spaces and no digit): the store is read in a thread, the commands above are not kept waiting.
        if " " not in text or any(c.isdigit() for c in text):
            from ..shell.find import open_hit  # the find box's module: not before the first frame

            for hit in await asyncio.to_thread(self._found, text):
                yield Hit(
                    0.8,
                    safe(hit.label),
                    partial(open_hit, self.app, hit),
                    help=_("open this {kind}").format(kind=_(hit.kind)),
                )
