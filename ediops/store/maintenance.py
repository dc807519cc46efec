"""The store's upkeep (docs/operations.md): consistent backups while others write, and the checks
`ediops check` runs. The SQL of operating the store lives here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import hashlib
import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from ediops.i18n import _
from ediops import store
from ediops.clock import SHANGHAI
from ediops.errors import EdiopsError
from ediops.store import licences
from ediops.store.licences import IN_NUMBERS as _IN

if TYPE_CHECKING:
    from ediops.store import Database, Queryable


def database_path(db: Queryable) -> Path:
    """The file a connection (sqlite3 or sqlite-utils) has open."""
    return Path(getattr(db, "conn", db).execute("PRAGMA database_list").fetchone()[2])


def backup(source: Path, dest: Path) -> Path:
    """A copy of the store at `source` as of one instant, at `dest` (which must not exist).

    `VACUUM INTO` reads the whole store inside one read transaction, so the copy is one
    snapshot while desks and the daemon go on writing (WAL readers never block writers). It is
    written under a temporary name, checked with integrity_check, synced, and only then
    renamed, so `dest` is either absent or a complete, sound copy. Nothing of `source`
    changes."""
    source, dest = Path(source), Path(dest)
    if dest.exists() or dest.is_symlink():
        raise EdiopsError(_("{dest} already exists: a backup never replaces a file").format(dest=dest))
    if not dest.parent.is_dir():
        raise EdiopsError(_("{parent} is not a directory").format(parent=dest.parent))
    if not source.is_file():
        raise EdiopsError(_("no data file at {source}").format(source=source))
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    conn = store.connect_reader(source)
    try:
        conn.execute("VACUUM INTO ?", [str(partial)])
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise EdiopsError(_("backup of {source} failed: {exc}").format(source=source, exc=exc)) from None
    finally:
        conn.close()
    try:
        problems = integrity_problems(partial)
        if problems:
            raise EdiopsError(
                _("backup of {source} failed its integrity check: {value}").format(source=source, value=problems[0])
            )
        _fsync(partial)
        if dest.exists():  # made meanwhile by someone else: still never replaced
            raise EdiopsError(_("{dest} already exists: a backup never replaces a file").format(dest=dest))
        partial.rename(dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync(dest.parent)
    return dest


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def integrity_problems(path: Path) -> list[str]:
    """`PRAGMA integrity_check` and `foreign_key_check` of the file at `path`: [] when sound."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [f"cannot open {path}: {exc}"]
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        problems = [] if rows == ["ok"] else [f"integrity_check: {len(rows)} problem(s), the first: {rows[0]}"]
        orphans: dict[tuple[str, str], list[int]] = {}
        for table, rowid, parent, _fkid in conn.execute("PRAGMA foreign_key_check"):
            orphans.setdefault((table, parent), []).append(rowid)
        for (table, parent), rowids in orphans.items():
            problems.append(
                f"foreign_key_check: {len(rowids)} row(s) of {table} refer to missing {parent} rows "
                f"(rowid {', '.join(map(str, rowids[:5]))}{', ...' if len(rowids) > 5 else ''})"
            )
        return problems
    except sqlite3.DatabaseError as exc:
        return [f"{path}: damaged: {exc}"]
    finally:
        conn.close()


