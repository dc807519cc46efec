"""One scheduler leader among all processes: a lease row in SQLite, taken and renewed
inside BEGIN IMMEDIATE, with an expiry and a rising token (docs/architecture.md: Processes).

The run ledger (`window_runs`) makes each (window, occurrence) run once: an occurrence is
claimed with INSERT ... ON CONFLICT in the transaction that checks the token, so a leader
that lost its lease cannot claim anything; a run cut off by its leader's death is marked
failed by the next leader and may be claimed once more.

Expiry is real time, never the business clock: it measures whether a process is alive, which
a replayed business clock (`--now`) says nothing about. It is judged on the machine's
monotonic clock where the lease was written on this boot, so NTP stepping the wall clock an
hour either way changes nothing (docs/faults.md); else on the wall clock."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ediops.errors import LeaseLost as LeaseLost  # raised here; defined low so peers can fence
from ediops.store import scheduling as scheduling_db, write

if TYPE_CHECKING:
    from ediops.store import Database

NAME = scheduling_db.LEASE  # the lease row's name, as the desk's fixtures and tools read it
TTL_SECONDS = 15.0


def _boot() -> str | None:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


BOOT = _boot()  # the monotonic clock is one per boot of the machine: a lease says which


def expiry(ttl: float) -> tuple[float, str | None, float]:
    """A lease's end `ttl` seconds from now: on the wall clock, and on this boot's monotonic clock."""
    return time.time() + ttl, BOOT, time.monotonic() + ttl


def remaining(row) -> float:
    """Seconds the lease `row` (store.scheduling.lease) has left: on the monotonic clock when it
    was written on this boot of this machine (a stepped wall clock changes nothing), else on
    the wall clock (another machine's lease, or one from before the upgrade)."""
    boot, mono_expires = (row[3], row[4]) if len(row) > 4 else (None, None)
    if BOOT is not None and boot == BOOT and mono_expires is not None:
        return mono_expires - time.monotonic()
    return row[2] - time.time()


def acquire(db: Database, holder: str, *, at: str, ttl: float = TTL_SECONDS, durable: bool = False) -> int | None:
    """Takes the lease when free or expired, renews it when ours. Returns our token, or None.
    `durable`: synced before it returns (the probe of a store that could not write: an fsync
    that fails is an I/O error however small the write)."""
    with write(db, durable=durable):
        row = scheduling_db.lease(db)
        if row is None:
            scheduling_db.first_lease(db, holder, expires=expiry(ttl), at=at)
            return 1
        current, token = row[0], row[1]
        live = remaining(row) > 0
        if current == holder and live:
            scheduling_db.renew_lease(db, expires=expiry(ttl), at=at)
            return token
        if not live:
            scheduling_db.take_lease(db, holder, token + 1, expires=expiry(ttl), at=at)
            return token + 1
        return None


def release(db: Database, holder: str, token: int) -> None:
    """Gives the lease up at once (clean shutdown), so another process can lead without waiting."""
    with write(db):
        scheduling_db.end_lease(db, holder, token)


def check(db: Database, holder: str, token: int) -> None:
    """Raises LeaseLost unless (holder, token) holds an unexpired lease. Call inside a write."""
    row = scheduling_db.lease(db)
    if row is None or row[0] != holder or row[1] != token or remaining(row) <= 0:
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
