"""The desk's read queries across tables (ediops.views.dashboard shapes them for the panes):
each one short query on an autocommit connection, so no read transaction stays open, and
each a bounded working set (LIMIT), never a whole table. Plain sqlite3 is enough: the home
screen reads them on `store.connect_reader`, a measured hot path (bench/NOTES.md: dashboard)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ediops.store import rows, rows_in
from ediops.store.migrations.m090_find_names import SEPARATOR

if TYPE_CHECKING:
    from ediops.store import Queryable


def batches_of_day(db: Queryable, business_date: str) -> list[dict[str, Any]]:
    """Per issuer: the day's batches, its daily ones, and the licences they brought. From
    batches, not licences: a day has a few dozen batches but may have many thousand licences."""
    return rows(
        db,
        "SELECT issuer, count(*) AS batches, sum(kind = 'daily') AS daily, sum(accepted_count) AS licences "
        "FROM batches WHERE business_date = ? GROUP BY issuer",
        [business_date],
    )


def hourly_licences(db: Queryable, start: str, end: str) -> list[dict[str, Any]]:
    """Per issuer and hour of receipt: licences accepted between `start` and `end`."""
    return rows(
        db,
        "SELECT issuer, CAST(substr(received_at, 12, 2) AS INTEGER) AS hour, sum(accepted_count) AS n "
        "FROM batches WHERE received_at >= ? AND received_at < ? GROUP BY issuer, hour",
        [start, end],
    )


# Each issuer in turn, then its newest batch: two index lookups per issuer on
# batches(issuer, received_at), whatever the years of batches kept (a GROUP BY read them all:
# 6 ms in year one, 32 ms in year five at quick scale; bench years, docs/retention.md).
_LAST_BATCHES = """
    WITH RECURSIVE seen(issuer) AS (
        SELECT min(issuer) FROM batches
        UNION ALL SELECT (SELECT min(issuer) FROM batches WHERE issuer > seen.issuer) FROM seen
        WHERE seen.issuer IS NOT NULL)
    SELECT issuer, (SELECT max(received_at) FROM batches b WHERE b.issuer = seen.issuer) AS at
    FROM seen WHERE issuer IS NOT NULL"""


def last_batches(db: Queryable) -> dict[str, str]:
    """issuer -> when its last batch arrived."""
    return {r["issuer"]: r["at"] for r in rows(db, _LAST_BATCHES)}


def issuer_health(db: Queryable) -> dict[str, dict[str, Any]]:
    """peer_health of the issuers' feeds (the engine names a feed "issuer AA"), by peer name."""
    return {r["peer"]: r for r in rows(db, "SELECT * FROM peer_health WHERE peer LIKE 'issuer %'")}


def urgent_in_flight(db: Queryable, *, settled_since: str, limit: int) -> list[dict[str, Any]]:
    """Urgent licences still in flight (oldest first), then those settled since `settled_since`,
    with whether an operator asked the leader to forward one (`forward_pending`) and the state
    of the forward that carries it (`forward_*`, licensing.forward_state)."""
    return rows(
        db,
        """
        SELECT licence_no, issuer, trader_name, received_at, state, phoned_at, phoned_by,
               escalated_at, escalated_by, forwarded_at, customs_answered_at, forward_key,
               f.status AS forward_status, f.attempts AS forward_attempts,
               f.last_attempt_at AS forward_last_attempt_at, f.last_error AS forward_error, f.urgent AS forward_urgent,
               EXISTS (SELECT 1 FROM commands WHERE action = 'forward-licence' AND subject = licence_no
                       AND done_at IS NULL) AS forward_pending
        FROM licences LEFT JOIN forwards f ON f.idempotency_key = licences.forward_key
        WHERE licences.urgent = 1 AND (state IN ('received', 'forwarded')
                              OR (state IN ('accepted', 'rejected') AND received_at >= ?))
        ORDER BY state IN ('accepted', 'rejected'), received_at, licence_no LIMIT ?""",
        [settled_since, limit],
    )


