"""The SQLite store: one file, WAL, every write in `BEGIN IMMEDIATE` (design.md: Store).

Schema changes live in `ediops/migrations/mNNN_name.py`, each with `apply(db)`; they run
in name order, once, recorded in `_migrations`."""
from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils

from ediops import migrations

BUSY_TIMEOUT_MS = 10_000


def default_path() -> Path:
    """`EDIOPS_DB`, else `$XDG_DATA_HOME/ediops/ediops.db` (~/.local/share/ediops/ediops.db)."""
    if os.environ.get("EDIOPS_DB"):
        return Path(os.environ["EDIOPS_DB"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "ediops" / "ediops.db"


def connect(path: str | os.PathLike | None = None, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open the store with the pragmas every connection needs, migrated to the current schema."""
    path = Path(path) if path else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    if migrate:
        apply_migrations(db)
    return db


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction taken with BEGIN IMMEDIATE, so readers-turned-writers never deadlock.

    Nested calls join the outer transaction. Never make a network call inside."""
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def data_version(db: sqlite_utils.Database) -> int:
    """Changes when another connection commits; desks poll it to know when to refresh."""
    return db.conn.execute("PRAGMA data_version").fetchone()[0]


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Run every migration not yet recorded, each in its own immediate transaction."""
    names = sorted(m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name.startswith("m"))
    done: list[str] = []
    with write(db):
        db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    applied = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    for name in names:
        if name in applied:
            continue
        module = importlib.import_module(f"{migrations.__name__}.{name}")
        with write(db):
            if db.execute("SELECT 1 FROM _migrations WHERE name = ?", [name]).fetchone():
                continue  # another process migrated meanwhile
            module.apply(db)
            db.execute("INSERT INTO _migrations VALUES (?, datetime('now'))", [name])
        done.append(name)
    return done


IN_CHUNK = 500  # values per `IN (...)`, well under SQLite's variable limit


def rows_in(db, sql: str, values: list) -> list[tuple]:
    """Rows of `sql` whose `IN ({})` takes `values`, run in chunks: one query per few
    hundred keys instead of one per key (the engine's batch paths)."""
    found: list[tuple] = []
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start:start + IN_CHUNK]
        found.extend(db.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall())
    return found


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dumps(value) -> str:
    """JSON for the store: keeps non-ASCII as is, so stored text is exactly what was received.
    One encoder for the process (json.dumps builds one per call: ingest dumps every record)."""
    return _ENCODER.encode(value)
