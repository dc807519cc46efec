"""One enterprise's month under the 2002 notice: how it declared (where, through which
channel, what it was charged), its certificate-of-origin applications, and the findings that
name it. `[` and `]` step through months; `r` resolves the selected finding."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ediops.i18n import N_, _, ngettext
from ediops.views import inspection as inspection_view
from ediops.views.inspection import channel_word
from ediops.inspection.rules import ELECTRONIC_CHANNELS
from ..kit.base import DeskScreen
from ..kit.cells import stamp, word
from ..inspection.inspection_cells import WHAT, share_bar, shift_month
from ..kit.safe import safe
from ..kit.widgets import KeyedTable, Row, show_text

FINDING_COLUMNS = [
    ("what", N_("What"), 10),
    ("period", N_("Period"), 10),
    ("status", N_("Status"), 8),
    ("why", N_("Why"), 64),
]
DECLARATION_COLUMNS = [
    ("date", N_("Date"), 10),
    ("bureau", N_("Bur"), 4),
    ("channel", N_("Channel"), 9),
    ("batches", N_("Bat"), 4),
    ("agent", N_("Agent"), 5),
    ("fee", N_("Fee"), 8),
]
CERTIFICATE_COLUMNS = [
    ("no", N_("Certificate"), 16),
    ("bureau", N_("Bur"), 4),
    ("channel", N_("Channel"), 10),
    ("submitted", N_("Submitted"), 19),
    ("issued", N_("Issued"), 19),
]


def summary_text(month: dict) -> Text:
    text = Text(end="")
    text.append(safe(month["enterprise"], "bold"))
    text.append(" ")
    text.append(safe(month["name"]))
    kind = _("agent (代理报检)") if month["agent"] else _("self-declaring")
    text.append(f" · {month['month']} · {kind}\n")
    n = month["batches"]
    text.append(ngettext("declared {n} batch ", "declared {n} batches ", n).format(n=n))
    text.append(share_bar(month["edecl_share"]))
    channels = ", ".join(f"{channel_word(ch)} {n}" for ch, n in month["by_channel"].items())
    text.append(" " + _("electronic") + " · " + channels + "\n")
    text.append(_("CO applications {n} ").format(n=month["applications"]))
    text.append(share_bar(month["evisa_share"]))
    text.append(" " + _("e-visa") + " · " + _("platform fees charged") + " ")
    text.append(month["fees"], style="yellow" if month["fees"] not in ("0", "0.00") and not month["agent"] else "")
    return text


def declaration_row(i: int, d: dict) -> Row:
    style = "" if d["channel"] in ELECTRONIC_CHANNELS else "yellow"
    return Row(
        str(i),
        [
            Text(d["business_date"]),
            safe(d["bureau"]),
            safe(channel_word(d["channel"]), style),
            Text(str(d["batches"])),
            Text(_("yes") if d["agent"] else _("no")),
            safe(d["platform_fee"]),
        ],
    )


def certificate_row(c: dict) -> Row:
    return Row(
        f"{c['bureau']}:{c['certificate_no']}",
        [
            safe(c["certificate_no"]),
            safe(c["bureau"]),
            safe(channel_word(c["channel"]), "yellow" if c["channel"] == "paper" else ""),
            stamp(c["submitted_at"]),
            stamp(c["issued_at"]),
        ],
    )


def finding_row(f: dict) -> Row:
    label, style = WHAT[f["code"]]
    status_style = "bold" if f["status"] == "open" else "dim"
    return Row(
        str(f["id"]),
        [
            Text(_(label), style=style),
            safe(f["period"]),
            Text(word(f["status"]), style=status_style),
            safe(f["summary"]),
        ],
        {"finding_id": f["id"], "code": f["code"], "enterprise": f["enterprise"]},
    )


class InspectionEnterpriseScreen(DeskScreen):
    CSS_PATH = "inspection_enterprise.tcss"
    BINDINGS = [
        Binding("left_square_bracket", "month(-1)", "Prev month", id="inspection.enterprise.prev_month"),
        Binding("right_square_bracket", "month(1)", "Next month", id="inspection.enterprise.next_month"),
    ]

    def __init__(self, enterprise: str, month: str):
        super().__init__()
        self.enterprise, self.month = enterprise, month

    def compose_body(self) -> ComposeResult:
        yield Static(id="enterprise-summary")
        yield KeyedTable(FINDING_COLUMNS, kind="inspection-finding", title=_("Findings"), id="enterprise-findings")
        yield KeyedTable(DECLARATION_COLUMNS, kind="declaration", title=_("Declarations"), id="declarations")
        yield KeyedTable(
            CERTIFICATE_COLUMNS, kind="certificate", title=_("Certificate applications"), id="certificates"
        )

    def on_mount(self) -> None:
        self.query_one("#enterprise-findings", KeyedTable).focus()
        super().on_mount()

    def fetch(self, db, now):
        return inspection_view.enterprise_month(db, self.enterprise, self.month)

    def show(self, month) -> None:
        summary = self.query_one("#enterprise-summary", Static)
        tables = [
            self.query_one(f"#{name}", KeyedTable) for name in ("enterprise-findings", "declarations", "certificates")
        ]
        if month is None:
            show_text(
                summary,
                Text(
                    _("{enterprise}: nothing reported for {month}").format(
                        enterprise=self.enterprise, month=self.month
                    ),
                    style="dim",
                ),
            )
            for table in tables:
                table.show_rows([])
            return
        show_text(summary, summary_text(month))
        findings, declarations, certificates = tables
        findings.show_rows(
            [finding_row(f) for f in month["findings"]],
            note=_("{n} open").format(n=sum(f["status"] == "open" for f in month["findings"])),
        )
        declarations.show_rows(
            [declaration_row(i, d) for i, d in enumerate(month["declarations"])],
            note=_("{n} batches").format(n=month["batches"]),
        )
        certificates.show_rows(
            [certificate_row(c) for c in month["certificates"]],
            note=_("{n} applications").format(n=month["applications"]),
        )

    def action_month(self, step: int) -> None:
        self.month = shift_month(self.month, step)
        self.reload()
