"""What the hotline operator reads out while the caller waits: a licence's story in a few
facts (received? forwarded? accepted by customs? releases n/12?) drawn from the foundation's
`licence_view`, and what to say when the centre never received the licence."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ediops.licensing.forward_state import describe
from ediops.licensing.licence import licence_view
from ediops.store import feeds as feeds_db, licences as licences_db, tickets as tickets_db

if TYPE_CHECKING:
    from ediops.store import Queryable


def licence_story(db: Queryable, licence_no: str, *, now: datetime, ticket_id: str | None = None) -> dict:
    """`found` False when the centre never accepted this licence (then `rejected` tells
    whether it came and was refused, so the operator knows to call the issuer). `tickets`
    counts the licence's tickets before `ticket_id` (the one on screen, never itself)."""
    licence_no = licence_no.strip().upper()
    view = licence_view(db, licence_no, now=now)
    if view is None:
        return {
            "licence_no": licence_no,
            "found": False,
            "open_findings": [],
            "tickets": _earlier(tickets_db.of_licence(db, licence_no), ticket_id),
            "rejected": feeds_db.last_rejection(db, licence_no),
        }
    licence, tally = view["licence"], view["tally"]
    story = {
        key: licence[key]
        for key in (
            "state",
            "urgent",
            "received_at",
            "forwarded_at",
            "customs_answer",
            "customs_reason",
            "one_batch",
            "trader_name",
            "port",
            "valid_to",
        )
    }
    story.update(
        licence_no=licence_no,
        found=True,
        uses=tally["uses"],
        max_uses=1 if licence["one_batch"] else tally["max_uses"],
        remaining=tally["remaining"],
        unit=tally["unit"],
        tickets=_earlier(view["tickets"], ticket_id),
        way=view["way"],
        way_text=describe(view["way"]),
        open_findings=[f["code"] for f in view["findings"] if f["status"] == "open"],
    )
    return story


def _earlier(tickets: list[dict], ticket_id: str | None) -> int:
    """Tickets opened before `ticket_id` (all of them when None: a ticket not yet saved)."""
    if ticket_id is None:
        return len(tickets)
    ids = [t["id"] for t in tickets]
    return ids.index(ticket_id) if ticket_id in ids else len(tickets)


def corrections(db: Queryable, licence_no: str) -> list[dict]:
    """The write-off corrections of a licence, for its statement (ediops.licensing.statement)."""
    return licences_db.writeoff_corrections(db, licence_no)
