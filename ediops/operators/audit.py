"""Every operator action is audited: who (the OS user), when, what, why."""

from __future__ import annotations

import getpass
import os
from typing import TYPE_CHECKING

from ediops.store import audit as audit_db
from ediops.text import dumps

if TYPE_CHECKING:
    from ediops.store import Database


def current_actor() -> str:
    """The OS user running this process (over SSH: the login)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def record(
    db: Database,
    action: str,
    subject: str | None,
    *,
    at: str,
    actor: str | None = None,
    reason: str | None = None,
    detail=None,
) -> int:
    """Appends one audit row; call inside the write transaction of the action itself."""
    return audit_db.insert(
        db,
        at=at,
        actor=actor or current_actor(),
        action=action,
        subject=subject,
        reason=reason,
        detail=None if detail is None else dumps(detail),
    )
