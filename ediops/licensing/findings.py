"""The lifecycle of a finding (contract §7): opens once per (code, subject), closes by itself
when its cause goes away, or is resolved by an operator with a note (audited).

`rules.py` decides *whether* a cause exists; this module only records it."""

from __future__ import annotations

from dataclasses import dataclass

from ediops.operators import audit
from ediops.errors import EdiopsError
from ediops.store import dumps

SUBJECT_FIELDS = ("licence_no", "batch_id", "issuer", "declaration_no", "enterprise", "period", "ticket_id")


@dataclass(frozen=True)
class Cause:
    """A rule's verdict: this code holds for this subject, with these details."""

    code: str
    subject: str
    detail: dict | None = None
    licence_no: str | None = None
    batch_id: str | None = None
    issuer: str | None = None
    declaration_no: str | None = None
    enterprise: str | None = None
    period: str | None = None
    ticket_id: str | None = None


class AlreadyClosed(EdiopsError):
    """Another operator (or the engine) closed it first."""


def raise_cause(db, cause: Cause, *, at: str) -> bool:
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
            f"{', '.join(SUBJECT_FIELDS)}) VALUES (?, ?, 'open', ?, ?, ?, {', '.join('?' * len(SUBJECT_FIELDS))})",
            [cause.code, cause.subject, detail, at, at, *fields.values()],
        )
        return True
    finding_id, status, closed_by = row
    if status == "resolved" and closed_by is None:
        db.execute(
            "UPDATE findings SET status = 'open', detail = ?, opened_at = ?, updated_at = ?, "
            "closed_at = NULL, note = NULL WHERE id = ?",
            [detail, at, at, finding_id],
        )
        return True
    db.execute(
        "UPDATE findings SET detail = ?, updated_at = ? WHERE id = ? AND detail IS NOT ?",
        [detail, at, finding_id, detail],
    )
    return False


_CLOSE = (
    "UPDATE findings SET status = 'resolved', closed_at = ?, updated_at = ?, closed_by = NULL, "
    "note = 'cause went away' WHERE code {codes} AND subject = ? AND status = 'open'"
)


def clear_cause(db, code: str, subject: str, *, at: str) -> bool:
    """Closes an open finding whose cause went away. Returns True when it closed."""
    cursor = db.execute(_CLOSE.format(codes="= ?"), [at, at, code, subject])
    return cursor.rowcount > 0


def clear_causes(db, codes: tuple[str, ...], subjects: list[str], *, at: str) -> None:
    """`clear_cause` for every code and subject, in one statement run once per subject: the
    engine's batch paths (ingest, customs' answers) close hundreds at a time."""
    sql = _CLOSE.format(codes=f"IN ({', '.join('?' * len(codes))})")
    db.conn.executemany(sql, [(at, at, *codes, subject) for subject in subjects])


def sync(db, code: str, causes: list[Cause], *, at: str, scope_sql: str = "1", scope_args=()) -> None:
    """Makes the open findings of `code` within a scope exactly `causes`: opens new ones,
    closes those whose cause is gone. The scope is a WHERE fragment over findings."""
    wanted = {c.subject: c for c in causes}
    for cause in causes:
        raise_cause(db, cause, at=at)
    rows = db.execute(
        f"SELECT subject FROM findings WHERE code = ? AND status = 'open' AND ({scope_sql})", [code, *scope_args]
    ).fetchall()
    for (subject,) in rows:
        if subject not in wanted:
            clear_cause(db, code, subject, at=at)


def resolve(db, finding_id: int, *, note: str, at: str, actor: str | None = None) -> None:
    """An operator resolves a finding with a note. Two operators at once: the second is told."""
    if not note or not note.strip():
        raise EdiopsError("resolving a finding needs a note")
    cursor = db.execute(
        "UPDATE findings SET status = 'resolved', closed_at = ?, updated_at = ?, closed_by = ?, note = ? "
        "WHERE id = ? AND status = 'open'",
        [at, at, actor or audit.current_actor(), note, finding_id],
    )
    if cursor.rowcount == 0:
        row = db.execute("SELECT status, closed_by, closed_at FROM findings WHERE id = ?", [finding_id]).fetchone()
        if row is None:
            raise EdiopsError(f"finding {finding_id} does not exist")
        raise AlreadyClosed(f"finding {finding_id} was already resolved by {row[1] or 'the engine'} at {row[2]}")
    audit.record(db, "finding.resolve", f"finding:{finding_id}", at=at, actor=actor, reason=note)
