"""Data access for alerts (docs/alerts.md): alerts, their notifications (intent and attempts),
and what the leader knows of each channel. All of the alerts' SQL lives here."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Sequence

from ediops.store import dumps, findings, rows as _rows, rows_in
from ediops.vocabulary import FINDING_OPEN

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

_ALERT_FIELDS = (
    "id, rule, code, subject, licence_no, issuer, batch_id, finding_id, detail, since, status, opened_at, "
    "closed_at, acknowledged_by, acknowledged_at, ack_note, escalated_by, escalated_at, escalated_reason, "
    "next_step, next_round, next_due_at, steps_sent"
)


# ---------------------------------------------------------------- causes


def open_findings(db: Database, codes: list[str]) -> list[dict]:
    """The open findings of `codes`, as alerts name them (the one query of findings)."""
    if not codes:
        return []
    fields = ("id", "code", "subject", "licence_no", "issuer", "batch_id", "opened_at", "detail")
    names = ("finding_id", "code", "subject", "licence_no", "issuer", "batch_id", "since", "detail")
    return [
        dict(zip(names, (f[k] for k in fields)))
        for f in findings.find(db, fields=fields, status=FINDING_OPEN, codes=codes, order="oldest")
    ]


def urgent_not_accepted(db: Database, received_since: str) -> list[dict]:
    """Urgent licences customs has not accepted, received since then (a deadline can still
    be ahead of them), with an operator's escalation if any."""
    return _rows(
        db,
        "SELECT licence_no, issuer, batch_id, received_at, state, escalated_at, escalated_by FROM licences "
        "WHERE urgent = 1 AND state != 'accepted' AND received_at >= ?",
        [received_since],
    )


def escalations(db: Database, licence_nos: list[str]) -> dict[str, dict]:
    """The operator's escalation of each licence that has one: by, at, and its reason (the
    latest 'escalated' event of its lifecycle)."""
    found = {
        no: {"by": by, "at": at, "reason": ""}
        for no, by, at in rows_in(
            db,
            "SELECT licence_no, escalated_by, escalated_at FROM licences "
            "WHERE escalated_at IS NOT NULL AND licence_no IN ({})",
            licence_nos,
        )
    }
    for licence_no, detail in rows_in(
        db,
        "SELECT licence_no, detail FROM licence_events WHERE event = 'escalated' AND licence_no IN ({}) ORDER BY id",
        list(found),
    ):
        found[licence_no]["reason"] = (json.loads(detail) if detail else {}).get("reason") or ""
    return found


def traders(db: Database, licence_nos: list[str]) -> dict[str, str]:
    return dict(rows_in(db, "SELECT licence_no, trader_name FROM licences WHERE licence_no IN ({})", licence_nos))


# ---------------------------------------------------------------- alerts


def live(db: Database) -> list[dict]:
    return _rows(db, f"SELECT {_ALERT_FIELDS} FROM alerts WHERE status IN ('open', 'acknowledged')")


def insert(db: Database, alert: dict) -> int:
    fields = list(alert)
    cursor = db.execute(
        f"INSERT INTO alerts ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
        [alert[f] if not isinstance(alert[f], dict) else dumps(alert[f]) for f in fields],
    )
    return cursor.lastrowid


def record_sent(db: Database, alert: dict, sends: list[dict]) -> int:
    """An alert sent while the store could not record it (STORE_UNWRITABLE), recorded once it
    can: the alert as it was (closed, if its cause went), each notification with its attempts."""
    alert_id = insert(db, alert)
    for send in sends:
        attempts = send["attempts"]
        sent = bool(attempts) and attempts[-1][1] == "sent"
        cursor = db.execute(
            "INSERT INTO alert_notifications (alert_id, step, round, channel, due_at, created_at, status, attempts, "
            "next_attempt_at, sent_at, error) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                alert_id,
                send["step"],
                send["channel"],
                send["due_at"],
                send["due_at"],
                "sent" if sent else "cancelled",
                len(attempts),
                send["due_at"],
                attempts[-1][0] if sent else None,
                None if sent else (attempts[-1][2] if attempts else "no channel configured"),
            ],
        )
        record_attempts(db, [cursor.lastrowid], attempts)
    return alert_id


def close(db: Database, alert_ids: list[int], *, at: str) -> None:
    db.conn.executemany(
        "UPDATE alerts SET status = 'closed', closed_at = ?, next_due_at = NULL WHERE id = ? AND status != 'closed'",
        [(at, i) for i in alert_ids],
    )
    cancel_pending(db, alert_ids, reason="not sent: the alert closed first", at=at)


