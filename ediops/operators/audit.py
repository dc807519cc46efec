"""Every operator action is audited: who (the OS user), when, what, why."""

from __future__ import annotations

import getpass
import os

from ediops.store import dumps


def current_actor() -> str:
    """The OS user running this process (over SSH: the login)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def record(
    db, action: str, subject: str | None, *, at: str, actor: str | None = None, reason: str | None = None, detail=None
) -> int:
    """Appends one audit row; call inside the write transaction of the action itself."""
    cursor = db.execute(
        "INSERT INTO audit (at, actor, action, subject, reason, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [at, actor or current_actor(), action, subject, reason, None if detail is None else dumps(detail)],
    )
    return cursor.lastrowid
