"""The exchanges with peers, inbound and their answers: `batches`, `rejections`, `acks`,
`summaries`, `cursors`, `peer_health`, bureau report rejections, and resends (docs/resend.md).
What goes out under a key stored first (forwards to customs, relays to the ministry) is
`store.forwards`. Call the writers inside `store.write`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Sequence

from ediops.store import dicts as _dicts, rows_in
from ediops.text import dumps

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

LICENCES, ACK = "licences", "ack"  # resends.kind


def known_licences(db: Database, numbers: list[str]) -> set[str]:
    """The numbers among `numbers` the centre accepted (has a licence row for)."""
    return {r[0] for r in rows_in(db, "SELECT licence_no FROM licences WHERE licence_no IN ({})", numbers)}


def batch_licences(db: Database, batch_id: str) -> list[str]:
    return [
        r[0] for r in db.execute("SELECT licence_no FROM licences WHERE batch_id = ? ORDER BY licence_no", [batch_id])
    ]


def batch_exists(db: Database, batch_id: str) -> bool:
    return db.execute("SELECT 1 FROM batches WHERE batch_id = ?", [batch_id]).fetchone() is not None


def ack_for_resend(db: Database, batch_id: str) -> dict | None:
    """The batch's acknowledgement as stored (its body is what was sent), with the batch's source."""
    found = _dicts(
        db.execute(
            "SELECT a.batch_id, a.issuer, a.body, a.delivered_at, b.source FROM acks a "
            "LEFT JOIN batches b USING (batch_id) WHERE a.batch_id = ? ORDER BY a.id DESC LIMIT 1",
            [batch_id],
        )
    )
    return found[0] if found else None


def next_resend_id(db: Queryable) -> int:
    """The id the next resend takes (inside the write that inserts it): its key is made from it."""
    return db.execute("SELECT coalesce(max(id), 0) + 1 FROM resends").fetchone()[0]


def insert_resend(
    db: Database,
    *,
    resend_id: int,
    kind: str,
    key: str,
    actor: str,
    at: str,
    reason: str,
    ticket_id: str | None,
    batch_id: str | None,
    numbers: Sequence[str] = (),
) -> int:
    """Stores one resend and its key before anything is sent. Licences also get a forward
    under that key (urgent: it goes before the windows' work); a licence never forwarded
    takes it as its forward, so the window does not send it a second time."""
    db.execute(
        "INSERT INTO resends (id, kind, idempotency_key, batch_id, requested_by, requested_at, reason, ticket_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [resend_id, kind, key, batch_id, actor, at, reason, ticket_id],
    )
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


def set_command(db: Database, resend_id: int, command_id: int) -> None:
    db.execute("UPDATE resends SET command_id = ? WHERE id = ?", [command_id, resend_id])


def resend(db: Database, resend_id: int) -> dict | None:
    found = _dicts(db.execute("SELECT * FROM resends WHERE id = ?", [resend_id]))
    if not found:
        return None
    row = found[0]
    row["licences"] = [
        r[0]
        for r in db.execute("SELECT licence_no FROM resend_items WHERE resend_id = ? ORDER BY licence_no", [resend_id])
    ]
    return row


def ack_attempt(db: Database, resend_id: int, *, at: str) -> None:
    db.execute("UPDATE resends SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?", [at, resend_id])


def ack_done(db: Database, resend_id: int, *, at: str, error: str | None) -> None:
    """Records the issuer's answer to a resent ack; a delivered resend also delivers an ack
    that was still undelivered (the issuer now holds the same content)."""
    db.execute(
        "UPDATE resends SET status = ?, done_at = ?, last_error = ? WHERE id = ?",
        ["failed" if error else "delivered", at, error, resend_id],
    )
    if error is None:
        db.execute(
            "UPDATE acks SET delivered_at = ?, last_error = NULL WHERE delivered_at IS NULL AND id = "
            "(SELECT max(id) FROM acks WHERE batch_id = (SELECT batch_id FROM resends WHERE id = ?))",
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


def licence_resends(db: Queryable, licence_no: str) -> list[dict]:
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


# -- batches, acks and summaries (docs/wire.md) -----------------------------------------------


def stored_batch(db: Queryable, batch_id: str) -> dict[str, Any] | None:
    """The stored batch's content (`raw`), or None when the batch was never received."""
    row = db.execute("SELECT raw FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
    return None if row is None else {"raw": row[0]}


def count_resend(db: Database, batch_id: str) -> None:
    db.execute("UPDATE batches SET times_received = times_received + 1 WHERE batch_id = ?", [batch_id])


def insert_batch(
    db: Database,
    batch_id: str,
    *,
    issuer: str | None,
    business_date: str | None,
    kind: str | None,
    counts: list[int],
    sent_at: str | None,
    received_at: str,
    source: str,
    raw: str,
) -> None:
    """A batch received for the first time; `counts`: declared, received, accepted, rejected."""
    db.execute(
        "INSERT INTO batches (batch_id, issuer, business_date, kind, record_count, received_count, "
        "accepted_count, rejected_count, sent_at, received_at, source, raw) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [batch_id, issuer, business_date, kind, *counts, sent_at, received_at, source, raw],
    )


def update_batch(db: Database, batch_id: str, counts: list[int], *, raw: str) -> None:
    """A batch received again with other content: the latest counts and content."""
    db.execute(
        "UPDATE batches SET record_count = ?, received_count = ?, accepted_count = ?, "
        "rejected_count = ?, raw = ?, times_received = times_received + 1 WHERE batch_id = ?",
        [*counts, raw, batch_id],
    )


def has_daily_batch(db: Queryable, issuer: str, business_date: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM batches WHERE issuer = ? AND business_date = ? AND kind = 'daily'", [issuer, business_date]
        ).fetchone()
        is not None
    )


def ack_body(db: Queryable, batch_id: str) -> str | None:
    """The latest version's ack of a batch."""
    row = db.execute("SELECT body FROM acks WHERE batch_id = ? ORDER BY id DESC LIMIT 1", [batch_id]).fetchone()
    return row[0] if row else None


def ack_versions(db: Queryable, batch_id: str) -> int:
    """How many versions of the batch have an ack already."""
    return db.execute("SELECT count(*) FROM acks WHERE batch_id = ?", [batch_id]).fetchone()[0]


def put_ack(db: Database, batch_id: str, issuer: str | None, body: str, *, at: str, key: str) -> None:
    """The ack of one batch version (a changed resend gets its own beside the original's)."""
    db.execute(
        "INSERT INTO acks (batch_id, issuer, body, created_at, idempotency_key) VALUES (?, ?, ?, ?, ?)",
        [batch_id, issuer, body, at, key],
    )


def undelivered_acks(db: Queryable) -> list[tuple[str, str | None, str]]:
    """(batch_id, issuer, created_at of its oldest undelivered version) of every batch with an
    ack not yet delivered, oldest first."""
    return db.execute(
        "SELECT batch_id, issuer, min(created_at) AS since FROM acks WHERE delivered_at IS NULL "
        "GROUP BY batch_id ORDER BY since"
    ).fetchall()


def acks_to_deliver(db: Queryable, batch_ids: list[str] | None = None) -> dict[str, list[str]]:
    """batch_id -> keys of its acks not yet taken, oldest version first (all, or these batches)."""
    if batch_ids is None:
        rows = db.execute("SELECT id, batch_id, idempotency_key FROM acks WHERE delivered_at IS NULL").fetchall()
    else:
        rows = rows_in(
            db,
            "SELECT id, batch_id, idempotency_key FROM acks WHERE delivered_at IS NULL AND batch_id IN ({})",
            batch_ids,
        )
    found: dict[str, list[str]] = {}
    for _, batch_id, key in sorted(rows):
        found.setdefault(batch_id, []).append(key)
    return found


def undelivered_batches(db: Queryable, issuer: str) -> list[str]:
    """Batches of `issuer` with an acknowledgement it has not taken yet."""
    return [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT batch_id FROM acks WHERE delivered_at IS NULL AND issuer = ? ORDER BY batch_id", [issuer]
        )
    ]