def peers(db: Queryable) -> list[dict[str, Any]]:
    return rows(db, "SELECT peer, failing_since, last_error FROM peer_health ORDER BY peer")


def monitor_counts(db: Queryable) -> dict[str, int]:
    """What the centre's monitoring counts at each scrape (docs/monitoring.md): urgent licences
    and all licences customs has not answered yet, and alerts no one has acknowledged."""
    row = db.execute(
        "SELECT (SELECT count(*) FROM licences WHERE state IN ('received', 'forwarded') AND urgent = 1), "
        "(SELECT count(*) FROM licences WHERE state IN ('received', 'forwarded')), "
        "(SELECT count(*) FROM alerts WHERE status = 'open')"
    ).fetchone()
    return {"urgent_waiting": row[0], "forward_backlog": row[1], "alerts_open": row[2]}


def urgent_received_before(db: Queryable, received_before: str) -> int:
    """Urgent licences customs has not accepted that were received before this instant."""
    return db.execute(
        "SELECT count(*) FROM licences WHERE state IN ('received', 'forwarded') AND urgent = 1 AND received_at < ?",
        [received_before],
    ).fetchone()[0]


def issuer_batches(db: Queryable, issuer: str, *, limit: int) -> list[dict[str, Any]]:
    return rows(
        db,
        "SELECT batch_id, business_date, kind, record_count, received_count, accepted_count, "
        "rejected_count, received_at, times_received FROM batches WHERE issuer = ? ORDER BY received_at DESC LIMIT ?",
        [issuer, limit],
    )


def issuer_rejections(db: Queryable, issuer: str, *, limit: int) -> list[dict[str, Any]]:
    return rows(
        db,
        "SELECT r.id, r.batch_id, r.licence_no, r.reasons, r.received_at "
        "FROM rejections r JOIN batches b ON b.batch_id = r.batch_id "
        "WHERE b.issuer = ? ORDER BY r.id DESC LIMIT ?",
        [issuer, limit],
    )


