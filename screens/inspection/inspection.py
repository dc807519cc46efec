"""The 2002 notice at a glance: per inspection bureau, how much of this month's declaring and
certificate-of-origin work is electronic, and who must move — enterprises named by the docs/inspection.md
findings and vendor tickets past their 24 hours. Enter drills into an enterprise's month
(or a ticket); `[` and `]` step through months."""

from __future__ import annotations


from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from ediops.i18n import N_, _
from ediops.views import inspection as inspection_view
from ..kit.base import DeskScreen
from ..kit.cells import BARS
from ..kit.safe import join, safe
from ..inspection.inspection_cells import WHAT, share_bar, shift_month
from ..kit.widgets import KeyedTable, Row, show_text

BUREAU_COLUMNS = [
    ("bureau", N_("Bur"), 4),
    ("edecl", N_("E-declared"), 13),
    ("batches", N_("Bat"), 5),
    ("evisa", N_("E-visas"), 13),
    ("certs", N_("CO"), 4),
    ("pre", N_("Pre"), 3),
    ("fees", N_("Fees"), 8),
    ("daily", N_("Daily e-%"), 10),
]
NAME_WIDTH = 16
ATTENTION_COLUMNS = [
    ("what", N_("What"), 10),
    ("who", N_("Enterprise"), 15),
    ("name", "Name", NAME_WIDTH),
    ("period", N_("Period"), 10),
    ("detail", N_("Why"), 64),
]


def daily_bars(shares: list[int | None], width: int = 10) -> Text:
    """The month's days so far, one cell each (the latest `width`): height is the e-share."""
    cells = "".join(" " if s is None else BARS[max(1, s * 8 // 100)] for s in shares[-width:])
    return Text(cells, style="cyan")


def fitted(value: object, width: int) -> Text:
    """Outside text cut to `width` cells (wide CJK characters count two) with an ellipsis."""
    text = safe(value)
    text.truncate(width, overflow="ellipsis")
    return text


def bureau_row(b: dict) -> Row:
    return Row(
        b["bureau"],
        [
            safe(b["bureau"], "bold"),
            share_bar(b["edecl_share"]),
            Text(str(b["batches"])),
            share_bar(b["evisa_share"]),
            Text(str(b["applications"])),
            Text(str(b["pre_entry"]), style="yellow" if b["pre_entry"] else "dim"),
            Text(b["fees"], style="yellow" if b["fees_charged"] else "dim"),
            daily_bars(b["daily"]),
        ],
        {"bureau": b["bureau"]},
    )


def finding_row(f: dict) -> Row:
    label, style = WHAT[f["code"]]
    return Row(
        f"finding:{f['id']}",
        [
            Text(_(label), style=style),
            safe(f["enterprise"]),
            fitted(f["name"], NAME_WIDTH),
            safe(f["period"]),
            safe(f["summary"]),
        ],
        {"finding_id": f["id"], "enterprise": f["enterprise"], "month": f["period"][:7], "code": f["code"]},
    )


def ticket_row(t: dict) -> Row:
    return Row(
        f"ticket:{t['id']}",
        [
            Text(_("vendor 24h"), style="bold red"),
            safe(t["id"]),
            fitted(t["vendor_name"], NAME_WIDTH),
            Text(f"{t['hours']}h", style="bold red"),
            join(
                safe(t["org"]),
                Text(
                    _("waiting on the vendor since {since}").format(since=t["since"][:16].replace("T", " ")),
                    style="dim",
                ),
                separator=" · ",
            ),
        ],
        {"ticket_id": t["id"]},
    )


def summary_line(month: str, findings: list[dict], tickets: list[dict], bureaus: list[dict]) -> Text:
    counts = {code: sum(f["code"] == code for f in findings) for code in WHAT}
    fees = sum(b["fees_charged"] for b in bureaus)
    line = Text(_("2002 notice · {month}").format(month=month), style="bold")
    for label, n in (
        (_("must move"), counts["EDECL_REQUIRED"] + counts["CO_EVISA_REQUIRED"]),
        (_("pre-entry"), counts["PRE_ENTRY_SELF_DECLARER"]),
        (_("fees"), fees),
        (_("vendor >24h"), len(tickets)),
    ):
        line.append(" · ")
        line.append(f"{label} {n}", style="bold red" if n else "green")
    return line


class InspectionScreen(DeskScreen):
    CSS_PATH = "inspection.tcss"
    BINDINGS = [
        Binding("left_square_bracket", "month(-1)", "Prev month", id="inspection.prev_month"),
        Binding("right_square_bracket", "month(1)", "Next month", id="inspection.next_month"),
        Binding("tab", "focus_next", "Pane", show=False, id="inspection.pane"),
    ]

    def __init__(self, month: str | None = None):
        super().__init__()
        self.month = month

    def compose_body(self) -> ComposeResult:
        yield Static(id="inspection-summary")
        yield KeyedTable(BUREAU_COLUMNS, kind="bureau", title=_("Bureaus: electronic share this month"), id="bureaus")
        yield KeyedTable(ATTENTION_COLUMNS, kind="inspection", title=_("Who must move"), id="attention")

    def on_mount(self) -> None:
        self.query_one("#attention", KeyedTable).focus()
        super().on_mount()

    def fetch(self, db, now):
        month = self.month or inspection_view.month_of(now)
        configured = inspection_view.configured_bureaus(self.app.config)
        return {
            "month": month,
            "bureaus": inspection_view.bureau_month(db, month, configured=configured),
            "findings": inspection_view.findings_of_month(db, month),
            "tickets": inspection_view.overdue_vendor_tickets(db, self.app.config, now=now),
        }

    def show(self, data) -> None:
        self.month = data["month"]
        bureaus, findings, tickets = data["bureaus"], data["findings"], data["tickets"]
        show_text(
            self.query_one("#inspection-summary", Static), summary_line(data["month"], findings, tickets, bureaus)
        )
        reported = sum(1 for b in bureaus if b["batches"] or b["applications"])
        self.query_one("#bureaus", KeyedTable).show_rows(
            [bureau_row(b) for b in bureaus], note=_("{n} of {total} reporting").format(n=reported, total=len(bureaus))
        )
        self.query_one("#attention", KeyedTable).show_rows(
            [ticket_row(t) for t in tickets] + [finding_row(f) for f in findings],
            note=_("{n} findings, {tickets} vendor tickets").format(n=len(findings), tickets=len(tickets)),
        )

    def action_month(self, step: int) -> None:
        self.month = shift_month(self.month or inspection_view.month_of(self.app.clock.now()), step)
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        context = event.data_table.selected_context() if isinstance(event.data_table, KeyedTable) else {}
        if context.get("enterprise"):
            event.prevent_default()
            from ..inspection.inspection_enterprise import InspectionEnterpriseScreen

            self.app.push_screen(InspectionEnterpriseScreen(context["enterprise"], context["month"]))
        elif context.get("ticket_id"):
            event.prevent_default()
            self.app.open_item("ticket", context)
