"""Issuer detail: the feed's status and today's volume, its recent batches and rejected
records, and the open findings naming it."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ediops.i18n import N_, _
from ediops.views import dashboard
from ..kit.base import DeskScreen
from ..kit.cells import clock_time, feed_status, sparkline, stamp
from ..kit.safe import join, safe
from ..kit.widgets import KeyedTable, Row, show_text

BATCH_COLUMNS = [
    ("batch", N_("Batch"), 18),
    ("date", N_("Date"), 10),
    ("kind", N_("Kind"), 6),
    ("declared", N_("Decl"), 4),
    ("received", N_("Recv"), 4),
    ("accepted", N_("Acc"), 4),
    ("rejected", N_("Rej"), 4),
    ("at", N_("At"), 19),
    ("times", N_("Sent"), 4),
]
REJECTION_COLUMNS = [
    ("licence", N_("Licence"), 14),
    ("batch", N_("Batch"), 18),
    ("reasons", N_("Reasons"), 30),
    ("at", N_("At"), 5),
]
FINDING_COLUMNS = [("code", N_("Code"), 23), ("subject", N_("Subject"), 30), ("opened", N_("Opened"), 19)]


def _reasons(text: str) -> Text:
    try:
        return safe(", ".join(map(str, json.loads(text))))
    except (ValueError, TypeError):
        return safe(text)


class IssuerDetailScreen(DeskScreen):
    CSS_PATH = "issuer_detail.tcss"
    ITEM_ACTIONS = frozenset({"resolve", "new_ticket"})

    def __init__(self, code: str):
        super().__init__()
        self.code = code

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="issuer-body"):
            yield Static(id="issuer-head")
            yield KeyedTable(BATCH_COLUMNS, kind="batch", title=_("Batches"), id="batches")
            yield KeyedTable(REJECTION_COLUMNS, kind="licence", title=_("Rejected records"), id="rejections")
            yield KeyedTable(FINDING_COLUMNS, kind="finding", title=_("Open findings"), id="findings")

    def fetch(self, db, now):
        return dashboard.issuer_detail(db, self.app.config, self.code, now=now)

    def show(self, data) -> None:
        feed = data["feed"]
        head = self.query_one("#issuer-head", Static)
        if feed is None:
            show_text(head, join(safe(self.code, "bold"), Text(_("is not a configured issuer"), style="bold red")))
        else:
            show_text(
                head,
                join(
                    safe(feed["issuer"], "bold"),
                    safe(feed["name"]),
                    feed_status(feed),
                    Text(
                        _("cutoff {cutoff} · {batches} batches, {licences} licences today · last contact").format(
                            cutoff=feed["cutoff"], batches=feed["batches"], licences=feed["licences"]
                        )
                    ),
                    clock_time(feed["last_contact"]),
                    sparkline(feed["hourly"], 24),
                    safe(feed["last_error"] or "", "red"),
                ),
            )
        self.query_one("#batches", KeyedTable).show_rows(
            [
                Row(
                    b["batch_id"],
                    [
                        safe(b["batch_id"], "bold"),
                        safe(b["business_date"]),
                        safe(b["kind"]),
                        Text(str(b["record_count"])),
                        Text(str(b["received_count"])),
                        Text(str(b["accepted_count"])),
                        Text(str(b["rejected_count"]), style="red" if b["rejected_count"] else ""),
                        stamp(b["received_at"]),
                        Text(str(b["times_received"])),
                    ],
                )
                for b in data["batches"]
            ]
        )
        self.query_one("#rejections", KeyedTable).show_rows(
            [
                Row(
                    str(r["id"]),
                    [
                        safe(r["licence_no"] or "(unreadable)"),
                        safe(r["batch_id"]),
                        _reasons(r["reasons"]),
                        clock_time(r["received_at"]),
                    ],
                    {},
                )
                for r in data["rejections"]
            ]
        )
        self.query_one("#findings", KeyedTable).show_rows(
            [
                Row(
                    str(f["id"]),
                    [safe(f["code"], "bold"), safe(f["subject"]), stamp(f["opened_at"])],
                    {"finding_id": f["id"], "issuer": self.code},
                )
                for f in data["findings"]
            ]
        )
