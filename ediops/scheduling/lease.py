"""One scheduler leader among all processes: a lease row in SQLite, taken and renewed
inside BEGIN IMMEDIATE, with an expiry and a rising token (docs/architecture.md: Processes).

The run ledger (`window_runs`) makes each (window, occurrence) run once: an occurrence is
claimed with INSERT ... ON CONFLICT in the transaction that checks the token, so a leader
that lost its lease cannot claim anything; a run cut off by its leader's death is marked
failed by the next leader and may be claimed once more.

Expiry is wall-clock time (time.time()): it measures whether a process is alive, which a
replayed business clock (`--now`) says nothing about."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ediops.errors import LeaseLost as LeaseLost  # raised here; defined low so peers can fence
from ediops.store import scheduling as scheduling_db, write

if TYPE_CHECKING:
    from ediops.store import Database

NAME = scheduling_db.LEASE  # the lease row's name, as the desk's fixtures and tools read it
TTL_SECONDS = 15.0


def acquire(db: Database, holder: str, *, at: str, ttl: float = TTL_SECONDS, durable: bool = False) -> int | None:
    """Takes the lease when free or expired, renews it when ours. Returns our token, or None.
    `durable`: synced before it returns (the probe of a store that could not write: an fsync
    that fails is an I/O error however small the write)."""
    wall = time.time()
    with write(db, durable=durable):
        row = scheduling_db.lease(db)
        if row is None:
            scheduling_db.first_lease(db, holder, expires_at=wall + ttl, at=at)
            return 1
        current, token, expires_at = row
        if current == holder and expires_at > wall:
            scheduling_db.renew_lease(db, expires_at=wall + ttl, at=at)
            return token
        if expires_at <= wall:
            scheduling_db.take_lease(db, holder, token + 1, expires_at=wall + ttl, at=at)
            return token + 1
        return None


def release(db: Database, holder: str, token: int) -> None:
    """Gives the lease up at once (clean shutdown), so another process can lead without waiting."""
    with write(db):
        scheduling_db.end_lease(db, holder, token)


def check(db: Database, holder: str, token: int) -> None:
    """Raises LeaseLost unless (holder, token) holds an unexpired lease. Call inside a write."""
    row = scheduling_db.lease(db)
    if row is None or row[0] != holder or row[1] != token or row[2] <= time.time():
        raise LeaseLost(f"lease lost by {holder} (token {token})")


def fence(db: Database, holder: str, token: int | None) -> None:
    """Raises LeaseLost unless (holder, token) holds the lease now: called right before every
    outside effect (a POST, a page stored, the urgent path), so a leader that was frozen past
    its lease and resumes sends nothing before it knows it still leads (docs/faults.md)."""
    if token is None:
        raise LeaseLost(f"{holder} holds no lease")
    check(db, holder, token)


def claim(db: Database, window: str, occurrence: str, *, holder: str, token: int, at: str) -> bool:
    """Claims one occurrence of a window for this leader. False when it ran (or runs) already;
    an occurrence whose run was interrupted (its leader died) may be claimed once more."""
    with write(db):
        check(db, holder, token)
        return scheduling_db.claim_run(db, window, occurrence, token=token, holder=holder, at=at)


def fail_interrupted(db: Database, *, token: int, at: str) -> list[tuple[str, str, str]]:
    """On taking the lease: every run still `running` under an older token lost its leader
    mid-way; it is marked failed (and so may run again). Returns (window, occurrence, holder)."""
    with write(db):
        return scheduling_db.fail_interrupted_runs(db, token=token, at=at)


def finish(db: Database, window: str, occurrence: str, *, outcome: str, detail: str | None, at: str) -> None:
    with write(db):
        scheduling_db.finish_run(db, window, occurrence, outcome=outcome, detail=detail, at=at)
