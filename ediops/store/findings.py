"""The `findings` table (docs/findings.md): one row per (code, subject), opened by the rules'
causes, closed when the cause goes away or by an operator. The one query of findings
(`find`) serves the desk, the command line, the licence view and the 2002 notice's screens."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Sequence

from ediops.store import rows
from ediops.text import dumps
from ediops.vocabulary import FINDING_OPEN, FINDING_RESOLVED, SUBJECT_FIELDS, Cause

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

# docs/commands.md's order of a finding's fields (`ediops findings --json`).
FIELDS = (
    "id",
    "code",
    "status",
    "subject",
    *SUBJECT_FIELDS,
    "detail",
    "opened_at",
    "closed_at",
    "closed_by",
    "note",
)
ORDERS = {
    "newest": "id DESC",
    "oldest": "id",
    "by code": "code, opened_at, id",
    "by code, newest": "code, opened_at DESC, id DESC",
    "opened, newest": "opened_at DESC",
}
_CLOSE = (
    f"UPDATE findings SET status = '{FINDING_RESOLVED}', closed_at = ?, updated_at = ?, closed_by = NULL, "
    f"note = 'cause went away' WHERE code {{codes}} AND subject = ? AND status = '{FINDING_OPEN}'"
)


def find(
    db: Queryable,
    *,
    fields: Sequence[str] = FIELDS,
    status: str | None = None,
    codes: Sequence[str] = (),
    licence_no: str | None = None,
    issuer: str | None = None,
    enterprise: str | None = None,
    month: str | None = None,
    order: str = "newest",
    limit: int | None = None,
    parse_detail: bool = False,
) -> list[dict[str, Any]]:
    """Findings matching every given filter; `month` (YYYY-MM) takes that month's findings
    and its days'. `parse_detail`: the detail as JSON, not text."""
    clauses: list[str] = []
    args: list[Any] = []
    for column, value in (
        ("status", status),
        ("licence_no", licence_no),
        ("issuer", issuer),
        ("enterprise", enterprise),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            args.append(value)
    if codes:
        clauses.append(f"code IN ({', '.join('?' * len(codes))})")
        args += list(codes)
    if month is not None:
        clauses.append("(period = ? OR period LIKE ?)")
        args += [month, month + "-%"]
    sql = f"SELECT {', '.join(fields)} FROM findings WHERE {' AND '.join(clauses) or '1'} ORDER BY {ORDERS[order]}"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    found = rows(db, sql, args)
    if parse_detail:
        for row in found:
            row["detail"] = None if row["detail"] is None else json.loads(row["detail"])
    return found


def open_counts(db: Queryable, codes: Sequence[str] = ()) -> list[tuple[str, int]]:
    """Open findings per code (of `codes`, or all), most frequent first."""
    where = f" AND code IN ({', '.join('?' * len(codes))})" if codes else ""
    return [
        (r[0], r[1])
        for r in db.execute(
            f"SELECT code, count(*) FROM findings WHERE status = '{FINDING_OPEN}'{where} GROUP BY code "
            "ORDER BY 2 DESC, 1",
            list(codes),
        ).fetchall()
    ]


def exists(db: Queryable, finding_id: int) -> bool:
    return db.execute("SELECT 1 FROM findings WHERE id = ?", [finding_id]).fetchone() is not None


def has(db: Queryable, code: str, subject: str) -> bool:
    return db.execute("SELECT 1 FROM findings WHERE code = ? AND subject = ?", [code, subject]).fetchone() is not None


def link_ticket(db: Database, finding_id: int, ticket_id: str) -> None:
    """The first ticket opened about a finding is linked to it."""
    db.execute("UPDATE findings SET ticket_id = ? WHERE id = ? AND ticket_id IS NULL", [ticket_id, finding_id])


def raise_cause(db: Database, cause: Cause, *, at: str) -> bool:
    """Opens the finding unless it is open already. Returns True when it (re)opened.

    A finding the engine closed by itself reopens when its cause returns; one an operator
    resolved stays resolved (the operator's word stands) but its detail is refreshed."""
    row = db.execute(
        "SELECT id, status, closed_by FROM findings WHERE code = ? AND subject = ?", [cause.code, cause.subject]
    ).fetchone()
    detail = None if cause.detail is None else dumps(cause.detail)
    fields = {f: getattr(cause, f) for f in SUBJECT_FIELDS}
    if row is None:
        db.execute(
            f"INSERT INTO findings (code, subject, status, detail, opened_at, updated_at, "
            f"{', '.join(SUBJECT_FIELDS)}) VALUES (?, ?, '{FINDING_OPEN}', ?, ?, ?, "
            f"{', '.join('?' * len(SUBJECT_FIELDS))})",
            [cause.code, cause.subject, detail, at, at, *fields.values()],
        )
        return True
    finding_id, status, closed_by = row
    if status == FINDING_RESOLVED and closed_by is None:
        db.execute(
            f"UPDATE findings SET status = '{FINDING_OPEN}', detail = ?, opened_at = ?, updated_at = ?, "
            "closed_at = NULL, note = NULL WHERE id = ?",
            [detail, at, at, finding_id],
        )
        return True
    db.execute(
        "UPDATE findings SET detail = ?, updated_at = ? WHERE id = ? AND detail IS NOT ?",
        [detail, at, finding_id, detail],
    )
    return False


def clear_cause(db: Database, code: str, subject: str, *, at: str) -> bool:
    """Closes an open finding whose cause went away. Returns True when it closed."""
    return db.execute(_CLOSE.format(codes="= ?"), [at, at, code, subject]).rowcount > 0


def clear_causes(db: Database, codes: tuple[str, ...], subjects: list[str], *, at: str) -> None:
    """`clear_cause` for every code and subject, in one statement run once per subject
    (plain sqlite3 executemany, a measured hot path: ingest and customs' answers close
    hundreds at a time, bench/NOTES.md)."""
    sql = _CLOSE.format(codes=f"IN ({', '.join('?' * len(codes))})")
    db.conn.executemany(sql, [(at, at, *codes, subject) for subject in subjects])


def open_subjects(db: Queryable, code: str, scope: dict[str, Any] | None = None) -> list[str]:
    """Subjects of the open findings of `code` whose subject columns match `scope`."""
    scope = scope or {}
    unknown = set(scope) - set(SUBJECT_FIELDS)
    if unknown:
        raise ValueError(f"findings have no subject column {', '.join(sorted(unknown))}")
    where = "".join(f" AND {column} = ?" for column in scope)
    return [
        r[0]
        for r in db.execute(
            f"SELECT subject FROM findings WHERE code = ? AND status = '{FINDING_OPEN}'{where}",
            [code, *scope.values()],
        ).fetchall()
    ]


def resolve(db: Database, finding_id: int, *, note: str, at: str, actor: str) -> bool:
    """An operator's resolution; False when the finding was not open."""
    cursor = db.execute(
        f"UPDATE findings SET status = '{FINDING_RESOLVED}', closed_at = ?, updated_at = ?, closed_by = ?, note = ? "
        f"WHERE id = ? AND status = '{FINDING_OPEN}'",
        [at, at, actor, note, finding_id],
    )
    return cursor.rowcount > 0


def closing(db: Queryable, finding_id: int) -> tuple[str, str | None, str | None] | None:
    """(status, closed_by, closed_at) of a finding, or None when there is none."""
    row = db.execute("SELECT status, closed_by, closed_at FROM findings WHERE id = ?", [finding_id]).fetchone()
    return None if row is None else (row[0], row[1], row[2])


def sync(db: Database, code: str, causes: list[Cause], *, at: str, scope: dict[str, Any] | None = None) -> None:
    """Makes the open findings of `code` within a scope exactly `causes`: opens new ones,
    closes those whose cause is gone. The scope names subject columns and their values."""
    wanted = {c.subject for c in causes}
    for cause in causes:
        raise_cause(db, cause, at=at)
    for subject in open_subjects(db, code, scope):
        if subject not in wanted:
            clear_cause(db, code, subject, at=at)
