"""Home: the four live panes a duty officer keeps open all shift, under the header line."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid

from ediops import dashboard
from ediops.clock import parse_instant
from screens.base import DeskScreen
from screens.header import HeaderLine
from screens.rows import (FEED_COLUMNS, FINDING_COLUMNS, TICKET_COLUMNS, URGENT_COLUMNS, feed_row,
                          finding_row, ticket_row, urgent_row)
from screens.widgets import KeyedTable

PANES = ("feeds", "urgent", "mismatches", "tickets")


class HomeScreen(DeskScreen):
    CSS_PATH = "home.tcss"
    BINDINGS = [Binding(str(i), f"pane('{name}')", name, show=False, id=f"home.pane{i}")
                for i, name in enumerate(PANES, 1)]

    def compose_body(self) -> ComposeResult:
        yield HeaderLine(id="header-line")
        with Grid(id="panes"):
            yield KeyedTable(FEED_COLUMNS, kind="issuer", title="Issuer feeds", id="feeds")
            yield KeyedTable(URGENT_COLUMNS, kind="licence", title="Urgent licences", id="urgent")
            yield KeyedTable(FINDING_COLUMNS, kind="finding", title="Mismatches", id="mismatches")
            yield KeyedTable(TICKET_COLUMNS, kind="ticket", title="Hotline tickets", id="tickets")

    def on_mount(self) -> None:
        self.query_one("#urgent", KeyedTable).focus()
        super().on_mount()

    def action_pane(self, name: str) -> None:
        self.query_one(f"#{name}", KeyedTable).focus()

    def fetch(self, db, now):
        config = self.app.config
        return {
            "now": now,
            "feeds": dashboard.issuer_feeds(db, config, now=now),
            "urgent": dashboard.urgent_licences(db, now=now, deadline_minutes=config.setting("urgent_deadline_minutes")),
            "findings": dashboard.open_findings(db, limit=200),
            "counts": dashboard.finding_counts(db),
            "tickets": dashboard.open_tickets(db, limit=100),
            "status": dashboard.scheduler_status(db, config, now=now),
            "peers": dashboard.peer_reachability(db),
        }

    def show(self, data) -> None:
        now = data["now"]
        self.query_one(HeaderLine).show(data["status"], data["peers"])
        feeds = data["feeds"]
        late = sum(f["status"] in ("late", "failing") for f in feeds)
        self.query_one("#feeds", KeyedTable).show_rows(
            [feed_row(f) for f in feeds], note=f"{late} late or failing" if late else "all on time or waiting")
        urgent = data["urgent"]
        in_flight = [u for u in urgent if not u["settled"]]
        overdue = sum(u["seconds_left"] < 0 for u in in_flight)
        self.query_one("#urgent", KeyedTable).show_rows(
            [urgent_row(u) for u in urgent], note=f"{len(in_flight)} in flight, {overdue} overdue")
        counts = data["counts"]
        self.query_one("#mismatches", KeyedTable).show_rows(
            [finding_row(f) for f in data["findings"]],
            note=" ".join(f"{code} {n}" for code, n in counts[:3]) or "none open")
        self.query_one("#tickets", KeyedTable).show_rows(
            [ticket_row(t, int((now - parse_instant(t["opened_at"])).total_seconds())) for t in data["tickets"]],
            note=f"{len(data['tickets'])} open")
