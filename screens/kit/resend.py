"""The resend key (`s`, docs/resend.md) of the licence detail, a ticket, the urgent queue and
the licence browser: asks the reason, stores the resend (new key, audited, the ticket
linked), and has it sent by the leader, or by this desk when no leader holds the lease.
With rows marked, it resends each marked licence (one key each)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlite3

from textual.binding import Binding

from ediops.i18n import _
from ediops.views import connection
from ediops.errors import EdiopsError
from ..kit.marks import bulk
from ..kit.operator import ask_then
from ..kit.on_desk import OnDesk

if TYPE_CHECKING:
    from ..kit.marks import MarkedTable
    from ..kit.pane import PaneTable
    from ..kit.table import KeyedTable

RESEND_BINDING = Binding("s", "resend", "Resend", id="desk.resend")


def _resend(db, app, numbers: list[str], reason: str, ticket_id: str | None) -> int:
    from ediops.licensing import resend

    return resend.request_licences(
        db, app.config.roles, numbers, reason=reason, actor=app.actor, now=app.clock.now(), ticket_id=ticket_id
    )["command_id"]


def _send(db, app, command_ids: list[int]) -> str:
    from ediops.scheduling.daemon import run_unless_led

    outcomes = run_unless_led(db, app.config, app.clock, command_ids)
    if outcomes is None:
        return _("{n} resend(s) queued for the scheduler leader").format(n=len(command_ids))
    return "; ".join(outcomes)


class ResendActions(OnDesk):
    """Mixed into desk screens: `action_resend` on the selection, or on the marked rows."""

    if TYPE_CHECKING:

        def selection(self) -> dict: ...

        def current_table(self) -> KeyedTable | PaneTable | None: ...

        def marked_table(self) -> MarkedTable | None: ...

    def action_resend(self) -> None:
        app = self.app
        table = self.marked_table()
        if table is not None:
            commands: list[int] = []
            bulk(
                self,
                table,
                role="resend",
                title=_("Resend to customs (a new key each)"),
                noun="licence",
                apply=lambda db, key, context, reason: commands.append(
                    _resend(db, app, [context.get("licence_no") or key], reason, None)
                ),
                after=lambda db, done: app.call_from_thread(app.notify, _send(db, app, commands), title=_("Resent")),
            )
            return
        if app.refuse("resend"):
            return
        context = self.selection()
        licence, ticket = context.get("licence_no"), context.get("ticket_id")
        if not licence:
            app.notify(_("select a licence to resend"), severity="warning")
            return

        def run(reason: str) -> None:
            def work() -> None:
                db = connection.writer(app.db_path)
                try:
                    command = _resend(db, app, [licence], reason, ticket)
                    app.call_from_thread(app.notify, f"resend of {licence} stored (new key)", title=_("Resend"))
                    app.call_from_thread(app.refresh_data)
                    outcome = _send(db, app, [command])
                except (EdiopsError, sqlite3.Error) as exc:  # a store that cannot write: said, not a crash
                    app.call_from_thread(app.notify, str(exc), title=_("Not resent"), severity="error")
                else:
                    app.call_from_thread(app.notify, outcome, title=_("Resend of {licence}").format(licence=licence))
                    app.call_from_thread(app.refresh_data)
                finally:
                    db.close()

            app.run_worker(work, thread=True, group="action", exit_on_error=True)

        ask_then(
            app,
            _("Resend to customs under a new key"),
            _("licence {licence}").format(licence=licence)
            + (_(" · ticket {ticket} (linked; its notes get the answer)").format(ticket=ticket) if ticket else ""),
            run,
            default=_("port customs has no electronic data"),
        )