def licence_page(
    db: Queryable,
    *,
    query: str = "",
    after: str | None = None,
    before: str | None = None,
    at_or_after: str | None = None,
    limit: int = 100,
    enterprise: str | None = None,
) -> list[dict[str, Any]]:
    """One page of licences in licence-number order, by keyset (never OFFSET), so any page of
    a million rows costs an index seek. `query`: a licence-number prefix, else the start of a
    trader's name; `enterprise`: the licences one enterprise holds or is party to (seeks
    licences_trader_code and licences_party_code)."""
    clauses: list[str] = []
    args: list[Any] = []
    if enterprise:
        clauses.append(
            "licence_no IN (SELECT licence_no FROM licences WHERE trader_code IN (?, ?) "
            "UNION ALL SELECT licence_no FROM licences WHERE party_code IN (?, ?))"
        )
        args += [enterprise, enterprise.upper()] * 2
    elif query:
        if query[:2].isdigit():
            clauses.append("licence_no >= ? AND licence_no < ?")
            args += [query.upper(), query.upper() + "\uffff"]
        else:  # the start of a trader's name, any case (seeks licences_trader_nocase)
            clauses.append("trader_name LIKE ? ESCAPE '\\'")
            args.append(query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    order = "ASC"
    if after is not None:
        clauses.append("licence_no > ?")
        args.append(after)
    elif before is not None:
        clauses.append("licence_no < ?")
        args.append(before)
        order = "DESC"
    elif at_or_after is not None:
        clauses.append("licence_no >= ?")
        args.append(at_or_after)
    where = " AND ".join(clauses) or "1"
    found = rows(
        db,
        f"""
        SELECT licence_no, issuer, direction, trader_name, commodity_name, quantity, unit, port,
               state, urgent, received_at
        FROM licences WHERE {where} ORDER BY licence_no {order} LIMIT ?""",
        [*args, limit],
    )
    return found[::-1] if order == "DESC" else found


def licence_total(db: Queryable) -> int:
    return db.execute("SELECT count(*) FROM licences").fetchone()[0]


def urgent_since(db: Queryable, last_seen: str) -> list[dict[str, Any]]:
    """Urgent licences received after `last_seen` (an ISO instant)."""
    return rows(
        db,
        "SELECT licence_no, issuer, received_at FROM licences WHERE urgent = 1 AND received_at > ? "
        "ORDER BY received_at LIMIT 20",
        [last_seen],
    )


def last_urgent(db: Queryable) -> str | None:
    return db.execute("SELECT max(received_at) FROM licences WHERE urgent = 1").fetchone()[0]


# -- the shift handover report (docs/operations.md) ---------------------------------------------------
# Over one window (start, end]: an instant at the end counts in the shift that ends there, not
# in the next one. Times are stored as ISO 8601 in Asia/Shanghai (`ediops.clock.iso`), so they
# compare as text; minutes between two of them come from julianday(), which reads the offset.


IN = "{col} > ? AND {col} <= ?"


def _in(col: str) -> str:
    return IN.format(col=col)


def shift_urgent(db: Queryable, start: str, end: str, deadline_minutes: float) -> dict:
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


def shift_finding_issuers(db: Queryable, code: str, start: str, end: str) -> list[str]:
    """Issuers with a finding of `code` open at some time in the window."""
    rows = db.execute(
        "SELECT DISTINCT issuer FROM findings WHERE code = ? AND issuer IS NOT NULL "
        "AND opened_at <= ? AND (closed_at IS NULL OR closed_at > ?) ORDER BY issuer",
        [code, end, start],
    )
    return [r[0] for r in rows]


def shift_findings(db: Queryable, start: str, end: str) -> dict:
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


def shift_tickets(db: Queryable, start: str, end: str) -> dict:
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


def shift_window_runs(db: Queryable, start: str, end: str) -> list[dict]:
    rows = db.execute(
        f"SELECT window, occurrence, outcome, started_at, finished_at, detail FROM window_runs "
        f"WHERE {_in('started_at')} ORDER BY started_at, window",
        [start, end],
    )
    keys = ("window", "occurrence", "outcome", "started_at", "finished_at", "detail")
    return [dict(zip(keys, r)) for r in rows]


def shift_alerts(db: Queryable, start: str, end: str) -> dict:
    """The alerts' own query (ediops.store.alerts, where their SQL lives): unacknowledged is
    what still waits at the end, neither acknowledged nor closed by then."""
    from ediops.store.alerts import report

    return report(db, start, end)


def shift_operator_actions(db: Queryable, start: str, end: str) -> list[dict]:
    rows = db.execute(
        f"SELECT at, actor, action, subject, reason FROM audit WHERE {_in('at')} ORDER BY at, id", [start, end]
    )
    return [dict(zip(("at", "by", "action", "subject", "reason"), r)) for r in rows]


# -- the find box: lookups by the start of an identifier ------------------------------------
# Each a prefix range on an index (or a small table), LIMITed, so typing stays quick at any size.

_HIGH = "\U0010ffff"


def _prefix(db: Queryable, sql: str, start: str, limit: int) -> list[tuple[Any, ...]]:
    return db.execute(sql, [start, start + _HIGH, limit]).fetchall()


def licences_from(db: Queryable, start: str, limit: int) -> list[tuple[Any, ...]]:
    return _prefix(
        db,
        "SELECT licence_no, trader_name FROM licences WHERE licence_no >= ? AND licence_no < ? "
        "ORDER BY licence_no LIMIT ?",
        start,
        limit,
    )


def licences_numbered(db: Queryable, numbers: list[str]) -> list[tuple[Any, ...]]:
    """(licence_no, trader_name) of those of `numbers` the centre holds, by number."""
    return sorted(rows_in(db, "SELECT licence_no, trader_name FROM licences WHERE licence_no IN ({})", numbers))


def licence_years(db: Queryable) -> tuple[str, str] | None:
    """The first and last year (YY) of the licence numbers held: two index seeks."""
    low, high = db.execute("SELECT min(licence_no), max(licence_no) FROM licences").fetchone()
    return (low[:2], high[:2]) if low else None


def batches_from(db: Queryable, start: str, limit: int) -> list[tuple[Any, ...]]:
    return _prefix(
        db,
        "SELECT batch_id, issuer, business_date FROM batches WHERE batch_id >= ? AND batch_id < ? "
        "ORDER BY batch_id LIMIT ?",
        start,
        limit,
    )


def declarations_from(db: Queryable, start: str, limit: int) -> list[tuple[Any, ...]]:
    """Declarations customs wrote off (the licence may be one the centre never accepted)."""
    return _prefix(
        db,
        "SELECT declaration_no, min(licence_no), min(customs_code) FROM writeoffs "
        "WHERE declaration_no >= ? AND declaration_no < ? GROUP BY declaration_no ORDER BY declaration_no LIMIT ?",
        start,
        limit,
    )


def tickets_from(db: Queryable, start: str, limit: int) -> list[tuple[Any, ...]]:
    return _prefix(db, "SELECT id, caller, org FROM tickets WHERE id >= ? AND id < ? ORDER BY id LIMIT ?", start, limit)


def traders_from(db: Queryable, start: str, limit: int) -> list[tuple[Any, ...]]:
    return _prefix(
        db,
        "SELECT trader_code, min(trader_name) FROM licences WHERE trader_code >= ? AND trader_code < ? "
        "GROUP BY trader_code ORDER BY trader_code LIMIT ?",
        start,
        limit,
    )


def phones_from(db: Queryable, start: str, limit: int) -> list[tuple[Any, ...]]:
    """Callers' numbers (tickets are a few thousand a year: a scan is fine)."""
    return _prefix(
        db,
        "SELECT phone, max(caller), count(*) FROM tickets WHERE phone >= ? AND phone < ? "
        "GROUP BY phone ORDER BY phone LIMIT ?",
        start,
        limit,
    )


def licence_known(db: Queryable, licence_no: str) -> bool:
    return db.execute("SELECT 1 FROM licences WHERE licence_no = ?", [licence_no]).fetchone() is not None


# -- the find box: names by any two or more of their characters (migration m090_find_names) --


def spread(text: str) -> str:
    """`text` as the name index holds it: its characters joined by the separator."""
    return SEPARATOR.join(text)


def names_starting(db: Queryable, start: str, limit: int) -> list[tuple[str, str, str]]:
    """(kind, code, name) of names beginning with `start` exactly (the unique index's range)."""
    return _prefix(db, "SELECT kind, code, name FROM find_names WHERE name >= ? AND name < ? LIMIT ?", start, limit)


def names_containing(db: Queryable, text: str, limit: int) -> list[tuple[str, str, str]]:
    """(kind, code, name) of names holding `text` (two characters or more, any case), newest
    first: one phrase of the spread trigram index, read lazily, so a text in a million names
    costs no more than `limit` of them."""
    phrase = '"' + spread(text).replace('"', '""') + '"'
    return db.execute(
        "SELECT kind, code, name FROM find_names WHERE id IN "
        "(SELECT rowid FROM find_names_fts WHERE find_names_fts MATCH ? ORDER BY rowid DESC LIMIT ?)",
        [phrase, limit],
    ).fetchall()


def tickets_by_id(db: Queryable, ids: list[str]) -> list[tuple[Any, ...]]:
    """(id, caller, org) of these tickets."""
    return rows_in(db, "SELECT id, caller, org FROM tickets WHERE id IN ({})", ids)
