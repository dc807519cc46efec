"""Hotline tickets (2000 notice §9, contract §8): a call logged in seconds, linked to its
licence, batch or finding, and followed until closed. Every change is one immediate
transaction that checks the ticket's status first, so when two operators act on the same
ticket the second is told instead of overwriting; every change is audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from ediops import store
from ediops.operators import audit
from ediops.operators.roles import operator_action
from ediops.clock import SHANGHAI, iso
from ediops.licensing.contract import LICENCE_NO
from ediops.errors import EdiopsError, InputError
from ediops.hotline.settings import CATEGORIES, PARTIES, PRIORITIES, HotlineConfig, load
from ediops.text import clean

ORG_KINDS = ("port-customs", "company", "issuer", "other")
STATUSES = ("open", "waiting", "resolved", "closed")
ACTIVE = ("open", "waiting")
LIMITS = {"caller": 200, "phone": 40, "org": 200, "text": 4000, "note": 4000, "batch_id": 100, "assignee": 100}

_COLUMNS = (
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


def _text(field: str, value: str | None, *, required: bool = True) -> str | None:
    """Outside text is stored as received; it only has to show something and not be huge."""
    if value is None or not clean(value).strip():
        if required:
            raise InputError(f"{field} is empty")
        return None
    if len(value) > LIMITS[field]:
        raise InputError(f"{field} is longer than {LIMITS[field]} characters")
    return value


def _check_new(phone: str, category: str, priority: str, org_kind: str | None, licence_no: str | None):
    if sum(ch.isdigit() for ch in phone) < 3:
        raise InputError(f"phone {clean(phone)!r} has fewer than 3 digits")
    if category not in CATEGORIES:
        raise InputError(f"category must be one of {', '.join(CATEGORIES)}")
    if priority not in PRIORITIES:
        raise InputError(f"priority must be one of {', '.join(PRIORITIES)}")
    if org_kind is not None and org_kind not in ORG_KINDS:
        raise InputError(f"organisation kind must be one of {', '.join(ORG_KINDS)}")
    if licence_no is not None and not LICENCE_NO.fullmatch(licence_no):
        raise InputError(f"licence number {clean(licence_no)!r} is not of the form YY-XX-NNNNNN")


def _next_id(db, now: datetime) -> str:
    """`T-YYYYMMDD-NNNN`: Shanghai date and that day's sequence. Call inside the write
    transaction: BEGIN IMMEDIATE makes the read-then-insert safe across processes."""
    prefix = f"T-{now.astimezone(SHANGHAI):%Y%m%d}-"
    last = db.execute(
        "SELECT max(CAST(substr(id, ?) AS INTEGER)) FROM tickets WHERE id LIKE ?", [len(prefix) + 1, prefix + "%"]
    ).fetchone()[0]
    return f"{prefix}{(last or 0) + 1:04d}"


@operator_action("ticket")
def open_ticket(
    db,
    *,
    caller: str,
    phone: str,
    org: str,
    category: str,
    priority: str | None,
    text: str,
    licence_no: str | None = None,
    finding_id: int | None = None,
    actor: str,
    now: datetime,
    org_kind: str | None = None,
    batch_id: str | None = None,
    assignee: str | None = None,
    settings: HotlineConfig | None = None,
) -> str:
    """Logs a call and returns its ticket id. `priority=None` takes the category's own; the
    due time is the category's target from now. Refuses (creating nothing) on bad input."""
    settings = settings or load()
    caller, phone, org, text = (
        _text(f, v) for f, v in (("caller", caller), ("phone", phone), ("org", org), ("text", text))
    )
    batch_id = _text("batch_id", batch_id, required=False)
    assignee = _text("assignee", assignee, required=False)
    licence_no = licence_no.strip().upper() if licence_no and licence_no.strip() else None
    priority = priority or (settings.categories[category].priority if category in CATEGORIES else "normal")
    _check_new(phone, category, priority, org_kind, licence_no)
    at = iso(now)
    due = iso(now + timedelta(minutes=settings.categories[category].target_minutes))
    with store.write(db):
        if finding_id is not None and not db.execute("SELECT 1 FROM findings WHERE id = ?", [finding_id]).fetchone():
            raise InputError(f"no finding {finding_id}")
        ticket_id = _next_id(db, now)
        db.execute(
            "INSERT INTO tickets (id, caller, phone, org, org_kind, category, priority, licence_no, "
            "batch_id, finding_id, status, assignee, text, opened_by, opened_at, due_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)",
            [
                ticket_id,
                caller,
                phone,
                org,
                org_kind,
                category,
                priority,
                licence_no,
                batch_id,
                finding_id,
                assignee,
                text,
                actor,
                at,
                due,
                at,
            ],
        )
        if finding_id is not None:
            db.execute("UPDATE findings SET ticket_id = ? WHERE id = ? AND ticket_id IS NULL", [ticket_id, finding_id])
        audit.record(
            db,
            "ticket.open",
            ticket_id,
            at=at,
            actor=actor,
            detail={"category": category, "priority": priority, "licence_no": licence_no},
        )
    return ticket_id