def cancel_pending(db: Database, alert_ids: list[int], *, reason: str, at: str) -> None:
    db.conn.executemany(
        "UPDATE alert_notifications SET status = 'cancelled', error = coalesce(error || '; ', '') || ? "
        "WHERE alert_id = ? AND status = 'pending'",
        [(reason, i) for i in alert_ids],
    )


def due(db: Database, at: str) -> list[dict]:
    """Open (unacknowledged) alerts with a step or repeat due by `at`."""
    return _rows(db, f"SELECT {_ALERT_FIELDS} FROM alerts WHERE status = 'open' AND next_due_at <= ? ORDER BY id", [at])


def advance(
    db: Database, alert_id: int, *, next_step: int, next_round: int, next_due_at: str | None, sent: int
) -> None:
    db.execute(
        "UPDATE alerts SET next_step = ?, next_round = ?, next_due_at = ?, steps_sent = steps_sent + ? WHERE id = ?",
        [next_step, next_round, next_due_at, sent, alert_id],
    )


def add_intent(db: Database, alert_id: int, *, step: int, round_: int, channel: str, due_at: str, at: str) -> None:
    db.execute(
        "INSERT INTO alert_notifications (alert_id, step, round, channel, due_at, created_at, status, "
        "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING",
        [alert_id, step, round_, channel, due_at, at, at],
    )


def next_due(db: Database) -> str | None:
    """The soonest moment a step, a repeat or a retry falls due."""
    return db.execute(
        "SELECT min(t) FROM (SELECT min(next_due_at) AS t FROM alerts WHERE status = 'open' "
        "UNION ALL SELECT min(next_attempt_at) FROM alert_notifications WHERE status = 'pending')"
    ).fetchone()[0]


def pending(db: Database, at: str) -> list[dict]:
    """Notifications to (re)try now, with what their message says."""
    return _rows(
        db,
        "SELECT n.id, n.alert_id, n.step, n.round, n.channel, n.due_at, n.attempts, a.code, a.subject, "
        "a.licence_no, a.issuer, a.batch_id, a.since, a.detail, a.escalated_by, a.escalated_reason "
        "FROM alert_notifications n JOIN alerts a ON a.id = n.alert_id "
        "WHERE n.status = 'pending' AND n.next_attempt_at <= ? ORDER BY n.channel, n.alert_id, n.step, n.round",
        [at],
    )


def record_attempts(db: Database, ids: list[int], attempts: list[tuple[str, str, str | None]]) -> None:
    """Each attempt (at, outcome, error) of one message, on every notification it carried."""
    db.conn.executemany(
        "INSERT INTO alert_attempts (notification_id, at, outcome, error) VALUES (?, ?, ?, ?)",
        [(i, at, outcome, error) for i in ids for at, outcome, error in attempts],
    )


def mark_sent(db: Database, ids: list[int], *, at: str, tries: int) -> None:
    db.conn.executemany(
        "UPDATE alert_notifications SET status = 'sent', sent_at = ?, attempts = attempts + ? "
        "WHERE id = ? AND status = 'pending'",
        [(at, tries, i) for i in ids],
    )


def mark_failed(db: Database, ids: list[int], *, error: str, tries: int, retry_at: str) -> None:
    db.conn.executemany(
        "UPDATE alert_notifications SET error = ?, attempts = attempts + ?, next_attempt_at = ? "
        "WHERE id = ? AND status = 'pending'",
        [(error, tries, retry_at, i) for i in ids],
    )


def undelivered(db: Database, due_before: str) -> list[dict]:
    """Due steps (alert, step, round) none of whose channels took it, due before then."""
    return _rows(
        db,
        "SELECT a.id AS alert_id, a.code, a.licence_no, a.issuer, a.batch_id, n.step, n.round, "
        "min(n.due_at) AS due_at, group_concat(n.channel || ': ' || coalesce(n.error, 'not yet tried'), '; ') "
        "AS errors FROM alert_notifications n JOIN alerts a ON a.id = n.alert_id "
        "WHERE n.due_at < ? GROUP BY n.alert_id, n.step, n.round "
        "HAVING sum(n.status = 'sent') = 0 AND sum(n.status = 'pending') > 0",
        [due_before],
    )


def acknowledge(db: Database, alert_id: int, *, actor: str, note: str, at: str) -> dict | None:
    """Marks an open alert acknowledged; returns the alert as it was before (None: unknown)."""
    row = _rows(db, f"SELECT {_ALERT_FIELDS} FROM alerts WHERE id = ?", [alert_id])
    if not row:
        return None
    if row[0]["status"] == "open":
        db.execute(
            "UPDATE alerts SET status = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, ack_note = ?, "
            "next_due_at = NULL WHERE id = ? AND status = 'open'",
            [actor, at, note, alert_id],
        )
        cancel_pending(db, [alert_id], reason=f"not sent: acknowledged by {actor}", at=at)
    return row[0]


