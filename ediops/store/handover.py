"""Read queries of the shift handover report (contract §14), over one window (start, end]:
an instant at the end counts in the shift that ends there, not in the next one.

Times are stored as ISO 8601 in Asia/Shanghai (`ediops.clock.iso`), so they compare as text;
minutes between two of them come from julianday(), which reads the offset."""

from __future__ import annotations

from collections import Counter

IN = "{col} > ? AND {col} <= ?"


def _in(col: str) -> str:
    return IN.format(col=col)


def urgent(db, start: str, end: str, deadline_minutes: float) -> dict:
    """Urgent licences received, accepted by customs and gone past their deadline in the
    window, and receipt-to-acceptance minutes of those accepted."""
    received = db.execute(f"SELECT count(*) FROM licences WHERE urgent = 1 AND {_in('received_at')}", [start, end])
    minutes = [
        r[0]
        for r in db.execute(
            "SELECT (julianday(customs_answered_at) - julianday(received_at)) * 1440 FROM licences "
            f"WHERE urgent = 1 AND state = 'accepted' AND {_in('customs_answered_at')} ORDER BY 1",
            [start, end],
        )
    ]
    # the deadline passed inside the window, and customs had not accepted it by then
    overdue = db.execute(
        "SELECT count(*) FROM (SELECT julianday(received_at) + ? / 1440.0 AS due, state, customs_answered_at "
        "FROM licences WHERE urgent = 1) WHERE due > julianday(?) AND due <= julianday(?) "
        "AND NOT (state = 'accepted' AND julianday(customs_answered_at) <= due)",
        [deadline_minutes, start, end],
    )
    return {
        "received": received.fetchone()[0],
        "accepted": len(minutes),
        "overdue": overdue.fetchone()[0],
        "minutes": minutes,
    }


def finding_issuers(db, code: str, start: str, end: str) -> list[str]:
    """Issuers with a finding of `code` open at some time in the window."""
    rows = db.execute(
        "SELECT DISTINCT issuer FROM findings WHERE code = ? AND issuer IS NOT NULL "
        "AND opened_at <= ? AND (closed_at IS NULL OR closed_at > ?) ORDER BY issuer",
        [code, end, start],
    )
    return [r[0] for r in rows]


def findings(db, start: str, end: str) -> dict:
    opened = Counter(
        dict(db.execute(f"SELECT code, count(*) FROM findings WHERE {_in('opened_at')} GROUP BY code", [start, end]))
    )
    resolved = Counter(
        dict(db.execute(f"SELECT code, count(*) FROM findings WHERE {_in('closed_at')} GROUP BY code", [start, end]))
    )
    open_at_end = db.execute(
        "SELECT count(*) FROM findings WHERE opened_at <= ? AND (closed_at IS NULL OR closed_at > ?)", [end, end]
    ).fetchone()[0]
    return {
        "opened": dict(sorted(opened.items())),
        "resolved": dict(sorted(resolved.items())),
        "open_at_end": open_at_end,
    }


def tickets(db, start: str, end: str) -> dict:
    """Closed: closed or resolved in the window; open at the end: opened by then and neither."""
    opened = db.execute(f"SELECT count(*) FROM tickets WHERE {_in('opened_at')}", [start, end]).fetchone()[0]
    closed = db.execute(
        f"SELECT count(*) FROM tickets WHERE {_in('COALESCE(closed_at, resolved_at)')}", [start, end]
    ).fetchone()[0]
    open_at_end = db.execute(
        "SELECT count(*) FROM tickets WHERE opened_at <= ? AND NOT COALESCE(COALESCE(closed_at, resolved_at) <= ?, 0)",
        [end, end],
    ).fetchone()[0]
    return {"opened": opened, "closed": closed, "open_at_end": open_at_end}


def window_runs(db, start: str, end: str) -> list[dict]:
    rows = db.execute(
        f"SELECT window, occurrence, outcome, started_at, finished_at, detail FROM window_runs "
        f"WHERE {_in('started_at')} ORDER BY started_at, window",
        [start, end],
    )
    keys = ("window", "occurrence", "outcome", "started_at", "finished_at", "detail")
    return [dict(zip(keys, r)) for r in rows]


def alerts(db, start: str, end: str) -> dict:
    """The alerts' own query (ediops.store.alerts, where their SQL lives): unacknowledged is
    what still waits at the end, neither acknowledged nor closed by then."""
    from ediops.store.alerts import report

    return report(db, start, end)


def operator_actions(db, start: str, end: str) -> list[dict]:
    rows = db.execute(
        f"SELECT at, actor, action, subject, reason FROM audit WHERE {_in('at')} ORDER BY at, id", [start, end]
    )
    return [dict(zip(("at", "by", "action", "subject", "reason"), r)) for r in rows]
