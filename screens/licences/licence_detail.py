"""Licence detail: every field, the lifecycle timeline, releases with uses n/12 and the
remaining quantity, linked findings and tickets. The item keys act on this licence; `s`
resends it to customs (with the focused ticket linked), `c` compares the port's paper
licence with it, `d` shows the statement for a return or exchange call."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ediops.i18n import N_, _
from ediops.licensing.forward_state import REFUSED, WAITING, describe
from ediops.licensing.licence import find_licence
from ..kit.cells import detail_text, stamp, word
from ..kit.safe import join, safe
from ..kit.widgets import KeyedTable, Row, show_text
from ..kit.base import DeskScreen
from ..kit.resend import RESEND_BINDING, ResendActions

FIELD_COLUMNS = [("field", N_("Field"), 14), ("value", N_("Value"), 60)]
EVENT_COLUMNS = [
    ("at", N_("At"), 19),
    ("event", N_("Event"), 17),
    ("actor", N_("By"), 10),
    ("detail", N_("Detail"), 40),
]
RELEASE_COLUMNS = [
    ("slot", N_("Use"), 5),
    ("declaration", N_("Declaration"), 18),
    ("customs", N_("Cust"), 4),
    ("qty", N_("Quantity"), 14),
    ("on", N_("Released"), 10),
    ("unit_code", N_("Op. unit"), 10),
    ("status", N_("Status"), 9),
]
FINDING_COLUMNS = [
    ("id", N_("Id"), 5),
    ("code", N_("Code"), 23),
    ("status", N_("Status"), 8),
    ("opened", N_("Opened"), 19),
    ("note", N_("Detail / note"), 30),
]
TICKET_COLUMNS = [
    ("id", N_("Ticket"), 10),
    ("status", N_("Status"), 8),
    ("priority", N_("Pri"), 6),
    ("category", N_("Category"), 12),
    ("caller", N_("Caller"), 30),
]


def _pair(code, name) -> Text:
    return join(safe(code, "bold"), safe(name)) if code or name else Text("-", style="dim")


def field_rows(lic: dict, way: str | None = None) -> list[Row]:
    """`way`: the licence's way to customs in words (waiting for customs, attempt 3, next try...)."""
    fields = [
        (N_("Licence"), safe(lic["licence_no"], "bold")),
        (N_("Issuer"), safe(lic["issuer"])),
        (N_("Batch"), safe(lic["batch_id"])),
        (N_("Business date"), safe(lic["business_date"])),
        (N_("Direction"), safe(word(lic["direction"]))),
        (N_("Issued on"), safe(lic["issued_on"])),
        (N_("Trader"), _pair(lic["trader_code"], lic["trader_name"])),
        (N_("Party"), _pair(lic["party_code"], lic["party_name"])),
        (N_("Commodity"), _pair(lic["hs_code"], lic["commodity_name"])),
        (N_("Quantity"), safe(f"{lic['quantity']} {lic['unit']}")),
        (N_("Country"), safe(lic["country"])),
        (N_("Trade mode"), safe(lic["trade_mode"])),
        (N_("Valid"), safe(_("{start} to {end}").format(start=lic["valid_from"], end=lic["valid_to"]))),
        (N_("Port"), safe(lic["port"])),
        (N_("One batch"), Text(_("yes (one release)") if lic["one_batch"] else _("no (up to 12)"))),
        (N_("Urgent"), Text(_("yes"), style="bold red") if lic["urgent"] else Text(_("no"))),
        (N_("Remarks"), safe(lic["remarks"] or "-")),
        (N_("Agents"), safe(", ".join(map(str, lic["agents"])) or "-")),
        (N_("State"), safe(way or word(lic["state"]), "bold")),
        (N_("Received"), stamp(lic["received_at"])),
        (N_("Phoned"), join(stamp(lic["phoned_at"]), safe(lic["phoned_by"] or ""))),
        (N_("Escalated"), join(stamp(lic["escalated_at"]), safe(lic["escalated_by"] or ""))),
        (N_("Forwarded"), stamp(lic["forwarded_at"])),
        (
            N_("Customs"),
            join(
                safe(lic["customs_answer"] or "-"),
                safe(lic["customs_reason"] or ""),
                stamp(lic["customs_answered_at"]) if lic["customs_answered_at"] else Text(""),
            ),
        ),
    ]
    return [Row(name, [Text(_(name), style="dim"), value]) for name, value in fields]


def tally_text(tally: dict) -> Text:
    line = Text(_("Uses "), style="bold")
    uses, limit = tally["uses"], tally["max_uses"]
    line.append(f"{uses}/{limit}", style="bold red" if uses > limit else "")
    line.append(_(" · used {used} · remaining ").format(used=tally["used"]))
    remaining = str(tally["remaining"])
    line.append(
        f"{remaining} {tally.get('unit', '')}".strip(), style="bold red" if remaining.startswith("-") else "green"
    )
    return line