def ack_to_send(db: Queryable, key: str) -> tuple | None:
    """(issuer code, body, batch source, batch_id) of an undelivered ack, or None."""
    return db.execute(
        "SELECT a.issuer, a.body, b.source, a.batch_id FROM acks a LEFT JOIN batches b USING (batch_id) "
        "WHERE a.idempotency_key = ? AND a.delivered_at IS NULL",
        [key],
    ).fetchone()


def ack_tried(db: Database, key: str, *, at: str, error: str | None) -> None:
    db.execute(
        "UPDATE acks SET attempts = attempts + 1, last_attempt_at = ?, last_error = ? WHERE idempotency_key = ?",
        [at, error, key],
    )


def ack_failed(db: Database, key: str, error: str) -> None:
    db.execute("UPDATE acks SET last_error = ? WHERE idempotency_key = ?", [error, key])


def ack_delivered(db: Database, key: str, *, at: str) -> None:
    db.execute("UPDATE acks SET delivered_at = ?, last_error = NULL WHERE idempotency_key = ?", [at, key])


def put_summary(db: Database, issuer: str, business_date: str, numbers: str, *, at: str) -> None:
    """An issuer's daily summary (`numbers`: its licence numbers as a JSON list); a resend replaces it."""
    db.execute(
        "INSERT INTO summaries (issuer, business_date, licence_nos, received_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(issuer, business_date) DO UPDATE SET licence_nos = excluded.licence_nos, "
        "received_at = excluded.received_at",
        [issuer, business_date, numbers, at],
    )


