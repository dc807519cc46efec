"""Fixture data for the desk's tests, written straight into the core schema at a fixed instant."""

from __future__ import annotations

import json
from datetime import timedelta

from ediops import store
from ediops.scheduling import lease
from ediops.clock import iso, parse_instant
from ediops.licensing.licence import add_event

NOW = parse_instant("2000-10-09T18:00:00+08:00")
TORTURE = "[/] [bold]x[/bold] [link=http://evil]y[/link] \x1b]0;pwned\x07\x1b[31mred\u202etxet\x9b2J"


def at(minutes_ago: float) -> str:
    return iso(NOW - timedelta(minutes=minutes_ago))


def add_batch(db, batch_id: str, issuer: str, *, kind="daily", minutes_ago=120, count=1, date="2000-10-09") -> None:
    db.execute(
        "INSERT INTO batches (batch_id, issuer, business_date, kind, record_count, received_count, "
        "accepted_count, rejected_count, sent_at, received_at, source) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [batch_id, issuer, date, kind, count, count, count, 0, at(minutes_ago), at(minutes_ago), "test"],
    )


def add_licence(
    db,
    licence_no: str,
    *,
    batch_id: str,
    urgent=False,
    minutes_ago=120,
    state="received",
    trader="Acme Trading Co",
    phoned=False,
    escalated=False,
    quantity="100.000",
) -> None:
    issuer = licence_no[3:5]
    received = at(minutes_ago)
    record = {"licence_no": licence_no}
    db.execute(
        "INSERT INTO licences (licence_no, issuer, batch_id, business_date, direction, issued_on, trader_code, "
        "trader_name, party_code, party_name, hs_code, commodity_name, quantity, unit, country, trade_mode, "
        "valid_from, valid_to, port, one_batch, remarks, urgent, content_hash, record, received_at, state, "
        "phoned_at, phoned_by, escalated_at, escalated_by) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            licence_no,
            issuer,
            batch_id,
            received[:10],
            "export",
            "2000-10-09",
            "4403120001",
            trader,
            None,
            None,
            "1005901000",
            "Maize",
            quantity,
            "TNE",
            "JP",
            "General trade",
            "2000-10-09",
            "2000-12-31",
            "5300",
            0,
            None,
            int(urgent),
            "h-" + licence_no,
            store.dumps(record),
            received,
            state,
            received if phoned else None,
            "alice" if phoned else None,
            received if escalated else None,
            "alice" if escalated else None,
        ],
    )
    add_event(db, licence_no, "received", at=received, detail={"batch_id": batch_id})


def add_finding(db, code: str, subject: str, *, minutes_ago=30, **fields) -> int:
    names = ", ".join(fields)
    cursor = db.execute(
        f"INSERT INTO findings (code, subject, status, opened_at, updated_at, detail{', ' + names if names else ''}) "
        f"VALUES (?, ?, 'open', ?, ?, ?{', ?' * len(fields)})",
        [code, subject, at(minutes_ago), at(minutes_ago), json.dumps({"note": "fixture"}), *fields.values()],
    )
    return cursor.lastrowid


def add_ticket(
    db,
    ticket_id: str,
    *,
    priority="normal",
    minutes_ago=45,
    caller="Wang Wei",
    org="Port customs 5300",
    licence_no=None,
    category="not-received",
) -> None:
    db.execute(
        "INSERT INTO tickets (id, caller, phone, org, category, priority, licence_no, status, text, "
        "opened_by, opened_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            ticket_id,
            caller,
            "010-1234",
            org,
            category,
            priority,
            licence_no,
            "open",
            "call",
            "alice",
            at(minutes_ago),
            at(minutes_ago),
        ],
    )