class LicenceDetailScreen(ResendActions, DeskScreen):
    CSS_PATH = "licence_detail.tcss"
    BINDINGS = [
        RESEND_BINDING,
        Binding("c", "paper", "Paper check", id="licence.paper"),
        Binding("d", "statement", "Statement", id="licence.statement"),
    ]

    def __init__(self, licence_no: str):
        super().__init__()
        self.licence_no = licence_no
        self.way: dict = {}  # its way to customs in words, and whether f is a retry (set when shown)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="licence-body"):
            yield Static(id="licence-head")
            yield KeyedTable(FIELD_COLUMNS, kind="field", title=_("Fields"), id="fields")
            yield KeyedTable(EVENT_COLUMNS, kind="event", title=_("Lifecycle"), id="events")
            yield Static(id="tally")
            yield KeyedTable(RELEASE_COLUMNS, kind="release", title=_("Releases"), id="releases")
            yield KeyedTable(FINDING_COLUMNS, kind="finding", title=_("Findings"), id="findings")
            yield KeyedTable(TICKET_COLUMNS, kind="ticket", title=_("Tickets"), id="tickets")

    def fetch(self, db, now):
        """The licence from the store, or read-only from its archive file (docs/retention.md)."""
        return find_licence(db, self.licence_no, now=now)

    def show(self, view) -> None:
        head = self.query_one("#licence-head", Static)
        if view is None:
            show_text(head, join(safe(self.licence_no, "bold"), Text(_("is not in the store"), style="bold red")))
            return
        lic = view["licence"]
        archived = (
            Text(_("archived in {file} · read-only").format(file=view["archived"]), style="bold yellow")
            if view["archived"]
            else None
        )
        held = Text(_("legal hold"), style="bold") if view["legal_hold"] else None
        way = describe(view["way"]) if view.get("way") else None
        self.way = {"way": way, "retry": view["way"]["state"] in (WAITING, REFUSED)} if way else {}
        parts = [safe(lic["licence_no"], "bold"), safe(way or lic["state"]), safe(lic["trader_name"]), archived, held]
        show_text(head, join(*(p for p in parts if p is not None)))
        self.query_one("#fields", KeyedTable).show_rows(field_rows(lic, way))
        self.query_one("#events", KeyedTable).show_rows(
            [
                Row(
                    str(i),
                    [stamp(e["at"]), safe(word(e["event"]), "bold"), safe(e["actor"] or "-"), detail_text(e["detail"])],
                )
                for i, e in enumerate(view["events"])
            ]
        )
        show_text(self.query_one("#tally", Static), tally_text(view["tally"]))
        self.query_one("#releases", KeyedTable).show_rows(
            [
                Row(
                    r["declaration_no"],
                    [
                        Text(f"{r['slot']}/{view['tally']['max_uses']}"),
                        safe(r["declaration_no"]),
                        safe(r["customs_code"]),
                        safe(f"{r['quantity']} {r['unit']}"),
                        safe(r["released_on"]),
                        safe(r["operating_unit_code"]),
                        safe(word(r["status"])),
                    ],
                )
                for r in view["releases"]
            ]
        )
        self.query_one("#findings", KeyedTable).show_rows(
            [
                Row(
                    str(f["id"]),
                    [
                        Text(str(f["id"])),
                        safe(f["code"], "bold"),
                        safe(word(f["status"])),
                        stamp(f["opened_at"]),
                        safe(f["note"]) if f["note"] else detail_text(f["detail"]),
                    ],
                    {"finding_id": f["id"] if f["status"] == "open" else None, "licence_no": self.licence_no},
                )
                for f in view["findings"]
            ]
        )
        self.query_one("#tickets", KeyedTable).show_rows(
            [
                Row(
                    str(t["id"]),
                    [
                        safe(t["id"]),
                        safe(word(t["status"])),
                        safe(word(t["priority"])),
                        safe(word(t["category"])),
                        safe(f"{t['caller']} ({t['org']})"),
                    ],
                    {"ticket_id": t["id"], "licence_no": self.licence_no},
                )
                for t in view["tickets"]
            ]
        )

    def on_data_table_row_selected(self, event) -> None:
        """Enter opens a ticket; the other tables are already about this licence."""
        if event.data_table.id == "tickets":
            super().on_data_table_row_selected(event)

    def action_paper(self) -> None:
        from ..licences.paper import PaperCheckScreen

        self.app.push_screen(PaperCheckScreen(self.licence_no, ticket_id=self.selection().get("ticket_id")))

    def action_statement(self) -> None:
        from ..licences.paper import StatementScreen

        self.app.push_screen(StatementScreen(self.licence_no))

    def selection(self) -> dict:
        """This licence, plus the finding or ticket under the cursor when one of those is focused."""
        context = super().selection() if self.focused and self.focused.id in ("findings", "tickets") else {}
        return {**context, "licence_no": self.licence_no, **self.way}
