"""What people do with alerts: acknowledge one with a note (audited, role-checked), and read
them (the command line's and the desk's listing of docs/alerts.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datetime import datetime

from ediops.i18n import _
from ediops.clock import iso
from ediops.errors import EdiopsError
from ediops.operators import audit, roles
from ediops.store import alerts as alerts_db
from ediops.store import write

if TYPE_CHECKING:
    from ediops.store import Database

JSON_FIELDS = (
    "id",
    "code",
    "subject",
    "licence_no",
    "issuer",
    "batch_id",
    "status",
    "opened_at",
    "closed_at",
    "steps_sent",
    "acknowledged_by",
    "acknowledged_at",
)
NOTIFICATION_FIELDS = ("channel", "step", "at", "outcome", "error")


class AlreadyAcknowledged(EdiopsError):
    """Another operator acknowledged it first."""


@roles.operator_action("alert-ack")
def acknowledge(db: Database, alert_id: int, *, note: str, actor: str, now: datetime) -> dict:
    """Stops an open alert's steps and repeats; it stays listed until its cause goes away.
    Callers pass `roles=` (roles.toml): the role is checked before anything is touched."""
    if not note or not note.strip():
        raise EdiopsError(_("acknowledging an alert needs a note"))
    at = iso(now)
    with write(db):
        before = alerts_db.acknowledge(db, alert_id, actor=actor, note=note.strip(), at=at)
        if before is None:
            raise EdiopsError(_("alert {alert_id} does not exist").format(alert_id=alert_id))
        if before["status"] == "closed":
            raise EdiopsError(
                _("alert {alert_id} is closed: its cause went away at {closed_at}").format(
                    alert_id=alert_id, closed_at=before["closed_at"]
                )
            )
        if before["status"] == "acknowledged":
            raise AlreadyAcknowledged(
                f"alert {alert_id} was already acknowledged by {before['acknowledged_by']} "
                f"at {before['acknowledged_at']}: {before['ack_note']}"
            )
        detail = {"code": before["code"], "subject": before["subject"], "steps_sent": before["steps_sent"]}
        audit.record(db, "alert.ack", f"alert:{alert_id}", at=at, actor=actor, reason=note.strip(), detail=detail)
    return before


def listing(db: Database, *, open_only: bool, limit: int | None = None, extra: tuple[str, ...] = ()) -> list[dict]:
    """Alerts as `ediops alerts --json` prints them, unacknowledged first (`extra`: more of
    the alert's fields, for the desk)."""
    rows = alerts_db.listing(db, open_only=open_only, limit=limit)
    attempts = alerts_db.attempts_of(db, [r["id"] for r in rows])
    out = []
    for row in rows:
        item = {f: row[f] for f in (*JSON_FIELDS, *extra)}
        item["notifications"] = [{f: n[f] for f in NOTIFICATION_FIELDS} for n in attempts.get(row["id"], [])]
        out.append(item)
    return out
