"""The `audit` table: one row per operator action (who, when, what, why), appended inside
the action's own write transaction and never changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ediops.store import rows

if TYPE_CHECKING:
    from ediops.store import Database, Queryable


def insert(
    db: Database, *, at: str, actor: str, action: str, subject: str | None, reason: str | None, detail: str | None
) -> int:
    cursor = db.execute(
        "INSERT INTO audit (at, actor, action, subject, reason, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [at, actor, action, subject, reason, detail],
    )
    return cursor.lastrowid or 0


def page(db: Queryable, *, query: str = "", before_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Newest audit rows first; `query` matches actor, action, subject or reason."""
    clauses: list[str] = []
    args: list[Any] = []
    if query:
        clauses.append(
            "(instr(actor, ?) OR instr(action, ?) OR instr(coalesce(subject, ''), ?) OR instr(coalesce(reason, ''), ?))"
        )
        args += [query] * 4
    if before_id is not None:
        clauses.append("id < ?")
        args.append(before_id)
    where = " AND ".join(clauses) or "1"
    return rows(
        db,
        f"SELECT id, at, actor, action, subject, reason FROM audit WHERE {where} ORDER BY id DESC LIMIT ?",
        [*args, limit],
    )
