"""Table rows of the desk's panes, built from dashboard data; every outside value through `safe`."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from ediops.i18n import N_, _
from ediops.licensing.forward_state import REFUSED, WAITING, describe
from ..kit.cells import (
    word,
    PRIORITY_STYLE,
    clock_time,
    day_time,
    deadline_style,
    feed_status,
    minutes_text,
    sparkline,
    time_left,
)
from ..kit.safe import safe
from ..kit.pane import Column
from ..kit.widgets import Row

# Home panes (PaneTable): widths are the most a column takes; `flex` columns take what is left
# and `drop` columns give way, 1 first, when a pane is narrow (80x24: 38 cells inside a pane).
FEED_COLUMNS = [
    Column("issuer", N_("Iss"), 3),
    Column("status", N_("Status"), 12),
    Column("batches", N_("Bat"), 4),
    Column("licences", N_("Lic"), 6),
    Column("last", N_("Last"), 5),  # the last batch received: HH:MM today, MM-DD before, - never
    Column("volume", N_("Volume"), 12, drop=1),
    Column("name", N_("Name"), 30, flex=True, drop=2),
]
HOME_URGENT_COLUMNS = [
    Column("licence", N_("Licence"), 14),
    Column("left", N_("Deadline"), 14),
    Column("state", N_("State"), 12),
    Column("age", N_("Age"), 6, drop=2),
    Column("trader", N_("Trader"), 30, flex=True, drop=1),
]
FINDING_COLUMNS = [
    Column("code", N_("Code"), 23),  # sized to the longest open code: OPERATING_UNIT_MISMATCH whole
    Column("subject", N_("Subject"), 20, flex=True),
    Column("opened", N_("Opened"), 6, drop=1),
]
TICKET_COLUMNS = [
    Column("priority", N_("Pri"), 6),
    Column("age", N_("Age"), 6, drop=3),
    Column("id", N_("Ticket"), 16),
    Column("category", N_("Category"), 14, flex=True, drop=2),
    Column("org", N_("Caller"), 30, flex=True, drop=1),
]


def feed_row(feed: dict, now: datetime) -> Row:
    return Row(
        feed["issuer"],
        [
            safe(feed["issuer"], "bold"),
            feed_status(feed),
            Text(str(feed["batches"])),
            Text(str(feed["licences"])),
            day_time(feed["last_batch"], now),
            sparkline(feed["hourly"]),
            safe(feed["name"]),
        ],
        {"issuer": feed["issuer"]},
    )


def urgent_row(row: dict) -> Row:
    style = deadline_style(row["minutes_left"], row["settled"])
    state = row["display_state"] + ("!" if row.get("escalated_at") else "")
    left = _("done") if row["settled"] else time_left(row["minutes_left"])
    return Row(
        row["licence_no"],
        [
            safe(row["licence_no"], style),
            Text(left, style=style),
            Text(state, style=style),
            Text(minutes_text(row["age_minutes"]), style=style),
            safe(row["trader_name"]),
        ],
        {
            "licence_no": row["licence_no"],
            "issuer": row["issuer"],
            "way": describe(row["way"]),
            "retry": row["way"]["state"] in (WAITING, REFUSED),
        },
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
            safe(word(ticket["priority"]), PRIORITY_STYLE.get(ticket["priority"], "")),
            Text(minutes_text(age_minutes)),
            safe(ticket["id"]),
            safe(word(ticket["category"])),
            safe(f"{ticket['caller']} ({ticket['org']})"),
        ],
        {"ticket_id": ticket["id"], "licence_no": ticket.get("licence_no")},
    )
