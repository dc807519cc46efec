"""Windows: each transmission window's next run, last run and outcome; run now (r), pause (p),
resume (s), each with a reason, through the scheduler leader's command table."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding

from ediops.i18n import N_, _
from ediops.views import dashboard
from ediops.scheduling import windows
from ..kit import operator
from ..kit.base import DeskScreen
from ..kit.cells import clock_time, word
from ..kit.safe import safe
from ..kit.widgets import KeyedTable, Row

COLUMNS = [
    ("window", N_("Window"), 15),
    ("next", N_("Next"), 5),
    ("last", N_("Last"), 5),
    ("outcome", N_("Outcome"), 8),
    ("paused", N_("Paused"), 20),
    ("detail", N_("Detail"), 40),
]
RUN_COLUMNS = [  # newest first by when each run started; "for": the scheduled time it ran for
    ("started", N_("Started"), 8),
    ("window", N_("Window"), 15),
    ("occurrence", N_("For"), 11),
    ("holder", N_("Leader"), 16),
    ("outcome", N_("Outcome"), 8),
    ("detail", N_("Detail"), None),
]


def occurrence_text(occurrence: str) -> Text:
    """The scheduled run a run was for (MM-DD HH:MM), or who asked for it ("manual:12")."""
    return clock_time(occurrence, "%m-%d %H:%M") if occurrence[:1].isdigit() else safe(occurrence)


def outcome_text(outcome: str | None) -> Text:
    if not outcome:
        return Text("-", style="dim")
    return safe(word(outcome), "bold red" if outcome.startswith("failed") else "green" if outcome == "ok" else "")


def window_row(w: dict) -> Row:
    paused = (
        Text(_("paused by {paused_by}").format(paused_by=w["paused_by"]), style="yellow")
        if w["paused"]
        else Text(_("no"), style="dim")
    )
    return Row(
        w["window"],
        [
            safe(w["window"], "bold"),
            clock_time(w["next_run"]),
            clock_time(w["last_run"]),
            outcome_text(w["outcome"]),
            paused,
            safe(w.get("detail") or w.get("description") or ""),
        ],
        {"window": w["window"]},
    )


class WindowsScreen(DeskScreen):
    CSS_PATH = "windows.tcss"
    ITEM_ACTIONS = frozenset({"new_ticket"})
    BINDINGS = [
        Binding("r", "run", "Run now", id="windows.run"),
        Binding("p", "pause", "Pause", id="windows.pause"),
        Binding("s", "resume", "Resume", id="windows.resume"),
    ]

    def compose_body(self) -> ComposeResult:
        yield KeyedTable(COLUMNS, kind="window", title=_("Windows"), id="windows")
        yield KeyedTable(RUN_COLUMNS, kind="run", title=_("Recent runs"), id="runs")

    def fetch(self, db, now):
        return windows.window_status(db, self.app.config, now=now), dashboard.recent_runs(db)

    def show(self, data) -> None:
        status, runs = data
        self.query_one("#windows", KeyedTable).show_rows([window_row(w) for w in status])
        self.query_one("#runs", KeyedTable).show_rows(
            [
                Row(
                    f"{r['window']}@{r['occurrence']}",
                    [
                        clock_time(r["started_at"], "%H:%M:%S"),
                        safe(r["window"]),
                        occurrence_text(r["occurrence"]),
                        safe(r["holder"] or "-"),
                        outcome_text(r["outcome"]),
                        safe(r["detail"] or ""),
                    ],
                )
                for r in runs
            ]
        )

    def _window(self) -> str | None:
        window = self.query_one("#windows", KeyedTable).selected_context().get("window")
        if window is None:
            self.app.notify(_("select a window"), severity="warning")
        return window

    def action_run(self) -> None:
        if window := self._window():
            operator.request_window_run(self.app, window)

    def action_pause(self) -> None:
        if window := self._window():
            operator.set_window_paused(self.app, window, True)

    def action_resume(self) -> None:
        if window := self._window():
            operator.set_window_paused(self.app, window, False)
