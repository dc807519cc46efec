"""Home: the four live panes a duty officer keeps open all shift, under the header line."""

from __future__ import annotations

import sqlite3

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid

from ediops.views import connection
from ediops.views import alerts as alert_views
from ediops.views import dashboard
from ediops.clock import parse_instant
from ediops.i18n import N_, _
from ..kit.base import DeskScreen
from ..kit.header import HeaderLine, TroubleLine
from ..kit.rows import (
    FEED_COLUMNS,
    FINDING_COLUMNS,
    HOME_URGENT_COLUMNS,
    TICKET_COLUMNS,
    feed_row,
    finding_row,
    ticket_row,
    urgent_row,
)
from ..kit.pane import PaneTable

PANES = ("feeds", "urgent", "mismatches", "tickets")
PANE_WORDS = (N_("Issuer feeds"), N_("Urgent licences"), N_("Mismatches"), N_("Hotline tickets"))  # keys 1-4


class HomeScreen(DeskScreen):
    # home.tcss: read with the App's stylesheet (DeskApp.CSS_PATH), once, before the first frame
    BINDINGS = [
        Binding(str(i), f"pane('{name}')", words, show=False, id=f"home.pane{i}")
        for i, (name, words) in enumerate(zip(PANES, PANE_WORDS), 1)
    ]
    AUTO_FOCUS = "#urgent"  # focused as the screen is first shown: the footer is composed once, not again
    _opening = True  # until the first frame is drawn and its full fetch asked for

    def compose_body(self) -> ComposeResult:
        yield HeaderLine(id="header-line")
        yield TroubleLine(id="trouble-line")
        with Grid(id="panes"):
            yield PaneTable(FEED_COLUMNS, kind="issuer", title=_("Issuer feeds"), id="feeds")
            yield PaneTable(HOME_URGENT_COLUMNS, kind="licence", title=_("Urgent licences"), id="urgent")
            yield PaneTable(FINDING_COLUMNS, kind="finding", title=_("Mismatches"), id="mismatches")
            yield PaneTable(TICKET_COLUMNS, kind="ticket", title=_("Hotline tickets"), id="tickets")

    def _compositor_refresh(self) -> None:
        """Not while the app is still starting (its batch; private, textual is pinned): Textual
        would render the whole screen there and drop the frame (`App._display` writes nothing in
        a batch), ~4% of the first frame's instructions. The refresh after the batch draws every
        region still dirty (bench/NOTES.md)."""
        if not self.app._batch_count:
            super()._compositor_refresh()

    def load_first(self) -> None:
        """The panes are read here, before the first frame (a few ms at 10^6 licences), so the
        desk opens with them filled; the worker's full fetch (the header's window times need
        APScheduler, ~30 ms to import) runs once that frame is drawn, not alongside it.
        bench/NOTES.md: desk first frame."""
        try:
            data = self.fetch_panes(self.app.reader, self.app.clock.now())
        except sqlite3.Error:
            pass  # the worker's fetch tells the operator
        else:
            self.show(data, rows=self.app.size.height)  # enough for any pane; the rest after
        self.call_after_refresh(self._opened)

    def _opened(self) -> None:
        self._opening = False
        self.reload()

    def load_resumed(self) -> None:
        if not self._opening:  # else the first frame's own full fetch is on its way
            self.reload()

    def action_pane(self, name: str) -> None:
        self.query_one(f"#{name}", PaneTable).focus()

    def open_store(self):
        return connection.reader(self.app.db_path)  # dashboard queries need only `execute`

    def fetch(self, db, now):
        return {**self.fetch_panes(db, now), "status": dashboard.scheduler_status(db, self.app.config, now=now)}

    def fetch_panes(self, db, now):
        """Everything but the header's scheduler status."""
        config = self.app.config
        return {
            "now": now,
            "feeds": dashboard.issuer_feeds(db, config, now=now),
            "urgent": dashboard.urgent_licences(
                db, now=now, deadline_minutes=config.setting("urgent_deadline_minutes")
            ),
            "findings": dashboard.open_findings(db, limit=200),
            "counts": dashboard.finding_counts(db),
            "tickets": dashboard.open_tickets(db, limit=100),
            "peers": dashboard.peer_reachability(db),
            "channels": alert_views.channel_health(db),
            "alerts": alert_views.counts(db),
            "store": connection.room(self.app.db_path),  # full or read-only: said, the rest still shown
        }

    def show(self, data, *, rows: int | None = None) -> None:
        """`rows`: at most that many rows per pane (the notes still count them all)."""
        now = data["now"]
        if "status" in data:
            self.query_one(HeaderLine).show(now, data["status"], data["peers"], data.get("alerts"), data.get("store"))
        self.query_one(TroubleLine).show(now, data["peers"]["failing_peers"], data["channels"])
        feeds = data["feeds"]
        late = sum(f["status"] in ("late", "failing") for f in feeds)
        self.query_one("#feeds", PaneTable).show_rows(
            [feed_row(f, now) for f in feeds[:rows]],
            note=_("{n} late or failing").format(n=late) if late else _("all on time or waiting"),
        )
        urgent = data["urgent"]
        in_flight = [u for u in urgent if not u["settled"]]
        overdue = sum(u["minutes_left"] < 0 for u in in_flight)
        self.query_one("#urgent", PaneTable).show_rows(
            [urgent_row(u) for u in urgent[:rows]],
            note=_("{n} in flight, {overdue} overdue").format(n=len(in_flight), overdue=overdue),
        )
        counts = data["counts"]
        self.query_one("#mismatches", PaneTable).show_rows(
            [finding_row(f) for f in data["findings"][:rows]],
            note=_("{n} findings: ").format(n=sum(n for _code, n in counts))
            + ", ".join(f"{code} {n}" for code, n in counts[:3])
            if counts
            else _("none open"),
        )
        self.query_one("#tickets", PaneTable).show_rows(
            [
                ticket_row(t, dashboard.clock_minutes(parse_instant(t["opened_at"]), now))
                for t in data["tickets"][:rows]
            ],
            note=_("{n} open").format(n=len(data["tickets"])),
        )
