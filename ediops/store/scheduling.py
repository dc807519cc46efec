"""The scheduler's tables: the leader's `lease`, the run ledger `window_runs` (one row per
(window, occurrence), claimed with INSERT ... ON CONFLICT DO NOTHING), `window_state`
(paused windows) and `commands` (operators' requests the leader picks up)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ediops.store import rows

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

LEASE = "scheduler"  # the lease's row; one leader among all processes


# -- the lease ---------------------------------------------------------------------------------


def lease(db: Queryable) -> tuple[str, int, float, str | None, float | None] | None:
    """(holder, token, expires_at as wall-clock seconds, boot_id, mono_expires as that boot's
    monotonic seconds), or None when no one ever led."""
    return db.execute(
        "SELECT holder, token, expires_at, boot_id, mono_expires FROM lease WHERE name = ?", [LEASE]
    ).fetchone()


def first_lease(db: Database, holder: str, *, expires: tuple[float, str | None, float], at: str) -> None:
    """`expires`: (wall-clock seconds, boot id, monotonic seconds), as lease.expiry makes it."""
    db.execute(
        "INSERT INTO lease (name, holder, token, expires_at, boot_id, mono_expires, renewed_at) "
        "VALUES (?, ?, 1, ?, ?, ?, ?)",
        [LEASE, holder, *expires, at],
    )


def renew_lease(db: Database, *, expires: tuple[float, str | None, float], at: str) -> None:
    db.execute(
        "UPDATE lease SET expires_at = ?, boot_id = ?, mono_expires = ?, renewed_at = ? WHERE name = ?",
        [*expires, at, LEASE],
    )


def take_lease(db: Database, holder: str, token: int, *, expires: tuple[float, str | None, float], at: str) -> None:
    db.execute(
        "UPDATE lease SET holder = ?, token = ?, expires_at = ?, boot_id = ?, mono_expires = ?, renewed_at = ? "
        "WHERE name = ?",
        [holder, token, *expires, at, LEASE],
    )


def end_lease(db: Database, holder: str, token: int) -> None:
    db.execute(
        "UPDATE lease SET expires_at = 0, mono_expires = NULL WHERE name = ? AND holder = ? AND token = ?",
        [LEASE, holder, token],
    )


# -- the run ledger ----------------------------------------------------------------------------


def claim_run(db: Database, window: str, occurrence: str, *, token: int, holder: str, at: str) -> bool:
    """The occurrence is ours to run; False when it ran (or runs) already. A run interrupted by
    its leader's death (and marked so) may be claimed again, by a later token."""
    cursor = db.execute(
        "INSERT INTO window_runs (window, occurrence, token, holder, started_at, outcome) "
        "VALUES (?, ?, ?, ?, ?, 'running') ON CONFLICT (window, occurrence) DO UPDATE SET "
        "token = excluded.token, holder = excluded.holder, started_at = excluded.started_at, "
        "outcome = 'running', finished_at = NULL "
        "WHERE window_runs.finished_at = window_runs.interrupted_at AND window_runs.token < excluded.token",
        [window, occurrence, token, holder, at],
    )
    return cursor.rowcount == 1


def fail_interrupted_runs(db: Database, *, token: int, at: str) -> list[tuple[str, str, str]]:
    """Runs still `running` under an older token: failed, interrupted; (window, occurrence, holder)."""
    rows = db.execute(
        "SELECT window, occurrence, holder FROM window_runs WHERE finished_at IS NULL AND token < ?", [token]
    ).fetchall()
    db.execute(
        "UPDATE window_runs SET outcome = 'failed', finished_at = ?, interrupted_at = ?, "
        "detail = 'interrupted: its leader ' || coalesce(holder, '?') || ' stopped mid-run' "
        "WHERE finished_at IS NULL AND token < ?",
        [at, at, token],
    )
    return [tuple(r) for r in rows]


def run_state(db: Queryable, window: str, occurrence: str) -> str | None:
    """None (never claimed), "interrupted" (its leader died, not run again yet) or "done"."""
    row = db.execute(
        "SELECT interrupted_at IS NOT NULL AND finished_at = interrupted_at FROM window_runs "
        "WHERE window = ? AND occurrence = ?",
        [window, occurrence],
    ).fetchone()
    return None if row is None else ("interrupted" if row[0] else "done")


def finish_run(db: Database, window: str, occurrence: str, *, outcome: str, detail: str | None, at: str) -> None:
    db.execute(
        "UPDATE window_runs SET finished_at = ?, outcome = ?, detail = ? WHERE window = ? AND occurrence = ?",
        [at, outcome, detail, window, occurrence],
    )


def last_run(db: Queryable, window: str) -> tuple[str, str, str | None, str | None, str | None] | None:
    """(occurrence, started_at, finished_at, outcome, detail) of the window's latest run."""
    return db.execute(
        "SELECT occurrence, started_at, finished_at, outcome, detail FROM window_runs "
        "WHERE window = ? ORDER BY started_at DESC, rowid DESC LIMIT 1",
        [window],
    ).fetchone()