def summary_numbers(db: Queryable, issuer: str, business_date: str) -> str | None:
    """The summary's licence numbers as stored (a JSON list), or None when there is none."""
    row = db.execute(
        "SELECT licence_nos FROM summaries WHERE issuer = ? AND business_date = ?", [issuer, business_date]
    ).fetchone()
    return row[0] if row else None


def summaries_between(db: Queryable, first: str, last: str) -> list[tuple[str, str]]:
    """(issuer, business_date) of the summaries of those business dates."""
    return db.execute(
        "SELECT issuer, business_date FROM summaries WHERE business_date BETWEEN ? AND ?", [first, last]
    ).fetchall()


# -- cursors and peer health (docs/peers.md) ----------------------------------------------------


def cursor(db: Queryable, peer: str) -> str | None:
    row = db.execute("SELECT cursor FROM cursors WHERE peer = ?", [peer]).fetchone()
    return row[0] if row else None


def set_cursor(db: Database, peer: str, value: str, *, at: str) -> None:
    db.execute(
        "INSERT INTO cursors (peer, cursor, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (peer) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
        [peer, value, at],
    )


def peer_health(db: Queryable, peer: str) -> tuple[str | None, str | None] | None:
    """(last_ok_at, failing_since) of a peer, or None when it was never called."""
    return db.execute("SELECT last_ok_at, failing_since FROM peer_health WHERE peer = ?", [peer]).fetchone()


def peer_ok(db: Database, peer: str, *, at: str) -> None:
    db.execute(
        "INSERT INTO peer_health (peer, last_ok_at, failing_since) VALUES (?, ?, NULL) "
        "ON CONFLICT (peer) DO UPDATE SET last_ok_at = excluded.last_ok_at, failing_since = NULL",
        [peer, at],
    )


def peer_failed(db: Database, peer: str, error: str, *, at: str) -> None:
    """The failure, and the start of the failing period unless one is running."""
    db.execute(
        "INSERT INTO peer_health (peer, last_error_at, last_error, failing_since) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (peer) DO UPDATE SET last_error_at = excluded.last_error_at, "
        "last_error = excluded.last_error, failing_since = COALESCE(peer_health.failing_since, excluded.failing_since)",
        [peer, at, error, at],
    )


def failing_peers(db: Queryable) -> list[tuple[str, str]]:
    """(peer, failing_since) of every peer failing now."""
    return db.execute("SELECT peer, failing_since FROM peer_health WHERE failing_since IS NOT NULL").fetchall()


def add_report_rejection(db: Database, peer: str, reason: str, report: str, *, at: str) -> None:
    """A bureau report that could not be read, kept as received."""
    db.execute(
        "INSERT INTO bureau_report_rejections (peer, reason, report, received_at) VALUES (?, ?, ?, ?)",
        [peer, reason, report, at],
    )
