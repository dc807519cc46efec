"""Findings: open findings grouped by code (pick a code on the left), resolve with a note (r),
open a ticket from one (n), or all findings including resolved ones (s). With rows marked
(space, or * for every row shown), r resolves each marked finding with one note."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable

from ediops.i18n import N_, _
from ediops.views import dashboard
from ..kit.base import DeskScreen
from ..kit.cells import stamp, word
from ..kit.rows import subject_text
from ..kit.safe import safe
from ..kit.marks import MarkedTable
from ..kit.widgets import KeyedTable, Row

ALL = "*"
CODE_COLUMNS = [("code", N_("Code"), 23), ("n", N_("Open"), 4)]
COLUMNS = [
    ("id", N_("Id"), 5),
    ("code", N_("Code"), 23),
    ("subject", N_("Subject"), 24),
    ("status", N_("Status"), 8),
    ("opened", N_("Opened"), 19),
    ("by", N_("Closed by"), 10),
    ("note", N_("Detail / note"), 40),
]


def finding_cells(f: dict) -> Row:
    closed = f["status"] != "open"
    return Row(
        str(f["id"]),
        [
            Text(str(f["id"])),
            safe(f["code"], "bold"),
            subject_text(f),
            Text(word(f["status"]), style="dim" if closed else "yellow"),
            stamp(f["opened_at"]),
            safe(f.get("closed_by") or ("engine" if closed else "-")),
            safe(f.get("note") or f.get("detail") or ""),
        ],
        {
            "finding_id": f["id"],
            "licence_no": f.get("licence_no"),
            "issuer": f.get("issuer"),
            "code": f["code"],
            "enterprise": f.get("enterprise"),
            "period": f.get("period"),
        },
    )


class FindingsScreen(DeskScreen):
    CSS_PATH = "findings.tcss"
    ITEM_ACTIONS = frozenset({"resolve", "new_ticket"})
    BINDINGS = [Binding("s", "toggle_status", "Open/all", id="findings.status")]

    def __init__(self, code: str | None = None):
        super().__init__()
        self.code = code
        self.status: str | None = "open"

    def compose_body(self) -> ComposeResult:
        with Horizontal():
            yield KeyedTable(CODE_COLUMNS, kind="code", title=_("Codes"), id="codes")
            yield MarkedTable(COLUMNS, kind="finding", title=_("Findings"), id="findings")

    def fetch(self, db, now):
        return dashboard.finding_counts(db), dashboard.findings_of(db, status=self.status, code=self.code)

    def show(self, data) -> None:
        counts, findings = data
        total = sum(n for _, n in counts)
        self.query_one("#codes", KeyedTable).show_rows(
            [Row(ALL, [Text(_("all codes"), style="italic"), Text(str(total))], {"code": None})]
            + [Row(code, [safe(code), Text(str(n))], {"code": code}) for code, n in counts]
        )
        label = (word(self.status) if self.status else _("all")) + " · " + (self.code or _("all codes"))
        self.query_one("#findings", KeyedTable).show_rows([finding_cells(f) for f in findings], note=label)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "codes":
            event.stop()
            codes = event.data_table
            self.code = codes.selected_context().get("code") if isinstance(codes, KeyedTable) else None
            self.query_one("#findings", KeyedTable).focus()
            self.reload()
        else:
            super().on_data_table_row_selected(event)

    def selection(self) -> dict:
        return self.query_one("#findings", KeyedTable).selected_context()

    def action_toggle_status(self) -> None:
        self.status = None if self.status else "open"
        self.reload()
