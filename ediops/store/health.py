"""Whether the store can write, and why not (docs/faults.md): a full disk, a read-only file
system or an I/O error is told apart from a busy store, named in one line, and after an I/O
error the connection is reopened (SQLite: after a failed fsync the file's state is unknown
to the connection, so its transaction is treated as failed and the connection replaced)."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

ROOM_BYTES = 256 * 1024  # free space below this is a full disk still: the next page would not fit
_CAUSES = (  # SQLite's (extended) result code names, and what they mean for the operator
    ("SQLITE_FULL", "the disk is full"),
    ("SQLITE_READONLY", "the file system is read-only"),
    ("SQLITE_IOERR", "an I/O error"),
    ("SQLITE_CANTOPEN", "the file cannot be opened"),
)
_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EIO: "an I/O error",
}


def unwritable(exc: BaseException) -> str | None:
    """The cause when `exc` says the store cannot write (not merely busy), else None."""
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        for prefix, cause in _CAUSES:
            if name.startswith(prefix):
                return f"{cause} ({name})"
        text = str(exc)
        if "disk is full" in text or "disk I/O error" in text or "readonly" in text:
            return text
        return None
    if isinstance(exc, OSError) and exc.errno in _ERRNOS:
        return f"{_ERRNOS[exc.errno]} ({exc.strerror})"
    return None


def io_error(exc: BaseException) -> bool:
    """An I/O error: the connection that met it must be closed and opened again."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith("SQLITE_IOERR") or "disk I/O error" in str(exc)


def room(path: str | os.PathLike) -> str | None:
    """Why the file system holding `path` cannot take a write now (read-only, full), or None."""
    try:
        stat = os.statvfs(Path(path).parent)
    except OSError as exc:
        return f"its directory cannot be read ({exc.strerror})"
    if stat.f_flag & os.ST_RDONLY:
        return "the file system is read-only"
    if stat.f_bavail * stat.f_frsize < ROOM_BYTES:
        return "the disk is full"
    return None
