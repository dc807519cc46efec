"""Resending with a reason (docs/resend.md): a port customs office phones to say it has no
electronic data for a licence the centre's record says it took, and the operator sends it
again. A resend is a deliberate replay under a NEW `Idempotency-Key` (not a retry, which
reuses its key) derived from the resend's id and content (docs/two-sites.md), stored with who asked, why and for which ticket before anything is sent,
and sent by the scheduler leader (the command table) or, with no leader, by the process
that asked (`ediops.peers.resends`). Every licence of the request must be one the centre
accepted, or nothing is resent at all."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from datetime import datetime

from ediops.i18n import _
from ediops import store
from ediops.clock import iso
from ediops.errors import EdiopsError, InputError
from ediops.hotline import tickets
from ediops.licensing.licence import add_events, archived_in
from ediops.operators import audit, roles
from ediops.store import feeds, scheduling as scheduling_db
from ediops.store.forwards import derived_key
from ediops.text import clean

if TYPE_CHECKING:
    from ediops.store import Database

RESEND = "resend"  # the command the leader runs; its subject is the resend's id
ROLE_ACTION = "resend"


def _reason(reason: str | None) -> str:
    if reason is None or not clean(reason).strip():
        raise InputError(_("a resend needs a reason (--reason)"))
    return reason.strip()


def _note(
    db: Database, ticket_id: str | None, text: str, *, roles_config: dict, actor: str, now: datetime
) -> str | None:
    """Links the ticket (its notes get the resend); refuses, changing nothing, if it cannot take notes."""
    if not ticket_id:
        return None
    return tickets.add_note(db, ticket_id, text=text, roles=roles_config, actor=actor, now=now)["id"]


def request_licences(
    db: Database,
    roles_config: dict,
    numbers: list[str],
    *,
    reason: str | None,
    actor: str,
    now: datetime,
    ticket_id: str | None = None,
    batch_id: str | None = None,
) -> dict:
    """Stores a resend of `numbers` (one new key for them all) and queues it for the leader.
    Returns {resend_id, command_id, key, licences}."""
    roles.require(roles_config, actor, ROLE_ACTION)
    reason = _reason(reason)
    wanted = list(dict.fromkeys(n.strip().upper() for n in numbers))
    if not wanted:
        raise InputError(_("name at least one licence to resend"))
    with store.write(db):
        unknown = [n for n in wanted if n not in feeds.known_licences(db, wanted)]
        for number in unknown:
            if archive := archived_in(db, number):
                raise EdiopsError(
                    _(
                        "licence {licence_no} is archived ({file}, docs/retention.md): an archived licence is not "
                        "resent; nothing was resent"
                    ).format(licence_no=clean(number), file=archive.name)
                )
        if unknown:
            raise EdiopsError(
                f"licence {', '.join(clean(n) for n in unknown)}: never accepted by the centre; nothing was resent"
            )
        stored = _store(
            db,
            feeds.LICENCES,
            lambda key: f"resend to customs of {_list(wanted)} (key {key}): {reason}",
            numbers=wanted,
            batch_id=batch_id,
            ticket_id=ticket_id,
            roles_config=roles_config,
            actor=actor,
            now=now,
            reason=reason,
        )
        detail = {
            "key": stored["key"],
            "reason": reason,
            "ticket_id": stored["ticket_id"],
            "resend": stored["resend_id"],
        }
        add_events(db, "resend_requested", [(n, detail) for n in wanted], at=iso(now), actor=actor)
        for number in wanted:
            audit.record(
                db, "licence.resend", f"licence:{number}", at=iso(now), actor=actor, reason=reason, detail=detail
            )
    return {
        "resend_id": stored["resend_id"],
        "command_id": stored["command_id"],
        "key": stored["key"],
        "licences": wanted,
    }


def _list(numbers: list[str]) -> str:
    """Licence numbers for a note: all of a few, the count and ends of many (a whole batch)."""
    return ", ".join(numbers) if len(numbers) <= 10 else f"{len(numbers)} licences ({numbers[0]} … {numbers[-1]})"


def request_batch(db: Database, roles_config: dict, batch_id: str, **kw) -> dict:
    """Every licence of the batch that the centre accepted, under one new key."""
    numbers = feeds.batch_licences(db, batch_id)
    if not numbers:
        roles.require(roles_config, kw["actor"], ROLE_ACTION)
        known = feeds.batch_exists(db, batch_id)
        raise EdiopsError(
            f"batch {clean(batch_id)}: "
            + ("no licence of it was accepted by the centre" if known else "never received")
            + "; nothing was resent"
        )
    return request_licences(db, roles_config, numbers, batch_id=batch_id, **kw)


def request_ack(
    db: Database, roles_config: dict, batch_id: str, *, reason: str | None, actor: str, now: datetime, ticket_id=None
) -> dict:
    """The batch's acknowledgement to its issuer again: the same content, a new key."""
    roles.require(roles_config, actor, ROLE_ACTION)
    reason = _reason(reason)
    with store.write(db):
        if feeds.ack_for_resend(db, batch_id) is None:
            raise EdiopsError(
                _("batch {batch_id}: no acknowledgement (never received); nothing was resent").format(
                    batch_id=clean(batch_id)
                )
            )
        stored = _store(
            db,
            feeds.ACK,
            lambda key: f"acknowledgement of {batch_id} resent to its issuer (key {key}): {reason}",
            batch_id=batch_id,
            ticket_id=ticket_id,
            roles_config=roles_config,
            actor=actor,
            now=now,
            reason=reason,
        )
        detail = {"key": stored["key"], "ticket_id": stored["ticket_id"], "resend": stored["resend_id"]}
        audit.record(
            db, "batch.resend_ack", f"batch:{batch_id}", at=iso(now), actor=actor, reason=reason, detail=detail
        )
    return {"resend_id": stored["resend_id"], "command_id": stored["command_id"], "key": stored["key"], "licences": []}


