"""Operator actions on urgent licences and findings that are not the scheduler's.

Each runs in one `BEGIN IMMEDIATE` transaction that checks the item is still as the operator
saw it, so of two operators acting at once one wins and the other gets an EdiopsError saying
who acted first. Each is audited with the operator and the time."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ediops.i18n import _
from ediops import store
from ediops.operators import audit
from ediops.operators.roles import operator_action
from ediops.licensing import findings
from ediops.clock import iso
from ediops.errors import EdiopsError
from ediops.licensing.licence import add_event, archived_in
from ediops.store import licences as licences_db
from ediops.vocabulary import LICENCE_SETTLED

if TYPE_CHECKING:
    from ediops.store import Database


def _mark(
    db: Database,
    licence_no: str,
    *,
    field: str,
    event: str,
    action: str,
    what: str,
    actor: str,
    now: datetime,
    reason: str | None,
    refuse_settled: bool,
) -> None:
    """Sets `<field>_at/_by` on the licence once; the second operator is told who was first."""
    at = iso(now)
    with store.write(db):
        row = licences_db.mark_of(db, licence_no, field)
        if row is None:
            raise EdiopsError(_("licence {licence_no} is not in the store").format(licence_no=licence_no))
        state, done_at, done_by = row
        if done_at:
            raise EdiopsError(
                _("licence {licence_no}: {what} already by {done_by} at {done_at}").format(
                    licence_no=licence_no, what=what, done_by=done_by, done_at=done_at
                )
            )
        if refuse_settled and state in LICENCE_SETTLED:
            raise EdiopsError(
                _("licence {licence_no}: customs already {state} it").format(licence_no=licence_no, state=state)
            )
        licences_db.set_mark(db, licence_no, field, at=at, actor=actor)
        add_event(db, licence_no, event, at=at, actor=actor, detail={"reason": reason} if reason else None)
        audit.record(db, action, f"licence:{licence_no}", at=at, actor=actor, reason=reason)


@operator_action("phone")
def record_phone_confirmation(db: Database, licence_no: str, *, note: str, actor: str, now: datetime) -> None:
    """The issuer's phone call about an urgent licence (2000 notice §4: 急证 ... 电话通知 EDI 中心)."""
    _mark(
        db,
        licence_no,
        field="phoned",
        event="phoned",
        action="licence.phoned",
        what="phone confirmation recorded",
        actor=actor,
        now=now,
        reason=note or None,
        refuse_settled=False,
    )


@operator_action("escalate")
def escalate(db: Database, licence_no: str, *, reason: str, actor: str, now: datetime) -> None:
    """Hands a stuck urgent licence to the supervisor; needs a reason. Its alerts go straight
    to their last (supervisor) step with the reason, in the same transaction (docs/alerts.md)."""
    from ediops.store.alerts import escalate_licence  # the alerts' escalation step, in this transaction

    if not reason or not reason.strip():
        raise EdiopsError(_("escalating needs a reason"))
    with store.write(db):
        _mark(
            db,
            licence_no,
            field="escalated",
            event="escalated",
            action="licence.escalate",
            what="escalated",
            actor=actor,
            now=now,
            reason=reason,
            refuse_settled=True,
        )
        escalate_licence(db, licence_no, reason=reason, actor=actor, at=iso(now))


@operator_action("resolve")
def resolve_finding(db: Database, finding_id: int, *, note: str, actor: str, now: datetime) -> None:
    """An operator closes a finding with a note (findings.resolve audits it)."""
    with store.write(db):
        findings.resolve(db, finding_id, note=note, at=iso(now), actor=actor)


def _live(db: Database, licence_no: str) -> None:
    """Refuses a licence the store does not hold: archived (archives keep it for good), or unknown."""
    if licences_db.state(db, licence_no) is None:
        archived = archived_in(db, licence_no)
        if archived is None:
            raise EdiopsError(_("licence {licence_no} is not in the store").format(licence_no=licence_no))
        raise EdiopsError(
            _(
                "licence {licence_no} is archived ({file}): an archived licence is kept for good, a hold changes nothing"
            ).format(licence_no=licence_no, file=archived.name)
        )


@operator_action("hold")
def place_hold(db: Database, licence_no: str, *, reason: str, actor: str, now: datetime) -> None:
    """A supervisor's legal hold: the licence is never archived while it stands (docs/retention.md)."""
    if not reason or not reason.strip():
        raise EdiopsError(_("a legal hold needs a reason (--reason)"))
    at = iso(now)
    with store.write(db):
        _live(db, licence_no)
        if held := licences_db.hold_of(db, licence_no):
            raise EdiopsError(
                _("licence {licence_no} is already on hold by {by} since {at}").format(
                    licence_no=licence_no, by=held["held_by"], at=held["held_at"]
                )
            )
        licences_db.set_hold(db, licence_no, at=at, actor=actor, reason=reason.strip())
        audit.record(db, "licence.hold", f"licence:{licence_no}", at=at, actor=actor, reason=reason.strip())


@operator_action("hold")
def release_hold(db: Database, licence_no: str, *, reason: str | None, actor: str, now: datetime) -> None:
    """Ends a legal hold; the licence is archived again once past retention."""
    at = iso(now)
    with store.write(db):
        _live(db, licence_no)
        held = licences_db.hold_of(db, licence_no)
        if held is None:
            raise EdiopsError(_("licence {licence_no} is not on hold").format(licence_no=licence_no))
        licences_db.release_hold(db, licence_no)
        audit.record(
            db, "licence.release-hold", f"licence:{licence_no}", at=at, actor=actor, reason=reason, detail=held
        )