def populate(db, *, torture: bool = False) -> dict:
    """A small desk's worth: three issuers with batches, urgent licences at every stage of the
    deadline, findings of three codes, tickets of three priorities, one failing peer."""
    name = TORTURE if torture else None
    with store.write(db):
        add_batch(db, "AA-20001009-01", "AA", minutes_ago=150, count=3)
        add_batch(db, "AA-20001009-U1", "AA", kind="urgent", minutes_ago=20, count=1)
        add_batch(db, "AB-20001009-U1", "AB", kind="urgent", minutes_ago=8, count=2)
        add_licence(db, "00-AA-000001", batch_id="AA-20001009-01", trader=name or "Acme Trading Co")
        add_licence(db, "00-AA-000002", batch_id="AA-20001009-01", trader="Beta Grain [Import] Ltd")
        add_licence(db, "00-AA-000003", batch_id="AA-20001009-01", state="accepted")
        add_licence(
            db,
            "00-AA-000010",
            batch_id="AA-20001009-U1",
            urgent=True,
            minutes_ago=20,
            trader=name or "Cathay Metals",
            escalated=True,
        )
        add_licence(
            db,
            "00-AB-000011",
            batch_id="AB-20001009-U1",
            urgent=True,
            minutes_ago=12,
            trader="Delta Textiles",
            phoned=True,
        )
        add_licence(
            db,
            "00-AB-000012",
            batch_id="AB-20001009-U1",
            urgent=True,
            minutes_ago=2,
            trader="Eastern Oils",
            state="forwarded",
        )
        add_finding(
            db,
            "RECORD_REJECTED",
            "licence:00-AA-000009",
            licence_no="00-AA-000009",
            batch_id="AA-20001009-01",
            issuer="AA",
        )
        add_finding(db, "URGENT_OVERDUE", "licence:00-AA-000010", licence_no="00-AA-000010", issuer="AA", minutes_ago=5)
        add_finding(db, "FEED_LATE", "issuer:AC:2000-10-09", issuer="AC", period="2000-10-09", minutes_ago=90)
        add_finding(
            db,
            "PORT_MISMATCH",
            "declaration:" + (name or "D-0001"),
            declaration_no=name or "D-0001",
            licence_no="00-AA-000001",
            minutes_ago=15,
        )
        add_ticket(
            db, "T-000001", priority="urgent", minutes_ago=10, licence_no="00-AA-000010", caller=name or "Wang Wei"
        )
        add_ticket(db, "T-000002", priority="normal", minutes_ago=60)
        add_ticket(db, "T-000003", priority="high", minutes_ago=30, org="Beta Grain [Import] Ltd")
        db.execute(
            "INSERT INTO peer_health (peer, last_ok_at, last_error_at, last_error, failing_since) "
            "VALUES ('issuer AD', ?, ?, ?, ?)",
            [at(95), at(1), name or "connection refused", at(90)],
        )
        db.execute("INSERT INTO peer_health (peer, last_ok_at) VALUES ('customs', ?)", [at(1)])
        db.execute(
            "INSERT INTO audit (at, actor, action, subject, reason) VALUES (?,?,?,?,?)",
            [at(40), "alice", "finding.resolve", "finding:99", name or "checked with issuer"],
        )
        for slot, (decl, status) in enumerate([("D-0001", "active"), ("D-0002", "cancelled")], 1):
            db.execute(
                "INSERT INTO releases (declaration_no, licence_no, customs_code, quantity, unit, released_on, "
                "operating_unit_code, status, slot, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [decl, "00-AA-000001", "5300", "40.500", "TNE", "2000-10-09", "4403120001", status, slot, at(10)],
            )
        db.execute(
            "INSERT INTO window_runs (window, occurrence, token, holder, started_at, finished_at, outcome, detail) "
            "VALUES ('poll-feeds', ?, 1, 'host-a:4242', ?, ?, 'ok', '3 batches')",
            [at(5), at(5), at(5)],
        )
        db.execute(
            "INSERT INTO window_runs (window, occurrence, token, holder, started_at, finished_at, outcome, detail) "
            "VALUES ('forward-customs', ?, 1, 'host-a:4242', ?, ?, 'failed', ?)",
            [at(30), at(30), at(29), name or "customs 503"],
        )
        db.execute(
            "INSERT INTO window_state (window, paused, changed_by, changed_at, reason) "
            "VALUES ('reconcile', 1, 'bob', ?, 'maintenance')",
            [at(60)],
        )
        db.execute(
            "INSERT INTO lease (name, holder, token, expires_at, renewed_at) VALUES (?, 'host-a:4242', 7, ?, ?)",
            [lease.NAME, 4.0e9, at(0)],
        )
    return {"now": NOW}


def populate_busy(db) -> dict:
    """`populate` plus a busy afternoon: daily batches through the day (volume sparklines),
    a dozen urgent licences, findings of every long code (OPERATING_UNIT_MISMATCH), tickets
    with real ids, and issuers polled at 10:30 that have sent nothing (Last must say "-")."""
    result = populate(db)
    with store.write(db):
        for n, issuer in enumerate(("BA", "BB", "BC", "CA", "CB")):
            for hour in range(4):
                add_batch(
                    db,
                    f"{issuer}-20001009-{hour:02d}",
                    issuer,
                    minutes_ago=60 * (8 - hour) - n * 7,
                    count=20 + hour * n,
                )
        for n in range(9):
            issuer = ("BA", "BB", "BC")[n % 3]
            batch = f"{issuer}-20001009-U{n}"
            add_batch(db, batch, issuer, kind="urgent", minutes_ago=14 - n, count=1)
            add_licence(
                db, f"00-{issuer}-0001{n:02d}", batch_id=batch, urgent=True, minutes_ago=14 - n, trader=f"Trader {n}"
            )
        add_finding(
            db, "OPERATING_UNIT_MISMATCH", "licence:00-BA-000100", licence_no="00-BA-000100", issuer="BA", minutes_ago=4
        )
        add_finding(db, "UNIT_MISMATCH", "licence:00-BB-000101", licence_no="00-BB-000101", issuer="BB", minutes_ago=3)
        for n in range(6):
            add_ticket(db, f"T-20001009-{n + 4:04d}", priority=("high", "normal", "low")[n % 3], minutes_ago=100 + n)
        for issuer in ("BD", "BE"):
            db.execute(
                "INSERT INTO peer_health (peer, last_ok_at) VALUES (?, ?)", [f"issuer {issuer}", at(450)]
            )  # polled fine at 10:30, never sent a batch
    return result
