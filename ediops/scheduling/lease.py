"""One scheduler leader among all processes: a lease row in SQLite, taken and renewed
inside BEGIN IMMEDIATE, with an expiry and a rising token (design.md: Processes).

The run ledger (`window_runs`) makes each (window, occurrence) run once: an occurrence is
claimed with INSERT ... ON CONFLICT DO NOTHING in the transaction that checks the token,
so a leader that lost its lease cannot claim anything.

Expiry is wall-clock time (time.time()): it measures whether a process is alive, which a
replayed business clock (`--now`) says nothing about."""

from __future__ import annotations

import time

from ediops.errors import EdiopsError
from ediops.store import write

NAME = "scheduler"
TTL_SECONDS = 15.0


class LeaseLost(EdiopsError):
    """This process no longer holds the lease it thought it held."""


def acquire(db, holder: str, *, at: str, ttl: float = TTL_SECONDS) -> int | None:
    """Takes the lease when free or expired, renews it when ours. Returns our token, or None."""
    wall = time.time()
    with write(db):
        row = db.execute("SELECT holder, token, expires_at FROM lease WHERE name = ?", [NAME]).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO lease (name, holder, token, expires_at, renewed_at) VALUES (?, ?, 1, ?, ?)",
                [NAME, holder, wall + ttl, at],
            )
            return 1
        current, token, expires_at = row
        if current == holder and expires_at > wall:
            db.execute("UPDATE lease SET expires_at = ?, renewed_at = ? WHERE name = ?", [wall + ttl, at, NAME])
            return token
        if expires_at <= wall:
            db.execute(
                "UPDATE lease SET holder = ?, token = ?, expires_at = ?, renewed_at = ? WHERE name = ?",
                [holder, token + 1, wall + ttl, at, NAME],
            )
            return token + 1
        return None


def release(db, holder: str, token: int) -> None:
    """Gives the lease up at once (clean shutdown), so another process can lead without waiting."""
    with write(db):
        db.execute("UPDATE lease SET expires_at = 0 WHERE name = ? AND holder = ? AND token = ?", [NAME, holder, token])


def check(db, holder: str, token: int) -> None:
    """Raises LeaseLost unless (holder, token) holds an unexpired lease. Call inside a write."""
    row = db.execute("SELECT holder, token, expires_at FROM lease WHERE name = ?", [NAME]).fetchone()
    if row is None or row[0] != holder or row[1] != token or row[2] <= time.time():
        raise LeaseLost(f"lease lost by {holder} (token {token})")


def held_by_other(db, holder: str | None = None) -> bool:
    """True when some other live process holds the lease."""
    row = db.execute("SELECT holder, expires_at FROM lease WHERE name = ?", [NAME]).fetchone()
    return bool(row and row[1] > time.time() and row[0] != holder)


def claim(db, window: str, occurrence: str, *, holder: str, token: int, at: str) -> bool:
    """Claims one occurrence of a window for this leader. False when it ran (or runs) already."""
    with write(db):
        check(db, holder, token)
        cursor = db.execute(
            "INSERT INTO window_runs (window, occurrence, token, holder, started_at, outcome) "
            "VALUES (?, ?, ?, ?, ?, 'running') ON CONFLICT (window, occurrence) DO NOTHING",
            [window, occurrence, token, holder, at],
        )
        return cursor.rowcount == 1


def finish(db, window: str, occurrence: str, *, outcome: str, detail: str | None, at: str) -> None:
    with write(db):
        db.execute(
            "UPDATE window_runs SET finished_at = ?, outcome = ?, detail = ? WHERE window = ? AND occurrence = ?",
            [at, outcome, detail, window, occurrence],
        )
