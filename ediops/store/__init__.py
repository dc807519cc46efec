"""The SQLite store: one file, WAL, every write in `BEGIN IMMEDIATE` (docs/architecture.md: Store).

Schema changes live in `ediops/migrations/mNNN_name.py`, each with `apply(db)`; they run
in name order, once, recorded in `_migrations`."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sqlite3
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence, TypeAlias

from ediops.errors import EdiopsError
from ediops.store import health, migrations
from ediops.text import dumps as dumps  # the store's JSON, defined with the other text helpers

if TYPE_CHECKING:
    import sqlite_utils

    # The typed `db` every module takes: sqlite-utils for schema, migrations and ordinary work.
    Database: TypeAlias = sqlite_utils.Database
    # What a read-only query accepts: the sqlite-utils database or the desk's plain reader.
    Queryable: TypeAlias = sqlite_utils.Database | sqlite3.Connection

BUSY_TIMEOUT_MS = 10_000
# Every commit is atomic and survives a crash of the process; under WAL with NORMAL it may
# roll back after a power loss. A commit that an outside effect follows (an ack POSTed, a
# forward, a relay, a notification) is made with DURABLE: the WAL is synced before COMMIT
# returns, and with it every commit before it (docs/operations.md; bench/NOTES.md: durability).
SYNCHRONOUS = "NORMAL"
DURABLE = "FULL"
FILE_MODE = 0o660  # group-writable for the desks' group, never world-readable (settings: data_file_mode)


def default_path() -> Path:
    """`EDIOPS_DB`, else `$XDG_DATA_HOME/ediops/ediops.db` (~/.local/share/ediops/ediops.db)."""
    if os.environ.get("EDIOPS_DB"):
        return Path(os.environ["EDIOPS_DB"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "ediops" / "ediops.db"


def connect(path: str | os.PathLike | None = None, *, migrate: bool = True, mode: int | None = None) -> Database:
    """Open the store with the pragmas every connection needs, migrated to the current schema.
    A new file is created with `mode` (settings: data_file_mode), whatever the umask."""
    import sqlite_utils  # here, not at import: 45 ms the desk's start does without (bench/NOTES.md)

    path = Path(path) if path else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    _create(path, FILE_MODE if mode is None else mode)
    conn = _open(path)
    _use_wal(conn)
    db = sqlite_utils.Database(conn)
    if migrate:
        apply_migrations(db)
    return db


def _create(path: Path, mode: int) -> None:
    """Creates a missing data file with exactly `mode`: SQLite would use 0644 less the umask,
    and gives the -wal and -shm files the data file's mode, so this decides all three. In a
    setgid directory (docs/ssh.md) the group is the directory's, so every desk can write."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def _use_wal(conn: sqlite3.Connection) -> None:
    """WAL is kept in the file, so only a new file needs the switch. Two processes opening a
    new file at once (two daemons starting) can get "database is locked" from the switch
    itself, which SQLite does not retry through busy_timeout: retry it here, within that time."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def connect_reader(path: str | os.PathLike) -> sqlite3.Connection:
    """A plain sqlite3 connection with the same pragmas, for queries that need only `execute`
    (the desk's home screen): no sqlite-utils to import. The store must exist and be migrated."""
    return _open(Path(path))


ARCHIVE_NAME = re.compile(r"^archive-(\d{4})\.db$")  # docs/retention.md: one file per year of issue


def archive_files(store_path: Path) -> list[Path]:
    """The archive files beside the store, newest year first (none for a store in memory)."""
    if not str(store_path):
        return []
    folder = Path(store_path).parent
    return sorted((p for p in folder.glob("archive-*.db") if ARCHIVE_NAME.match(p.name)), reverse=True)


def archive_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection to an archive file (lookups never change it). A journal left by
    an archive run killed mid-write is rolled back first, as any writer would on opening."""
    if Path(f"{path}-journal").exists():
        recover = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            recover.execute("SELECT count(*) FROM sqlite_master")
        finally:
            recover.close()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def migration_names() -> list[str]:
    """Every migration this program knows, in the order they run."""
    return sorted(m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name.startswith("m"))


def is_migrated(path: str | os.PathLike) -> bool:
    """True when the store exists and has exactly this program's migrations, read without
    sqlite-utils (the desk checks this before it opens, and migrates only when needed; a store
    newer than the program is then refused by `apply_migrations`)."""
    path = Path(path)
    if not path.exists():
        return False
    conn = _open(path)
    try:
        applied = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
    except sqlite3.OperationalError:  # no _migrations table yet
        return False
    finally:
        conn.close()
    return applied == set(migration_names())


class NewerStore(EdiopsError):
    """The store records migrations this program does not have: a newer ediops wrote it."""


def unknown_migrations(applied: Iterable[str]) -> list[str]:
    return sorted(set(applied) - set(migration_names()))


@contextmanager
def write(db: Database, *, durable: bool = False) -> Iterator[Database]:
    """One write transaction taken with BEGIN IMMEDIATE, so readers-turned-writers never deadlock.

    Nested calls join the outer transaction. Never make a network call inside. `durable`: the
    commit is on disk when this returns (say it for the write an outside effect follows); it
    must be the outer transaction (a change of `synchronous` inside one is not reliably applied)."""
    if db.conn.in_transaction:
        if durable:
            raise RuntimeError("a durable write cannot join another transaction: make the outer one durable")
        yield db
        return
    try:
        if getattr(db, "_ediops_reopen", False):
            _reopen(db)
        if durable:
            db.conn.execute(f"PRAGMA synchronous = {DURABLE}")
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.conn.execute("COMMIT")
        except BaseException:
            _roll_back(db)
            raise
    except sqlite3.Error as exc:
        if health.io_error(exc):
            _reopen(db)
        raise
    finally:
        if durable:
            with suppress(sqlite3.Error):
                db.conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")


def _roll_back(db: Database) -> None:
    """After a failed statement or COMMIT (a full disk, an I/O error) SQLite may have rolled the
    transaction back itself; else it is rolled back here. Either way nothing of it stays."""
    if db.conn.in_transaction:
        with suppress(sqlite3.Error):
            db.conn.execute("ROLLBACK")


def _reopen(db: Database) -> None:
    """An I/O error: the connection is replaced by a new one on the same file (docs/faults.md:
    after a failed fsync SQLite cannot tell what reached the disk; the next transaction starts
    clean). When the new one cannot be opened yet, the old one stays for reading and the next
    write tries again before it begins."""
    path = getattr(db, "_ediops_path", None)
    if path is None:
        try:
            path = db.conn.execute("PRAGMA database_list").fetchone()[2]
        except sqlite3.Error:
            return  # the connection cannot even say its file: the next write fails and tries again
        setattr(db, "_ediops_path", path)
    setattr(db, "_ediops_reopen", True)
    fresh = _open(Path(path))  # raises while the file cannot be opened: the write fails again
    old, db.conn = db.conn, fresh
    setattr(db, "_ediops_reopen", False)
    with suppress(sqlite3.Error):
        old.close()


@contextmanager
def savepoint(db: Database, name: str = "part") -> Iterator[Database]:
    """A part of the current write that fails alone: rolled back to its start on any error,
    which is re-raised; the rest of the transaction stands."""
    db.conn.execute(f"SAVEPOINT {name}")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:  # else SQLite rolled the whole transaction back (a full disk, an I/O error)
            db.conn.execute(f"ROLLBACK TO {name}")
            db.conn.execute(f"RELEASE {name}")
        raise
    else:
        db.conn.execute(f"RELEASE {name}")


def data_version(db: Queryable) -> int:
    """Changes when another connection commits; desks poll it to know when to refresh."""
    return getattr(db, "conn", db).execute("PRAGMA data_version").fetchone()[0]


def apply_migrations(db: Database) -> list[str]:
    """Run every migration not yet recorded, each in its own immediate transaction. A store
    that records a migration this program does not know was written by a newer ediops: it is
    refused, untouched, rather than run by code that does not know its schema."""
    names = migration_names()
    done: list[str] = []
    with write(db):
        db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    applied = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    if newer := unknown_migrations(applied):
        path = db.execute("PRAGMA database_list").fetchone()[2]
        raise NewerStore(
            f"data file {path} was written by a newer ediops (schema migrations unknown to this one: "
            f"{', '.join(newer)}); install that version or later, or restore a backup made by this one"
        )
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


def dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """The one row helper: each row of a cursor as a dict keyed by column name."""
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def rows(db: Queryable, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """`sql` run with `args`, each row as a dict."""
    return dicts(db.execute(sql, list(args)))


def rows_in(db: Queryable, sql: str, values: Sequence[Any]) -> list[tuple]:
    """Rows of `sql` whose `IN ({})` takes `values`, run in chunks: one query per few
    hundred keys instead of one per key (the engine's batch paths)."""
    found: list[tuple] = []
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start : start + IN_CHUNK]
        found.extend(db.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall())
    return found
