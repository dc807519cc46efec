"""The day's hotline summary: calls by category, what is open and past due now; the same
numbers as `ediops ticket summary --csv` (the desk writes no files on the server)."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ediops.i18n import N_, _
from ediops.hotline.summary import FIELDS, daily_summary
from ..kit.base import DeskScreen
from ..kit.safe import safe
from ..kit.widgets import KeyedTable, Row

COUNT_COLUMNS = [(f, f.replace("_", " ").capitalize(), 12 if f == "category" else 8) for f in FIELDS]
LATE_COLUMNS = [
    ("id", N_("Ticket"), 15),
    ("priority", N_("Pri"), 6),
    ("category", N_("Category"), 12),
    ("due", N_("Due"), 16),
    ("caller", N_("Caller"), 16),
]


class HotlineSummaryScreen(DeskScreen):
    CSS_PATH = "hotline_summary.tcss"
    BINDINGS = [
        Binding("comma", "day(-1)", "Day before", id="hotline_summary.before"),
        Binding("full_stop", "day(1)", "Day after", id="hotline_summary.after"),
    ]

    def __init__(self):
        super().__init__()
        self.day_shift = 0  # 0: today, -1: the day before...

    def compose_body(self) -> ComposeResult:
        yield Static(id="summary-title")
        yield KeyedTable(COUNT_COLUMNS, kind="summary", title=_("Calls by category"), id="summary-counts")
        yield KeyedTable(LATE_COLUMNS, kind="ticket", title=_("Open past due"), id="summary-late")
        yield Static(
            Text(_("CSV for the report: ediops ticket summary --date D --csv"), style="dim"), id="summary-hint"
        )

    def fetch(self, db, now):
        return daily_summary(db, day=now.date() + timedelta(days=self.day_shift), now=now)

    def show(self, summary: dict) -> None:
        self.query_one("#summary-title", Static).update(
            Text(
                _("Hotline {date}  (now {at})").format(date=summary["date"], at=summary["at"][:16].replace("T", " ")),
                style="bold",
            )
        )
        counts = [
            Row(
                row["category"], [Text(str(row[f]), style="bold" if row["category"] == "total" else "") for f in FIELDS]
            )
            for row in summary["categories"] + [summary["total"]]
        ]
        self.query_one("#summary-counts", KeyedTable).show_rows(counts)
        late = [
            Row(
                t["id"],
                [
                    safe(t["id"]),
                    safe(t["priority"]),
                    safe(t["category"]),
                    safe(t["due_at"][:16].replace("T", " "), "red"),
                    safe(t["caller"]),
                ],
                {"ticket_id": t["id"], "licence_no": t["licence_no"]},
            )
            for t in summary["past_due"]
        ]
        self.query_one("#summary-late", KeyedTable).show_rows(late, note=_("{n} past due").format(n=len(late)))

    def action_day(self, step: int) -> None:
        self.day_shift = min(0, self.day_shift + step)
        self.reload()
