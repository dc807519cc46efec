"""The store's upkeep (contract §14): consistent backups while others write, and the checks
`ediops check` runs. The SQL of operating the store lives here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import os
import sqlite3
from pathlib import Path

from ediops import store
from ediops.errors import EdiopsError

if TYPE_CHECKING:
    from ediops.store import Database


def database_path(db: Database) -> Path:
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
        raise EdiopsError(f"{dest} already exists: a backup never replaces a file")
    if not dest.parent.is_dir():
        raise EdiopsError(f"{dest.parent} is not a directory")
    if not source.is_file():
        raise EdiopsError(f"no data file at {source}")
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    conn = store.connect_reader(source)
    try:
        conn.execute("VACUUM INTO ?", [str(partial)])
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise EdiopsError(f"backup of {source} failed: {exc}") from None
    finally:
        conn.close()
    try:
        problems = integrity_problems(partial)
        if problems:
            raise EdiopsError(f"backup of {source} failed its integrity check: {problems[0]}")
        _fsync(partial)
        if dest.exists():  # made meanwhile by someone else: still never replaced
            raise EdiopsError(f"{dest} already exists: a backup never replaces a file")
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
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
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
    """Everything `ediops check` reports; [] when the store is sound and current."""
    path = Path(path)
    if not path.is_file():
        return [f"no data file at {path}"]
    with open(path, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            return [f"{path} is not an SQLite database"]
    problems = integrity_problems(path)
    if any(p.startswith(str(path)) for p in problems):  # unreadable: nothing more to say
        return problems
    return problems + schema_problems(path)