def _store(
    db: Database, kind: str, note, *, numbers: Sequence[str] = (), batch_id, ticket_id, roles_config, actor, now, reason
) -> dict:
    """Stores one resend under a key made from its id and what it sends (a standby that
    stores the same request again makes the same key), notes the ticket and queues it for
    the leader. Returns {resend_id, command_id, key, ticket_id}."""
    at = iso(now)
    resend_id = feeds.next_resend_id(db)
    key = derived_key("resend", resend_id, kind, batch_id, sorted(numbers))
    ticket_id = _note(db, ticket_id, note(key), roles_config=roles_config, actor=actor, now=now)
    feeds.insert_resend(
        db,
        resend_id=resend_id,
        kind=kind,
        key=key,
        actor=actor,
        at=at,
        reason=reason,
        ticket_id=ticket_id,
        batch_id=batch_id,
        numbers=numbers,
    )
    window = "forward-customs" if kind == feeds.LICENCES else "send-acks"
    command_id = _queue(db, resend_id, window, actor=actor, at=at, reason=reason)
    return {"resend_id": resend_id, "command_id": command_id, "key": key, "ticket_id": ticket_id}


def _queue(db: Database, resend_id: int, window: str, *, actor: str, at: str, reason: str) -> int:
    command_id = scheduling_db.add_command(
        db, window, RESEND, subject=str(resend_id), actor=actor, at=at, reason=reason
    )
    feeds.set_command(db, resend_id, command_id)
    return command_id


def outcomes(db: Database, resend_id: int) -> list[dict]:
    """Per licence of a licence resend: {licence_no, outcome, detail}; for an ack resend one
    row with the batch: delivered, failed or pending."""
    row = feeds.resend(db, resend_id)
    if row is None:
        raise EdiopsError(_("no resend {resend_id}").format(resend_id=resend_id))
    if row["kind"] == feeds.ACK:
        return [{"batch_id": row["batch_id"], "outcome": row["status"], "detail": row["last_error"]}]
    found = []
    for number in row["licences"]:
        mine = next(r for r in feeds.licence_resends(db, number) if r["id"] == resend_id)
        found.append({"licence_no": number, "outcome": mine["outcome"], "detail": mine["detail"]})
    return found


def describe(rows: list[dict]) -> str:
    """One line for the command's outcome, the ticket's note and the desk's toast."""
    parts = []
    for r in rows:
        what = r.get("licence_no") or f"ack of {r['batch_id']}"
        parts.append(f"{what} {r['outcome']}" + (f" ({r['detail']})" if r["detail"] else ""))
    return "; ".join(parts)
