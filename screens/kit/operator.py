"""The operator's action keys: each checks the role, asks for a reason where it matters, and
runs the audited store action in a worker; the outcome (or who acted first) comes back as a toast."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Callable

from ediops.i18n import N_, _
from ediops.views import connection
from ediops.errors import EdiopsError
from ..kit.on_desk import OnDesk

if TYPE_CHECKING:
    from ..kit.marks import MarkedTable
    from ..kit.pane import PaneTable
    from ..kit.table import KeyedTable


# A marked row an item key cannot act on (no licence, no finding under it), in the bulk report.
NOT_ONE = {"licence": N_("{key}: not a licence"), "finding": N_("{key}: not a finding")}


def perform(app, done: str, fn: Callable, *args, **kwargs) -> None:
    """Runs `fn(db, *args, roles=..., actor=..., now=..., **kwargs)` on its own connection in a worker;
    the domain checks the role again (the desk's `refuse` only spares a dialog)."""

    def work() -> None:
        db = connection.writer(app.db_path)
        try:
            fn(db, *args, roles=app.config.roles, actor=app.actor, now=app.clock.now(), **kwargs)
        except (EdiopsError, sqlite3.Error) as exc:
            app.call_from_thread(app.notify, str(exc), title=_("Not done"), severity="error")
        else:
            app.call_from_thread(app.notify, done, title=_("Done"))
            app.call_from_thread(app.refresh_data)
        finally:
            db.close()

    app.run_worker(work, thread=True, group="action", exit_on_error=True)


def ask_then(
    app, title: str, subject: str, then: Callable[[str], None], *, default: str = "", required: bool = True
) -> None:
    """Asks for a reason, then calls `then(reason)` unless the operator cancelled."""

    def answered(reason: str | None) -> None:
        if reason is not None:
            then(reason)

    from ..kit.dialogs import ReasonDialog  # imported as it is first asked for, not before the first frame

    app.push_screen(ReasonDialog(title, subject, default=default, required=required), answered)


def _scheduler():
    from ediops.scheduling import windows as scheduler  # the engine's; imported when first used

    return scheduler


def _actions():
    from ediops.licensing import (
        actions,
    )  # with licence_view and rules: imported when first used, not before the first frame

    return actions


def request_window_run(app, window: str) -> None:
    if app.refuse("run"):
        return
    ask_then(
        app,
        _("Run window now"),
        _("window {window}").format(window=window),
        lambda reason: perform(
            app, _("run of {window} requested").format(window=window), _scheduler().request_run, window, reason=reason
        ),
        default=_("operator request"),
        required=True,
    )


def set_window_paused(app, window: str, paused: bool) -> None:
    if app.refuse("pause" if paused else "resume"):
        return
    ask_then(
        app,
        _("Pause window") if paused else _("Resume window"),
        _("window {window}").format(window=window),
        lambda reason: perform(
            app,
            f"{window} " + (_("paused") if paused else _("resumed")),
            _scheduler().set_paused,
            window,
            paused,
            reason=reason,
        ),
    )


class OperatorActions(OnDesk):
    """Mixed into desk screens: the item actions act on the marked rows of the focused list,
    with one reason for all (kit/marks.bulk), else on `self.selection()`."""

    if TYPE_CHECKING:

        def selection(self) -> dict: ...

        def current_table(self) -> KeyedTable | PaneTable | None: ...

    def marked_table(self) -> MarkedTable | None:
        from ..kit.marks import MarkedTable  # marks imports this module

        table = self.current_table()
        return table if isinstance(table, MarkedTable) and table.marks else None

    def one_row_only(self, what: str) -> None:
        """Said when an action that acts on one row is asked while rows are marked."""
        table = self.marked_table()
        if table is not None:
            self.app.notify(
                _("{what} acts on the row under the cursor only; the {n} marked rows are unchanged").format(
                    what=what, n=len(table.marks)
                ),
                severity="warning",
            )

    def _selected(self, role_action: str, field: str, hint: str):
        if self.app.refuse(role_action):
            return None
        value = self.selection().get(field)
        if value is None:
            self.app.notify(hint, severity="warning")
        return value

    def _on_marked(self, role: str, title: str, noun: str, field: str, fn: Callable, word: str) -> bool:
        """`fn(db, <field of each marked row>, <word>=reason, ...)` on every marked row; False
        when no row is marked (the caller then acts on the selection)."""
        table = self.marked_table()
        if table is None:
            return False
        from ..kit.marks import bulk

        app = self.app

        def apply(db, key, context, reason):
            value = context.get(field)
            if value is None:
                raise EdiopsError(_(NOT_ONE[noun]).format(key=key))
            return fn(db, value, roles=app.config.roles, actor=app.actor, now=app.clock.now(), **{word: reason})

        bulk(self, table, role=role, title=title, noun=noun, apply=apply)
        return True

    def action_forward(self) -> None:
        forward = _scheduler().request_urgent_forward
        if self._on_marked("forward", _("Forward to customs now"), "licence", "licence_no", forward, "reason"):
            return
        licence = self._selected("forward", "licence_no", _("select an urgent licence to forward"))
        if not licence:
            return
        way = self.selection().get("way") or ""
        retry = bool(self.selection().get("retry"))
        done = _("retry of {licence} requested") if retry else _("forward of {licence} requested")
        subject = _("licence {licence}").format(licence=licence)
        ask_then(
            self.app,
            _("Try customs again now (same key)") if retry else _("Forward to customs now"),
            f"{subject}: {way}" if way else subject,
            lambda reason: perform(self.app, done.format(licence=licence), forward, licence, reason=reason),
            default=_("customs did not answer: try again now") if retry else _("urgent licence: forward at once"),
        )

    def action_phone(self) -> None:
        phone = _actions().record_phone_confirmation
        title = _("Phone confirmation with the issuer")
        if self._on_marked("phone", title, "licence", "licence_no", phone, "note"):
            return
        licence = self._selected("phone", "licence_no", _("select a licence to record the phone call"))
        if licence:
            ask_then(
                self.app,
                title,
                _("licence {licence}").format(licence=licence),
                lambda note: perform(
                    self.app,
                    _("phone confirmation of {licence} recorded").format(licence=licence),
                    phone,
                    licence,
                    note=note,
                ),
                required=False,
            )

    def action_escalate(self) -> None:
        escalate = _actions().escalate
        title = _("Escalate to the supervisor")
        if self._on_marked("escalate", title, "licence", "licence_no", escalate, "reason"):
            return
        licence = self._selected("escalate", "licence_no", _("select a licence to escalate"))
        if licence:
            ask_then(
                self.app,
                title,
                _("licence {licence}").format(licence=licence),
                lambda reason: perform(
                    self.app, _("licence {licence} escalated").format(licence=licence), escalate, licence, reason=reason
                ),
            )

    def action_resolve(self) -> None:
        resolve = _actions().resolve_finding
        if self._on_marked("resolve", _("Resolve findings"), "finding", "finding_id", resolve, "note"):
            return
        finding = self._selected("resolve", "finding_id", _("select a finding to resolve"))
        if finding:
            ask_then(
                self.app,
                _("Resolve finding"),
                _("finding {finding}").format(finding=finding),
                lambda note: perform(
                    self.app, _("finding {finding} resolved").format(finding=finding), resolve, int(finding), note=note
                ),
            )

    def action_new_ticket(self) -> None:
        if self.app.refuse("ticket"):
            return
        self.one_row_only(_("a new ticket"))
        context = self.selection()
        self.app.open_ticket_form(licence_no=context.get("licence_no"), finding_id=context.get("finding_id"))