def schema_problems(path: Path) -> list[str]:
    """Migrations this program has that the store lacks, and the other way round."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        applied = {r[0] for r in conn.execute("SELECT name FROM _migrations")}
    except sqlite3.DatabaseError as exc:
        return [f"schema: no migration record ({exc})"]
    finally:
        conn.close()
    problems = [f"schema: migration {name} not applied" for name in store.migration_names() if name not in applied]
    problems += [
        f"schema: migration {name} is unknown to this ediops (the store is newer than the program)"
        for name in store.unknown_migrations(applied)
    ]
    return problems


def check(path: Path) -> list[str]:
    """Everything `ediops check` reports; [] when the store and its archives are sound and current."""
    path = Path(path)
    if not path.is_file():
        return [f"no data file at {path}"]
    with open(path, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            return [f"{path} is not an SQLite database"]
    problems = integrity_problems(path)
    if any(p.startswith(str(path)) for p in problems):  # unreadable: nothing more to say
        return problems
    return problems + schema_problems(path) + archive_problems(path)


def archive_problems(path: Path) -> list[str]:
    """Each archive file's integrity, and licences held both there and in the store (a run of
    `ediops archive` was stopped between copying and deleting: the next run finishes it)."""
    problems = []
    for archive in store.archive_files(path):
        found = integrity_problems(archive)
        problems += [f"{archive.name}: {p}" if not p.startswith(str(archive)) else p for p in found]
        if not found:
            conn = store.connect_reader(path)
            try:
                both = licences.in_store_too(conn, archive)
            finally:
                conn.close()
            if both:
                problems.append(
                    f"{archive.name}: {len(both)} licence(s) also in the store (e.g. {both[0]}): "
                    "an archive run was stopped; run `ediops archive` again"
                )
    return problems


def backup_archives(store_path: Path, folder: Path, prefix: str, *, replace: bool) -> list[Path]:
    """Copies of the archive files into `folder` as `<prefix>archive-YYYY.db`. `replace`: an
    older copy is replaced when the archive was written since (the daily window keeps one
    current copy of each); otherwise an existing file is refused, as for the store."""
    written = []
    for archive in store.archive_files(store_path):
        dest = Path(folder) / f"{prefix}{archive.name}"
        if replace and dest.exists():
            if licences.generation(dest) == licences.generation(archive):
                continue
            fresh = backup(archive, dest.with_name(f".{dest.name}.new-{os.getpid()}"))
            os.replace(fresh, dest)
            _fsync(dest.parent)
        else:
            backup(archive, dest)
        written.append(dest)
    return written


# -- the archive: licences past retention, one file per year beside the store (docs/retention.md)

# The rows that belong to a licence, children first (the order they are deleted in): the
# table, the expression naming the licence of a row `x`, and the rows' FROM clause.
_OWNED = {
    "ticket_notes": ("t.licence_no", "ticket_notes x JOIN tickets t ON t.id = x.ticket_id"),
    "tickets": ("x.licence_no", "tickets x"),
    "findings": ("x.licence_no", "findings x"),
    "resend_items": ("x.licence_no", "resend_items x"),
    "forward_items": ("x.licence_no", "forward_items x"),
    "writeoffs": ("x.licence_no", "writeoffs x"),
    "releases": ("x.licence_no", "releases x"),
    "licence_events": ("x.licence_no", "licence_events x"),
    "licences": ("x.licence_no", "licences x"),
}
# Whole transmissions (a forward of up to 500 licences, a resend request): copied beside the
# items that name them, so the archive answers alone; they stay in the store too.
_HEADERS = {
    "forwards": "SELECT idempotency_key FROM forward_items WHERE licence_no IN {in}",
    "resends": "SELECT r.idempotency_key FROM resends r JOIN resend_items i ON i.resend_id = r.id "
    "WHERE i.licence_no IN {in}",
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({_q(table)})")]


def _conn(db: Database | sqlite3.Connection) -> sqlite3.Connection:
    return db if isinstance(db, sqlite3.Connection) else db.conn


def _owned(conn: sqlite3.Connection, numbers: list[str], columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Per table, the rows of `numbers`, each as (licence_no, *the store's columns)."""
    found = {}
    for table, (of, source) in _OWNED.items():
        cols = ", ".join(f"x.{_q(c)}" for c in columns[table])
        found[table] = conn.execute(
            f"SELECT {of}, {cols} FROM {source} WHERE {of} IN {_IN}", {"numbers": json.dumps(numbers)}
        ).fetchall()
    return found


def _digests(owned: dict[str, list[tuple]]) -> dict[str, str]:
    """licence_no -> a hash of every row it owns (table, values and their types)."""
    per: dict[str, list[str]] = {}
    for table, found in owned.items():
        for row in found:
            per.setdefault(row[0], []).append(repr((table, *row[1:])))
    return {n: hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest() for n, lines in per.items()}


def _delete_owned(conn: sqlite3.Connection, numbers: list[str]) -> dict[str, int]:
    counts = {}
    for table, (of, source) in _OWNED.items():
        counts[table] = conn.execute(
            f"DELETE FROM {table} WHERE rowid IN (SELECT x.rowid FROM {source} WHERE {of} IN {_IN})",
            {"numbers": json.dumps(numbers)},
        ).rowcount
    return counts


def _schema(db: Database) -> dict[str, list[str]]:
    return {t: _columns(_conn(db), t) for t in (*_OWNED, *_HEADERS)}


def _open_archive(path: Path, columns: dict[str, list[str]] | None = None) -> sqlite3.Connection:
    """An archive file for writing (the store's file mode, synced at each commit, one file
    without -wal: a backup copies it alone); its tables take the store's columns. A new file
    is made under another name and renamed once its tables are in it: a run killed meanwhile
    leaves no archive-YYYY.db without them."""
    if not path.exists():
        fresh = path.with_name(f".{path.name}.new")
        fresh.unlink(missing_ok=True)
        store._create(fresh, store.FILE_MODE)
        _archive_schema(fresh, columns or {}).close()
        _fsync(fresh)
        os.replace(fresh, path)
        _fsync(path.parent)
    return _archive_schema(path, columns or {})


def _archive_schema(path: Path, columns: dict[str, list[str]]) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=store.BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    for table, cols in columns.items():
        conn.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(map(_q, cols))})")
        for col in [c for c in cols if c not in _columns(conn, table)]:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {_q(col)}")
        key = {"ticket_notes": "ticket_id", "tickets": "id", "resends": "id"}.get(table, "licence_no")
        if table in _HEADERS:
            conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {table}_key ON {table}(idempotency_key)")
        if key in cols:
            conn.execute(f"CREATE INDEX IF NOT EXISTS {table}_{key} ON {table}({key})")
    conn.execute("CREATE TABLE IF NOT EXISTS archive_info (key TEXT PRIMARY KEY, value)")
    return conn


