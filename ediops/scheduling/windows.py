"""The transmission windows (docs/commands.md, docs/architecture.md: Processes): what the operator and the
desk ask of the scheduler leader, and what they see of it.

Requests go into the `commands` table, which the leader (`ediops.leader`) picks up within a
second or two; pauses live in `window_state`. Every request is audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ediops.i18n import _
from ediops.operators import audit
from ediops.operators.roles import operator_action, require
from ediops.scheduling import lease
from ediops.clock import SHANGHAI, centre_time, iso
from ediops.errors import EdiopsError, InputError
from ediops.licensing.licence import add_event
from ediops.licensing.forward_state import UNANSWERED
from ediops.store import forwards as forwards_db, licences as licences_db, scheduling as scheduling_db, write
from ediops.vocabulary import WINDOWS

if TYPE_CHECKING:
    from ediops.config import Config
    from apscheduler.triggers.cron import CronTrigger

    from ediops.store import Database, Queryable

RUN = "run"
FORWARD_LICENCE = "forward-licence"
_LOOKBACK = (timedelta(seconds=2), timedelta(seconds=70), timedelta(hours=1, minutes=2), timedelta(hours=24))


def trigger(config: Config, window: str) -> CronTrigger | None:
    """The window's cron trigger from windows.toml (Asia/Shanghai), or None if not configured."""
    table = config.windows.get(window)
    if not table:
        return None
    from apscheduler.triggers.cron import CronTrigger  # here: 30 ms every `ediops` start did without

    try:
        return CronTrigger(**table.get("cron", {}), timezone=SHANGHAI)
    except (TypeError, ValueError) as exc:
        raise InputError(_("windows.toml: window {window}: bad cron: {exc}").format(window=window, exc=exc)) from None


def next_fire(cron: CronTrigger, at_or_after: datetime) -> datetime | None:
    return cron.get_next_fire_time(None, at_or_after.astimezone(SHANGHAI))


def latest_occurrence(cron: CronTrigger, now: datetime) -> datetime | None:
    """The last fire time at or before `now` within 24 hours (None when there was none)."""
    for back in _LOOKBACK:
        fire = next_fire(cron, now - back)
        if fire is not None and fire <= now:
            while (later := next_fire(cron, fire + timedelta(seconds=1))) is not None and later <= now:
                fire = later
            return fire
    return None


def _check_window(window: str) -> None:
    if window not in WINDOWS:
        raise EdiopsError(
            _("unknown window {window!r}: one of {known}").format(window=window, known=", ".join(WINDOWS))
        )


def queue_command(
    db: Database, window: str, action: str, *, actor: str, at: str, reason: str | None, subject: str | None = None
) -> int:
    """One request for the leader (call inside the write of the action that asks it)."""
    return scheduling_db.add_command(db, window, action, subject=subject, actor=actor, at=at, reason=reason)


@operator_action("run")
def request_run(db: Database, window: str, *, actor: str, reason: str | None, now: datetime) -> int:
    """Asks the leader to run `window` now. Returns the command id."""
    _check_window(window)
    at = iso(now)
    with write(db):
        command_id = queue_command(db, window, RUN, actor=actor, at=at, reason=reason)
        audit.record(
            db, "window.run", f"window:{window}", at=at, actor=actor, reason=reason, detail={"command": command_id}
        )
    return command_id


def set_paused(
    db: Database, window: str, paused: bool, *, roles: dict, actor: str, reason: str | None, now: datetime
) -> None:
    """Pauses or resumes a window's scheduled runs (an explicit `run` still runs it)."""
    require(roles, actor, "pause" if paused else "resume")
    _check_window(window)
    at = iso(now)
    with write(db):
        scheduling_db.set_paused(db, window, paused, actor=actor, at=at, reason=reason)
        audit.record(
            db, "window.pause" if paused else "window.resume", f"window:{window}", at=at, actor=actor, reason=reason
        )


