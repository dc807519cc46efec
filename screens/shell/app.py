"""DeskApp: the duty officer's terminal desk. Screens live in their own modules; the app only
holds what they share: the store path, config, clock, operator and role, the refresh loop,
navigation, toasts, and the terminal's hang-up and crash handling."""

from __future__ import annotations

import asyncio
import gc
import signal
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Iterable

from rich.text import Text
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Select

from ediops.views import connection
from ediops.i18n import _
from ediops.operators import audit
from ediops.views import dashboard
from ediops.clock import Clock
from ediops.operators import roles
from ..kit.base import DeskScreen
from ..kit.textual_words import TEXTUAL_WORDS
from ..kit.safe import plain
from ..shell import start
from ..shell.terminal import HangupDriver, write_crash_log

# The desk refreshes when the store changes, at each clock minute (ages and countdowns are in
# whole clock minutes) and every SLOW_REFRESH_SECONDS (a lease or a feed cutoff can pass with
# no commit); a refresh writes to the terminal only what changed.
SLOW_REFRESH_SECONDS = 10.0


class DeskApp(App):
    TITLE = "ediops desk"
    # The home screen's stylesheet is read with the App's: a screen's own CSS_PATH makes
    # Textual parse every stylesheet again as the screen is first shown, here before the
    # first frame (bench/NOTES.md, "Names and the first frame"). Other screens keep their own.
    CSS_PATH = ["app.tcss", "home.tcss"]
    COMMANDS = App.COMMANDS | {start.desk_commands}
    MODES = {"home": start.home_screen}
    DEFAULT_MODE = "home"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="desk.quit"),
        Binding("ctrl+q", "quit_now", "Quit", show=False, priority=True, id="desk.quit_now"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="desk.ctrl_c"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, id="desk.palette"),
        Binding("question_mark", "keys", "Keys", id="desk.keys"),
        Binding("h", "home", "Home", show=False, id="desk.home"),
        Binding("u", "open('urgent')", "Urgent", show=False, id="desk.urgent"),
        Binding("m", "open('findings')", "Findings", show=False, id="desk.findings"),
        Binding("w", "open('windows')", "Windows", show=False, id="desk.windows"),
        Binding("a", "open('audit')", "Audit", show=False, id="desk.audit"),
        Binding("b", "open('browser')", "Licences", show=False, id="desk.browser"),
        Binding("t", "open('tickets')", "Tickets", show=False, id="desk.tickets"),
        Binding("i", "open('inspection')", "Inspection", show=False, id="desk.inspection"),
        Binding("R", "open('report')", "Shift report", show=False, id="desk.report"),
        Binding("exclamation_mark", "open('alerts')", "Alerts", show=False, id="desk.alerts"),
        Binding("B", "toggle_bell", "Bell on/off", show=False, id="desk.bell"),
        Binding("g", "find", "Find", show=False, id="desk.find"),
    ]

    def __init__(
        self,
        *,
        db_path: Path,
        config,
        clock: Clock,
        actor: str | None = None,
        role: str | None = None,
        poll_seconds: float = 0.75,
        stops_on_quit: str | None = None,
        ascii: bool = False,
    ):
        super().__init__(driver_class=HangupDriver)
        self.ascii = ascii  # docs/languages.md: HangupDriver writes ASCII for every ambiguous-width glyph
        self.stops_on_quit = stops_on_quit  # what quitting stops (a desk that leads): asked first
        self.db_path = Path(db_path)
        self.clock = clock
        self.actor = actor or audit.current_actor()
        # `role` (tests, the demo's own operator) is granted in the configuration itself, so the
        # domain's checks, which read config.roles, agree with what this desk offers.
        self.config = roles.granting(config, self.actor, role) if role else config
        self.role = roles.role_for(self.config.roles, self.actor)
        self.poll_seconds = poll_seconds
        self._version: int | None = None
        self._reader: sqlite3.Connection | None = None
        self._last_refresh = 0.0
        self._minute_shown: datetime | None = None
        self._alert_marks: tuple[str, str] | None = None
        self._alerts_seen: int | None = None  # newest alert id this desk has rung for (docs/alerts.md)
        self.bell_on = bool(config.settings.get("alert_bell", True))

    # -- start, refresh, leave -------------------------------------------------------------

    @property
    def reader(self) -> sqlite3.Connection:
        """The main thread's connection: the poll's `data_version` and the home screen's first
        read share it (each connection reads the schema, ~2.5 ms before the first frame). The
        version is taken as it opens, before any read: a commit after it is seen at the poll."""
        if self._reader is None:
            self._reader = connection.reader(self.db_path)
            self._version = connection.data_version(self._reader)
        return self._reader

    def on_mount(self) -> None:
        self.reader  # opened by the home screen's first read, or here
        self._last_refresh = time.monotonic()
        self._minute_shown = self._minute()
        self.set_interval(self.poll_seconds, self._poll)
        self.call_after_refresh(self._started)
        if not self.is_headless:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGHUP, signal.SIGTERM):
                loop.add_signal_handler(signum, self.hang_up)

    def _started(self) -> None:
        """The first frame is composed. What the start allocated (modules, stylesheets, widgets)
        lives as long as the desk: `gc.freeze` takes it out of every later collection, and the
        collector, held off by `ediops desk` until now (commands.py), resumes. Then the alerts'
        thread, which would have raced the first frame."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()
        self._check_alerts()

    def on_unmount(self) -> None:
        if self._reader is not None:
            self._reader.close()

    def _poll(self) -> None:
        """PRAGMA data_version changes when another connection commits (about 5 us a call)."""
        version = connection.data_version(self.reader)
        if (
            version != self._version
            or self._minute() != self._minute_shown
            or time.monotonic() - self._last_refresh >= SLOW_REFRESH_SECONDS
        ):
            self._version = version
            self.refresh_data()

    def _minute(self) -> datetime:
        return self.clock.now().replace(second=0, microsecond=0)

    def refresh_data(self) -> None:
        self._last_refresh = time.monotonic()
        self._minute_shown = self._minute()
        if isinstance(self.screen, DeskScreen):
            self.screen.reload()
        self._check_alerts()

    async def action_quit(self) -> None:
        """A desk that leads (the demo's, whose leader and peers stop with it) asks first and
        says what stops; any other desk quits at once."""
        if not self.stops_on_quit:
            self.exit()
            return
        from ..kit.dialogs import ConfirmDialog

        if not isinstance(self.screen, ConfirmDialog):
            self.push_screen(
                ConfirmDialog(_("Quit the desk?"), self.stops_on_quit, yes=_("quit")),
                lambda yes: self.exit() if yes else None,
            )

    async def action_quit_now(self) -> None:
        """ctrl+q: from anywhere, a field or a dialog too (still asking when this desk leads)."""
        await self.action_quit()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """`q` is no way out while a field or a drop-down takes the keys (they type the q)."""
        focused = self.focused
        if action == "quit" and focused is not None:
            # A TextArea is known by its class's name: importing the class costs ~8 ms before
            # the first frame, and no desk screen has one until its module has been imported.
            text_area = any(cls.__name__ == "TextArea" for cls in type(focused).__mro__)
            if (
                isinstance(focused, Input)
                or text_area
                or any(isinstance(w, Select) for w in focused.ancestors_with_self)
            ):
                return False
        return True

    def hang_up(self) -> None:
        """The terminal went away (SIGHUP, stdin at EOF): leave at once, nothing to save."""
        self.exit(return_code=129)

    def _fatal_error(self) -> None:
        """Crash details go to a log file; the terminal gets one short line."""
        path = write_crash_log()
        self.panic(Text(_("ediops desk stopped on an internal error; details in {path}").format(path=path)))

    # -- toasts ----------------------------------------------------------------------------

    def _check_alerts(self) -> None:
        self.run_worker(self._alerts, thread=True, exclusive=True, group="alerts")

    def _alerts(self) -> None:
        try:
            db = connection.reader(self.db_path)
            try:
                marks = self._alert_marks or dashboard.alert_marks(db)
                urgent = dashboard.new_urgent_since(db, marks[0])
                failed = dashboard.failed_runs_since(db, marks[1])
                raised = self._new_alerts(db)
            finally:
                db.close()
        except sqlite3.Error:
            return  # the screen's own fetch says the store cannot be read
        self._alert_marks = (
            max([marks[0], *(r["received_at"] for r in urgent)]),
            max([marks[1], *(r["finished_at"] for r in failed)]),
        )
        self._ring(raised)
        for message, title in urgent_toasts(urgent):
            self.call_from_thread(self.notify, message, title=title, severity="warning", timeout=15)
        for row in failed:
            self.call_from_thread(
                self.notify,
                f"{row['window']}: {row['outcome']} {row['detail'] or ''}",
                title=_("Window failed"),
                severity="error",
                timeout=30,
            )

    def _new_alerts(self, db) -> list[dict]:
        """Alerts raised since this desk last looked (none at its start: it rings for new ones)."""
        from ediops.views import alerts as alert_views

        if self._alerts_seen is None:
            self._alerts_seen = alert_views.counts(db)["latest_id"]
            return []
        raised = alert_views.new_since(db, self._alerts_seen)
        if raised:
            self._alerts_seen = raised[-1]["id"]
        return raised

    def _ring(self, raised: list[dict]) -> None:
        """The bell once per new alert (a burst capped, so 40 late feeds are not 40 beeps), and a toast."""
        if not raised:
            return
        if self.bell_on:
            for _alert in raised[:BELLS_MAX]:
                self.call_from_thread(self.bell)
        shown = ", ".join(f"{a['code']} {a['subject']}" for a in raised[:URGENT_TOASTS_MAX])
        more = _(" and {n} more").format(n=len(raised) - URGENT_TOASTS_MAX) if len(raised) > URGENT_TOASTS_MAX else ""
        self.call_from_thread(
            self.notify,
            _("{shown}{more}; see alerts (!)").format(shown=shown, more=more),
            title=_("{n} new alert(s)").format(n=len(raised)),
            severity="error",
            timeout=20,
        )

    def action_toggle_bell(self) -> None:
        self.bell_on = not self.bell_on
        self.notify(
            _("alert bell on for this desk") if self.bell_on else _("alert bell off for this desk"), title=_("Bell")
        )

    # -- roles, navigation -----------------------------------------------------------------

    def notify(
        self, message, *, title: str = "", severity="information", timeout: float | None = None, markup: bool = False
    ) -> None:
        """Toasts carry outside text (licence numbers, errors, window details): never markup."""
        super().notify(plain(message), title=plain(title), severity=severity, timeout=timeout, markup=False)

    def refuse(self, action: str) -> bool:
        """True (and the operator is told) when this desk's role may not do `action`."""
        if roles.may(self.role, action):
            return False
        self.notify(
            _("role {role} may not {action}: this desk is read-only for it").format(role=self.role, action=action),
            title=_("Not allowed"),
            severity="warning",
        )
        return True

    def action_keys(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_home(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_open(self, name: str) -> None:
        from ..shell import registry

        screen = registry.screen(name)
        if screen is not None:
            self.push_screen(screen)
        else:
            self.notify(_("the {name} screen is not installed yet").format(name=name), severity="warning")

    def open_item(self, kind: str, context: dict) -> None:
        from ..shell import registry

        screen = registry.item_screen(kind, context)
        if screen is not None:
            self.push_screen(screen)

    def action_find(self, text: str = "") -> None:
        """The find box: any identifier the phone brings opens what it names."""
        from ..shell.find import FindScreen

        self.push_screen(FindScreen(text))

    def open_licence(self, licence_no: str) -> None:
        self.open_item("licence", {"licence_no": licence_no})

    def open_browser(self, start: str) -> None:
        from ..licences.licence_browser import LicenceBrowserScreen

        self.push_screen(LicenceBrowserScreen(query=start))

    def action_new_ticket(self) -> None:
        if isinstance(self.screen, DeskScreen):
            self.screen.action_new_ticket()
        elif not self.refuse("ticket"):
            self.open_ticket_form()

    def open_ticket_form(
        self, licence_no: str | None = None, finding_id: int | None = None, paper_note: str | None = None
    ) -> None:
        from ..shell import registry

        form = registry.ticket_form(licence_no=licence_no, finding_id=finding_id, paper_note=paper_note)
        if form is None:
            self.notify(_("the hotline's ticket form is not installed yet"), severity="warning")
        else:
            self.push_screen(form)

    # -- nothing that writes files on the server -------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, but Screenshot, in the desk's language (TEXTUAL_WORDS)."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                words = TEXTUAL_WORDS
                yield command._replace(
                    title=_(command.title) if command.title in words else command.title,
                    help=_(command.help) if command.help in words else command.help,
                )

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            from ..shell.palette import DeskPalette

            self.push_screen(DeskPalette())

    def action_help_quit(self) -> None:
        """ctrl+c does not quit (it copies in a field): Textual's own hint, in the desk's language."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(_("Press {key} to quit the desk").format(key=key), title=_("Do you want to quit?"))
                return

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.notify(_("screenshots are disabled on the desk"), severity="warning")


URGENT_TOASTS_MAX = 3
BELLS_MAX = 10


def urgent_toasts(rows: list[dict]) -> list[tuple[str, str]]:
    """One toast per new urgent licence, but a burst (a feed catching up) is one toast that
    counts them, so toasts never bury the panes."""
    if len(rows) <= URGENT_TOASTS_MAX:
        return [
            (_("{no} from issuer {issuer}").format(no=r["licence_no"], issuer=r["issuer"]), _("New urgent licence"))
            for r in rows
        ]
    shown = ", ".join(r["licence_no"] for r in rows[:URGENT_TOASTS_MAX])
    issuers = len({r["issuer"] for r in rows})
    source = _("one issuer") if issuers == 1 else _("{n} issuers").format(n=issuers)
    return [
        (
            _("{shown} and {n} more from {source}; see the urgent queue (u)").format(
                shown=shown, n=len(rows) - URGENT_TOASTS_MAX, source=source
            ),
            _("{n} new urgent licences").format(n=len(rows)),
        )
    ]
