"""Read-only queries behind the desk's panes and screens, returning plain data.

Each function is one short query (or a few) on an autocommit connection, so no read
transaction stays open; each pane gets a bounded working set (LIMIT), never a whole table."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from typing import TYPE_CHECKING

from ediops.clock import SHANGHAI, iso, parse_instant
from ediops.store import (
    audit as audit_db,
    findings as findings_db,
    scheduling as scheduling_db,
    tickets as tickets_db,
    reads as reads_db,
)
from ediops.licensing.forward_state import forward_state, short_state
from ediops.store import forwards as forwards_db
from ediops.vocabulary import FINDING_OPEN, SUBJECT_FIELDS

if TYPE_CHECKING:
    from ediops.config import Config
    from ediops.store import Queryable

FEED_STATUS_RANK = {"failing": 0, "late": 1, "no batch yet": 2, "on time": 3}


def clock_minutes(start: datetime, end: datetime) -> int:
    """Minutes from `start` to `end` as their HH:MM readings differ (17:52:50 to 18:00:10 is 8):
    every age and countdown on the desk then moves at the same minute tick as its clock, so an
    idle desk writes nothing to the terminal between two ticks."""

    def minute(moment: datetime) -> datetime:
        return moment.astimezone(SHANGHAI).replace(second=0, microsecond=0)

    return int((minute(end) - minute(start)).total_seconds()) // 60


def _day_bounds(now: datetime) -> tuple[str, str]:
    start = now.astimezone(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    return iso(start), iso(start + timedelta(days=1))


def issuer_feeds(db: Queryable, config: Config, *, now: datetime) -> list[dict]:
    """One row per configured issuer: today's batches and accepted licences, last contact (a
    batch or a successful poll), last batch received, feed status (failing / late / no batch
    yet / on time) and licences accepted per hour today."""
    today = now.astimezone(SHANGHAI).date().isoformat()
    day_start, day_end = _day_bounds(now)
    batches = {r["issuer"]: r for r in reads_db.batches_of_day(db, today)}
    hourly: dict[str, list[int]] = {}
    for r in reads_db.hourly_licences(db, day_start, day_end):
        hourly.setdefault(r["issuer"], [0] * 24)[r["hour"]] = r["n"]
    last_seen = reads_db.last_batches(db)
    health = reads_db.issuer_health(db)
    rows = []
    for issuer in config.issuers:
        b = batches.get(issuer.code) or {}
        peer = health.get(issuer.name) or {}  # the engine names a feed "issuer AA"
        contact = max(filter(None, [last_seen.get(issuer.code), peer.get("last_ok_at")]), default=None)
        # HH:MM (config check); fromisoformat, not strptime: no _strptime before the first frame
        cutoff = datetime.combine(now.astimezone(SHANGHAI).date(), time.fromisoformat(issuer.cutoff), SHANGHAI)
        if peer.get("failing_since"):
            status = "failing"
        elif b.get("daily"):
            status = "on time"
        elif now >= cutoff:
            status = "late"
        else:
            status = "no batch yet"
        rows.append(
            {
                "issuer": issuer.code,
                "name": issuer.display_name,
                "cutoff": issuer.cutoff,
                "batches": b.get("batches", 0),
                "licences": b.get("licences") or 0,
                "last_contact": contact,
                "last_batch": last_seen.get(issuer.code),
                "status": status,
                "last_error": peer.get("last_error") if status == "failing" else None,
                "hourly": hourly.get(issuer.code, [0] * 24),
            }
        )
    rows.sort(key=lambda r: (FEED_STATUS_RANK[r["status"]], r["issuer"]))
    return rows


def urgent_state(row: dict, *, now: datetime) -> dict:
    """The licence's way to customs as the duty officer reads it (licensing.forward_state)."""
    return forward_state(row, now=now)


def urgent_licences(db: Queryable, *, now: datetime, deadline_minutes: float, limit: int = 100) -> list[dict]:
    """Urgent licences still in flight (oldest first), then those settled today, with the
    clock minutes left before the deadline (0: due this minute; negative: overdue) and
    `overdue`, what the urgent pane and queue count."""
    day_start, _ = _day_bounds(now)
    rows = reads_db.urgent_in_flight(db, settled_since=day_start, limit=limit)
    deadline = timedelta(minutes=deadline_minutes)
    for row in rows:
        received = parse_instant(row["received_at"])
        row["age_minutes"] = max(0, clock_minutes(received, now))  # a clock stepped back: never negative
        row["settled"] = row["state"] in ("accepted", "rejected")
        # overdue as URGENT_OVERDUE judges it (rules.urgent_overdue: past the exact deadline), so
        # the pane, the queue and the alerts agree; the minutes left then never say "due now"
        row["overdue"] = not row["settled"] and now - received > deadline
        left = deadline_minutes - row["age_minutes"]
        row["minutes_left"] = min(left, -1) if row["overdue"] else left
        row["way"] = urgent_state(row, now=now)
        row["display_state"] = short_state(row["way"])
    return rows


