"""Reconciliation (docs/wire.md, docs/findings.md): everything that is judged from the store's state and the
clock rather than from one incoming record. The engine only fills the tables (acks,
forwards, peer_health, licences.forwarded_at); this module decides what is overdue."""

from __future__ import annotations

from typing import TYPE_CHECKING

import json
import re
from datetime import date, datetime, time, timedelta

from ediops import store
from ediops.licensing import findings, rules
from ediops.inspection import reports as bureau_reports
from ediops.clock import SHANGHAI, iso, parse_instant
from ediops.store import feeds as feeds_db, findings as findings_db, licences as licences_db

if TYPE_CHECKING:
    from ediops.config import Config
    from ediops.store import Database

SUMMARY_LOOKBACK_DAYS = 7
_PEER_ISSUER = re.compile(r"(?:issuers?[ :/])?([A-Z]{2})")


def check_summary(db: Database, issuer: str, business_date: str, *, at: str) -> None:
    """MISSING_FROM_FEED and NOT_IN_SUMMARY for one (issuer, date) summary, if there is one.
    A licence counts as received once it reached the centre, accepted or rejected."""
    numbers = feeds_db.summary_numbers(db, issuer, business_date)
    if numbers is None:
        return
    listed = json.loads(numbers)
    received = licences_db.received_of(db, numbers)
    of_date = licences_db.of_issuer_date(db, issuer, business_date)
    causes = rules.summary_gaps(
        issuer=issuer, business_date=business_date, listed=listed, received=received, of_date=of_date
    )
    for code in (rules.MISSING_FROM_FEED, rules.NOT_IN_SUMMARY):
        findings.sync(
            db,
            code,
            [c for c in causes if c.code == code],
            at=at,
            scope={"issuer": issuer, "period": business_date},
        )


def reconcile(db: Database, config: Config, *, now: datetime, business_date: str | date | None = None) -> dict:
    """Runs every time-based check of docs/findings.md as of `now`. Summaries: the given business date, else
    the last week's; late feeds: that date (default: today in Asia/Shanghai). Returns the
    number of open findings per code it manages."""
    at = iso(now)
    day = date.fromisoformat(str(business_date)) if business_date else now.astimezone(SHANGHAI).date()
    with store.write(db):
        _summaries(db, day, exact=business_date is not None, at=at)
        _feed_late(db, config, day, now=now, at=at)
        check_deadlines(db, config, now=now)
        bureau_reports.check_vendor_tickets(db, config, now=now)  # 2002 notice 四: VENDOR_SUPPORT_OVERDUE
    codes = (
        rules.MISSING_FROM_FEED,
        rules.NOT_IN_SUMMARY,
        rules.FEED_LATE,
        rules.URGENT_OVERDUE,
        rules.CUSTOMS_UNACKED,
        rules.ACK_UNDELIVERED,
        rules.FEED_UNREACHABLE,
    )
    open_counts = dict(findings_db.open_counts(db, codes))
    return {"business_date": day.isoformat(), "open": {code: open_counts.get(code, 0) for code in codes}}


def check_deadlines(db: Database, config: Config, *, now: datetime) -> None:
    """The cheap clock-only checks (URGENT_OVERDUE, CUSTOMS_UNACKED, ACK_UNDELIVERED,
    FEED_UNREACHABLE): a 15-minute deadline needs checking far more often than the
    reconcile window runs, so the engine may call this after every window."""
    at = iso(now)
    minutes = lambda name: timedelta(minutes=float(config.settings[name]))  # noqa: E731
    with store.write(db):
        _urgent_overdue(db, now=now, deadline=minutes("urgent_deadline_minutes"), at=at)
        _customs_unacked(db, now=now, deadline=minutes("customs_unacked_minutes"), at=at)
        _ack_undelivered(db, now=now, grace=minutes("ack_grace_minutes"), at=at)
        _feed_unreachable(db, now=now, grace=minutes("feed_grace_minutes"), at=at)


def _summaries(db: Database, day: date, *, exact: bool, at: str) -> None:
    since = day if exact else day - timedelta(days=SUMMARY_LOOKBACK_DAYS)
    for issuer, business_date in feeds_db.summaries_between(db, since.isoformat(), day.isoformat()):
        check_summary(db, issuer, business_date, at=at)


def _feed_late(db: Database, config: Config, day: date, *, now: datetime, at: str) -> None:
    causes = []
    for issuer in config.issuers:
        cutoff = datetime.combine(day, time.fromisoformat(issuer.cutoff), tzinfo=SHANGHAI)
        has_daily = feeds_db.has_daily_batch(db, issuer.code, day.isoformat())
        causes += rules.feed_late(
            issuer=issuer.code, business_date=day.isoformat(), cutoff=cutoff, now=now, has_daily_batch=has_daily
        )
    findings.sync(db, rules.FEED_LATE, causes, at=at, scope={"period": day.isoformat()})


def _urgent_overdue(db: Database, *, now: datetime, deadline: timedelta, at: str) -> None:
    causes = []
    for licence_no, issuer, state, received_at in licences_db.urgent_unaccepted(db):
        causes += rules.urgent_overdue(
            licence_no=licence_no,
            issuer=issuer,
            urgent=True,
            state=state,
            received_at=parse_instant(received_at),
            now=now,
            deadline=deadline,
        )
    findings.sync(db, rules.URGENT_OVERDUE, causes, at=at)


def _customs_unacked(db: Database, *, now: datetime, deadline: timedelta, at: str) -> None:
    causes = []
    for licence_no, issuer, forwarded_at in licences_db.forwarded(db):
        causes += rules.customs_unacked(
            licence_no=licence_no,
            issuer=issuer,
            state="forwarded",
            forwarded_at=parse_instant(forwarded_at) if forwarded_at else None,
            now=now,
            deadline=deadline,
        )
    findings.sync(db, rules.CUSTOMS_UNACKED, causes, at=at)


def _ack_undelivered(db: Database, *, now: datetime, grace: timedelta, at: str) -> None:
    causes = []
    for batch_id, issuer, created_at in feeds_db.undelivered_acks(db):
        causes += rules.ack_undelivered(
            batch_id=batch_id,
            issuer=issuer,
            created_at=parse_instant(created_at),
            delivered_at=None,
            now=now,
            grace=grace,
        )
    findings.sync(db, rules.ACK_UNDELIVERED, causes, at=at)


def issuer_of_peer(peer: str) -> str | None:
    """peer_health names an issuer's feed "issuer AA" (config.Issuer.name), "issuer:AA" or "AA"."""
    match = _PEER_ISSUER.fullmatch(peer or "")
    return match.group(1) if match else None


def _feed_unreachable(db: Database, *, now: datetime, grace: timedelta, at: str) -> None:
    causes = []
    for peer, failing_since in feeds_db.failing_peers(db):
        issuer = issuer_of_peer(peer)
        if issuer:
            causes += rules.feed_unreachable(
                issuer=issuer, failing_since=parse_instant(failing_since), now=now, grace=grace
            )
    findings.sync(db, rules.FEED_UNREACHABLE, causes, at=at)