def _notes(db, ticket_ids: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {t: [] for t in ticket_ids}
    for start in range(0, len(ticket_ids), 500):
        chunk = ticket_ids[start : start + 500]
        rows = db.execute(
            f"SELECT ticket_id, by, at, text FROM ticket_notes WHERE ticket_id IN "
            f"({', '.join('?' * len(chunk))}) ORDER BY id",
            chunk,
        ).fetchall()
        for ticket_id, by, at, text in rows:
            found[ticket_id].append({"by": by, "at": at, "text": text})
    return found


def _tickets(db, where: str = "1", args=(), *, limit: int | None = None) -> list[dict]:
    sql = f"SELECT {', '.join(_COLUMNS)} FROM tickets WHERE {where} ORDER BY opened_at DESC, id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    tickets = [dict(zip(_COLUMNS, row)) for row in db.execute(sql, list(args)).fetchall()]
    notes = _notes(db, [t["id"] for t in tickets])
    for ticket in tickets:
        ticket["notes"] = notes[ticket["id"]]
    return tickets


def get_ticket(db, ticket_id: str) -> dict:
    """The ticket as contract §8's JSON (plus routing, due and closing times)."""
    found = _tickets(db, "id = ?", [ticket_id.strip().upper()])
    if not found:
        raise EdiopsError(f"no ticket {clean(ticket_id)!r}")
    return found[0]


def _search_ids(db, query: str) -> tuple[str, list]:
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


def list_tickets(
    db,
    *,
    open_only: bool = False,
    status: str | None = None,
    query: str | None = None,
    category: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Newest first. `open_only`: still to be worked on (open or waiting)."""
    where, args = _search_ids(db, query or "")
    if open_only:
        where += " AND status IN ('open', 'waiting')"
    if status:
        where += " AND status = ?"
        args.append(status)
    if category:
        where += " AND category = ?"
        args.append(category)
    return _tickets(db, where, args, limit=limit)


def _change(
    db,
    ticket_id: str,
    *,
    allowed: tuple[str, ...],
    refusal: str,
    sets: dict,
    action: str,
    actor: str,
    now: datetime,
    note: str | None = None,
    reason: str | None = None,
) -> dict:
    """One change of a ticket, refused (changing nothing) unless its status is in `allowed`."""
    at = iso(now)
    ticket_id = ticket_id.strip().upper()
    with store.write(db):
        row = db.execute("SELECT status FROM tickets WHERE id = ?", [ticket_id]).fetchone()
        if row is None:
            raise EdiopsError(f"no ticket {clean(ticket_id)!r}")
        if row[0] not in allowed:
            raise EdiopsError(f"ticket {ticket_id} is {row[0]}: {refusal}")
        sets = {**sets, "updated_at": at}
        db.execute(
            f"UPDATE tickets SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?", [*sets.values(), ticket_id]
        )
        if note is not None:
            db.execute(
                "INSERT INTO ticket_notes (ticket_id, at, by, text) VALUES (?, ?, ?, ?)", [ticket_id, at, actor, note]
            )
        audit.record(
            db,
            action,
            ticket_id,
            at=at,
            actor=actor,
            reason=reason,
            detail={k: v for k, v in sets.items() if k != "updated_at"} or None,
        )
    return get_ticket(db, ticket_id)


@operator_action("ticket")
def add_note(db, ticket_id: str, *, text: str, actor: str, now: datetime) -> dict:
    return _change(
        db,
        ticket_id,
        allowed=("open", "waiting", "resolved"),
        refusal="reopen it to add notes",
        sets={},
        action="ticket.note",
        actor=actor,
        now=now,
        note=_text("text", text),
    )


@operator_action("ticket")
def close_ticket(db, ticket_id: str, *, note: str, actor: str, now: datetime) -> dict:
    note = _text("note", note)
    return _change(
        db,
        ticket_id,
        allowed=("open", "waiting", "resolved"),
        refusal="already closed",
        sets={"status": "closed", "closed_at": iso(now), "waiting_on": None},
        action="ticket.close",
        actor=actor,
        now=now,
        note=note,
        reason=note,
    )


@operator_action("ticket")
def resolve_ticket(db, ticket_id: str, *, note: str, actor: str, now: datetime) -> dict:
    note = _text("note", note)
    return _change(
        db,
        ticket_id,
        allowed=ACTIVE,
        refusal="only an open or waiting ticket can be resolved",
        sets={"status": "resolved", "resolved_at": iso(now), "waiting_on": None},
        action="ticket.resolve",
        actor=actor,
        now=now,
        note=note,
        reason=note,
    )


@operator_action("ticket")
def reopen_ticket(
    db, ticket_id: str, *, note: str, actor: str, now: datetime, settings: HotlineConfig | None = None
) -> dict:
    """Back to open, due again within its category's target from now."""
    note = _text("note", note)
    category = get_ticket(db, ticket_id)["category"]
    minutes = (settings or load()).categories[category].target_minutes
    return _change(
        db,
        ticket_id,
        allowed=("resolved", "closed"),
        refusal="it is not resolved or closed",
        sets={
            "status": "open",
            "resolved_at": None,
            "closed_at": None,
            "due_at": iso(now + timedelta(minutes=minutes)),
        },
        action="ticket.reopen",
        actor=actor,
        now=now,
        note=note,
        reason=note,
    )


@operator_action("ticket")
def wait_ticket(db, ticket_id: str, *, party: str, actor: str, now: datetime, note: str | None = None) -> dict:
    if party not in PARTIES:
        raise InputError(f"waiting party must be one of {', '.join(PARTIES)}")
    return _change(
        db,
        ticket_id,
        allowed=ACTIVE,
        refusal="only an open or waiting ticket can wait",
        sets={"status": "waiting", "waiting_on": party},
        action="ticket.wait",
        actor=actor,
        now=now,
        note=_text("note", note, required=False),
    )


@operator_action("ticket")
def route_ticket(
    db,
    ticket_id: str,
    *,
    to: str,
    actor: str,
    now: datetime,
    note: str | None = None,
    settings: HotlineConfig | None = None,
) -> dict:
    """Passes the ticket to a role or approved vendor of contacts.toml: it then waits on that
    party, and `routed_to`/`routed_at` say to whom and since when (vendor support is owed
    within 24 hours, 2002 notice)."""
    contact = (settings or load()).contact(to)
    return _change(
        db,
        ticket_id,
        allowed=ACTIVE,
        refusal="only an open or waiting ticket can be routed",
        sets={"status": "waiting", "waiting_on": contact.party, "routed_to": contact.id, "routed_at": iso(now)},
        action="ticket.route",
        actor=actor,
        now=now,
        note=_text("note", note, required=False),
    )


def caller_for_phone(db, phone: str) -> dict | None:
    """The caller, organisation and its kind of the latest ticket from a number starting with
    `phone`, so a returning caller is never typed twice."""
    if not phone.strip():
        return None
    row = db.execute(
        "SELECT phone, caller, org, org_kind FROM tickets WHERE substr(phone, 1, ?) = ? "
        "ORDER BY opened_at DESC, id DESC LIMIT 1",
        [len(phone), phone],
    ).fetchone()
    return dict(zip(("phone", "caller", "org", "org_kind"), row)) if row else None