LAST_STEP = -1  # next_step meaning "the rule's last step", whatever the rule


def escalate_licence(db: Database, licence_no: str, *, actor: str, reason: str, at: str) -> int:
    """An operator's escalation: the licence's live alerts go straight to their rule's last
    step, due now (an acknowledged one opens again for it). Returns how many moved."""
    cursor = db.execute(
        "UPDATE alerts SET status = 'open', acknowledged_by = NULL, acknowledged_at = NULL, ack_note = NULL, "
        "escalated_by = ?, escalated_at = ?, escalated_reason = ?, next_step = ?, next_round = 0, next_due_at = ? "
        "WHERE licence_no = ? AND status IN ('open', 'acknowledged')",
        [actor, at, reason, LAST_STEP, at, licence_no],
    )
    return cursor.rowcount


# ---------------------------------------------------------------- channels


def set_channels(db: Database, states: Sequence[tuple[str, bool, str | None]], *, at: str) -> None:
    """(name, configured, problem) of every channel, as this leader sees them."""
    db.conn.executemany(
        "INSERT INTO alert_channels (name, configured, problem, checked_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET configured = excluded.configured, problem = excluded.problem, "
        "checked_at = excluded.checked_at",
        [(name, int(ok), problem, at) for name, ok, problem in states],
    )
    names = [s[0] for s in states]
    db.execute(f"DELETE FROM alert_channels WHERE name NOT IN ({', '.join('?' * len(names))})", names)


def channel_outcome(db: Database, name: str, *, at: str, error: str | None) -> None:
    if error is None:
        db.execute("UPDATE alert_channels SET last_sent_at = ? WHERE name = ?", [at, name])
    else:
        db.execute("UPDATE alert_channels SET last_error_at = ?, last_error = ? WHERE name = ?", [at, error, name])


def channels(db: Queryable) -> list[dict]:
    return _rows(db, "SELECT * FROM alert_channels ORDER BY name")


# ---------------------------------------------------------------- reading


def listing(db: Database, *, open_only: bool, limit: int | None = None) -> list[dict]:
    """Alerts for `ediops alerts` and the desk: unacknowledged first, newest first."""
    where = "WHERE status IN ('open', 'acknowledged')" if open_only else ""
    sql = (
        f"SELECT {_ALERT_FIELDS} FROM alerts {where} "
        "ORDER BY status = 'closed', status = 'acknowledged', opened_at DESC, id DESC"
    )
    return _rows(db, sql + (f" LIMIT {int(limit)}" if limit else ""))


def attempts_of(db: Database, alert_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    for alert_id, channel, step, round_, at, outcome, error in rows_in(
        db,
        "SELECT n.alert_id, n.channel, n.step, n.round, t.at, t.outcome, t.error FROM alert_attempts t "
        "JOIN alert_notifications n ON n.id = t.notification_id WHERE n.alert_id IN ({}) ORDER BY t.id",
        alert_ids,
    ):
        found.setdefault(alert_id, []).append(
            {"channel": channel, "step": step, "round": round_, "at": at, "outcome": outcome, "error": error}
        )
    return found


def counts(db: Database) -> dict:
    """Open alerts, unacknowledged ones, and the newest alert's id (the desk's bell)."""
    row = db.execute(
        "SELECT sum(status IN ('open', 'acknowledged')), sum(status = 'open'), max(id) FROM alerts"
    ).fetchone()
    return {"open": row[0] or 0, "unacknowledged": row[1] or 0, "latest_id": row[2] or 0}


def new_since(db: Database, alert_id: int) -> list[dict]:
    return _rows(db, "SELECT id, code, subject FROM alerts WHERE id > ? ORDER BY id", [alert_id])


def report(db: Queryable, start: str, end: str) -> dict:
    """The shift report's docs/operations.md `alerts` section over (start, end]: raised and acknowledged in
    it, and unacknowledged at its end (raised by then, neither acknowledged nor closed by
    then: what the next shift takes over). An alert that closed unacknowledged long ago is
    not still "unacknowledged"."""
    raised, acknowledged, unacknowledged = db.execute(
        "SELECT coalesce(sum(opened_at > ?1 AND opened_at <= ?2), 0), "
        "coalesce(sum(acknowledged_at > ?1 AND acknowledged_at <= ?2), 0), "
        "coalesce(sum(opened_at <= ?2 AND (acknowledged_at IS NULL OR acknowledged_at > ?2) "
        "AND (closed_at IS NULL OR closed_at > ?2)), 0) FROM alerts",
        [start, end],
    ).fetchone()
    return {"raised": raised, "acknowledged": acknowledged, "unacknowledged": unacknowledged}
