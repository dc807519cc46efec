"""Sending an operator's resend (docs/resend.md, ediops.licensing.resend): licences to
customs as one forward under the resend's own key (customs' answer recorded like any
other; unanswered, the forward windows retry it with that same key), or an
acknowledgement to its issuer under a new key. Run by the leader's command loop, or by
`ediops resend` itself when no leader holds the lease."""

from __future__ import annotations

import json

from ediops.i18n import _
from ediops.errors import EdiopsError
from ediops.licensing import resend as domain
from ediops.licensing.licence import add_events
from ediops.peers import acks, customs
from ediops.peers.client import PeerError
from ediops.peers.runtime import Engine, log
from ediops.store import feeds, write


async def run(engine: Engine, resend_id: int) -> str:
    """Sends one stored resend; returns the outcome line the operator reads."""
    row = feeds.resend(engine.db, resend_id)
    if row is None:
        raise EdiopsError(_("no resend {resend_id}").format(resend_id=resend_id))
    if row["kind"] == feeds.ACK:
        await _ack(engine, row)
    else:
        await _licences(engine, row)
    text = domain.describe(domain.outcomes(engine.db, resend_id))
    if row["ticket_id"]:
        _answer_note(engine, row, text)
    failed = any(r["outcome"] in ("failed", "pending", "sent") for r in domain.outcomes(engine.db, resend_id))
    return ("failed: " if failed else "") + text


async def _licences(engine: Engine, row: dict) -> None:
    if engine.config.customs is None:
        raise EdiopsError(_("customs is not configured (peers.toml): nothing sent"))
    with write(engine.db):
        add_events(engine.db, "resent", [(n, {"key": row["idempotency_key"]}) for n in row["licences"]], at=engine.at())
    if not await customs.send(engine, row["idempotency_key"]):
        log.warning("resend %s not answered yet; retried with key %s", row["id"], row["idempotency_key"])


async def _ack(engine: Engine, row: dict) -> None:
    db = engine.db
    ack = feeds.ack_for_resend(db, row["batch_id"])
    issuer = acks.destination(engine, ack["issuer"], ack["source"])
    with write(db):
        feeds.ack_attempt(db, row["id"], at=engine.at())
    error = None
    if issuer is None:
        error = f"issuer {ack['issuer']!r} is not configured: nowhere to send"
    else:
        try:
            await engine.client.post(issuer, "/acks", json.loads(ack["body"]), key=row["idempotency_key"])
        except PeerError as exc:
            error = str(exc)
    with write(db):
        feeds.ack_done(db, row["id"], at=engine.at(), error=error)


def _answer_note(engine: Engine, row: dict, text: str) -> None:
    """Customs' (or the issuer's) answer goes on the linked ticket; a ticket closed meanwhile
    keeps its notes as they are (the answer is in the lifecycle and the audit anyway)."""
    from ediops.hotline import tickets
    from ediops.operators.roles import SYSTEM

    try:
        tickets.add_note(
            engine.db,
            row["ticket_id"],
            text=f"answer to resend {row['idempotency_key']}: {text}",
            roles=SYSTEM,
            actor="engine",
            now=engine.clock.now(),
        )
    except EdiopsError as exc:
        log.warning("resend %s: answer not noted on %s: %s", row["id"], row["ticket_id"], exc)