def last_success(db: Queryable, window: str) -> str | None:
    """When the window's latest run with outcome ok finished (docs/monitoring.md)."""
    row = db.execute(
        "SELECT finished_at FROM window_runs WHERE window = ? AND outcome = 'ok' "
        "ORDER BY started_at DESC, rowid DESC LIMIT 1",
        [window],
    ).fetchone()
    return row[0] if row else None


def recent_runs(db: Queryable, *, limit: int) -> list[dict[str, Any]]:
    """The run ledger, newest first: which occurrence ran, who ran it, how it ended."""
    return rows(
        db,
        "SELECT window, occurrence, holder, started_at, finished_at, outcome, detail FROM window_runs "
        "ORDER BY started_at DESC LIMIT ?",
        [limit],
    )


def failed_runs_since(db: Queryable, last_seen: str) -> list[dict[str, Any]]:
    """Window runs that finished with a failure after `last_seen`."""
    return rows(
        db,
        "SELECT window, occurrence, finished_at, outcome, detail FROM window_runs "
        "WHERE finished_at > ? AND outcome LIKE 'failed%' ORDER BY finished_at LIMIT 20",
        [last_seen],
    )


def last_finished(db: Queryable) -> str | None:
    return db.execute("SELECT max(finished_at) FROM window_runs").fetchone()[0]


# -- paused windows ----------------------------------------------------------------------------


def set_paused(db: Database, window: str, paused: bool, *, actor: str, at: str, reason: str | None) -> None:
    db.execute(
        "INSERT INTO window_state (window, paused, changed_by, changed_at, reason) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (window) DO UPDATE SET paused = excluded.paused, changed_by = excluded.changed_by, "
        "changed_at = excluded.changed_at, reason = excluded.reason",
        [window, int(paused), actor, at, reason],
    )


def window_states(db: Queryable) -> dict[str, tuple[int, str | None, str | None, str | None]]:
    """window -> (paused, changed_by, changed_at, reason)."""
    return {r[0]: r[1:] for r in db.execute("SELECT window, paused, changed_by, changed_at, reason FROM window_state")}


def paused_by(db: Queryable, window: str) -> str | None:
    """Who paused the window, or None when it is not paused."""
    row = db.execute("SELECT changed_by FROM window_state WHERE window = ? AND paused = 1", [window]).fetchone()
    return row[0] if row else None


# -- commands ----------------------------------------------------------------------------------

_COMMAND = (
    "id",
    "window",
    "action",
    "subject",
    "requested_by",
    "requested_at",
    "taken_by",
    "taken_at",
    "done_at",
    "outcome",
)


def add_command(
    db: Database, window: str, action: str, *, subject: str | None, actor: str, at: str, reason: str | None
) -> int:
    cursor = db.execute(
        "INSERT INTO commands (window, action, subject, requested_by, requested_at, reason) VALUES (?, ?, ?, ?, ?, ?)",
        [window, action, subject, actor, at, reason],
    )
    return cursor.lastrowid or 0


def pending_command(db: Queryable, action: str, subject: str) -> tuple[str, str] | None:
    """(requested_by, requested_at) of a request for `action` on `subject` not done yet."""
    return db.execute(
        "SELECT requested_by, requested_at FROM commands WHERE action = ? AND subject = ? AND done_at IS NULL",
        [action, subject],
    ).fetchone()


def command(db: Queryable, command_id: int) -> dict[str, Any] | None:
    found = rows(db, f"SELECT {', '.join(_COMMAND)} FROM commands WHERE id = ?", [command_id])
    return found[0] if found else None


def has_commands_for(db: Queryable, holder: str) -> bool:
    """True when some request is not done and not taken by `holder` (a cheap check each tick)."""
    return (
        db.execute(
            "SELECT 1 FROM commands WHERE done_at IS NULL AND (taken_by IS NULL OR taken_by != ?) LIMIT 1", [holder]
        ).fetchone()
        is not None
    )


def take_commands(db: Database, holder: str, *, at: str) -> list[tuple[int, str, str, str | None]]:
    """(id, window, action, subject) of the requests not done and not taken by `holder`, now
    taken by it. Call inside the write that checks the lease."""
    found = db.execute(
        "SELECT id, window, action, subject FROM commands WHERE done_at IS NULL "
        "AND (taken_by IS NULL OR taken_by != ?) ORDER BY id",
        [holder],
    ).fetchall()
    db.conn.executemany(
        "UPDATE commands SET taken_at = ?, taken_by = ? WHERE id = ?", [(at, holder, r[0]) for r in found]
    )
    return found


def command_done(db: Database, command_id: int, *, at: str, outcome: str) -> None:
    db.execute("UPDATE commands SET done_at = ?, outcome = ? WHERE id = ?", [at, outcome, command_id])
