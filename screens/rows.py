"""Table rows of the desk's panes, built from dashboard data; every outside value through `safe`."""

from __future__ import annotations

from rich.text import Text

from ediops.screens.cells import (
    PRIORITY_STYLE,
    clock_time,
    deadline_style,
    feed_status,
    minutes_text,
    sparkline,
    time_left,
)
from ediops.screens.safe import safe
from ediops.screens.widgets import Row

FEED_COLUMNS = [
    ("issuer", "Iss", 3),
    ("status", "Status", 12),
    ("batches", "Bat", 3),
    ("licences", "Lic", 4),
    ("contact", "Last", 5),
    ("volume", "Volume", 12),
    ("name", "Name", 30),
]
URGENT_COLUMNS = [
    ("licence", "Licence", 12),
    ("left", "Deadline", 14),
    ("state", "State", 10),
    ("age", "Age", 6),
    ("trader", "Trader", 30),
]  # state still shown in an 80-column pane
FINDING_COLUMNS = [("code", "Code", 17), ("subject", "Subject", 14), ("opened", "Opened", 6)]
TICKET_COLUMNS = [
    ("priority", "Pri", 6),
    ("age", "Age", 6),
    ("id", "Ticket", 9),
    ("category", "Category", 12),
    ("org", "Caller", 30),
]


def feed_row(feed: dict) -> Row:
    return Row(
        feed["issuer"],
        [
            safe(feed["issuer"], "bold"),
            feed_status(feed),
            Text(str(feed["batches"])),
            Text(str(feed["licences"])),
            clock_time(feed["last_contact"]),
            sparkline(feed["hourly"]),
            safe(feed["name"]),
        ],
        {"issuer": feed["issuer"]},
    )


def urgent_row(row: dict) -> Row:
    style = deadline_style(row["minutes_left"], row["settled"])
    state = row["display_state"] + ("!" if row.get("escalated_at") else "")
    left = "done" if row["settled"] else time_left(row["minutes_left"])
    return Row(
        row["licence_no"],
        [
            safe(row["licence_no"], style),
            Text(left, style=style),
            Text(state, style=style),
            Text(minutes_text(row["age_minutes"]), style=style),
            safe(row["trader_name"]),
        ],
        {"licence_no": row["licence_no"], "issuer": row["issuer"]},
    )


def subject_text(finding: dict) -> Text:
    """The finding's subject as the operator reads it: the licence, batch, issuer or declaration."""
    for field in ("licence_no", "declaration_no", "batch_id", "enterprise", "issuer", "ticket_id"):
        if finding.get(field):
            return safe(finding[field])
    return safe(finding["subject"])


def finding_row(finding: dict) -> Row:
    return Row(
        str(finding["id"]),
        [
            safe(finding["code"], "bold"),
            subject_text(finding),
            clock_time(finding["opened_at"]),
        ],
        {
            "finding_id": finding["id"],
            "licence_no": finding.get("licence_no"),
            "issuer": finding.get("issuer"),
            "code": finding["code"],
            "enterprise": finding.get("enterprise"),
            "period": finding.get("period"),
        },
    )


def ticket_row(ticket: dict, age_minutes: int) -> Row:
    return Row(
        str(ticket["id"]),
        [
            safe(ticket["priority"], PRIORITY_STYLE.get(ticket["priority"], "")),
            Text(minutes_text(age_minutes)),
            safe(ticket["id"]),
            safe(ticket["category"]),
            safe(f"{ticket['caller']} ({ticket['org']})"),
        ],
        {"ticket_id": ticket["id"], "licence_no": ticket.get("licence_no")},
    )
