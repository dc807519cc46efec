"""The shift handover report on the desk (docs/operations.md): the same report as `ediops report`,
for the officer handing over, on the centre's shifts (settings shift_starts); `,` and `.`
step back and forward one shift, both always in the footer (`.` dim on the running shift)."""

from __future__ import annotations


from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ediops.operations import report
from ..kit.base import DeskScreen
from ..kit.safe import safe


class ReportScreen(DeskScreen):
    CSS_PATH = "report.tcss"
    ITEM_ACTIONS = frozenset()
    BINDINGS = [
        Binding("comma", "shift(-1)", "Shift before", id="report.before"),
        Binding("full_stop", "shift(1)", "Shift after", id="report.after"),
    ]

    def __init__(self):
        super().__init__()
        self.shifts_back = 0  # 0: the shift running now, so far; 1: the whole shift before it...

    def compose_body(self) -> ComposeResult:
        yield Static(id="report-title")
        with VerticalScroll(id="report-scroll"):
            yield Static(id="report-body")

    def open_store(self):
        from ediops.views import connection

        return connection.reader(self.app.db_path)  # the report's queries need only execute

    def fetch(self, db, now):
        return report.text(report.of_shift(db, self.app.config, now=now, back=self.shifts_back))

    def show(self, lines: list[str]) -> None:
        title, *body = lines
        self.query_one("#report-title", Static).update(safe(title, "bold"))  # wraps, never clipped
        self.query_one("#report-body", Static).update(safe("\n".join(body), multiline=True))

    def action_shift(self, step: int) -> None:
        self.shifts_back = max(0, self.shifts_back - step)
        self.reload()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "shift" and parameters and parameters[0] > 0:
            return True if self.shifts_back > 0 else None  # shown, dim: there is no later shift yet
        return super().check_action(action, parameters)
