"""Customs' answer to a forward (docs/wire.md): which licences it took and which it refused.

The engine stores the forward and its items before the POST, then hands the answer here."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ediops import store
from ediops.licensing import findings, rules
from ediops.clock import iso, parse_instant
from ediops.errors import InputError
from ediops.licensing.contract import MAX_TEXT_CHARS
from ediops.licensing.licence import add_event, add_events
from ediops.monitoring import events
from ediops.store import forwards as forwards_db, licences as licences_db
from ediops.strict_json import fault

if TYPE_CHECKING:
    from ediops.store import Database


def record_customs_answer(db: Database, idempotency_key: str, answer: dict, *, now: datetime) -> None:
    """Applies `{"accepted": [...], "rejected": [{"licence_no", "reason"}]}` to the licences of
    that forward: state, lifecycle event, CUSTOMS_REJECTED opened or closed, URGENT_OVERDUE and
    CUSTOMS_UNACKED closed on acceptance. A forward answered already is left as it is, so
    the same answer twice changes nothing. Licences not in the forward are ignored."""
    accepted, rejected = _parse(answer)
    at = iso(now)
    with store.write(db):
        status = forwards_db.forward_status(db, idempotency_key)
        if status is None:
            raise InputError(f"customs answer: no forward with key {idempotency_key}")
        if status == forwards_db.ANSWERED:
            return
        items = forwards_db.forward_items(db, idempotency_key)
        _accepted(db, [n for n in accepted if n in items], at=at, key=idempotency_key)
        for licence_no, reason in rejected:
            if licence_no in items:
                _rejected(db, licence_no, reason, at=at, key=idempotency_key)
        forwards_db.forward_answered(db, idempotency_key, at=at)


def _parse(answer) -> tuple[list[str], list[tuple[str, str | None]]]:
    if not isinstance(answer, dict):
        raise InputError("customs answer: not a JSON object")
    if fault(answer):
        raise InputError(f"customs answer: {fault(answer)}")
    accepted = answer.get("accepted") or []
    rejected = answer.get("rejected") or []
    if not isinstance(accepted, list) or not all(isinstance(n, str) for n in accepted):
        raise InputError("customs answer: accepted must be a list of licence numbers")
    if not isinstance(rejected, list) or not all(
        isinstance(r, dict) and isinstance(r.get("licence_no"), str) for r in rejected
    ):
        raise InputError("customs answer: rejected must be a list of {licence_no, reason}")
    return accepted, [
        (r["licence_no"], None if r.get("reason") is None else str(r["reason"])[:MAX_TEXT_CHARS]) for r in rejected
    ]


def _accepted(db: Database, numbers: list[str], *, at: str, key: str) -> None:
    """All the accepted licences of an answer at once (one executemany per statement: per
    licence statements made recording a 500-licence answer the forward's bottleneck)."""
    waited = licences_db.urgent_received_at(db, numbers) if events.enabled() else []
    licences_db.accept_many(db, numbers, at=at)
    for received_at in waited:  # receipt to acceptance, as the deadline counts it
        events.urgent_accepted((parse_instant(at) - parse_instant(received_at)).total_seconds())
    detail = {"key": key}  # which forward (or resend) the answer was to; one object, dumped once
    add_events(db, "customs_accepted", [(n, detail) for n in numbers], at=at, actor="customs")
    findings.clear_causes(
        db,
        (rules.CUSTOMS_REJECTED, rules.CUSTOMS_UNACKED, rules.URGENT_OVERDUE),
        [rules.licence_subject(n) for n in numbers],
        at=at,
    )


def _rejected(db: Database, licence_no: str, reason: str | None, *, at: str, key: str) -> None:
    licences_db.reject(db, licence_no, reason, at=at)
    add_event(db, licence_no, "customs_rejected", at=at, actor="customs", detail={"reason": reason, "key": key})
    findings.clear_cause(db, rules.CUSTOMS_UNACKED, rules.licence_subject(licence_no), at=at)
    findings.raise_cause(
        db, rules.customs_rejected(licence_no=licence_no, issuer=licence_no[3:5], reason=reason), at=at
    )
