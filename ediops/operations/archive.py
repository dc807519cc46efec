"""Years of data (docs/retention.md): `ediops archive` and the monthly `archive` window move
every licence past retention, with every row that belongs to it, into `archive-YYYY.db`
beside the store, so the store of year five holds what the store of year one held.

Each chunk is copied into its year's file (replacing any earlier copy of the same
licences), read back and hashed, and only then deleted from the store in one short write
that checks again, under the lock, that each licence may still move and still hashes as the
archive holds it. A run killed at any point loses nothing and doubles nothing: the next run
copies again what was not yet deleted, and drops from the archive what must stay."""

from __future__ import annotations

import fcntl
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from ediops.i18n import _
from ediops import store
from ediops.clock import iso
from ediops.errors import EdiopsError
from ediops.operators import audit
from ediops.operators.roles import operator_action
from ediops.store import licences as licences_db, maintenance

if TYPE_CHECKING:
    from ediops.store import Database

AFTER_DAYS = 1095  # settings: archive_after_days (customs keeps documents three years after release)
KEPT = tuple(licences_db.KEPT)  # why a licence past retention stays: on hold, an open finding or ticket...
CHUNK = 50  # settings: archive_chunk (licences per write: the longest lock a desk waits behind)


def cutoff(settings: dict, today: date) -> str:
    """The day on or before which a licence's later of valid_to and last write-off must fall."""
    return (today - timedelta(days=int(settings.get("archive_after_days", AFTER_DAYS)))).isoformat()


def plan(db: Database, settings: dict, *, now: datetime) -> dict:
    """What a run would move now, per year of issue, and why the rest past retention stays."""
    cut = cutoff(settings, now.date())
    return {"cutoff": cut, "years": licences_db.retention_overview(db, cut)}


@contextmanager
def _alone(db_path: Path) -> Iterator[None]:
    """One run at a time per store (a manual run beside the window's): an exclusive lock on a
    file beside the store, released by the kernel when the process ends, however it ends."""
    with open(Path(db_path).parent / f".{Path(db_path).name}.archive-lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise EdiopsError(_("another `ediops archive` is running on this store")) from None
        yield


@contextmanager
def _checkpoints_between(db: Database) -> Iterator[None]:
    maintenance.checkpoints_between(db, True)
    try:
        yield
    finally:
        maintenance.checkpoints_between(db, False)


@operator_action("archive")
def archive(db: Database, db_path: Path, settings: dict, *, actor: str, now: datetime) -> dict:
    """`ediops archive`: a supervisor's run (the window calls `run`, on the engine's account)."""
    return run(db, db_path, settings, actor=actor, now=now)


def run(db: Database, db_path: Path, settings: dict, *, actor: str, now: datetime) -> dict:
    """Moves every licence that may move now. Returns {cutoff, years: {archive file: {licences,
    rows per table}}, chunks, longest_lock_ms, dropped}; each chunk is audited in its own write."""
    cut, at = cutoff(settings, now.date()), iso(now)
    size = int(settings.get("archive_chunk", CHUNK))
    result: dict = {"cutoff": cut, "years": {}, "chunks": 0, "longest_lock_ms": 0.0, "dropped": 0}
    with _alone(db_path), _checkpoints_between(db):
        for path in store.archive_files(db_path):  # copies a stopped run left of licences that must stay
            both = licences_db.in_store_too(db, path)
            stay = sorted(set(both) - set(licences_db.movable_of(db, both, cut)))
            if stay:
                maintenance.drop_from_archive(path, stay)
                result["dropped"] += len(stay)
        after = ""
        while page := licences_db.movable_after(db, cut, after, size):
            after = page[-1][0]
            years: dict[str, list[str]] = {}
            for number, year in page:
                years.setdefault(year, []).append(number)
            for year, numbers in years.items():
                _chunk(db, Path(db_path).parent / f"archive-{year}.db", numbers, cut, at, actor, result)
        moved = sum(y["licences"] for y in result["years"].values())
        with store.write(db):
            audit.record(db, "store.archive", f"cutoff:{cut}", at=at, actor=actor, detail={**result, "licences": moved})
    return result


def _chunk(db: Database, path: Path, numbers: list[str], cut: str, at: str, actor: str, result: dict) -> None:
    """One chunk of one year: copied, read back, then deleted from the store in one write."""
    maintenance.copy_to_archive(db, path, numbers)
    held = maintenance.archive_digests(db, path, numbers)
    with store.write(db):
        started = time.perf_counter()
        moved, deleted = maintenance.remove_archived(db, numbers, cutoff=cut, held=held)
        if moved:
            detail = {"licences": len(moved), "first": moved[0], "last": moved[-1], "rows": deleted}
            audit.record(db, "store.archive-chunk", f"file:{path.name}", at=at, actor=actor, detail=detail)
    lock_ms = (time.perf_counter() - started) * 1000
    maintenance.checkpoint(db)
    result["chunks"] += 1
    result["longest_lock_ms"] = max(result["longest_lock_ms"], round(lock_ms, 1))
    stay = sorted(licences_db.stored_hashes(db, sorted(set(numbers) - set(moved))))
    if stay:  # changed meanwhile, or no longer movable: the archive must not keep a stale copy
        maintenance.drop_from_archive(path, stay)
        result["dropped"] += len(stay)
    year = result["years"].setdefault(path.name, {"licences": 0, "rows": {}})
    year["licences"] += len(moved)
    for table, n in deleted.items():
        year["rows"][table] = year["rows"].get(table, 0) + n
