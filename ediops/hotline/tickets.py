"""Hotline tickets (2000 notice §9, docs/commands.md): a call logged in seconds, linked to its
licence, batch or finding, and followed until closed. Every change is one immediate
transaction that checks the ticket's status first, so when two operators act on the same
ticket the second is told instead of overwriting; every change is audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ediops.i18n import _
from ediops import store
from ediops.operators.roles import operator_action
from ediops.clock import SHANGHAI, iso
from ediops.errors import EdiopsError, InputError
from ediops.hotline.settings import CATEGORIES, PARTIES, PRIORITIES, HotlineConfig
from ediops.operators import audit
from ediops.store import findings as findings_db, tickets as tickets_db
from ediops.text import clean
from ediops.vocabulary import LICENCE_NO, TICKET_ACTIVE

if TYPE_CHECKING:
    from ediops.store import Database, Queryable

ORG_KINDS = ("port-customs", "company", "issuer", "other")
LIMITS = {"caller": 200, "phone": 40, "org": 200, "text": 4000, "note": 4000, "batch_id": 100, "assignee": 100}


def _text(field: str, value: str | None, *, required: bool = True) -> str | None:
    """Outside text is stored as received; it only has to show something and not be huge."""
    if value is None or not clean(value).strip():
        if required:
            raise InputError(_("{field} is empty").format(field=field))
        return None
    if len(value) > LIMITS[field]:
        raise InputError(_("{field} is longer than {value} characters").format(field=field, value=LIMITS[field]))
    return value


def _check_new(phone: str, category: str, priority: str, org_kind: str | None, licence_no: str | None):
    if sum(ch.isdigit() for ch in phone) < 3:
        raise InputError(_("phone {phone!r} has fewer than 3 digits").format(phone=clean(phone)))
    if category not in CATEGORIES:
        raise InputError(_("category must be one of {known}").format(known=", ".join(CATEGORIES)))
    if priority not in PRIORITIES:
        raise InputError(_("priority must be one of {known}").format(known=", ".join(PRIORITIES)))
    if org_kind is not None and org_kind not in ORG_KINDS:
        raise InputError(_("organisation kind must be one of {known}").format(known=", ".join(ORG_KINDS)))
    if licence_no is not None and not LICENCE_NO.fullmatch(licence_no):
        raise InputError(
            _("licence number {licence_no!r} is not of the form YY-XX-NNNNNN").format(licence_no=clean(licence_no))
        )


def _next_id(db: Database, now: datetime) -> str:
    """`T-YYYYMMDD-NNNN`: Shanghai date and that day's sequence. Call inside the write
    transaction: BEGIN IMMEDIATE makes the read-then-insert safe across processes."""
    prefix = f"T-{now.astimezone(SHANGHAI):%Y%m%d}-"
    return f"{prefix}{tickets_db.last_of_day(db, prefix) + 1:04d}"


@operator_action("ticket")
def open_ticket(
    db: Database,
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
    settings: HotlineConfig,
) -> str:
    """Logs a call and returns its ticket id. `priority=None` takes the category's own; the
    due time is the category's target from now. Refuses (creating nothing) on bad input."""
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
        if finding_id is not None and not findings_db.exists(db, finding_id):
            raise InputError(_("no finding {finding_id}").format(finding_id=finding_id))
        ticket_id = _next_id(db, now)
        fields: dict[str, object] = dict(caller=caller, phone=phone, org=org, org_kind=org_kind, category=category)
        fields["priority"] = priority
        fields.update(licence_no=licence_no, batch_id=batch_id, finding_id=finding_id, assignee=assignee, text=text)
        tickets_db.insert(
            db, ticket_id, {**fields, "opened_by": actor, "opened_at": at, "due_at": due, "updated_at": at}
        )
        if finding_id is not None:
            findings_db.link_ticket(db, finding_id, ticket_id)
        audit.record(
            db,
            "ticket.open",
            ticket_id,
            at=at,
            actor=actor,
            detail={"category": category, "priority": priority, "licence_no": licence_no},
        )
    return ticket_id


