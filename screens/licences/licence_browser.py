"""Licence browser: every licence in number order, one page at a time from SQL by keyset
(never OFFSET, never the whole table in memory), so it stays quick with a million licences.
`]` next page, `[` previous, `0` first; `/` a number prefix, an enterprise code or the start
of a trader's name; `s` resends the licence (or the marked ones) to customs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding

from ediops.i18n import N_, _
from ediops.views import dashboard
from ..kit.base import DeskScreen
from ..kit.cells import clock_time, word
from ..kit.safe import safe
from ..kit.marks import MarkedTable
from ..kit.resend import RESEND_BINDING, ResendActions
from ..kit.widgets import KeyedTable, Row
from ..kit.pane import PaneTable

PAGE = 100
COLUMNS = [
    ("licence", N_("Licence"), 12),
    ("dir", N_("Dir"), 6),
    ("state", N_("State"), 9),
    ("urgent", N_("U"), 1),
    ("qty", N_("Quantity"), 14),
    ("port", N_("Port"), 4),
    ("received", N_("Recvd"), 5),
    ("trader", N_("Trader"), 30),
    ("commodity", N_("Commodity"), 24),
]


def licence_row(r: dict) -> Row:
    return Row(
        r["licence_no"],
        [
            safe(r["licence_no"], "bold"),
            safe(word(r["direction"])),
            safe(word(r["state"])),
            Text("U", style="bold red") if r["urgent"] else Text(""),
            safe(f"{r['quantity']} {r['unit']}"),
            safe(r["port"]),
            clock_time(r["received_at"]),
            safe(r["trader_name"]),
            safe(r["commodity_name"]),
        ],
        {"licence_no": r["licence_no"], "issuer": r["issuer"]},
    )


class LicenceBrowserScreen(ResendActions, DeskScreen):
    CSS_PATH = "licence_browser.tcss"
    ITEM_ACTIONS = frozenset({"forward", "phone", "escalate", "new_ticket"})
    BINDINGS = [
        Binding("right_square_bracket", "page('after')", "Next page", id="browser.next"),
        Binding("left_square_bracket", "page('before')", "Prev page", id="browser.prev"),
        Binding("0", "page('first')", "First page", id="browser.first"),  # g: the desk's find box
        RESEND_BINDING,
    ]

    def __init__(self, query: str = ""):
        super().__init__()
        self.query_text = query
        self.request: tuple[str, str | None] = ("first", None)
        self.first_key: str | None = None
        self.last_key: str | None = None

    def compose_body(self) -> ComposeResult:
        yield MarkedTable(COLUMNS, kind="licence", title=_("Licences"), id="licences")

    def fetch(self, db, now):
        how, key = self.request
        from ediops.licensing.contract import ENTERPRISE_CODE  # not before the desk's first frame

        code = self.query_text if ENTERPRISE_CODE.fullmatch(self.query_text) else None
        rows = dashboard.licence_page(
            db,
            query="" if code else self.query_text,
            enterprise=code,
            limit=PAGE,
            **({} if how == "first" else {how: key}),
        )
        return how, rows, dashboard.licence_total(db)

    def show(self, data) -> None:
        how, rows, total = data
        if not rows and how in ("after", "before"):
            self.app.notify(_("no more licences that way"), severity="information")
            self.request = ("at_or_after", self.first_key)
            return
        self.first_key = rows[0]["licence_no"] if rows else None
        self.last_key = rows[-1]["licence_no"] if rows else None
        self.request = ("at_or_after", self.first_key) if rows else ("first", None)  # a refresh keeps the page
        span = f"{self.first_key} … {self.last_key}" if rows else "none"
        search = f" · search: {self.query_text}" if self.query_text else ""
        table = self.query_one(KeyedTable)
        table.show_rows(
            [licence_row(r) for r in rows],
            note=_("{span} · {total:,} in store{search}").format(span=span, total=total, search=search),
        )
        if how in ("after", "before", "first"):
            table.move_cursor(row=0 if how != "before" else max(0, table.row_count - 1), animate=False)

    def action_page(self, how: str) -> None:
        key = {"after": self.last_key, "before": self.first_key}.get(how)
        if how != "first" and key is None:
            return
        self.request = (how, key)
        self.reload()

    def filter_changed(self, table: KeyedTable | PaneTable, text: str) -> None:
        """Searched in the store (a number prefix uses the primary key)."""
        self.query_text = text.strip()
        self.request = ("first", None)
        self.reload()