def finding_counts(db: Queryable) -> list[tuple[str, int]]:
    """Open findings per code, most frequent first."""
    return findings_db.open_counts(db)


def open_findings(db: Queryable, *, code: str | None = None, limit: int = 200) -> list[dict]:
    """Open findings grouped by code (then oldest first), optionally of one code only."""
    fields = ("id", "code", "subject", *SUBJECT_FIELDS, "detail", "opened_at")
    codes = [code] if code else []
    return findings_db.find(db, fields=fields, status=FINDING_OPEN, codes=codes, order="by code", limit=limit)


def findings_of(
    db: Queryable, *, status: str | None = FINDING_OPEN, code: str | None = None, limit: int = 500
) -> list[dict]:
    """Findings for the findings screen: open, resolved or all, newest first."""
    fields = [f for f in findings_db.FIELDS if f != "ticket_id"]
    codes = [code] if code else []
    return findings_db.find(db, fields=fields, status=status or None, codes=codes, order="by code, newest", limit=limit)


def open_tickets(db: Queryable, *, limit: int = 100) -> list[dict]:
    """Open and waiting tickets, most urgent first, then oldest."""
    return tickets_db.active_by_priority(db, limit=limit)


def peer_reachability(db: Queryable) -> dict:
    """How many peers answered at their last call, and which are failing: each with since when
    and how many licences wait on it (customs: those under an unanswered key)."""
    rows = reads_db.peers(db)
    failing = [
        {
            "peer": r["peer"],
            "since": r["failing_since"],
            "error": r["last_error"],
            "waiting": forwards_db.waiting_on_customs(db) if r["peer"] == "customs" else None,
        }
        for r in rows
        if r["failing_since"]
    ]
    failing.sort(key=lambda f: (f["peer"] != "customs", f["since"], f["peer"]))
    return {"known": len(rows), "failing": [f["peer"] for f in failing], "failing_peers": failing}


def issuer_detail(db: Queryable, config: Config, code: str, *, now: datetime, limit: int = 100) -> dict:
    """One issuer: its feed row, recent batches, recent rejections and open findings."""
    feed = next((r for r in issuer_feeds(db, config, now=now) if r["issuer"] == code), None)
    return {
        "issuer": code,
        "feed": feed,
        "batches": reads_db.issuer_batches(db, code, limit=limit),
        "rejections": reads_db.issuer_rejections(db, code, limit=limit),
        "findings": findings_db.find(
            db,
            fields=("id", "code", "subject", "opened_at"),
            status=FINDING_OPEN,
            issuer=code,
            order="opened, newest",
            limit=limit,
        ),
    }


licence_page = reads_db.licence_page  # the browser's keyset pages, as the store reads them
licence_total = reads_db.licence_total


def audit_page(db: Queryable, *, query: str = "", before_id: int | None = None, limit: int = 200) -> list[dict]:
    """Newest audit rows first; `query` matches actor, action, subject or reason."""
    return audit_db.page(db, query=query, before_id=before_id, limit=limit)


def new_urgent_since(db: Queryable, last_seen: str | None) -> list[dict]:
    """Urgent licences received after `last_seen` (an ISO instant), for the desk's toasts."""
    return reads_db.urgent_since(db, last_seen or "")


def failed_runs_since(db: Queryable, last_seen: str | None) -> list[dict]:
    """Window runs that finished with a failure after `last_seen`, for the desk's toasts."""
    return scheduling_db.failed_runs_since(db, last_seen or "")


def alert_marks(db: Queryable) -> tuple[str, str]:
    """Where the toasts start: the newest urgent licence and the newest finished window run."""
    return reads_db.last_urgent(db) or "", scheduling_db.last_finished(db) or ""


def scheduler_status(db: Queryable, config: Config, *, now: datetime) -> dict:
    """Windows (next run, last outcome, paused) and the leader's lease, from the engine."""
    # Imported here: with licence_view and rules, ~12 ms the desk's first frame does without.
    from ediops.scheduling import windows

    return {"windows": windows.window_status(db, config, now=now), "leader": windows.leader_status(db, now=now)}


def recent_runs(db: Queryable, *, limit: int = 50) -> list[dict]:
    """The run ledger, newest first: which occurrence ran, who ran it, how it ended."""
    return scheduling_db.recent_runs(db, limit=limit)