@operator_action("forward")
def request_urgent_forward(db: Database, licence_no: str, *, actor: str, reason: str | None, now: datetime) -> str:
    """Asks the leader to forward one licence to customs at once (an urgent licence phoned in),
    or, when customs has not answered the key that carries it, to try that key again now.
    Returns "forward" or "retry" (audited as licence.forward / licence.forward_retry).

    Refuses when customs already accepted it, or when the same request is already queued,
    so a second operator learns that someone acted first."""
    at = iso(now)
    with write(db):
        licence = licences_db.get(db, licence_no)
        if licence is None:
            raise EdiopsError(
                _("licence {licence_no} was never accepted by the centre: nothing to forward").format(
                    licence_no=licence_no
                )
            )
        state, forward_key = licence["state"], licence["forward_key"]
        if state == "accepted":
            raise EdiopsError(
                f"licence {licence_no} is already at customs (accepted {centre_time(licence['customs_answered_at'])})"
            )
        if state == "forwarded" and not forward_key:  # no key to try again (data from before keys)
            raise EdiopsError(
                _("licence {licence_no} is already being forwarded to customs").format(licence_no=licence_no)
            )
        retry = bool(forward_key) and state in ("received", "forwarded")
        if retry and forwards_db.forward_of(db, forward_key).get("forward_status") not in UNANSWERED:
            raise EdiopsError(
                _("licence {licence_no}: customs answered its forward; nothing to try again").format(
                    licence_no=licence_no
                )
            )
        pending = scheduling_db.pending_command(db, FORWARD_LICENCE, licence_no)
        if pending:
            raise EdiopsError(
                f"forwarding licence {licence_no} was already requested by {pending[0]} at {centre_time(pending[1])}"
            )
        queue_command(db, "forward-customs", FORWARD_LICENCE, actor=actor, at=at, reason=reason, subject=licence_no)
        detail = {"reason": reason} if reason else None
        add_event(db, licence_no, "forward_retry" if retry else "forward_requested", at=at, actor=actor, detail=detail)
        action = "licence.forward_retry" if retry else "licence.forward"
        audit.record(db, action, f"licence:{licence_no}", at=at, actor=actor, reason=reason)
    return "retry" if retry else "forward"


def command_status(db: Queryable, command_id: int) -> dict | None:
    return scheduling_db.command(db, command_id)


def window_status(db: Queryable, config: Config, *, now: datetime) -> list[dict]:
    """Per window: next scheduled run, the last run and its outcome, and whether it is paused."""
    paused = scheduling_db.window_states(db)
    rows = []
    for window in WINDOWS:
        cron = trigger(config, window)
        last = scheduling_db.last_run(db, window)
        state = paused.get(window, (0, None, None, None))
        upcoming = next_fire(cron, now + timedelta(seconds=1)) if cron else None
        rows.append(
            {
                "window": window,
                "description": (config.windows.get(window) or {}).get("description"),
                "next_run": iso(upcoming) if upcoming else None,
                "last_run": last[1] if last else None,
                "last_occurrence": last[0] if last else None,
                "finished_at": last[2] if last else None,
                "outcome": last[3] if last else None,
                "detail": last[4] if last else None,
                "paused": bool(state[0]),
                "paused_by": state[1] if state[0] else None,
                "paused_reason": state[3] if state[0] else None,
            }
        )
    return rows


def leader_status(db: Queryable, *, now: datetime) -> dict:
    """Who leads, with which token, until when (on the caller's clock), and whether it is alive."""
    row = scheduling_db.lease(db)
    if row is None:
        return {"holder": None, "token": None, "expires_at": None, "healthy": False}
    remaining = lease.remaining(row)
    return {
        "holder": row[0],
        "token": row[1],
        "expires_at": iso(now + timedelta(seconds=max(remaining, -86400.0))),
        "healthy": remaining > 0,
    }