def copy_to_archive(db: Database, path: Path, numbers: list[str]) -> dict[str, int]:
    """Every row of `numbers` into the archive at `path`, replacing any earlier copy of them
    (a run stopped between copy and delete copies again: never twice), committed to disk."""
    columns = _schema(db)
    owned = _owned(_conn(db), numbers, columns)
    headers = {
        t: _conn(db)
        .execute(
            f"SELECT {', '.join(map(_q, columns[t]))} FROM {t} WHERE idempotency_key IN ({sql.format(**{'in': _IN})})",
            {"numbers": json.dumps(numbers)},
        )
        .fetchall()
        for t, sql in _HEADERS.items()
    }
    conn = _open_archive(path, columns)
    try:
        conn.execute("BEGIN IMMEDIATE")
        _delete_owned(conn, numbers)
        for table in reversed(_OWNED):
            marks = ", ".join("?" * len(columns[table]))
            conn.executemany(
                f"INSERT INTO {table} ({', '.join(map(_q, columns[table]))}) VALUES ({marks})",
                [row[1:] for row in owned[table]],
            )
        for table, found in headers.items():
            marks = ", ".join("?" * len(columns[table]))
            conn.executemany(
                f"INSERT OR REPLACE INTO {table} ({', '.join(map(_q, columns[table]))}) VALUES ({marks})", found
            )
        conn.execute(
            "INSERT INTO archive_info VALUES ('generation', 1) ON CONFLICT(key) DO UPDATE SET value = value + 1"
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return {t: len(found) for t, found in owned.items()}


def archive_digests(db: Database, path: Path, numbers: list[str]) -> dict[str, str]:
    """What the archive holds of `numbers`, as `_digests`, read back from the file."""
    conn = store.archive_reader(path)
    try:
        return _digests(_owned(conn, numbers, _schema(db)))
    finally:
        conn.close()


def remove_archived(
    db: Database, numbers: list[str], *, cutoff: str, held: dict[str, str]
) -> tuple[list[str], dict[str, int]]:
    """Inside the caller's write: deletes those of `numbers` that may still move and whose rows
    hash as the archive holds them (`held`). Returns (moved, rows deleted per table)."""
    conn = _conn(db)
    still = licences.movable_of(db, numbers, cutoff)
    live = _digests(_owned(conn, still, _schema(db)))
    moved = [n for n in still if live.get(n) is not None and live[n] == held.get(n)]
    return moved, _delete_owned(conn, moved) if moved else {}


def checkpoints_between(db: Database, between: bool) -> None:
    """`between`: the WAL is checkpointed by `checkpoint` between chunks, not by the commit that
    fills it (the commit then returns once the lock is released: the lock time is measured true)."""
    db.conn.execute(f"PRAGMA wal_autocheckpoint = {0 if between else 1000}")


def checkpoint(db: Database) -> None:
    """A passive checkpoint: copies what it can of the WAL into the store, blocking no one."""
    db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def drop_from_archive(path: Path, numbers: list[str]) -> None:
    """Removes an earlier copy of `numbers` from the archive (they stay in the store)."""
    if not path.exists():
        return
    conn = _open_archive(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        _delete_owned(conn, numbers)
        conn.execute("COMMIT")
    finally:
        conn.close()


# Tables whose newest row (by rowid) or only row carries the newest instant a transaction wrote:
# the lease is renewed every few seconds while a daemon leads; the rest cover commands run
# without one. Each read is one row, whatever the size of the store.
_NEWEST = (
    "SELECT max(renewed_at) FROM lease",
    "SELECT max(updated_at) FROM cursors",
    "SELECT at FROM audit ORDER BY rowid DESC LIMIT 1",
    "SELECT at FROM licence_events ORDER BY rowid DESC LIMIT 1",
    "SELECT coalesce(finished_at, started_at) FROM window_runs ORDER BY rowid DESC LIMIT 1",
    "SELECT created_at FROM acks ORDER BY rowid DESC LIMIT 1",
)
_MADE = "SELECT max(applied_at) FROM _migrations"  # a store nothing has written to yet


def last_instant(path: Path) -> str:
    """The newest instant the store at `path` records (ISO 8601 with its offset): what
    `ediops restore` says its last transaction was."""
    conn = store.connect_reader(path)
    try:
        found = [row[0] for sql in _NEWEST for row in conn.execute(sql) if row[0]]
        found = found or [row[0] for row in conn.execute(_MADE) if row[0]]
    finally:
        conn.close()
    if not found:
        raise EdiopsError(f"{path} records no instant at all: an empty store")
    instants = [datetime.fromisoformat(text) for text in found]
    newest = max(i if i.tzinfo else i.replace(tzinfo=timezone.utc) for i in instants)
    return newest.astimezone(SHANGHAI).isoformat()
