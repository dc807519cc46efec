"""Alerts (docs/alerts.md): open alerts, unacknowledged first, with their last notification and
the channels as the scheduler leader sees them; acknowledge with a note (k), all alerts
including closed ones (s). Opened from anywhere with `!`. Alerts that share a cause (customs
down, an issuer's feed failing) are listed under a line naming it (ediops/views/alerts.py);
marking that line and `k` acknowledges them all."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ediops.i18n import N_, _
from ..kit.base import DeskScreen
from ..kit.header import peer_name
from ..kit.cells import clock_time, word
from ..kit.operator import ask_then, perform
from ..kit.safe import join, safe
from ..kit.marks import MarkedTable, bulk
from ..kit.widgets import KeyedTable, Row, show_text

COLUMNS = [  # 80 columns: the last notification keeps 20
    ("id", N_("Id"), 4),
    ("code", N_("Code"), 18),
    ("subject", N_("Subject"), 12),
    ("status", N_("Status"), 10),
    ("since", N_("Since"), 5),
    ("steps", N_("St"), 2),
    ("last", N_("Last notification"), None),
]
STATUS_STYLE = {"open": "bold red", "acknowledged": "yellow", "closed": "dim"}
LIMIT = 500


def subject(alert: dict) -> Text:
    value = alert.get("licence_no") or alert.get("batch_id") or alert.get("issuer") or alert["subject"]
    return safe(value)


def last_notification(alert: dict) -> Text:
    notes = alert["notifications"]
    if not notes:
        return Text("-", style="dim")
    last = notes[-1]
    style = "green" if last["outcome"] == "sent" else "bold red"
    text = join(clock_time(last["at"]), safe(last["channel"]), Text(last["outcome"], style))
    if last["error"]:
        text.append(" ")
        text.append(safe(last["error"], "dim"))
    return text


def cause_row(cause: dict, members: list[dict]) -> Row:
    """The line a group of alerts stands under: what failed, since when, how many alerts."""
    waiting = [a["id"] for a in members if a["status"] == "open"]
    return Row(
        f"cause:{cause['peer']}",
        [
            Text(">", style="bold red"),
            join(safe(peer_name(cause["peer"]), "bold red"), Text(_("DOWN"), style="bold red")),
            Text(_("{n} alerts").format(n=len(members)), style="bold"),
            Text(_("{n} open").format(n=len(waiting)), style="bold red" if waiting else "dim"),
            clock_time(cause["since"]),
            Text(""),
            safe(cause.get("error") or "", "dim"),
        ],
        {"cause": cause["peer"], "alert_ids": waiting},
    )


def _members(key: str, context: dict) -> list[tuple[str, dict]]:
    """A marked group line stands for its open alerts (keyed as their own lines are)."""
    if "alert_ids" in context:
        return [(str(alert_id), {"alert_id": alert_id}) for alert_id in context["alert_ids"]]
    return [(key, context)]


def alert_row(alert: dict, *, under: bool = False) -> Row:
    status = (
        _("ack {who}").format(who=alert["acknowledged_by"])
        if alert["status"] == "acknowledged"
        else word(alert["status"])
    )
    return Row(
        str(alert["id"]),
        [
            Text(str(alert["id"])),
            Text("  ").append_text(safe(alert["code"], "bold")) if under else safe(alert["code"], "bold"),
            subject(alert),
            safe(status, STATUS_STYLE[alert["status"]]),
            clock_time(alert["since"]),
            Text(str(alert["steps_sent"])),
            last_notification(alert),
        ],
        {
            "alert_id": alert["id"],
            "status": alert["status"],
            "licence_no": alert["licence_no"],
            "issuer": alert["issuer"],
            "code": alert["code"],
        },
    )


def channels_text(channels: list[dict]) -> Text:
    """The channels as the leader last saw them; the unset ones first, with what to set."""
    if not channels:
        return Text(_("channels: not yet reported by a scheduler leader"), style="dim")
    line = Text(_("channels: "))
    parts: list[Text] = []
    unset = [c for c in channels if not c["configured"]]
    if unset:
        part = Text(end="")
        part.append(_("NOT SET") + " ", style="bold red")
        part.append_text(safe(", ".join(c["name"] for c in unset), "bold red"))
        part.append(" (")
        part.append(safe("; ".join((c["problem"] or "").split(": ", 1)[-1] for c in unset)))
        part.append(")")
        parts.append(part)
    for channel in channels:
        if not channel["configured"]:
            continue
        if channel["last_error_at"] and (channel["last_sent_at"] or "") < channel["last_error_at"]:
            part = safe(channel["name"], "yellow")
            part.append(" " + _("failing since {at}").format(at=clock_time(channel["last_error_at"]).plain), "yellow")
        else:
            part = safe(channel["name"], "green")
            part.append(" " + _("ok"), style="green")
        parts.append(part)
    line.append_text(Text(" · ").join(parts))
    return line


class AlertsScreen(DeskScreen):
    CSS_PATH = "alerts.tcss"
    ITEM_ACTIONS = frozenset({"escalate", "new_ticket"})
    BINDINGS = [
        Binding("k", "acknowledge", "Acknowledge", id="alerts.ack"),
        Binding("s", "toggle_status", "Open/all", id="alerts.status"),
    ]

    def __init__(self):
        super().__init__()
        self.open_only = True

    def compose_body(self) -> ComposeResult:
        yield Static(id="alert-channels")
        yield MarkedTable(COLUMNS, kind="finding", title=_("Alerts"), id="alerts-table")  # space, *: marks

    def fetch(self, db, now):
        from ediops.alerts.actions import listing
        from ediops.views import alerts as alert_views
        from ediops.views.alerts import grouped

        alerts = listing(db, open_only=self.open_only, limit=LIMIT, extra=("since",))
        return alerts, grouped(db, alerts), alert_views.channels(db)

    def show(self, data) -> None:
        alerts, groups, channels = data
        show_text(self.query_one("#alert-channels", Static), channels_text(channels))  # wraps: 1-2 lines
        waiting = sum(a["status"] == "open" for a in alerts)
        label = _("{n} unacknowledged").format(n=waiting) + " · " + (_("open") if self.open_only else _("all"))
        rows = []
        for cause, members in groups:
            if cause is not None:
                rows.append(cause_row(cause, members))
            rows += [alert_row(a, under=cause is not None) for a in members]
        self.query_one("#alerts-table", KeyedTable).show_rows(rows, note=label)

    def selection(self) -> dict:
        return self.query_one("#alerts-table", KeyedTable).selected_context()

    def action_toggle_status(self) -> None:
        self.open_only = not self.open_only
        self.reload()

    def action_acknowledge(self) -> None:
        table = self.query_one("#alerts-table", MarkedTable)
        if table.marks:  # each marked alert, one note
            from ediops.alerts.actions import acknowledge

            app = self.app
            bulk(
                self,
                table,
                role="alert-ack",
                title=_("Acknowledge alerts"),
                noun="alert",
                apply=lambda db, key, context, note: acknowledge(
                    db, context["alert_id"], note=note, roles=app.config.roles, actor=app.actor, now=app.clock.now()
                ),
                expand=_members,
            )
            return
        if self.app.refuse("alert-ack"):
            return
        alert = self.selection()
        if not alert.get("alert_id"):
            self.app.notify(_("select an alert to acknowledge"), severity="warning")
            return
        from ediops.alerts.actions import acknowledge

        alert_id = alert["alert_id"]
        ask_then(
            self.app,
            _("Acknowledge alert"),
            _("alert {id}: {code} {subject}").format(
                id=alert_id, code=alert.get("code"), subject=alert.get("licence_no") or alert.get("issuer") or ""
            ),
            lambda note: perform(
                self.app, _("alert {alert_id} acknowledged").format(alert_id=alert_id), acknowledge, alert_id, note=note
            ),
        )
