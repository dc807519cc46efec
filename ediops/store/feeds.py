"""What comes from and goes to the peers: `batches`, `rejections`, `acks`, `summaries`,
`cursors`, `peer_health`, `forwards` and `forward_items` (customs, with the idempotency key
stored before each POST), `relays` (the ministry), resends (contract §13) and bureau report
rejections. Call the writers inside `store.write`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ediops.store import dicts as _dicts, rows_in
from ediops.text import dumps

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

LICENCES, ACK = "licences", "ack"  # resends.kind


def known_licences(db, numbers: list[str]) -> set[str]:
    """The numbers among `numbers` the centre accepted (has a licence row for)."""
    return {r[0] for r in rows_in(db, "SELECT licence_no FROM licences WHERE licence_no IN ({})", numbers)}


def batch_licences(db, batch_id: str) -> list[str]:
    return [
        r[0] for r in db.execute("SELECT licence_no FROM licences WHERE batch_id = ? ORDER BY licence_no", [batch_id])
    ]


def batch_exists(db, batch_id: str) -> bool:
    return db.execute("SELECT 1 FROM batches WHERE batch_id = ?", [batch_id]).fetchone() is not None


def ack_for_resend(db, batch_id: str) -> dict | None:
    """The batch's acknowledgement as stored (its body is what was sent), with the batch's source."""
    found = _dicts(
        db.execute(
            "SELECT a.batch_id, a.issuer, a.body, a.delivered_at, b.source FROM acks a "
            "LEFT JOIN batches b USING (batch_id) WHERE a.batch_id = ?",
            [batch_id],
        )
    )
    return found[0] if found else None


def insert_resend(
    db,
    *,
    kind: str,
    key: str,
    actor: str,
    at: str,
    reason: str,
    ticket_id: str | None,
    batch_id: str | None,
    numbers: list[str] = (),
) -> int:
    """Stores one resend and its key before anything is sent. Licences also get a forward
    under that key (urgent: it goes before the windows' work); a licence never forwarded
    takes it as its forward, so the window does not send it a second time."""
    resend_id = db.execute(
        "INSERT INTO resends (kind, idempotency_key, batch_id, requested_by, requested_at, reason, ticket_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [kind, key, batch_id, actor, at, reason, ticket_id],
    ).lastrowid
    if kind == LICENCES:
        db.execute(
            "INSERT INTO forwards (idempotency_key, created_at, urgent, licence_count) VALUES (?, ?, 1, ?)",
            [key, at, len(numbers)],
        )
        db.conn.executemany(
            "INSERT INTO forward_items (idempotency_key, licence_no) VALUES (?, ?)", [(key, n) for n in numbers]
        )
        db.conn.executemany(
            "INSERT INTO resend_items (resend_id, licence_no) VALUES (?, ?)", [(resend_id, n) for n in numbers]
        )
        db.conn.executemany(
            "UPDATE licences SET forward_key = ? WHERE licence_no = ? AND forward_key IS NULL",
            [(key, n) for n in numbers],
        )
    return resend_id


def set_command(db, resend_id: int, command_id: int) -> None:
    db.execute("UPDATE resends SET command_id = ? WHERE id = ?", [command_id, resend_id])


def resend(db, resend_id: int) -> dict | None:
    found = _dicts(db.execute("SELECT * FROM resends WHERE id = ?", [resend_id]))
    if not found:
        return None
    row = found[0]
    row["licences"] = [
        r[0]
        for r in db.execute("SELECT licence_no FROM resend_items WHERE resend_id = ? ORDER BY licence_no", [resend_id])
    ]
    return row


def ack_attempt(db, resend_id: int, *, at: str) -> None:
    db.execute("UPDATE resends SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?", [at, resend_id])


def ack_done(db, resend_id: int, *, at: str, error: str | None) -> None:
    """Records the issuer's answer to a resent ack; a delivered resend also delivers an ack
    that was still undelivered (the issuer now holds the same content)."""
    db.execute(
        "UPDATE resends SET status = ?, done_at = ?, last_error = ? WHERE id = ?",
        ["failed" if error else "delivered", at, error, resend_id],
    )
    if error is None:
        db.execute(
            "UPDATE acks SET delivered_at = ?, last_error = NULL WHERE delivered_at IS NULL AND batch_id = "
            "(SELECT batch_id FROM resends WHERE id = ?)",
            [at, resend_id],
        )


# What a licence's resend came to: customs' answer under the resend's key (its lifecycle
# event names the key), else the state of the forward carrying it.
_LICENCE_RESENDS = """
    SELECT r.id, r.requested_at AS at, r.requested_by AS by, r.reason, r.ticket_id, r.idempotency_key AS key,
           r.batch_id, f.status AS forward_status, f.attempts, f.last_error,
           (SELECT e.event || ' ' || coalesce(e.detail, '') FROM licence_events e
             WHERE e.licence_no = i.licence_no AND e.event IN ('customs_accepted', 'customs_rejected')
               AND json_extract(e.detail, '$.key') = r.idempotency_key ORDER BY e.id DESC LIMIT 1) AS answer
    FROM resend_items i JOIN resends r ON r.id = i.resend_id
    LEFT JOIN forwards f ON f.idempotency_key = r.idempotency_key
    WHERE i.licence_no = ? ORDER BY r.id"""


def licence_resends(db, licence_no: str) -> list[dict]:
    """Each resend of one licence: at, by, reason, ticket_id, key, outcome (pending, sent,
    accepted, rejected, failed) and its detail (customs' reason, the error)."""
    out = []
    for row in _dicts(db.execute(_LICENCE_RESENDS, [licence_no])):
        answer = row.pop("answer")
        status, attempts, error = row.pop("forward_status"), row.pop("attempts"), row.pop("last_error")
        detail = None
        if answer:
            event, _, text = answer.partition(" ")
            outcome = "accepted" if event == "customs_accepted" else "rejected"
            detail = (json.loads(text) if text else {}).get("reason") if outcome == "rejected" else None
        elif status == "failed":
            outcome, detail = "failed", error
        elif status == "answered":
            outcome, detail = "failed", "customs' answer did not name this licence"
        else:
            outcome, detail = ("sent" if attempts else "pending"), error
        out.append({**row, "outcome": outcome, "detail": detail})
    return out


def add_rejection(
    db: Database,
    *,
    batch_id: str | None,
    position: int | None,
    licence_no: str | None,
    reasons: list[str],
    record: str,
    received_at: str,
) -> None:
    """A record the centre could not accept, kept as received (`record`: its JSON text)."""
    db.execute(
        "INSERT INTO rejections (batch_id, position, licence_no, reasons, record, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [batch_id, position, licence_no, dumps(reasons), record, received_at],
    )


def last_rejection(db: Queryable, licence_no: str) -> dict[str, Any] | None:
    """The latest rejection of a licence number: its reasons (JSON text) and when."""
    row = db.execute(
        "SELECT reasons, received_at FROM rejections WHERE licence_no = ? ORDER BY id DESC LIMIT 1", [licence_no]
    ).fetchone()
    return {"reasons": row[0], "at": row[1]} if row else None