def get_ticket(db: Database, ticket_id: str) -> dict:
    """The ticket as docs/commands.md's JSON (plus routing, due and closing times)."""
    found = tickets_db.get(db, ticket_id.strip().upper())
    if found is None:
        raise EdiopsError(_("no ticket {ticket_id!r}").format(ticket_id=clean(ticket_id)))
    return found


def list_tickets(
    db: Database,
    *,
    open_only: bool = False,
    status: str | None = None,
    query: str | None = None,
    category: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Newest first. `open_only`: still to be worked on (open or waiting)."""
    return tickets_db.find(db, active_only=open_only, status=status, query=query or "", category=category, limit=limit)


def _change(
    db: Database,
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
        status = tickets_db.status(db, ticket_id)
        if status is None:
            raise EdiopsError(_("no ticket {ticket_id!r}").format(ticket_id=clean(ticket_id)))
        if status not in allowed:
            raise EdiopsError(
                _("ticket {ticket_id} is {status}: {refusal}").format(
                    ticket_id=ticket_id, status=status, refusal=refusal
                )
            )
        sets = {**sets, "updated_at": at}
        tickets_db.update(db, ticket_id, sets)
        if note is not None:
            tickets_db.add_note(db, ticket_id, at=at, by=actor, text=note)
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
def add_note(db: Database, ticket_id: str, *, text: str, actor: str, now: datetime) -> dict:
    return _change(
        db,
        ticket_id,
        allowed=(*TICKET_ACTIVE, "resolved"),
        refusal="reopen it to add notes",
        sets={},
        action="ticket.note",
        actor=actor,
        now=now,
        note=_text("text", text),
    )


@operator_action("ticket")
def close_ticket(db: Database, ticket_id: str, *, note: str, actor: str, now: datetime) -> dict:
    note = _text("note", note)
    return _change(
        db,
        ticket_id,
        allowed=(*TICKET_ACTIVE, "resolved"),
        refusal="already closed",
        sets={"status": "closed", "closed_at": iso(now), "waiting_on": None},
        action="ticket.close",
        actor=actor,
        now=now,
        note=note,
        reason=note,
    )


@operator_action("ticket")
def resolve_ticket(db: Database, ticket_id: str, *, note: str, actor: str, now: datetime) -> dict:
    note = _text("note", note)
    return _change(
        db,
        ticket_id,
        allowed=TICKET_ACTIVE,
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
    db: Database, ticket_id: str, *, note: str, actor: str, now: datetime, settings: HotlineConfig
) -> dict:
    """Back to open, due again within its category's target from now."""
    note = _text("note", note)
    category = get_ticket(db, ticket_id)["category"]
    minutes = settings.categories[category].target_minutes
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
def wait_ticket(
    db: Database, ticket_id: str, *, party: str, actor: str, now: datetime, note: str | None = None
) -> dict:
    if party not in PARTIES:
        raise InputError(_("waiting party must be one of {known}").format(known=", ".join(PARTIES)))
    return _change(
        db,
        ticket_id,
        allowed=TICKET_ACTIVE,
        refusal="only an open or waiting ticket can wait",
        sets={"status": "waiting", "waiting_on": party},
        action="ticket.wait",
        actor=actor,
        now=now,
        note=_text("note", note, required=False),
    )


@operator_action("ticket")
def route_ticket(
    db: Database,
    ticket_id: str,
    *,
    to: str,
    actor: str,
    now: datetime,
    note: str | None = None,
    settings: HotlineConfig,
) -> dict:
    """Passes the ticket to a role or approved vendor of contacts.toml: it then waits on that
    party, and `routed_to`/`routed_at` say to whom and since when (vendor support is owed
    within 24 hours, 2002 notice)."""
    contact = settings.contact(to)
    return _change(
        db,
        ticket_id,
        allowed=TICKET_ACTIVE,
        refusal="only an open or waiting ticket can be routed",
        sets={"status": "waiting", "waiting_on": contact.party, "routed_to": contact.id, "routed_at": iso(now)},
        action="ticket.route",
        actor=actor,
        now=now,
        note=_text("note", note, required=False),
    )


def caller_for_phone(db: Queryable, phone: str) -> dict | None:
    """The caller, organisation and its kind of the latest ticket from a number starting with
    `phone`, so a returning caller is never typed twice."""
    return tickets_db.caller_for_phone(db, phone) if phone.strip() else None
