"""The hotline's tables: `tickets` and `ticket_notes`, with their FTS5 trigram indexes
(m030). The domain (`ediops.hotline.tickets`) checks input and status; this module only
reads and writes rows, inside the caller's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from ediops.store import IN_CHUNK, rows
from ediops.vocabulary import TICKET_ACTIVE

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

COLUMNS = (
    "id",
    "caller",
    "phone",
    "org",
    "org_kind",
    "category",
    "priority",
    "licence_no",
    "batch_id",
    "finding_id",
    "status",
    "waiting_on",
    "routed_to",
    "routed_at",
    "assignee",
    "text",
    "opened_by",
    "opened_at",
    "due_at",
    "updated_at",
    "resolved_at",
    "closed_at",
)
_ACTIVE_SQL = f"status IN ({', '.join(repr(s) for s in TICKET_ACTIVE)})"
# What a new ticket is given (the rest starts empty, and `status` open).
_NEW = tuple(
    c for c in COLUMNS if c not in ("id", "status", "waiting_on", "routed_to", "routed_at", "resolved_at", "closed_at")
)


def last_of_day(db: Database, prefix: str) -> int:
    """The highest sequence number of the ids starting with `prefix` (`T-YYYYMMDD-`), or 0."""
    last = db.execute(
        "SELECT max(CAST(substr(id, ?) AS INTEGER)) FROM tickets WHERE id LIKE ?", [len(prefix) + 1, prefix + "%"]
    ).fetchone()[0]
    return last or 0


def insert(db: Database, ticket_id: str, fields: dict[str, Any]) -> None:
    """A new open ticket; `fields` holds every column of `_NEW`."""
    db.execute(
        f"INSERT INTO tickets (id, status, {', '.join(_NEW)}) VALUES (?, 'open', {', '.join('?' * len(_NEW))})",
        [ticket_id, *(fields[c] for c in _NEW)],
    )


def status(db: Database, ticket_id: str) -> str | None:
    row = db.execute("SELECT status FROM tickets WHERE id = ?", [ticket_id]).fetchone()
    return row[0] if row else None


def update(db: Database, ticket_id: str, sets: dict[str, Any]) -> None:
    db.execute(f"UPDATE tickets SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?", [*sets.values(), ticket_id])


def add_note(db: Database, ticket_id: str, *, at: str, by: str, text: str) -> None:
    db.execute("INSERT INTO ticket_notes (ticket_id, at, by, text) VALUES (?, ?, ?, ?)", [ticket_id, at, by, text])


def _notes(db: Queryable, ticket_ids: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {t: [] for t in ticket_ids}
    for start in range(0, len(ticket_ids), IN_CHUNK):
        chunk = ticket_ids[start : start + IN_CHUNK]
        cursor = db.execute(
            f"SELECT ticket_id, by, at, text FROM ticket_notes WHERE ticket_id IN "
            f"({', '.join('?' * len(chunk))}) ORDER BY id",
            chunk,
        )
        for ticket_id, by, at, text in cursor.fetchall():
            found[ticket_id].append({"by": by, "at": at, "text": text})
    return found


def _select(db: Queryable, where: str, args: Sequence[Any], *, limit: int | None = None) -> list[dict]:
    sql = f"SELECT {', '.join(COLUMNS)} FROM tickets WHERE {where} ORDER BY opened_at DESC, id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    tickets = [dict(zip(COLUMNS, row)) for row in db.execute(sql, list(args)).fetchall()]
    notes = _notes(db, [t["id"] for t in tickets])
    for ticket in tickets:
        ticket["notes"] = notes[ticket["id"]]
    return tickets


def get(db: Queryable, ticket_id: str) -> dict | None:
    """The ticket with its notes (oldest first), or None."""
    found = _select(db, "id = ?", [ticket_id])
    return found[0] if found else None


def _search(db: Database, query: str) -> tuple[str, list]:
    """A WHERE fragment selecting tickets whose fields or notes hold every word of `query`.

    Words of three characters or more go through the FTS5 trigram index (quoted by
    sqlite-utils, so the caller's text is never FTS syntax); shorter ones (a two-character
    Chinese name) fall back to LIKE, which the trigram index cannot answer."""
    clauses, args = [], []
    for word in query.split():
        if len(word) >= 3:
            fts = db.quote_fts(word)
            clauses.append(
                "(rowid IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?) OR id IN "
                "(SELECT n.ticket_id FROM ticket_notes n JOIN ticket_notes_fts f ON f.rowid = n.id "
                "WHERE ticket_notes_fts MATCH ?))"
            )
            args += [fts, fts]
        else:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            fields = " OR ".join(
                f"{c} LIKE ? ESCAPE '\\'" for c in ("id", "caller", "phone", "org", "licence_no", "text")
            )
            clauses.append(f"({fields} OR id IN (SELECT ticket_id FROM ticket_notes WHERE text LIKE ? ESCAPE '\\'))")
            args += [pattern] * 7
    return " AND ".join(clauses) or "1", args


def find(
    db: Database,
    *,
    active_only: bool = False,
    status: str | None = None,
    query: str = "",
    category: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Newest first, with notes."""
    where, args = _search(db, query)
    if active_only:
        where += f" AND {_ACTIVE_SQL}"
    if status:
        where += " AND status = ?"
        args.append(status)
    if category:
        where += " AND category = ?"
        args.append(category)
    return _select(db, where, args, limit=limit)


def caller_for_phone(db: Queryable, phone: str) -> dict | None:
    """The latest ticket's caller, organisation and its kind from a number starting with `phone`."""
    found = rows(
        db,
        "SELECT phone, caller, org, org_kind FROM tickets WHERE substr(phone, 1, ?) = ? "
        "ORDER BY opened_at DESC, id DESC LIMIT 1",
        [len(phone), phone],
    )
    return found[0] if found else None


def of_licence(db: Queryable, licence_no: str) -> list[dict]:
    """A licence's tickets, oldest first (the licence view)."""
    return rows(
        db,
        "SELECT id, status, category, priority, caller, org, opened_at FROM tickets "
        "WHERE licence_no = ? ORDER BY opened_at",
        [licence_no],
    )


def for_summary(db: Queryable) -> list[dict]:
    """Every ticket's counting fields (the daily summary counts them per category)."""
    return rows(
        db,
        "SELECT id, category, priority, status, opened_at, resolved_at, closed_at, due_at, "
        "caller, org, licence_no FROM tickets",
    )


def routed(db: Queryable, *, active_only: bool = False) -> list[dict]:
    """Tickets handed to a role or vendor, longest waiting first (VENDOR_SUPPORT_OVERDUE is
    judged from them); `active_only`: open or waiting."""
    return rows(
        db,
        "SELECT id, status, routed_to, routed_at, opened_at, org, caller, category FROM tickets "
        f"WHERE routed_to IS NOT NULL{f' AND {_ACTIVE_SQL}' if active_only else ''} "
        "ORDER BY coalesce(routed_at, opened_at), id",
    )


def active_by_priority(db: Queryable, *, limit: int) -> list[dict]:
    """Open and waiting tickets, most urgent first, then oldest (the desk's tickets pane)."""
    return rows(
        db,
        f"""
        SELECT id, caller, org, category, priority, licence_no, status, opened_at, opened_by
        FROM tickets WHERE {_ACTIVE_SQL}
        ORDER BY CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END,
                 opened_at, id LIMIT ?""",
        [limit],
    )
